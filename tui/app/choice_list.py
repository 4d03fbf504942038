"""The answers of a question node; pick one with its key or a click."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.binding import BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.i18n import N_, Translated, _, current_language

if TYPE_CHECKING:
    from collections.abc import Hashable

    from tui.playbook.model import Choice


class ChoiceList(OptionList):
    """Choices of the current question; the option id is the choice key."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 12;
        margin: 0 0 1 0;
        border: round $primary 40%;
        &:focus { border: round $primary; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = []

    _shown: Hashable = None
    """What the options show: the choices, the answer, the language and the accent colour of their keys."""

    HELP = Translated(N_("Press a choice's key, or move to it and press enter, or click it."))

    def set_choices(self, choices: list[Choice], answered: str | None = None) -> None:
        """Show these choices; the one answered before (if any) is highlighted."""
        shown = (
            tuple((c.key, c.label) for c in choices),
            answered,
            current_language(),
            self.app.current_theme.accent,
        )
        if shown != self._shown:
            # Only when they changed: new options make the list measure and render every line again, and the walk
            # shows its node again after each run and cancel.
            self._shown = shown
            self.clear_options()
            self.add_options(Option(self._prompt(c, c.key == answered), id=c.key) for c in choices)
        keys = [c.key for c in choices]
        self.highlighted = keys.index(answered) if answered in keys else 0

    def _prompt(self, choice: Choice, answered: bool) -> Table:
        """The key in its own column, the label wrapping beside it (a long label never leaves the key alone)."""
        accent = self.app.current_theme.accent or ""
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        label = Text(choice.label)
        if answered:
            label.append("  " + _("(your answer)"), style="dim")
        grid.add_row(Text(choice.key, style=f"bold {accent}".strip()), label)
        return grid
