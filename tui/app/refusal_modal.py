"""Why an undo was refused, in full: the reason and its three-way difference, scrollable at any size.

A refusal for drift carries the whole picture (what the fix changed, what changed since); a
notification cut it at the top of an 80x24 screen and vanished before it could be read.
"""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.i18n import N_, _


class RefusalModal(ModalScreen[None]):
    """A title, the reason (first line) and the details below it; esc, enter or n closes it."""

    DEFAULT_CSS = """
    RefusalModal {
        align: center middle;
        & > #refusal-dialog {
            width: 90%;
            max-width: 110;
            height: 90%;
            border: thick $error 70%;
            background: $panel;
            padding: 0 1;
        }
        #refusal-title { text-style: bold; width: 1fr; height: 1; }
        #refusal-body { height: 1fr; border: round $primary 30%; padding: 0 1; }
        #refusal-hint { color: $text-muted; height: 1; dock: bottom; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="refusal.close", tooltip=N_("Back")),
        Binding("enter", "close", N_("Close"), show=False, id="refusal.enter", tooltip=N_("Back")),
        Binding("n", "close", N_("Close"), show=False, id="refusal.n", tooltip=N_("Back")),
        Binding("q", "app.quit", N_("Quit"), show=False, id="refusal.quit", tooltip=N_("Leave agentcore-triage")),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        reason, _sep, details = self.message.partition("\n")
        with Vertical(id="refusal-dialog"):
            yield Label(self.title_text, id="refusal-title", markup=False)
            yield Static(
                Text.assemble(("esc", "bold"), _(" close  "), ("PgDn", "bold"), _("/mouse: scroll")), id="refusal-hint"
            )
            with VerticalScroll(id="refusal-body"):
                yield Static(Text(reason, style="bold"), id="refusal-reason")
                if details:  # the three-way difference: unified diffs under their headings
                    yield Static(
                        Syntax(details, "diff", theme="ansi_dark", background_color="default", word_wrap=True),
                        id="refusal-details",
                    )

    def on_mount(self) -> None:
        self.query_one("#refusal-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
