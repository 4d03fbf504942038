"""The walk screen's running checks: the ``checks`` worker, the live rows as the engine reports them, the
spinner, and the keys that start or stop a run (``r``, ``esc``)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.screen import Screen

from tui.app import icons
from tui.app.checks_table import CheckRow, ChecksTable
from tui.app.messages import CheckRunFinished, CheckRunStarted, NodeRunCancelled, NodeRunFinished
from tui.app.node_pane import NodePane
from tui.app.path_tree import PathTree
from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.worker import Worker

    from tui.app.live_run import LiveRun
    from tui.engine.report import SessionLog
    from tui.engine.walk import Walk
    from tui.results import CheckResult


class RunningChecks(Screen[None]):
    """Part of ``WalkScreen``: runs a node's checks in a worker and shows them live (rows, spinner, cancel)."""

    walk: Walk
    session: SessionLog
    live: LiveRun
    """The running node's rows (the walk stores results only when the node finishes)."""
    _frame: int
    _spinner: Timer
    _worker: Worker[Any] | None

    @property
    def running_node(self) -> str | None:
        """Node whose checks are running now."""
        return self.live.node

    def show_node(self) -> None:
        """Render the current node (``WalkScreen`` does)."""
        raise NotImplementedError

    def run_checks(self, node_id: str | None = None, only: set[str] | None = None) -> Worker[Any]:
        """Start (or restart) a node's checks in the ``checks`` worker group."""
        from tui.playbook.model import CheckNode

        node_id = node_id or self.walk.current
        node = self.walk.playbook.nodes[node_id]
        assert isinstance(node, CheckNode)
        run_id = self.live.start(self.walk, node_id, only)
        self._spinner.resume()
        if node_id == self.walk.current:
            self.show_node()
        self._worker = self._run_node_worker(node_id, only, run_id)
        return self._worker

    def run_single_check(self, key: str) -> None:
        """Run one check of the current node (command palette)."""
        self.run_checks(only={key})

    @work(exclusive=True, exit_on_error=False, group="checks", description="run a node's checks")
    async def _run_node_worker(self, node_id: str, only: set[str] | None, run_id: int) -> dict[str, CheckResult]:
        """Run the node through the walk (async; sync checks go to threads inside the runner)."""
        try:
            return await self.walk.run_node(node_id, only=only)
        except asyncio.CancelledError:
            if run_id == self.live.seq:
                self.post_message(NodeRunCancelled(node_id, self.live.unfinished()))
            raise
        except Exception as exc:  # noqa: BLE001 - a bad playbook or engine bug must not kill the UI
            self.notify(
                _("Could not run {node}: {error}").format(node=node_id, error=f"{type(exc).__name__}: {exc}"),
                severity="error",
            )
            if run_id == self.live.seq:
                self.post_message(NodeRunCancelled(node_id, []))
            raise

    @on(CheckRunStarted)
    def _check_started(self, message: CheckRunStarted) -> None:
        self._update_live_row(self.live.check_started(message.node, message.key))

    @on(CheckRunFinished)
    def _check_finished(self, message: CheckRunFinished) -> None:
        self._update_live_row(self.live.check_finished(message.node, message.key, message.result))

    def _update_live_row(self, row: CheckRow | None) -> None:
        if row is not None and self.running_node == self.walk.current:
            table = self.query_one("#checks", ChecksTable)
            table.update_row(row)
            if table.highlighted_key == row.key:
                self.query_one(NodePane).show_detail(self.walk)

    @on(NodeRunFinished)
    def _node_finished(self, message: NodeRunFinished) -> None:
        self.session.record_run(message.node, message.results)
        if message.node == self.running_node:
            self._stop_running()
        self.show_node()
        self.refresh_bindings()

    @on(NodeRunCancelled)
    def _node_cancelled(self, message: NodeRunCancelled) -> None:
        if message.node != self.running_node:
            return
        self._stop_running(message.running)
        self.show_node()
        if message.running:
            count = len(message.running)
            self.notify(
                ngettext("Cancelled {count} running check.", "Cancelled {count} running checks.", count).format(
                    count=count
                ),
                title=_("Cancelled"),
                severity="warning",
            )

    def _stop_running(self, cancelled: list[str] | None = None) -> None:
        self.live.stop(cancelled)
        self._spinner.pause()

    def _spinner_frame(self) -> str:
        return icons.SPINNER[self._frame % len(icons.SPINNER)]

    def _tick(self) -> None:
        self._frame += 1
        if self.running_node is None:
            return
        if self.running_node == self.walk.current:
            self.query_one("#checks", ChecksTable).tick()
        self.query_one("#path", PathTree).set_spinner(self.walk, self.running_node, self._spinner_frame())

    def action_rerun(self) -> None:
        """Run the current node's checks again."""
        self.run_checks()

    def action_cancel(self) -> None:
        """Cancel the running checks; thread checks are told to stop and their results dropped."""
        if self._worker is not None and self.running_node is not None:
            self._worker.cancel()
