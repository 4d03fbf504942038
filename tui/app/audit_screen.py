"""The audit log viewer: every fix applied or undone, with the exact request and the answer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on
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
            table.add_row(r.time, Text(r.outcome, style=OUTCOME_STYLE.get(r.outcome, "")), r.fix, r.node or "", r.principal, key=r.id)
        if not self.records:
            self.query_one("#audit-record", Static).update("No fixes applied yet.")
        else:
            self._show(0)

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.records):
            payload = json.dumps(self.records[index].model_dump(mode="json"), indent=2, default=str)
            self.query_one("#audit-record", Static).update(Syntax(payload, "json", theme="ansi_dark", background_color="default", word_wrap=True))

    @on(DataTable.RowHighlighted, "#audit-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    def action_close(self) -> None:
        """Back to where the viewer was opened from."""
        self.dismiss(None)
