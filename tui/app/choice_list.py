"""The answers of a question node; pick one with its key or a click."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import BindingType
from textual.markup import escape
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
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

    HELP = "Press a choice's key, or move to it and press enter, or click it."

    def set_choices(self, choices: list[Choice], answered: str | None = None) -> None:
        """Show these choices; the one answered before (if any) is highlighted."""
        self.clear_options()
        self.add_options(
            Option(
                f"[b $accent]{escape(c.key)}[/]  {escape(c.label)}"
                + ("  [dim](your answer)[/]" if c.key == answered else ""),
                id=c.key,
            )
            for c in choices
        )
        keys = [c.key for c in choices]
        self.highlighted = keys.index(answered) if answered in keys else 0
