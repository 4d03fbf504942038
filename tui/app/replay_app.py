"""``agentcore-triage open FILE.zip``: the TUI on a support bundle (``ReplayWalkScreen``), nothing live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.app.main import TriageApp

if TYPE_CHECKING:
    from tui.context import Context
    from tui.support.replay import Replay


class ReplayApp(TriageApp):
    """Opens straight on the recorded walk; the start form (and with it any new context) never shows."""

    TITLE = "agentcore-triage · replay"

    def __init__(self, replay: Replay, *, export_dir: str | None = None, export_stamp: str | None = None) -> None:
        walk = replay.walk
        super().__init__(
            walk.context,
            walk.playbook.id,
            registry=walk.registry,
            show_start=False,
            export_dir=export_dir,
            export_stamp=export_stamp,
        )
        self.replay = replay

    def start_walk(self, context: Context, ref: str) -> None:
        """Show the recorded walk (the live app would load the playbook and start a new walk here)."""
        from tui.app.replay_screen import ReplayWalkScreen

        screen = ReplayWalkScreen.for_walk(
            self.replay.walk, self.replay.log, export_dir=self.export_dir, export_stamp=self.export_stamp
        )
        assert isinstance(screen, ReplayWalkScreen)
        screen.replay = self.replay
        self.walk_screen = screen
        self.push_screen(screen)


def run_replay(replay: Replay) -> None:
    ReplayApp(replay).run()
