"""Export the session (Markdown + JSON, redacted) for a support ticket; open the audit log from here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.i18n import N_, _, os_reason

if TYPE_CHECKING:
    from tui.engine.report import SessionLog
    from tui.engine.walk import Walk


class ExportScreen(ModalScreen["tuple[Path, Path] | None"]):
    """Choose a directory and write ``agentcore-triage-session-<time>.md`` and ``.json`` there."""

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
        & > #export-dialog {
            width: 90%;
            max-width: 90;
            height: auto;
            border: thick $primary 70%;
            background: $panel;
            padding: 0 1;
        }
        #export-note { color: $text-muted; margin-bottom: 1; }
        #export-buttons { height: auto; align-horizontal: right; margin-top: 1; }
        #export-buttons Button { margin-left: 2; }
        #export-result { margin-top: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="export.close", tooltip=N_("Back to the walk")),
        Binding(
            "ctrl+a", "audit", N_("Audit log"), id="export.audit", tooltip=N_("Show every fix applied (the audit log)")
        ),
    ]

    def __init__(
        self, walk: Walk, log: SessionLog | None = None, directory: str | None = None, stamp: str | None = None
    ) -> None:
        super().__init__()
        self.walk = walk
        self.session = log
        self.directory = directory if directory is not None else os.getcwd()
        self.stamp = stamp
        """Fixed file-name stamp (tests); a timestamp otherwise."""
        self.written: tuple[Path, Path] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Label(_("Export this session for a support ticket"))
            yield Static(
                _(
                    "Markdown and JSON: context, the path taken and why, every check result with evidence, "
                    "fixes applied. Tokens and secrets are redacted."
                ),
                id="export-note",
            )
            yield Label(_("Directory"))
            yield Input(self.directory, id="export-dir", placeholder=_("directory to write into"))
            yield Static("", id="export-result")
            with Horizontal(id="export-buttons"):
                yield Button(_("Audit log"), id="audit")
                yield Button(_("Close"), id="close")
                yield Button(_("Export"), id="export", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#export-dialog").border_title = _("e export")
        self.query_one("#export", Button).focus()

    @on(Input.Submitted, "#export-dir")
    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        """Write both files and show where."""
        from tui.engine.report import export_session

        directory = self.query_one("#export-dir", Input).value.strip() or "."
        result = self.query_one("#export-result", Static)
        try:
            self.written = export_session(self.walk, directory, self.session, stamp=self.stamp)
        except OSError as exc:
            reason = escape(os_reason(exc))
            result.update(
                "[red]"
                + _("Could not write to {directory}: {reason}").format(directory=escape(directory), reason=reason)
                + "[/]"
            )
            self.notify(_("Export failed: {reason}").format(reason=reason), severity="error")
            return
        md, js = self.written
        result.update("[green]" + _("Written:") + f"[/]\n  {escape(str(md))}\n  {escape(str(js))}")
        self.notify(_("Session exported to {directory}").format(directory=md.parent), title=_("Export"))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Close (returns the written paths, if any)."""
        self.dismiss(self.written)

    @on(Button.Pressed, "#audit")
    def action_audit(self) -> None:
        """Open the audit-log viewer."""
        from tui.app.audit_screen import AuditScreen

        self.app.push_screen(AuditScreen())
