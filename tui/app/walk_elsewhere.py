"""The walk screen's keys that open another screen: search (``/``), export (``e``), support bundle (``B``),
audit log (``a``), logs (``L``), and the start screen to change the target (``T``)."""

from __future__ import annotations

from textual import work

from tui.app.walk_checks import RunningChecks
from tui.i18n import _, ngettext


class OtherScreenKeys(RunningChecks):
    """Part of ``WalkScreen``: each action opens a screen over the walk (a chosen node comes back to ``jump_to``)."""

    export_dir: str | None
    export_stamp: str | None
    _target_change_confirmed: bool

    def jump_to(self, node_id: str, reason: str) -> None:
        """Go to any node, recorded in the path with the reason (``WalkScreen`` does)."""
        raise NotImplementedError

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
                self.jump_to(node_id, _("the logs screen: this node explains those log events"))

        self.app.push_screen(LogsScreen(self.walk), chosen)

    def action_change_target(self) -> None:
        """T: the start screen, prefilled with this walk's target; esc there returns here, start begins a new walk.

        With fixes applied in this session, a second T confirms: the new walk's session (and its export) starts
        empty, while the audit log keeps every fix (undo stays possible from the audit viewer, per target).
        """
        fixes = len(self.session.fixes)
        if fixes and not self._target_change_confirmed:
            self._target_change_confirmed = True
            self.notify(
                ngettext(
                    "{count} fix applied in this session: export the session first (e) if you need it. "
                    "The audit log keeps the fix. Press T again to change the target.",
                    "{count} fixes applied in this session: export the session first (e) if you need it. "
                    "The audit log keeps the fixes. Press T again to change the target.",
                    fixes,
                ).format(count=fixes),
                title=_("Change the target?"),
                severity="warning",
                timeout=8,
            )
            return
        self._target_change_confirmed = False
        self.app.call_later(self.app.action_change_target)  # type: ignore[attr-defined]
