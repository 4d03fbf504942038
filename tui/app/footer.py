"""The footer, in the chosen language.

Textual's ``Footer`` shows ``binding.description`` and ``binding.tooltip`` as they are. Bindings are declared once,
on their classes, with English descriptions marked ``N_()`` (so Babel extracts them); this footer translates each
key's description and tooltip with ``_()`` when it composes, so the same classes serve both languages and a
language switch only needs ``recompose()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Footer

from tui.i18n import N_, _, current_language

if TYPE_CHECKING:
    from collections.abc import Hashable

    from textual.screen import Screen

TEXTUAL_DESCRIPTIONS = (
    N_("palette"),
    N_("Quit"),
    N_("Quit the app and return to the command prompt."),
    N_("Copy selected text"),
    N_("Focus Next"),
    N_("Focus Previous"),
)
"""Descriptions Textual itself gives its bindings (the command palette key, quit, copy): catalogued here."""


class LocalizedFooter(Footer):
    """``Footer`` whose key descriptions and tooltips are shown in the current language.

    A screen may supply texts for keys built from data (a playbook's fix keys): ``footer_description(action)``.
    """

    _shown: Hashable = None
    """What the keys last composed showed (see ``bindings_changed``)."""

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Compose the keys again only when what they show changed.

        Textual's footer recomposes on every bindings update (each focus move, each ``refresh_bindings``), which
        mounts a fresh widget per key and styles it: a walk screen sent about twenty a node, nearly all unchanged.
        """
        shown = self._keys_shown(screen)
        if shown == self._shown:
            return
        if screen.app.app_focus:
            self._shown = shown
        super().bindings_changed(screen)

    @staticmethod
    def _keys_shown(screen: Screen[Any]) -> Hashable:
        described = getattr(screen, "footer_description", None)
        return current_language(), tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip, binding.group)
            + ((described(binding.action),) if callable(described) else ())
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        described = getattr(self.screen, "footer_description", None)
        for widget in super().compose():
            # Footer keys carry ``description`` and ``action`` (their class is not public in Textual: duck-typed).
            description = getattr(widget, "description", None)
            if isinstance(description, str) and description:
                fresh = described(widget.action) if callable(described) else None  # type: ignore[attr-defined]
                widget.description = fresh or _(description)  # type: ignore[attr-defined]
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = _(widget.tooltip)
            yield widget


TEXTUAL_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Keys"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Hide the keys and widget help panel"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
    N_("Quit the application as soon as possible"),
    N_("Search for commands…"),
)
"""Textual's own command-palette commands (``App.get_system_commands``), catalogued so they are shown translated."""
