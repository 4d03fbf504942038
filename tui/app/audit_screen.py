"""The audit log viewer: every fix applied or undone, with the exact request and the answer."""

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
from textual.widgets import DataTable, Footer, Static

if TYPE_CHECKING:
    from tui.fixes.audit import AuditRecord

OUTCOME_STYLE = {"applied": "green", "noop": "dim", "failed": "red", "undone": "yellow"}


class AuditScreen(Screen[None]):
    """Records from ``tui.fixes.audit.records()``, newest first; highlight one to see it in full."""

    DEFAULT_CSS = """
    AuditScreen {
        #audit-path { color: $text-muted; padding: 0 1; height: auto; }
        #audit-table { height: auto; max-height: 50%; }
        #audit-detail { height: 1fr; border: round $primary 30%; padding: 0 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="audit.close", tooltip="Back"),
        Binding("r", "reload", "Reload", id="audit.reload", tooltip="Read the audit log again"),
        Binding("u", "undo", "Undo", id="audit.undo", tooltip="Reverse the highlighted fix (preview, then y/n)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: list[AuditRecord] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="audit-path")
        yield DataTable(id="audit-table", cursor_type="row")
        with VerticalScroll(id="audit-detail"):
            yield Static("", id="audit-record")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        table.add_columns("time", "outcome", "fix", "node", "principal")
        self.query_one("#audit-detail").border_title = "record"
        self.action_reload()
        table.focus()

    def action_reload(self) -> None:
        """(Re)read the audit log."""
        from tui.fixes.audit import audit_path, records

        self.records = list(reversed(records()))
        self.query_one("#audit-path", Static).update(Text(f"audit log: {audit_path()}  ({len(self.records)} records)"))
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        for r in self.records:
            table.add_row(
                r.time,
                Text(r.outcome, style=OUTCOME_STYLE.get(r.outcome, "")),
                r.fix,
                r.node or "",
                r.principal,
                key=r.id,
            )
        if not self.records:
            self.query_one("#audit-record", Static).update("No fixes applied yet.")
        else:
            self._show(0)

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.records):
            payload = json.dumps(self.records[index].model_dump(mode="json"), indent=2, default=str)
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

        return record is not None and is_undoable(record, undone_ids(self.records))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            if getattr(getattr(self.app, "context", None), "read_only", False):
                return False  # read-only: never offered
            return True if self._undoable(self._selected()) else None
        return True

    def action_undo(self) -> None:
        """Preview the highlighted record's undo actions; apply them on ``y``."""
        record = self._selected()
        if not self._undoable(record):
            self.notify(
                "This record cannot be undone (not applied, already undone, or nothing to reverse).", severity="warning"
            )
            return
        assert record is not None
        from tui.app.fix_modal import FixModal
        from tui.fixes.base import Plan

        plan = Plan(
            fix=record.fix,
            title=f"Undo: {record.title or record.fix}",
            risk=record.risk or "mutating",
            summary=f"reverses audit record {record.id} ({record.time})",
            actions=record.undo,
        )

        def decided(apply: bool | None) -> None:
            if apply:
                self._undo(record.id)

        self.app.push_screen(FixModal(plan, node_title=record.node or ""), decided)

    @work(thread=True, exclusive=True, exit_on_error=False, group="undo", description="undo a fix")
    def _undo(self, record_id: str) -> None:
        from tui.engine.fixing import FixError, undo_record

        try:
            done, _ = undo_record(record_id, self.app.context)  # type: ignore[attr-defined]
        except FixError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if done.outcome == "undone":
            self.app.call_from_thread(
                self.notify, f"Undone: {done.fix}. Re-run the node's checks (r) to see the effect."
            )
        else:
            self.app.call_from_thread(self.notify, f"Undo failed: {done.error}", severity="error")
        self.app.call_from_thread(self.action_reload)

    def action_close(self) -> None:
        """Back to where the viewer was opened from."""
        self.dismiss(None)
