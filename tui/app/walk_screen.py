"""The walk: the path taken (Tree), the node's Markdown body, its live checks, choices, decision and fixes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, OptionList, Tree

from tui.app.footer import LocalizedFooter
from tui.app.live_run import LiveRun
from tui.app.messages import WalkMoved, engine_message
from tui.app.node_pane import NodePane
from tui.app.path_tree import PathEntry, PathTree
from tui.app.status_line import StatusLine
from tui.app.walk_elsewhere import OtherScreenKeys
from tui.app.walk_fixes import FixKeys
from tui.i18n import N_, Translated, _
from tui.redact import redact_text

if TYPE_CHECKING:
    from tui.engine.events import Event
    from tui.engine.report import SessionLog
    from tui.engine.walk import Walk


class WalkScreen(FixKeys, OtherScreenKeys):
    """Walk the decision tree: answer questions, watch checks run, follow branches, apply one-key fixes.

    The keys are all bound here, in footer order; running checks (``walk_checks.py``), fix keys
    (``walk_fixes.py``) and the keys that open other screens (``walk_elsewhere.py``) live beside it.
    """

    DEFAULT_CSS = """
    WalkScreen {
        #walk-main { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", N_("Quit"), id="walk.quit", tooltip=N_("Leave agentcore-triage (also ctrl+q)")),
        Binding("b,alt+left", "back", N_("Back"), id="walk.back", tooltip=N_("Go back one step (facts are restored)")),
        Binding(
            "n,alt+right",
            "next",
            N_("Next"),
            id="walk.next",
            tooltip=N_("Follow the branch the checks chose, or redo a step"),
        ),
        Binding("r", "rerun", N_("Re-run"), id="walk.rerun", tooltip=N_("Run this node's checks again")),
        Binding(
            "escape",
            "escape_back",
            N_("Back"),
            show=False,
            id="walk.escape_back",
            tooltip=N_("Go back one step (like b)"),
        ),
        Binding("escape", "cancel", N_("Cancel"), id="walk.cancel", tooltip=N_("Cancel the running checks")),
        Binding(
            "T",
            "change_target",
            N_("Target"),
            show=False,
            id="walk.target",
            tooltip=N_("Back to the start screen to change the target (esc there returns to this walk)"),
        ),
        Binding(
            "slash",
            "search",
            N_("Search"),
            id="walk.search",
            tooltip=N_("Find the node that explains an error message"),
        ),
        Binding("e", "export", N_("Export"), id="walk.export", tooltip=N_("Write the session as Markdown and JSON")),
        Binding(
            "B",
            "bundle",
            N_("Bundle"),
            show=False,
            id="walk.bundle",
            tooltip=N_("Write a support bundle (zip) for support"),
        ),
        Binding(
            "a", "audit", N_("Audit"), show=False, id="walk.audit", tooltip=N_("Every fix applied (the audit log)")
        ),
        Binding("L", "logs", N_("Logs"), show=False, id="walk.logs", tooltip=N_("CloudWatch logs grouped by node")),
        Binding("question_mark,f1", "app.help", N_("Help"), id="walk.help", tooltip=N_("Keys and a short guide")),
    ]

    FOOTER_LEAVE_OUT_FIRST = ("export", "search", "rerun", "back")
    """Keys a narrow footer leaves out first (help lists them): n (the way on), the fix keys and q stay longest."""

    HELP = Translated(N_("The left pane is the path taken; the right pane is the current node."))

    def __init__(
        self, walk: Walk, log: SessionLog, *, export_dir: str | None = None, export_stamp: str | None = None
    ) -> None:
        super().__init__()
        self.walk = walk
        """The walk this screen drives (UI-independent state)."""
        self.session = log
        self.export_dir = export_dir
        self.export_stamp = export_stamp
        self.live = LiveRun()
        self._frame = 0
        self._worker = None
        self._target_change_confirmed = False
        self.returns_to: tuple[Any, ...] | None = None
        """Set when opened over another screen (the fleet view): the app's walk, context and playbook to restore
        when b or esc at the first step return there (``TriageApp.leave_walk``)."""
        walk.listener = self._engine_event

    def _engine_event(self, event: Event) -> None:
        """The walk's listener (called on the loop by the runner): post the typed message."""
        self.post_message(engine_message(event))

    @classmethod
    def for_walk(
        cls, walk: Walk, log: SessionLog, *, export_dir: str | None = None, export_stamp: str | None = None
    ) -> WalkScreen:
        """The screen for this walk, with the playbook's choice and fix keys bound (``node_keys``)."""
        from tui.app.node_keys import screen_class_for

        screen_class = screen_class_for(cls, walk.playbook, walk.registry)
        return screen_class(walk, log, export_dir=export_dir, export_stamp=export_stamp)

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="walk-main"):
            yield PathTree(id="path")
            yield NodePane(id="node-pane")
        yield StatusLine("", id="status-line")
        yield LocalizedFooter(compact=True)

    def on_mount(self) -> None:
        self._titles()
        self._spinner = self.set_interval(0.1, self._tick, pause=True)
        self.show_node()

    def _titles(self) -> None:
        ctx = self.walk.context
        self.title = f"agentcore-triage · {self.walk.playbook.title}"
        tags = [_(t) for t, on_ in ((N_("SANDBOX"), ctx.sandbox), (N_("read-only"), ctx.read_only)) if on_]
        self.sub_title = redact_text(" · ".join([*tags, ctx.runtime or ctx.endpoint or _("no target")]))

    def relocalize(self) -> None:
        """Everything in the current language (the walk, its results and the running checks are kept)."""
        self._titles()
        self.show_node()

    def footer_description(self, action: str) -> str | None:
        """The footer text of a node key (a fix label of the current playbook, in the current language)."""
        from tui.app.node_keys import key_description

        return key_description(self.walk, action)

    # -- rendering ------------------------------------------------------------------------
    def show_node(self) -> None:
        """Render the current node, the path and the status line; refresh which keys work."""
        walk = self.walk
        pane = self.query_one(NodePane)
        running = self.running_node == walk.current
        if not pane.show(walk, rows=self.live.rows_for(walk), offered=self.offered(), running=running):
            self.query_one("#path", PathTree).focus()
        self.query_one("#path", PathTree).show_walk(
            walk, self.running_node, self._spinner_frame() if self.running_node else None
        )
        self.refresh_bindings()
        self._status_line()
        pane.scroll_home(animate=False)

    def _status_line(self) -> None:
        self.query_one(StatusLine).show_walk(self.walk, len(self.session.fixes))

    # -- which keys work here ------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only what works here: fix keys when offered (never in read-only), cancel while running."""
        from tui.playbook.model import CheckNode, QuestionNode

        walk = self.walk
        node = walk.node
        if action in ("fix", "choose") and len(parameters) > 1 and parameters[1] != walk.current:
            return False  # a key of another node (node_keys binds every node's keys)
        if action == "fix":
            if walk.context.read_only:
                return False
            return any(o.ref.key == parameters[0] for o in self.offered())
        if action == "choose":
            return isinstance(node, QuestionNode)
        if action == "back":
            return True if walk.history or self.returns_to is not None else None
        if action == "next":
            running_here = self.running_node == walk.current and not walk.forward_stack
            return True if walk.way_on() is not None and not running_here else None
        if action == "rerun":
            return isinstance(node, CheckNode)
        if action == "cancel":
            return self.running_node is not None
        if action == "escape_back":
            # while checks run, esc cancels them
            return self.running_node is None and (bool(walk.history) or self.returns_to is not None)
        return True

    # -- moving -----------------------------------------------------------------------------
    def _moved(self) -> None:
        """After every move: render, and run the checks of a check node that has not run yet."""
        from tui.playbook.model import CheckNode

        runs = (
            isinstance(self.walk.node, CheckNode)
            and self.walk.current not in self.walk.results
            and self.running_node != self.walk.current
        )
        if not runs:
            self.show_node()
        self.post_message(WalkMoved(self.walk.current))
        if runs:
            self.run_checks()  # renders the node with its checks running (rendering it before too did it all twice)

    def action_choose(self, key: str, node: str | None = None) -> None:
        """Answer the current question with a choice key."""
        from tui.engine.walk import WalkError

        try:
            self.walk.answer(key)
        except WalkError as exc:
            self.notify(str(exc), severity="warning")
            return
        self._moved()

    @on(OptionList.OptionSelected, "#choices")
    def _choice_clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.action_choose(event.option.id)

    def action_back(self) -> None:
        """One step back (b, alt+left)."""
        if self.walk.back():
            self._moved()
        elif self.returns_to is not None:
            self.app.leave_walk(self)  # type: ignore[attr-defined]
        else:
            self.notify(_("Already at the start."), severity="warning", timeout=2)

    async def action_next(self) -> None:
        """Redo a step undone with back, else follow the check node's decision or the diagnosis' next (n, alt+right)."""
        from tui.engine.walk import WalkError
        from tui.playbook.model import CheckNode

        walk = self.walk
        unfinished = walk.current not in walk.results or self.running_node == walk.current
        if not walk.forward_stack and isinstance(walk.node, CheckNode) and unfinished:
            self.notify(_("The checks have not finished yet."), severity="warning", timeout=2)
            return
        try:
            await walk.next_step()
        except WalkError as exc:
            self.notify(str(exc), severity="warning")
            return
        self._moved()

    def jump_to(self, node_id: str, reason: str) -> None:
        """Go to any node (search, command palette); recorded in the path with the reason."""
        if node_id == self.walk.current:
            return
        self.walk.jump(node_id, reason)
        self._moved()

    @on(Tree.NodeSelected, "#path")
    def _path_selected(self, event: Tree.NodeSelected[PathEntry]) -> None:
        entry = event.node.data
        if entry is None or entry.kind in ("current", "note"):
            return
        if entry.kind == "past":
            self.walk.back_to(entry.index)
        elif entry.kind == "forward":
            self.walk.forward_by(entry.index + 1)
        self._moved()

    def action_escape_back(self) -> None:
        """esc when nothing runs: one step back, like b (while checks run, esc cancels them)."""
        self.action_back()

    @on(Tree.NodeHighlighted, "#path")
    def _path_highlighted(self, event: Tree.NodeHighlighted[PathEntry]) -> None:
        """Show the full reason of a path line in the status line (tree lines may be cut at 80 columns)."""
        entry = event.node.data
        if entry is None or entry.kind == "current":
            self._status_line()
            return
        text = entry.describe(self.walk)
        if text:
            self.query_one(StatusLine).show_text(text)

    @on(DataTable.RowHighlighted, "#checks")
    def _row_highlighted(self) -> None:
        self.query_one(NodePane).show_detail(self.walk)
