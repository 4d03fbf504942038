"""The audit log viewer: every fix applied or undone, its target, the exact request and the answer.

Records of other targets (another account, project or demo sandbox) are greyed out and
cannot be undone from here; the undo preview comes from ``tui.fixes.undo.undo_plan``, the
same decision the ``undo`` command uses (target, the fix's definition, drift).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.app.footer import LocalizedFooter
from tui.app.json_text import readable_json
from tui.files import user_path
from tui.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from tui.engine.walk import Walk
    from tui.fixes.audit import AuditRecord, Target
    from tui.fixes.undo import UndoPlan

OUTCOME_STYLE = {"applied": "green", "noop": "dim", "failed": "red", "undone": "yellow"}
OUTCOME_LABEL = {"applied": N_("applied"), "noop": N_("nothing to do"), "failed": N_("failed"), "undone": N_("undone")}
"""Outcomes as shown (the audit file keeps the English values)."""
COLUMNS = (N_("time"), N_("outcome"), N_("fix"), N_("target"), N_("node"), N_("principal"))


class AuditScreen(Screen[list[tuple[str, str | None]]]):
    """Records from ``tui.fixes.audit.records()``, newest first; highlight one to see it in full.

    Closes with the fixes undone here (fix id, node it was applied at), so the walk below can re-run
    the checks they remedied (``nodes_to_recheck``): an undone fix must not stay green on the walk.
    """

    DEFAULT_CSS = """
    AuditScreen {
        #audit-path { color: $text-muted; padding: 0 1; height: auto; }
        #audit-table { height: auto; max-height: 50%; }
        #audit-detail { height: 1fr; border: round $primary 30%; padding: 0 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="audit.close", tooltip=N_("Back")),
        Binding("q", "app.quit", N_("Quit"), id="audit.quit", tooltip=N_("Leave agentcore-triage (also ctrl+q)")),
        Binding("r", "reload", N_("Reload"), id="audit.reload", tooltip=N_("Read the audit log again")),
        Binding(
            "u", "undo", N_("Undo"), id="audit.undo", tooltip=N_("Reverse the highlighted fix (preview, then y/n)")
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: list[AuditRecord] = []
        self.current: dict[str, Target] = {}
        """Per record id, the current target as seen for that record's kind of actions."""
        self.skipped: str | None = None
        self.undone: list[tuple[str, str | None]] = []
        """(fix id, node) of each fix undone while the viewer was open (the walk re-runs their checks on close)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="audit-path")
        yield DataTable(id="audit-table", cursor_type="row")
        with VerticalScroll(id="audit-detail"):
            yield Static("", id="audit-record")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        table.add_columns(*(_(c) for c in COLUMNS))
        self.query_one("#audit-detail").border_title = _("record")
        self.action_reload()
        table.focus()

    def relocalize(self) -> None:
        """Headings, outcomes and texts in the current language (the cursor stays)."""
        table = self.query_one("#audit-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(_(c) for c in COLUMNS))
        self.query_one("#audit-detail").border_title = _("record")
        self.action_reload()

    def action_reload(self) -> None:
        """(Re)read the audit log; the current target is worked out in a thread (it may ask STS)."""
        from tui.fixes.audit import audit_path, read_log

        log = read_log()
        self.records = list(reversed(log.records))
        self.skipped = log.summary()
        header = Text(
            ngettext(
                "audit log: {path}  ({count} record)", "audit log: {path}  ({count} records)", len(self.records)
            ).format(path=audit_path(), count=len(self.records))
        )
        if self.skipped:
            header.append("\n" + self.skipped, style="yellow")
        self.query_one("#audit-path", Static).update(header)
        self._fill()
        if not self.records:
            self.query_one("#audit-record", Static).update(_("No fixes applied yet."))
        else:
            self._show(0)
        self._find_current_targets()

    def _fill(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        row = table.cursor_row
        table.clear()
        for r in self.records:
            other = not self._is_current(r)
            dim = "dim" if other else ""
            table.add_row(
                Text(_short_time(r.time), style=dim),
                Text(
                    _(OUTCOME_LABEL.get(r.outcome, r.outcome)),
                    style="dim" if other else OUTCOME_STYLE.get(r.outcome, ""),
                ),
                Text(r.fix, style=dim),
                Text(r.target.short_label() if r.target else _("(not recorded)"), style=dim),
                Text(r.node or "", style=dim),
                Text(r.principal, style=dim),
                key=r.id,
            )
        if self.records:
            table.move_cursor(row=min(max(row, 0), len(self.records) - 1))

    def _is_current(self, record: AuditRecord) -> bool:
        """Greyed out unless the record's target is this session's (unknown yet counts as current)."""
        if record.target is None:
            return False
        current = self.current.get(record.id)
        if current is None:
            return True
        if record.target.sandbox != current.sandbox:
            return False
        if record.target.account and current.account != record.target.account:
            return False
        return not (record.target.project and current.project != record.target.project)

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit-targets", description="current target")
    def _find_current_targets(self) -> None:

        from tui.fixes.audit import Target, aws_identity, sandbox_id

        context = self.app.context  # type: ignore[attr-defined]
        project = getattr(context, "project", None)
        found: dict[str, Target] = {}
        accounts: dict[str | None, str | None] = {}
        for r in self.records:
            if r.target is None:
                continue
            account = None
            if r.target.account:
                if r.target.region not in accounts:
                    accounts[r.target.region] = aws_identity(context, r.target.region)[0]
                account = accounts[r.target.region]
            found[r.id] = Target(
                account=account,
                project=str(user_path(project).resolve()) if project else None,
                sandbox=sandbox_id(),
            )
        self.app.call_from_thread(self._targets_found, found)

    def _targets_found(self, found: dict[str, Target]) -> None:
        self.current = found
        self._fill()
        self.refresh_bindings()

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.records):
            payload = readable_json(self.records[index].model_dump(mode="json"))
            self.query_one("#audit-record", Static).update(
                Syntax(payload, "json", theme="ansi_dark", background_color="default", word_wrap=True)
            )

    @on(DataTable.RowHighlighted, "#audit-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)
        self.refresh_bindings()

    def _selected(self) -> AuditRecord | None:
        row = self.query_one("#audit-table", DataTable).cursor_row
        return self.records[row] if 0 <= row < len(self.records) else None

    def _undoable(self, record: AuditRecord | None) -> bool:
        from tui.fixes.audit import is_undoable, undone_ids

        return (
            record is not None
            and is_undoable(record, undone_ids(self.records))
            and record.target is not None
            and self._is_current(record)
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            if getattr(getattr(self.app, "context", None), "read_only", False):
                return False  # read-only: never offered
            return True if self._undoable(self._selected()) else None
        return True

    def action_undo(self) -> None:
        """Plan the highlighted record's undo (target, definition, drift) in a thread, then preview it."""
        record = self._selected()
        if not self._undoable(record):
            self.notify(
                _(
                    "This record cannot be undone here (another target, not applied, already undone, or nothing to "
                    "reverse)."
                ),
                severity="warning",
            )
            return
        assert record is not None
        self._plan_undo(record)

    @work(thread=True, exclusive=True, exit_on_error=False, group="undo", description="plan an undo")
    def _plan_undo(self, record: AuditRecord) -> None:
        from tui.fixes.base import FixError
        from tui.fixes.undo import undo_plan

        try:
            plan = undo_plan(record, self.app.context)  # type: ignore[attr-defined]
        except FixError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self._confirm_undo, plan)

    def _confirm_undo(self, plan: UndoPlan) -> None:
        from tui.app.fix_modal import FixModal

        def decided(apply: bool | None) -> None:
            if not apply:
                return
            if plan.questions:
                self._ask_next(plan, list(plan.questions))
            else:
                self._undo(plan)

        self.app.push_screen(FixModal(plan.as_plan(), node_title=self._node_title(plan)), decided)

    def _node_title(self, plan: UndoPlan) -> str:
        """The title of the node the fix was applied at (the loaded playbook's, translated), else its id."""
        node_id = plan.record.node or ""
        loaded = getattr(self.app, "loaded", None)
        node = loaded.playbook.nodes.get(node_id) if loaded is not None else None
        return f"{node.title} ({node_id})" if node is not None else node_id

    def _ask_next(self, plan: UndoPlan, questions: list[str]) -> None:
        """Each extra question (events written after the fix) gets its own dialog."""
        from tui.app.fix_modal import FixModal
        from tui.fixes.base import Plan
        from tui.results import Risk

        if not questions:
            self._undo(plan)
            return
        # The same exact change again, as destructive, with the question as its summary: the dialog said
        # "Apply fix: Also delete: …" over "Nothing to change" when it asked about deleting events.
        shown = plan.as_plan()
        question = Plan(
            fix=plan.record.fix,
            title=plan.title,
            risk=Risk.DESTRUCTIVE,
            summary=_("Also delete: {what}").format(what=questions[0]),
            actions=shown.actions,
            permissions=shown.permissions,
        )

        def decided(yes: bool | None) -> None:
            if yes:
                self._ask_next(plan, questions[1:])

        self.app.push_screen(FixModal(question, node_title=self._node_title(plan)), decided)

    @work(thread=True, exclusive=True, exit_on_error=False, group="undo", description="undo a fix")
    def _undo(self, plan: UndoPlan) -> None:
        from tui.engine.fixing import FixError, undo_record

        try:
            done, _record = undo_record(plan.record.id, self.app.context, confirmed=plan)  # type: ignore[attr-defined]
        except FixError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        if done.outcome == "undone":
            self.undone.append((done.fix, done.node))
            self.app.call_from_thread(
                self.notify, _("Undone: {fix}. Closing this viewer (esc) runs the checks again.").format(fix=done.fix)
            )
        else:
            self.app.call_from_thread(self._refused, _("Undo failed: {error}").format(error=done.error))
        self.app.call_from_thread(self.action_reload)

    def _refused(self, message: str) -> None:
        """One line as a notification; a reason with details (a three-way difference) in a scrollable dialog."""
        if "\n" not in message:
            self.notify(message, severity="error", timeout=15)
            return
        from tui.app.refusal_modal import RefusalModal

        self.app.push_screen(RefusalModal(_("Undo refused"), message))

    def action_close(self) -> None:
        """Back to where the viewer was opened from, with the fixes undone here."""
        self.dismiss(list(self.undone))


def nodes_to_recheck(walk: Walk, undone: list[tuple[str, str | None]]) -> list[str]:
    """Check nodes of this walk to run again after ``undone`` fixes (fix id, node it was applied at).

    Those that ran and offer one of the fixes, the check node the walk left for a diagnosis a fix was
    applied at (a boundary fix is offered only there), then the current node, last so the live table
    ends on it.
    """
    from tui.playbook.model import CheckNode

    fixes = {fix for fix, _node in undone}
    at = {node for _fix, node in undone if node}
    came_from = {step.node for step in walk.history if step.target in at}
    nodes = [
        node_id
        for node_id in walk.results
        if node_id != walk.current
        and isinstance(node := walk.playbook.nodes.get(node_id), CheckNode)
        and (node_id in came_from or node_id in at or any(ref.fix in fixes for ref in node.fixes))
    ]
    if undone and isinstance(walk.node, CheckNode):
        nodes.append(walk.current)
    return nodes


def forget_settled(walk: Walk, undone: list[tuple[str, str | None]]) -> None:
    """Offer ``undone`` fixes again wherever the walk had settled them (a diagnosis offers its fix only while
    unsettled, and no re-run of its own clears that)."""

    fixes = {fix for fix, _node in undone}
    walk.settled -= {key for key in walk.settled if json.loads(key)[0] in fixes}


def _short_time(iso: str) -> str:
    """``2026-12-01T18:17:20+00:00`` as ``12-01 18:17:20`` (UTC; the record below has the full time)."""
    date, _sep, rest = iso.partition("T")
    return f"{date[5:]} {rest[:8]}" if rest else iso
