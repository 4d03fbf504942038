"""Symptom search: paste an error message, a log excerpt, a guide heading or section number, or describe the symptom
(English or Japanese); get the nodes that answer it, jump there."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from tui.playbook.model import Playbook


NODE_KINDS = {"question": N_("question"), "check": N_("check"), "diagnosis": N_("diagnosis")}


def describe_reason(kind: str, detail: str) -> str:
    """Why a node was found, for its line in the results."""
    if kind == "signatures":
        return ngettext("{count} signature", "{count} signatures", int(detail)).format(count=detail)
    if kind == "section":
        return _("guide section {number}").format(number=detail)
    if kind == "heading":
        return _("guide: {heading}").format(heading=detail)
    if kind == "word":
        return _("the word “{word}”").format(word=detail)
    return _("words in its text")


class PasteSafeTextArea(TextArea):
    """The search text: a key that arrives in a burst of typed-in text is text, not a command.

    A terminal without bracketed paste (or with it switched off) sends pasted text as keys: a line feed arrives as
    ctrl+j (the jump-to-best key) and a tab as tab (move to the results), so a pasted multi-line error jumped to
    a node, or left the rest of the paste to the results list, before the paste had finished. Such keys are all
    parsed from the terminal before the first of them is handled; a key pressed by hand is created after the one
    before it was handled. So ctrl+j, enter and tab that were already waiting while the previous key was handled
    are inserted as a line break (a tab) instead; once the input has settled they are commands again.
    """

    BURST_TEXT: ClassVar[dict[str, str]] = {"ctrl+j": "\n", "enter": "\n", "tab": "\t"}
    """What a key means when it comes inside a burst of input: the character the terminal sent for it."""

    _previous_key_handled_at: float | None = None
    """When (on the clock of ``Message.time``) the last key reaching this area had been handled."""

    async def _on_key(self, event: events.Key) -> None:
        inside_burst = self._previous_key_handled_at is not None and event.time <= self._previous_key_handled_at
        text = self.BURST_TEXT.get(event.key) if inside_burst and not self.read_only else None
        if text is not None:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard(text, start, end)
        else:
            await super()._on_key(event)
        self._previous_key_handled_at = _clock()


def _clock() -> float:
    """Now, on the clock Textual stamps messages with (``Message.time``)."""
    return Message().time


class SearchScreen(ModalScreen["str | None"]):
    """Nodes ranked for the pasted text (``tui.playbook.search``); dismisses with the chosen node id."""

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
        #search-title { width: 100%; }
        #search-text { height: 6; min-height: 3; }
        #search-results { height: auto; max-height: 10; margin-top: 1; }
        #search-hint { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="search.close", tooltip=N_("Back to the walk")),
        Binding("tab", "focus_results", N_("Results"), id="search.results", tooltip=N_("Move to the ranked results")),
        Binding("ctrl+j", "jump_best", N_("Jump to best"), id="search.best", tooltip=N_("Jump to the best match")),
    ]

    def __init__(self, playbook: Playbook, text: str = "") -> None:
        super().__init__()
        self.playbook = playbook
        self.initial_text = text
        self.matches: list[tuple[str, int]] = []
        """Ranked (node id, signatures matched) pairs for the current text."""

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog"):
            yield Label(
                _("Symptom search: paste an error message, a log excerpt or a guide heading"), id="search-title"
            )
            yield PasteSafeTextArea(self.initial_text, id="search-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="search-hint")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-dialog").border_title = _("/ search")
        self._rank(self.initial_text)
        self.query_one(TextArea).focus()

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._rank(event.text_area.text)

    def _rank(self, text: str) -> None:
        from tui.playbook.search import rank_nodes

        hits = rank_nodes(self.playbook, text)
        self.matches = [(hit.node, hit.signatures) for hit in hits]
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        for hit in hits:
            node = self.playbook.nodes[hit.node]
            why = describe_reason(*hit.reasons[0])
            results.add_option(
                Option(
                    f"[b]{escape(node.title)}[/b]  [dim]{_(NODE_KINDS[node.kind])} · {escape(hit.node)} · {escape(why)}[/]",
                    id=hit.node,
                )
            )
        hint = self.query_one("#search-hint", Static)
        if not text.strip():
            hint.update(_("Type or paste text; matching nodes appear below, best first."))
        elif not self.matches:
            hint.update(_("No node explains that text. Try the error line itself, or a shorter excerpt."))
        else:
            hint.update(
                ngettext(
                    "{count} match: tab to the list, enter to jump (ctrl+j jumps to the best).",
                    "{count} matches: tab to the list, enter to jump (ctrl+j jumps to the best).",
                    len(self.matches),
                ).format(count=len(self.matches))
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
