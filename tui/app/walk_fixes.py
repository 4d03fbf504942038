"""The walk screen's fix keys: which fixes the current node offers, and ``run_fix`` behind the fix modal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.app.walk_checks import RunningChecks
from tui.i18n import _

if TYPE_CHECKING:
    from tui.engine.fixing import FixOutcome, FixRequest
    from tui.engine.walk import OfferedFix


class FixKeys(RunningChecks):
    """Part of ``WalkScreen``: a fix key plans, confirms (``FixModal``), applies and verifies (re-runs the node)."""

    def offered(self) -> list[OfferedFix]:
        """Fixes the current node offers now (its check failed or warned; every fix at a diagnosis)."""
        if self.running_node == self.walk.current:
            return []
        return self.walk.offered_fixes()

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
