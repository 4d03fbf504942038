"""The walk: the path taken (Tree), the node's Markdown body, its live checks, choices, decision and fixes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, OptionList, Static, Tree

from tui.app import icons
from tui.app.checks_table import CheckRow, ChecksTable
from tui.app.footer import LocalizedFooter
from tui.app.live_run import LiveRun
from tui.app.messages import (
    CheckRunFinished,
    CheckRunStarted,
    NodeRunCancelled,
    NodeRunFinished,
    WalkMoved,
    engine_message,
)
from tui.app.node_pane import NodePane
from tui.app.path_tree import PathEntry, PathTree
from tui.i18n import N_, Translated, _, ngettext
from tui.redact import redact_text

if TYPE_CHECKING:
    from textual.worker import Worker

    from tui.engine.events import Event
    from tui.engine.fixing import FixOutcome, FixRequest
    from tui.engine.report import SessionLog
    from tui.engine.walk import OfferedFix, Walk
    from tui.results import CheckResult


class WalkScreen(Screen[None]):
    """Walk the decision tree: answer questions, watch checks run, follow branches, apply one-key fixes."""

    DEFAULT_CSS = """
    WalkScreen {
        #walk-main { height: 1fr; }
        #status-line { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
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
        """The running node's rows (the walk stores results only when the node finishes)."""
        self._frame = 0
        self._worker: Worker[Any] | None = None
        self._target_change_confirmed = False
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

    @property
    def running_node(self) -> str | None:
        """Node whose checks are running now."""
        return self.live.node

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="walk-main"):
            yield PathTree(id="path")
            yield NodePane(id="node-pane")
        yield Static("", id="status-line")
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
        walk = self.walk
        ran = sum(len(r) for r in walk.results.values())
        problems = sum(1 for res in walk.results.values() for r in res.values() if r.is_problem)
        facts = len(walk.facts)
        parts = [
            _("step {step}").format(step=len(walk.history) + 1),
            ngettext("{count} check run", "{count} checks run", ran).format(count=ran),
            ngettext("{count} problem", "{count} problems", problems).format(count=problems),
            ngettext("{count} fact", "{count} facts", facts).format(count=facts),
        ]
        if self.session.fixes:
            applied = len(self.session.fixes)
            parts.append(ngettext("{count} fix applied", "{count} fixes applied", applied).format(count=applied))
        text = " · ".join(parts)
        self.query_one("#status-line", Static).update(Text(text))

    def offered(self) -> list[OfferedFix]:
        """Fixes the current node offers now (its check failed or warned; every fix at a diagnosis)."""
        if self.running_node == self.walk.current:
            return []
        return self.walk.offered_fixes()

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
            return True if walk.history else None
        if action == "next":
            running_here = self.running_node == walk.current and not walk.forward_stack
            return True if walk.way_on() is not None and not running_here else None
        if action == "rerun":
            return isinstance(node, CheckNode)
        if action == "cancel":
            return self.running_node is not None
        if action == "escape_back":
            return self.running_node is None and bool(walk.history)  # while checks run, esc cancels them
        return True

    # -- moving -----------------------------------------------------------------------------
    def _moved(self) -> None:
        """After every move: render, and run the checks of a check node that has not run yet."""
        from tui.playbook.model import CheckNode

        self.show_node()
        self.post_message(WalkMoved(self.walk.current))
        if (
            isinstance(self.walk.node, CheckNode)
            and self.walk.current not in self.walk.results
            and self.running_node != self.walk.current
        ):
            self.run_checks()

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

    # -- running checks -----------------------------------------------------------------------
    def run_checks(self, node_id: str | None = None, only: set[str] | None = None) -> Worker[Any]:
        """Start (or restart) a node's checks in the ``checks`` worker group."""
        from tui.playbook.model import CheckNode

        node_id = node_id or self.walk.current
        node = self.walk.playbook.nodes[node_id]
        assert isinstance(node, CheckNode)
        run_id = self.live.start(self.walk, node_id, only)
        self._spinner.resume()
        if node_id == self.walk.current:
            self.show_node()
        self._worker = self._run_node_worker(node_id, only, run_id)
        return self._worker

    @work(exclusive=True, exit_on_error=False, group="checks", description="run a node's checks")
    async def _run_node_worker(self, node_id: str, only: set[str] | None, run_id: int) -> dict[str, CheckResult]:
        """Run the node through the walk (async; sync checks go to threads inside the runner)."""
        try:
            return await self.walk.run_node(node_id, only=only)
        except asyncio.CancelledError:
            if run_id == self.live.seq:
                self.post_message(NodeRunCancelled(node_id, self.live.unfinished()))
            raise
        except Exception as exc:  # noqa: BLE001 - a bad playbook or engine bug must not kill the UI
            self.notify(
                _("Could not run {node}: {error}").format(node=node_id, error=f"{type(exc).__name__}: {exc}"),
                severity="error",
            )
            if run_id == self.live.seq:
                self.post_message(NodeRunCancelled(node_id, []))
            raise

    @on(CheckRunStarted)
    def _check_started(self, message: CheckRunStarted) -> None:
        self._update_live_row(self.live.check_started(message.node, message.key))

    @on(CheckRunFinished)
    def _check_finished(self, message: CheckRunFinished) -> None:
        self._update_live_row(self.live.check_finished(message.node, message.key, message.result))

    def _update_live_row(self, row: CheckRow | None) -> None:
        if row is not None and self.running_node == self.walk.current:
            table = self.query_one("#checks", ChecksTable)
            table.update_row(row)
            if table.highlighted_key == row.key:
                self.query_one(NodePane).show_detail(self.walk)

    @on(NodeRunFinished)
    def _node_finished(self, message: NodeRunFinished) -> None:
        self.session.record_run(message.node, message.results)
        if message.node == self.running_node:
            self._stop_running()
        self.show_node()
        self.refresh_bindings()

    @on(NodeRunCancelled)
    def _node_cancelled(self, message: NodeRunCancelled) -> None:
        if message.node != self.running_node:
            return
        self._stop_running(message.running)
        self.show_node()
        if message.running:
            count = len(message.running)
            self.notify(
                ngettext("Cancelled {count} running check.", "Cancelled {count} running checks.", count).format(
                    count=count
                ),
                title=_("Cancelled"),
                severity="warning",
            )

    def _stop_running(self, cancelled: list[str] | None = None) -> None:
        self.live.stop(cancelled)
        self._spinner.pause()

    def _spinner_frame(self) -> str:
        return icons.SPINNER[self._frame % len(icons.SPINNER)]

    def _tick(self) -> None:
        self._frame += 1
        if self.running_node is None:
            return
        if self.running_node == self.walk.current:
            self.query_one("#checks", ChecksTable).tick()
        self.query_one("#path", PathTree).set_spinner(self.walk, self.running_node, self._spinner_frame())

    def action_rerun(self) -> None:
        """Run the current node's checks again."""
        self.run_checks()

    def action_cancel(self) -> None:
        """Cancel the running checks; thread checks are told to stop and their results dropped."""
        if self._worker is not None and self.running_node is not None:
            self._worker.cancel()

    def action_escape_back(self) -> None:
        """esc when nothing runs: one step back, like b (while checks run, esc cancels them)."""
        self.action_back()

    def action_change_target(self) -> None:
        """T: the start screen, prefilled with this walk's target; esc there returns here, start begins a new walk.

        With fixes applied in this session, a second T confirms: the new walk's session (and its export) starts
        empty, while the audit log keeps every fix (undo stays possible from the audit viewer, per target).
        """
        fixes = len(self.session.fixes)
        if fixes and not self._target_change_confirmed:
            self._target_change_confirmed = True
            self.notify(
                f"{fixes} fix{'es' if fixes != 1 else ''} applied in this session: export it first (e) if you need it. "
                "The audit log keeps them. Press T again to change the target.",
                title="Change the target?",
                severity="warning",
                timeout=8,
            )
            return
        self._target_change_confirmed = False
        self.app.call_later(self.app.action_change_target)  # type: ignore[attr-defined]

    @on(Tree.NodeHighlighted, "#path")
    def _path_highlighted(self, event: Tree.NodeHighlighted[PathEntry]) -> None:
        """Show the full reason of a path line in the status line (tree lines may be cut at 80 columns)."""
        entry = event.node.data
        if entry is None or entry.kind == "current":
            self._status_line()
            return
        text = entry.describe(self.walk)
        if text:
            self.query_one("#status-line", Static).update(Text(text, overflow="ellipsis", no_wrap=True))

    @on(DataTable.RowHighlighted, "#checks")
    def _row_highlighted(self) -> None:
        self.query_one(NodePane).show_detail(self.walk)

    # -- fixes ----------------------------------------------------------------------------------
    def action_fix(self, key: str, node: str | None = None) -> None:
        """Plan the fix bound to ``key``, confirm it in the modal, apply, verify (``run_fix``)."""
        offered = {o.ref.key: o for o in self.offered()}
        if key in offered:
            self._fix_worker(offered[key])

    @work(exclusive=True, exit_on_error=False, group="fix", description="plan, confirm and apply a fix")
    async def _fix_worker(self, offered: OfferedFix) -> FixOutcome:
        from tui.engine.fixing import run_fix

        node = self.walk.current
        outcome = await run_fix(offered.ref, self.walk, self._confirm_fix, node=node, rerun=self._verify)
        self.session.record_fix(node, offered.ref.key, outcome)
        self.show_node()  # a fix applied (or with nothing to do) is no longer offered: not in the pane nor the footer
        self._report_fix(outcome)
        return outcome

    async def _confirm_fix(self, request: FixRequest) -> bool:
        """The fix modal: the exact change, then Apply or Cancel."""
        from tui.app.fix_modal import FixModal

        title = self.walk.playbook.nodes[request.node or self.walk.current].title
        needed_by = _(request.needed_by.title) if request.needed_by is not None else ""
        confirmed: bool = await self.app.push_screen_wait(FixModal(request.plan, node_title=title, needed_by=needed_by))
        return confirmed

    async def _verify(self, node_id: str) -> None:
        """Re-run the node in the live table (esc still cancels it)."""
        await self.run_checks(node_id).wait()

    def _report_fix(self, outcome: FixOutcome) -> None:
        from tui.app.fix_notices import fix_notices

        for notice in fix_notices(outcome):
            self.notify(notice.message, title=notice.title, severity=notice.severity, timeout=notice.timeout)

    # -- other screens ----------------------------------------------------------------------------
    def action_search(self, text: str = "") -> None:
        """Symptom search (/): jump to the node that explains pasted error text."""
        from tui.app.language import SEARCH_JUMP_REASON
        from tui.app.search_screen import SearchScreen

        def chosen(node_id: str | None) -> None:
            if node_id:
                self.jump_to(node_id, _(SEARCH_JUMP_REASON))

        self.app.push_screen(SearchScreen(self.walk.playbook, text), chosen)

    def action_export(self) -> None:
        """Export the session (e)."""
        from tui.app.export_screen import ExportScreen

        self.app.push_screen(ExportScreen(self.walk, self.session, self.export_dir, self.export_stamp))

    def action_bundle(self) -> None:
        """Write a support bundle of this session (B); `agentcore-triage open` replays it."""
        from tui.app.bundle_key import start_bundle

        start_bundle(self, self.walk, self.session, directory=self.export_dir, stamp=self.export_stamp)

    def action_audit(self) -> None:
        """The audit-log viewer (a)."""
        from tui.app.audit_screen import AuditScreen

        self.app.push_screen(AuditScreen(), self._after_audit)

    def _after_audit(self, undone: list[tuple[str, str | None]] | None) -> None:
        """Fixes undone in the viewer: run the checks they remedied again, so no undone fix stays green."""
        if undone:
            self._recheck(undone)

    @work(exclusive=True, exit_on_error=False, group="recheck", description="re-run checks after an undo")
    async def _recheck(self, undone: list[tuple[str, str | None]]) -> None:
        from tui.app.audit_screen import forget_settled, nodes_to_recheck

        forget_settled(self.walk, undone)
        for node_id in nodes_to_recheck(self.walk, undone):
            await self.run_checks(node_id).wait()
        self.show_node()  # at a diagnosis nothing re-ran: its fix keys are back all the same

    def action_logs(self) -> None:
        """The runtime's logs grouped by the node that explains them (L); enter jumps to that node."""
        from tui.app.logs_screen import LogsScreen

        def chosen(node_id: str | None) -> None:
            if node_id:
                self.jump_to(node_id, "the logs screen: this node explains those log events")

        self.app.push_screen(LogsScreen(self.walk), chosen)

    def run_single_check(self, key: str) -> None:
        """Run one check of the current node (command palette)."""
        self.run_checks(only={key})
