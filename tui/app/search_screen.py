"""Symptom search: paste an error message or log excerpt, get the nodes that explain it, jump there."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from tui.playbook.model import Playbook


class SearchScreen(ModalScreen["str | None"]):
    """Ranked matches of the pasted text against every node's signatures; dismisses with the chosen node id."""

    DEFAULT_CSS = """
    SearchScreen {
        align: center middle;
        & > #search-dialog {
            width: 90%;
            max-width: 110;
            height: auto;
            max-height: 90%;
            border: thick $accent 70%;
            background: $panel;
            padding: 0 1;
        }
        #search-text { height: 6; min-height: 3; }
        #search-results { height: auto; max-height: 10; margin-top: 1; }
        #search-hint { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="search.close", tooltip="Back to the walk"),
        Binding("tab", "focus_results", "Results", id="search.results", tooltip="Move to the ranked results"),
        Binding("ctrl+j", "jump_best", "Jump to best", id="search.best", tooltip="Jump to the best match"),
    ]

    def __init__(self, playbook: Playbook, text: str = "") -> None:
        super().__init__()
        self.playbook = playbook
        self.initial_text = text
        self.matches: list[tuple[str, int]] = []
        """Ranked (node id, score) pairs for the current text."""

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog"):
            yield Label("Symptom search: paste an error message or a log excerpt", id="search-title")
            yield TextArea(self.initial_text, id="search-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="search-hint")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-dialog").border_title = "/ search"
        self._rank(self.initial_text)
        self.query_one(TextArea).focus()

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._rank(event.text_area.text)

    def _rank(self, text: str) -> None:
        from tui.playbook.matching import match_signatures

        self.matches = match_signatures(self.playbook, text) if text.strip() else []
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        for node_id, score in self.matches:
            node = self.playbook.nodes[node_id]
            results.add_option(
                Option(
                    f"[b]{escape(node.title)}[/b]  [dim]{node.kind} · {escape(node_id)} · {score} signature{'s' if score != 1 else ''}[/]",
                    id=node_id,
                )
            )
        hint = self.query_one("#search-hint", Static)
        if not text.strip():
            hint.update("Type or paste text; matching nodes appear below, best first.")
        elif not self.matches:
            hint.update("No node explains that text. Try the error line itself, or a shorter excerpt.")
        else:
            hint.update(
                f"{len(self.matches)} match{'es' if len(self.matches) != 1 else ''}: tab to the list, enter to jump (ctrl+j jumps to the best)."
            )
        results.display = bool(self.matches)
        if self.matches:
            results.highlighted = 0

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_results(self) -> None:
        """Move the focus to the results (tab)."""
        if self.matches:
            self.query_one("#search-results").focus()

    def action_jump_best(self) -> None:
        """Jump to the best match."""
        if self.matches:
            self.dismiss(self.matches[0][0])

    def action_close(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
