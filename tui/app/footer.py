"""The footer, in the chosen language.

Textual's ``Footer`` shows ``binding.description`` and ``binding.tooltip`` as they are. Bindings are declared once,
on their classes, with English descriptions marked ``N_()`` (so Babel extracts them); this footer translates each
key's description and tooltip with ``_()`` when it composes, so the same classes serve both languages and a
language switch only needs ``recompose()``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from tui.i18n import N_, _

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
    """``Footer`` whose key descriptions and tooltips are shown in the current language."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # Footer keys carry ``description`` (their class is not public in Textual: duck-typed).
            description = getattr(widget, "description", None)
            if isinstance(description, str) and description:
                widget.description = _(description)  # type: ignore[attr-defined]
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = _(widget.tooltip)
            yield widget
