"""A read-only page of recorded text (a replay's fix plans, its audit records): Markdown, scrollable, esc closes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from tui.i18n import N_


class RecordedScreen(ModalScreen[None]):
    """Shows what a support bundle recorded; nothing on it acts."""

    DEFAULT_CSS = """
    RecordedScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90%;
            max-width: 110;
            height: 85%;
            border: thick $warning 70%;
            background: $panel;
            padding: 0 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", N_("Close"), id="recorded.close", tooltip=N_("Back to the replay")),
    ]

    def __init__(self, title: str, markdown: str) -> None:
        super().__init__()
        self.heading = title
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="recorded"):
            yield Markdown(self.markdown, id="recorded-text")

    def on_mount(self) -> None:
        self.query_one("#recorded").border_title = self.heading
        self.query_one("#recorded").focus()

    def action_close(self) -> None:
        self.dismiss(None)
