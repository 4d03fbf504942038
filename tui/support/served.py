"""The TUI process ``serve`` starts for each browser tab: ``python -m tui.support.served [context flags]``.

The same app as ``agentcore-triage``, except that read-only is locked: the start form's
"Read-only" checkbox cannot turn fixes on in a served session unless ``serve --allow-fixes``
said so (the parent passes ``--read-only`` then, and this process enforces it for every walk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tui.app.main import TriageApp
from tui.cli import DEFAULT_PLAYBOOK, _context, _handle_errors, context_options

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
            self.notify("This browser session is read-only (serve --allow-fixes allows fixes).", title="Read-only")
        super().start_walk(context, ref)


@click.command()
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH")
@_handle_errors
def served(playbook_ref: str | None, **kwargs: Any) -> None:
    """One served TUI (started by `agentcore-triage serve`, not by hand)."""
    ctx = _context(kwargs)
    ServedApp(ctx, playbook_ref or DEFAULT_PLAYBOOK, lock_read_only=ctx.read_only).run()


if __name__ == "__main__":  # pragma: no cover - run by textual-serve in a subprocess
    served()
