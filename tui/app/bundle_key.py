"""``B`` on the walk screen: write a support bundle of this session (``tui.support``), off the event loop.

Planning the diffs of failing project checks reads the project's files, so it runs in a thread; the
walk is then read and the zip written back on the loop, so no key press can change the walk halfway.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tui.files import user_path
from tui.i18n import _

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.engine.report import SessionLog
    from tui.engine.walk import Walk
    from tui.playbook.loader import LoadedPlaybook


def bundle_path(directory: str | None, stamp: str | None) -> Path:
    from tui.support.collect import default_name

    return user_path(directory or os.getcwd()) / default_name(stamp)


def start_bundle(
    screen: Screen[Any], walk: Walk, log: SessionLog, *, directory: str | None = None, stamp: str | None = None
) -> None:
    """Plan the project diffs in a thread, then write the bundle and say where (a notification)."""
    from tui.support.collect import plan_project_fixes, project_fix_refs

    target = bundle_path(directory, stamp)
    loaded: LoadedPlaybook | None = getattr(screen.app, "loaded", None)
    refs, facts = project_fix_refs(walk), dict(walk.facts)  # read on the loop; the thread only plans

    def plan_then_write() -> None:
        try:
            plans = plan_project_fixes(walk, log, refs, facts)
        except Exception as exc:  # noqa: BLE001 - a plan that cannot be made must not cost the bundle
            plans = {}
            screen.app.call_from_thread(
                screen.notify, _("project diffs left out: {reason}").format(reason=exc), severity="warning"
            )
        screen.app.call_from_thread(_write, screen, walk, log, target, loaded, plans)

    screen.notify(
        _("Writing a support bundle to {directory} …").format(directory=target.parent), title=_("Bundle"), timeout=3
    )
    screen.run_worker(
        plan_then_write, thread=True, exit_on_error=False, group="bundle", description="write a support bundle"
    )


def _write(
    screen: Screen[Any],
    walk: Walk,
    log: SessionLog,
    target: Path,
    loaded: LoadedPlaybook | None,
    plans: dict[tuple[str, str], dict[str, Any]],
) -> None:
    from tui.support.bundle import BundleError, write_bundle
    from tui.support.collect import collect

    try:
        files, manifest = collect(walk, log, loaded=loaded, plans=plans)
        path = write_bundle(target, files, manifest)
    except BundleError as exc:
        screen.notify(str(exc), title=_("Bundle not written"), severity="error", timeout=8)
        return
    screen.notify(
        f"{path}\n"
        + _("Send it to support; `{command}` replays it.").format(command=f"agentcore-triage open {path.name}"),
        title=_("Support bundle written"),
        timeout=8,
    )
    screen.post_message(BundleWritten(path))


class BundleWritten(Message):
    """A support bundle was written (tests and the command palette wait on it)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
