"""The TUI ``serve`` (``tui.support.serve``) starts for each browser tab (``agentcore-triage served-tui``, a hidden command).

The same app as ``agentcore-triage``, except that read-only is locked: the start form's
"Read-only" checkbox cannot turn fixes on in a served session unless ``serve --allow-fixes``
said so (the parent passes ``--read-only`` otherwise, and this app enforces it for every walk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.app.main import TriageApp
from tui.i18n import _

if TYPE_CHECKING:
    from tui.context import Context


class ServedApp(TriageApp):
    """``TriageApp`` whose walks stay read-only when it was started read-only."""

    def __init__(self, context: Context, playbook: str, *, lock_read_only: bool) -> None:
        super().__init__(context, playbook)
        self.lock_read_only = lock_read_only

    def start_walk(self, context: Context, ref: str) -> None:
        if self.lock_read_only and not context.read_only:
            context = context.model_copy(update={"read_only": True})
            self.notify(
                _("This browser session is read-only (serve --allow-fixes allows fixes)."), title=_("Read-only")
            )
        super().start_walk(context, ref)


def run_served(context: Context, playbook: str) -> None:
    """Run one served TUI until its browser tab goes away."""
    ServedApp(context, playbook, lock_read_only=context.read_only).run()
