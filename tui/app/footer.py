"""The footer, in the chosen language.

Textual's ``Footer`` shows ``binding.description`` and ``binding.tooltip`` as they are. Bindings are declared once,
on their classes, with English descriptions marked ``N_()`` (so Babel extracts them); this footer translates each
key's description and tooltip with ``_()`` when it composes, so the same classes serve both languages and a
language switch only needs ``recompose()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.widgets import Footer

from tui.i18n import N_, _, current_language

if TYPE_CHECKING:
    from collections.abc import Hashable

    from textual.screen import Screen
    from textual.widget import Widget

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

    _left_out: tuple[str, ...] = ()
    """Actions of the keys the last compose left out for want of width (see ``_fitting``)."""

    def compose(self) -> ComposeResult:
        described = getattr(self.screen, "footer_description", None)
        widgets: list[Widget] = []
        for widget in super().compose():
            # Footer keys carry ``description`` and ``action`` (their class is not public in Textual: duck-typed).
            description = getattr(widget, "description", None)
            if isinstance(description, str) and description:
                fresh = described(widget.action) if callable(described) else None  # type: ignore[attr-defined]
                widget.description = fresh or _(description)  # type: ignore[attr-defined]
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = _(widget.tooltip)
            self._born_in_style(widget)
            widgets.append(widget)
        kept, self._left_out = self._fitting(widgets, self._width())
        yield from kept

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def on_resize(self) -> None:
        """Compose again when the keys shown no longer fit, or some were left out (the new width may fit them)."""
        if not self._bindings_ready or not self.children:
            return
        _kept, left_out = self._fitting(list(self.children), self._width())
        if left_out or self._left_out:
            self.call_after_refresh(self.recompose)

    def _fitting(self, widgets: list[Widget], width: int) -> tuple[list[Widget], tuple[str, ...]]:
        """The keys that fit in ``width`` cells, and the actions of those left out.

        Textual lays the keys out in one row and cuts what does not fit at the right edge, where the help key is:
        at 80 columns a node with a fix key lost "? Help", the key that lists every other one. The help key and the
        command palette always stay; the others are left out from the last (the least needed: keys are declared in
        footer order, the current node's fix keys first) until the rest fits, after the actions a screen names in
        ``FOOTER_LEAVE_OUT_FIRST``. Help lists the keys left out.
        """
        cells = [_key_cells(widget, compact=self.compact) for widget in widgets]
        if None in cells:  # a binding group or a label: not measured here, so nothing is left out
            return widgets, ()
        total = sum(c for c in cells if c is not None)
        first: tuple[str, ...] = getattr(self.screen, "FOOTER_LEAVE_OUT_FIRST", ())
        actions = [getattr(widget, "action", None) for widget in widgets]
        order = [actions.index(a) for a in first if a in actions] + list(reversed(range(len(widgets))))
        left_out: set[int] = set()
        for index in order:
            if total <= width:
                break
            if index in left_out or _pinned(widgets[index]):
                continue
            left_out.add(index)
            total -= cells[index] or 0
        kept = [w for i, w in enumerate(widgets) if i not in left_out]
        return kept, tuple(str(getattr(widgets[i], "action", "")) for i in sorted(left_out))

    def _born_in_style(self, widget: Widget) -> None:
        """Give a key the footer's ``compact`` (and its class) before it is mounted, as Textual would after.

        Textual binds each key's ``compact`` to the footer's and sets the key's ``-compact`` class from it once the key
        is mounted: every key, with its two styled parts, was styled twice (three times in a footer that is not
        compact: compact first, by the key's default). The footer composes again whenever its keys change, about
        four times a node, so this was a fifth of the styling a walk does (measured: 458 style applications a walk
        through two nodes, 371 now). The command-palette key is not bound to the footer's ``compact``: it keeps its own.
        """
        compact = getattr(type(widget), "compact", None)
        if not isinstance(compact, Reactive):
            return
        if not widget.has_class("-command-palette"):
            widget.set_reactive(compact, self.compact)
        widget.set_class(bool(getattr(widget, "compact", False)), "-compact", update=False)


HELP_ACTIONS = frozenset({"app.help", "help", "app.show_help_panel"})
"""Actions of the keys that open the help (which lists every key): never left out of a narrow footer."""


def _pinned(widget: Widget) -> bool:
    return widget.has_class("-command-palette") or getattr(widget, "action", None) in HELP_ACTIONS


def _key_cells(widget: Widget, *, compact: bool) -> int | None:
    """Cells a footer key takes in the row (Textual's footer CSS: key, description, padding, margin, border);
    None for anything that is not a plain key."""
    key_display = getattr(widget, "key_display", None)
    description = getattr(widget, "description", None)
    if not isinstance(key_display, str) or not isinstance(description, str) or widget.has_class("-grouped"):
        return None
    text = cell_len(key_display) + (1 + cell_len(description) if description else 0)
    if widget.has_class("-command-palette"):  # docked right behind a one-cell border, and always compact itself
        return 1 + text + (0 if compact else 1)
    return text + 1 if compact else text + 2  # compact: one cell of margin; otherwise padding either side


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
