"""The walk: the path taken (Tree), the node's Markdown body, its live checks, choices, decision and fixes."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Markdown, OptionList, Static, Tree

from tui.app import icons
from tui.app.check_detail import CheckDetail
from tui.app.checks_table import CheckRow, ChecksTable
from tui.app.choice_list import ChoiceList
from tui.app.messages import CheckRunFinished, CheckRunStarted, NodeRunCancelled, NodeRunFinished, WalkMoved
from tui.app.path_tree import PathEntry, PathTree

if TYPE_CHECKING:
    from textual.worker import Worker

    from tui.app.session import SessionLog
    from tui.engine.events import Event
    from tui.engine.walk import OfferedFix, Walk
    from tui.results import CheckResult

KIND_BADGE = {
    "question": "[b $accent]QUESTION[/]",
    "check": "[b $primary]CHECKS[/]",
    "diagnosis": "[b $warning]DIAGNOSIS[/]",
}


class WalkScreen(Screen[None]):
    """Walk the decision tree: answer questions, watch checks run, follow branches, apply one-key fixes."""

    DEFAULT_CSS = """
    WalkScreen {
        #walk-main { height: 1fr; }
        #node-pane {
            width: 1fr;
            height: 1fr;
            padding: 0 1;
            border: round $primary 40%;
            border-title-color: $text-muted;
            &:focus-within { border: round $primary 70%; }
        }
        #node-title { height: auto; margin-bottom: 0; }
        #node-body { height: auto; margin: 0; padding: 0; background: transparent; }
        #decision { height: auto; margin: 0 0 1 0; padding: 0 1; background: $boost; }
        #fixes { height: auto; margin: 0 0 1 0; padding: 0 1; background: $warning 15%; }
        #status-line { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", show=False, id="walk.quit", tooltip="Leave agentcore-triage"),
        Binding("b,alt+left", "back", "Back", id="walk.back", tooltip="Go back one step (facts are restored)"),
        Binding(
            "n,alt+right", "next", "Next", id="walk.next", tooltip="Follow the branch the checks chose, or redo a step"
        ),
        Binding("r", "rerun", "Re-run", id="walk.rerun", tooltip="Run this node's checks again"),
        Binding("escape", "cancel", "Cancel", id="walk.cancel", tooltip="Cancel the running checks"),
        Binding("slash", "search", "Search", id="walk.search", tooltip="Find the node that explains an error message"),
        Binding("e", "export", "Export", id="walk.export", tooltip="Write the session as Markdown and JSON"),
        Binding("a", "audit", "Audit", show=False, id="walk.audit", tooltip="Every fix applied (the audit log)"),
        Binding("L", "logs", "Logs", show=False, id="walk.logs", tooltip="CloudWatch logs grouped by node"),
        Binding("question_mark,f1", "help", "Help", id="walk.help", tooltip="Keys and a short guide"),
    ]

    HELP = "The left pane is the path taken; the right pane is the current node."

    def __init__(
        self, walk: Walk, log: SessionLog, *, export_dir: str | None = None, export_stamp: str | None = None
    ) -> None:
        super().__init__()
        self.walk = walk
        """The walk this screen drives (UI-independent state)."""
        self.session = log
        self.export_dir = export_dir
        self.export_stamp = export_stamp
        self.running_node: str | None = None
        """Node whose checks are running now."""
        self.live: dict[str, CheckRow] = {}
        """Rows of the running node (the walk stores results only when the node finishes)."""
        self._frame = 0
        self._run_seq = 0
        self._worker: Worker[Any] | None = None
        self._last_cancelled: dict[str, set[str]] = {}
        walk.listener = self._engine_event

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="walk-main"):
            yield PathTree(id="path")
            with VerticalScroll(id="node-pane"):
                yield Static("", id="node-title")
                yield Markdown("", id="node-body")
                yield ChoiceList(id="choices")
                yield ChecksTable(id="checks")
                yield Static("", id="decision")
                yield Static("", id="fixes")
                yield CheckDetail("", id="detail")
        yield Static("", id="status-line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        ctx = self.walk.context
        self.title = f"agentcore-triage · {self.walk.playbook.title}"
        tags = [t for t, on_ in (("SANDBOX", ctx.sandbox), ("read-only", ctx.read_only)) if on_]
        self.sub_title = " · ".join(tags + [ctx.runtime or ctx.endpoint or "no target"])
        self._spinner = self.set_interval(0.1, self._tick, pause=True)
        self.show_node()

    # -- engine events (called on the loop by the runner; turned into typed messages) -----------
    def _engine_event(self, event: Event) -> None:
        from tui.engine.events import CheckFinished, CheckStarted, NodeFinished

        if isinstance(event, CheckStarted):
            self.post_message(CheckRunStarted(event.node, event.key, event.check))
        elif isinstance(event, CheckFinished):
            self.post_message(CheckRunFinished(event.node, event.key, event.result))
        elif isinstance(event, NodeFinished):
            self.post_message(NodeRunFinished(event.node, dict(event.results)))

    # -- rendering ------------------------------------------------------------------------
    def show_node(self) -> None:
        """Render the current node (and the path), rebuild the dynamic key bindings."""
        from tui.playbook.model import CheckNode, DiagnosisNode, QuestionNode

        walk = self.walk
        node = walk.node
        pane = self.query_one("#node-pane")
        pane.border_title = f"{walk.current}"
        self.query_one("#node-title", Static).update(f"{KIND_BADGE[node.kind]}  [b]{escape(node.title)}[/]")
        body = node.body.strip()
        if isinstance(node, DiagnosisNode):
            sev = node.severity.value
            body = f"**Severity: {sev}**\n\n{body}" if body else f"**Severity: {sev}**"
            if node.next_steps:
                body += "\n\n**Next steps**\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(node.next_steps, 1))
        self.query_one("#node-body", Markdown).update(body)
        choices = self.query_one("#choices", ChoiceList)
        checks = self.query_one("#checks", ChecksTable)
        detail = self.query_one("#detail", CheckDetail)
        choices.display = isinstance(node, QuestionNode)
        checks.display = isinstance(node, CheckNode)
        detail.display = isinstance(node, CheckNode)
        if isinstance(node, QuestionNode):
            choices.set_choices(node.choices, walk.answers.get(walk.current))
            choices.focus()
        elif isinstance(node, CheckNode):
            checks.set_rows(self._rows())
            checks.focus()
            self._show_detail()
        else:
            self.query_one("#path", PathTree).focus()
        self._show_decision_and_fixes()
        self.query_one("#path", PathTree).show_walk(
            walk, self.running_node, self._spinner_frame() if self.running_node else None
        )
        self._rebuild_bindings()
        self._status_line()
        pane.scroll_home(animate=False)

    def _rows(self) -> list[CheckRow]:
        from tui.playbook.model import CheckNode

        walk = self.walk
        node = walk.node
        assert isinstance(node, CheckNode)
        if self.running_node == walk.current:
            return list(self.live.values())
        stored = walk.results.get(walk.current, {})
        cancelled = self._last_cancelled.get(walk.current, set())
        rows = []
        for inv in node.checks:
            spec = walk.registry.checks.get(inv.check)
            state = "done" if inv.key in stored else ("cancelled" if inv.key in cancelled else "pending")
            rows.append(CheckRow(inv.key, spec.title if spec else inv.key, state, stored.get(inv.key)))
        return rows

    def _show_detail(self) -> None:
        checks = self.query_one("#checks", ChecksTable)
        key = checks.highlighted_key
        if key is None:
            return
        row = checks.rows_by_key.get(key)
        node = self.walk.node
        inv = next((i for i in getattr(node, "checks", []) if i.key == key), None)
        spec = self.walk.registry.checks.get(inv.check) if inv else None
        self.query_one("#detail", CheckDetail).show(
            key, spec, row.result if row else None, row.state if row else "pending"
        )

    def _show_decision_and_fixes(self) -> None:
        from tui.playbook.model import CheckNode, DiagnosisNode

        walk = self.walk
        node = walk.node
        decision = self.query_one("#decision", Static)
        text = ""
        if walk.forward_stack:
            step = walk.forward_stack[-1]
            text = f"[b]n[/b] → redo: [b]{escape(walk.playbook.nodes[step.target].title)}[/]  [dim]({escape(step.reason)})[/]"
        elif isinstance(node, CheckNode):
            if self.running_node == walk.current:
                text = "[dim]checks running… esc cancels[/]"
            elif walk.decision() is not None:
                target, reason = walk.decision()  # type: ignore[misc]
                text = (
                    f"[b]n[/b] → next: [b]{escape(walk.playbook.nodes[target].title)}[/]\n[dim]why: {escape(reason)}[/]"
                )
            else:
                text = "[dim]not run yet: press r[/]"
        elif isinstance(node, DiagnosisNode) and node.next:
            text = f"[b]n[/b] → continue: [b]{escape(walk.playbook.nodes[node.next].title)}[/]"
        elif isinstance(node, DiagnosisNode):
            text = "[dim]End of this branch. b goes back, / searches, e exports the session.[/]"
        decision.update(text)
        decision.display = bool(text)
        fixes = self.query_one("#fixes", Static)
        offered = self.offered()
        if offered and not walk.context.read_only:
            lines = ["[b]Fixes[/b] [dim](you see the exact change first)[/]"]
            for o in offered:
                why = f" [dim]for {escape(o.ref.for_)}[/]" if o.ref.for_ else ""
                risk = o.spec.risk.value
                lines.append(
                    f"[b reverse] {escape(o.ref.key)} [/] {escape(o.ref.label or o.spec.title)} [{icons.RISK_STYLE.get(risk, '')}]{risk}[/]{why}"
                )
            fixes.update("\n".join(lines))
            fixes.display = True
        elif offered:
            fixes.update(f"[dim]read-only: {len(offered)} fix(es) available without --read-only[/]")
            fixes.display = True
        else:
            fixes.display = False

    def _status_line(self) -> None:
        walk = self.walk
        ran = sum(len(r) for r in walk.results.values())
        problems = sum(1 for res in walk.results.values() for r in res.values() if r.status.is_problem)
        facts = len(walk.facts)
        text = f"step {len(walk.history) + 1} · {ran} checks run · {problems} problem{'s' if problems != 1 else ''} · {facts} facts"
        if self.session.fixes:
            text += f" · {len(self.session.fixes)} fix{'es' if len(self.session.fixes) != 1 else ''} applied"
        self.query_one("#status-line", Static).update(Text(text))

    def offered(self) -> list[OfferedFix]:
        """Fixes the current node offers now (its check failed or warned; every fix at a diagnosis)."""
        if self.running_node == self.walk.current:
            return []
        return self.walk.offered_fixes()

    # -- bindings that depend on the node --------------------------------------------------
    def _rebuild_bindings(self) -> None:
        """Choice keys and fix keys of the current node become bindings (fix keys show in the footer)."""
        from tui.playbook.model import QuestionNode

        merged = type(self)._merged_bindings
        bindings = BindingsMap()
        node = self.walk.node
        if isinstance(node, QuestionNode):
            for c in node.choices:
                bindings._add_binding(
                    Binding(
                        c.key, f"choose({c.key!r})", c.label, show=False, id=f"walk.choice.{c.key}", tooltip=c.label
                    )
                )
        for ref in node.fixes:
            spec = self.walk.registry.fixes.get(ref.fix)
            label = ref.label or (spec.title if spec else ref.fix)
            bindings._add_binding(
                Binding(
                    ref.key,
                    f"fix({ref.key!r})",
                    icons.ellipsize(label, 18),
                    id=f"walk.fix.{ref.key}",
                    tooltip=f"Fix: {label} ({ref.fix})",
                )
            )
        for key, static in merged.key_to_bindings.items() if merged else []:
            for binding in static:
                bindings._add_binding(binding)
        self._bindings = bindings
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only what works here: fix keys when offered (never in read-only), cancel while running."""
        from tui.playbook.model import CheckNode, DiagnosisNode, QuestionNode

        walk = self.walk
        node = walk.node
        if action == "fix":
            if walk.context.read_only:
                return False
            return any(o.ref.key == parameters[0] for o in self.offered())
        if action == "choose":
            return isinstance(node, QuestionNode)
        if action == "back":
            return True if walk.history else None
        if action == "next":
            can = bool(walk.forward_stack) or (
                isinstance(node, CheckNode) and walk.decision() is not None and self.running_node != walk.current
            )
            can = can or (isinstance(node, DiagnosisNode) and node.next is not None)
            return True if can else None
        if action == "rerun":
            return isinstance(node, CheckNode)
        if action == "cancel":
            return self.running_node is not None
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

    def action_choose(self, key: str) -> None:
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
            self.notify("Already at the start.", severity="warning", timeout=2)

    async def action_next(self) -> None:
        """Redo a step undone with back, else follow the check node's decision or the diagnosis' next (n, alt+right)."""
        from tui.engine.walk import WalkError
        from tui.playbook.model import CheckNode

        walk = self.walk
        if walk.forward():
            self._moved()
            return
        if isinstance(walk.node, CheckNode) and (walk.current not in walk.results or self.running_node == walk.current):
            self.notify("The checks have not finished yet.", severity="warning", timeout=2)
            return
        try:
            await walk.advance()
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
        walk = self.walk
        if entry.kind == "past":
            while len(walk.history) > entry.index and walk.back():
                pass
        elif entry.kind == "forward":
            for _ in range(entry.index + 1):
                walk.forward()
        self._moved()

    # -- running checks -----------------------------------------------------------------------
    def run_checks(self, node_id: str | None = None, only: set[str] | None = None) -> Worker[Any]:
        """Start (or restart) a node's checks in the ``checks`` worker group."""
        from tui.playbook.model import CheckNode

        node_id = node_id or self.walk.current
        node = self.walk.playbook.nodes[node_id]
        assert isinstance(node, CheckNode)
        stored = self.walk.results.get(node_id, {})
        self.live = {}
        for inv in node.checks:
            spec = self.walk.registry.checks.get(inv.check)
            keep = only is not None and inv.key not in only
            self.live[inv.key] = CheckRow(
                inv.key,
                spec.title if spec else inv.key,
                "done" if keep and inv.key in stored else "pending",
                stored.get(inv.key) if keep else None,
            )
        self.running_node = node_id
        self._run_seq += 1
        self._last_cancelled.pop(node_id, None)
        self._spinner.resume()
        if node_id == self.walk.current:
            self.show_node()
        self._worker = self._run_node_worker(node_id, only, self._run_seq)
        return self._worker

    @work(exclusive=True, exit_on_error=False, group="checks", description="run a node's checks")
    async def _run_node_worker(self, node_id: str, only: set[str] | None, run_id: int) -> dict[str, CheckResult]:
        """Run the node through the walk (async; sync checks go to threads inside the runner)."""
        try:
            return await self.walk.run_node(node_id, only=only)
        except asyncio.CancelledError:
            if run_id == self._run_seq:
                running = [k for k, r in self.live.items() if r.state in ("running", "pending")]
                self.post_message(NodeRunCancelled(node_id, running))
            raise
        except Exception as exc:  # noqa: BLE001 - a bad playbook or engine bug must not kill the UI
            self.notify(f"Could not run {node_id}: {type(exc).__name__}: {exc}", severity="error")
            if run_id == self._run_seq:
                self.post_message(NodeRunCancelled(node_id, []))
            raise

    @on(CheckRunStarted)
    def _check_started(self, message: CheckRunStarted) -> None:
        row = self.live.get(message.key)
        if message.node != self.running_node or row is None:
            return
        row.state, row.started = "running", time.monotonic()
        self._update_live_row(row)

    @on(CheckRunFinished)
    def _check_finished(self, message: CheckRunFinished) -> None:
        row = self.live.get(message.key)
        if message.node != self.running_node or row is None:
            return
        row.state, row.result = "done", message.result
        self._update_live_row(row)

    def _update_live_row(self, row: CheckRow) -> None:
        if self.running_node == self.walk.current:
            table = self.query_one("#checks", ChecksTable)
            table.update_row(row)
            if table.highlighted_key == row.key:
                self._show_detail()

    @on(NodeRunFinished)
    def _node_finished(self, message: NodeRunFinished) -> None:
        if message.node == self.running_node:
            self._stop_running()
        self.show_node()
        self.refresh_bindings()

    @on(NodeRunCancelled)
    def _node_cancelled(self, message: NodeRunCancelled) -> None:
        if message.node != self.running_node:
            return
        self._last_cancelled[message.node] = set(message.running)
        self._stop_running()
        self.show_node()
        if message.running:
            self.notify(
                f"Cancelled {len(message.running)} running check{'s' if len(message.running) != 1 else ''}.",
                title="Cancelled",
                severity="warning",
            )

    def _stop_running(self) -> None:
        self.running_node = None
        self.live = {}
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
        """Cancel the running checks (esc); thread checks are told to stop and their results dropped."""
        if self._worker is not None and self.running_node is not None:
            self._worker.cancel()

    @on(Tree.NodeHighlighted, "#path")
    def _path_highlighted(self, event: Tree.NodeHighlighted[PathEntry]) -> None:
        """Show the full reason of a path line in the status line (tree lines may be cut at 80 columns)."""
        entry = event.node.data
        if entry is None or entry.kind == "current":
            self._status_line()
            return
        text = ""
        if (
            entry.kind in ("past", "note")
            and entry.index < len(self.walk.history)
            and self.walk.history[entry.index].node == entry.node
        ):
            step = self.walk.history[entry.index]
            text = f"{self.walk.playbook.nodes[step.node].title} → {self.walk.playbook.nodes[step.target].title}: {step.reason}"
        elif entry.kind == "note":
            decision = self.walk.decision()
            if decision is not None:
                text = f"next: {self.walk.playbook.nodes[decision[0]].title}: {decision[1]}"
        elif entry.kind == "forward":
            text = f"forward: {self.walk.playbook.nodes[entry.node].title} (select or n to redo)"
        if text:
            self.query_one("#status-line", Static).update(Text(text, overflow="ellipsis", no_wrap=True))

    @on(DataTable.RowHighlighted, "#checks")
    def _row_highlighted(self) -> None:
        self._show_detail()

    # -- fixes ----------------------------------------------------------------------------------
    def action_fix(self, key: str) -> None:
        """Plan the fix bound to ``key``, confirm it in the modal, apply, verify."""
        offered = {o.ref.key: o for o in self.offered()}
        if key not in offered:
            return
        self._fix_worker(offered[key])

    @work(exclusive=True, exit_on_error=False, group="fix", description="plan, confirm and apply a fix")
    async def _fix_worker(self, offered: OfferedFix) -> str:
        from tui.app.fix_modal import FixModal
        from tui.engine.fixing import FixError, apply_plan, plan_fix
        from tui.playbook.model import CheckNode

        walk = self.walk
        node_id = walk.current
        ref = offered.ref
        try:
            plan = await asyncio.to_thread(plan_fix, ref.fix, ref.params, walk.context, walk.facts, walk.registry)
        except FixError as exc:
            self.notify(str(exc), title="Fix not planned", severity="error")
            return "not planned"
        if plan.prerequisites:
            for prereq in plan.prerequisites:
                outcome = await self._prerequisite(prereq, plan.title, node_id)
                if outcome not in ("applied", "noop"):
                    self.notify(
                        f"{plan.title} needs {prereq} first, which was {outcome}.",
                        title="Fix not applied",
                        severity="warning",
                    )
                    return "blocked"
            try:  # the prerequisites changed the state the plan was made against
                plan = await asyncio.to_thread(plan_fix, ref.fix, ref.params, walk.context, walk.facts, walk.registry)
            except FixError as exc:
                self.notify(str(exc), title="Fix not planned", severity="error")
                return "not planned"
        if plan.noop:
            self.notify(plan.summary or "Nothing to change.", title="Nothing to do")
            return "noop"
        confirmed = await self.app.push_screen_wait(FixModal(plan, node_title=walk.playbook.nodes[node_id].title))
        if not confirmed:
            self.notify("Nothing was changed.", title="Fix cancelled")
            return "declined"
        try:
            record = await asyncio.to_thread(apply_plan, plan, walk.context, node=node_id, facts=walk.facts)
        except FixError as exc:
            self.notify(str(exc), title="Fix refused", severity="error")
            return "refused"
        self.session.fixes.append(record)
        self._status_line()
        if record.outcome == "failed":
            self.notify(record.error or "the fix failed", title=f"{plan.title} failed", severity="error", timeout=8)
            return "failed"
        self.notify(f"{plan.title}: {record.outcome} (audit {record.id})", title="Fix applied")
        node = walk.playbook.nodes[node_id]
        if ref.verify and isinstance(node, CheckNode):
            worker = self.run_checks(node_id)
            try:
                await worker.wait()
            except Exception:  # noqa: BLE001 - cancelled or failed verification is shown by the table
                return "applied, not verified"
            key = node.remedies(ref)
            result = walk.results.get(node_id, {}).get(key)
            if result is not None:
                good = not result.status.is_problem
                self.notify(
                    f"{key}: {result.status.value} — {result.summary}",
                    title="Verified" if good else "Still failing",
                    severity="information" if good else "warning",
                )
            return "verified" if result is not None and not result.status.is_problem else "applied"
        return "applied"

    async def _prerequisite(self, fix_id: str, needed_by: str, near: str) -> str:
        """Plan, confirm and apply a fix another one needs first (its own modal, its own audit line)."""
        from tui.app.fix_modal import FixModal
        from tui.engine.doctor import find_fix_ref
        from tui.engine.fixing import FixError, apply_plan, plan_fix

        walk = self.walk
        node_id, ref = find_fix_ref(walk.playbook, fix_id, prefer=near)
        if ref is None:
            return "not offered by the playbook"
        try:
            plan = await asyncio.to_thread(plan_fix, ref.fix, ref.params, walk.context, walk.facts, walk.registry)
        except FixError as exc:
            return f"not planned ({exc})"
        if plan.noop:
            return "noop"
        if not await self.app.push_screen_wait(FixModal(plan, node_title=f"needed first by: {needed_by}")):
            return "declined"
        try:
            record = await asyncio.to_thread(apply_plan, plan, walk.context, node=node_id, facts=walk.facts)
        except FixError as exc:
            return f"refused ({exc})"
        self.session.fixes.append(record)
        self._status_line()
        if record.outcome != "applied":
            return record.outcome
        self.notify(f"{plan.title}: applied (audit {record.id})", title="Prerequisite applied")
        return "applied"

    # -- other screens ----------------------------------------------------------------------------
    def action_search(self, text: str = "") -> None:
        """Symptom search (/): jump to the node that explains pasted error text."""
        from tui.app.search_screen import SearchScreen

        def chosen(node_id: str | None) -> None:
            if node_id:
                self.jump_to(node_id, "symptom search matched the pasted text")

        self.app.push_screen(SearchScreen(self.walk.playbook, text), chosen)

    def action_export(self) -> None:
        """Export the session (e)."""
        from tui.app.export_screen import ExportScreen

        self.app.push_screen(ExportScreen(self.walk, self.session, self.export_dir, self.export_stamp))

    def action_audit(self) -> None:
        """The audit-log viewer (a)."""
        from tui.app.audit_screen import AuditScreen

        self.app.push_screen(AuditScreen())

    def action_logs(self) -> None:
        """The runtime's logs grouped by the node that explains them (L); enter jumps to that node."""
        from tui.app.logs_screen import LogsScreen

        def chosen(node_id: str | None) -> None:
            if node_id:
                self.jump_to(node_id, "the logs screen: this node explains those log events")

        self.app.push_screen(LogsScreen(self.walk), chosen)

    def action_help(self) -> None:
        """Help (? or F1)."""
        from tui.app.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def run_single_check(self, key: str) -> None:
        """Run one check of the current node (command palette)."""
        self.run_checks(only={key})
