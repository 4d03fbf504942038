"""The rows of the check table while a node runs, and what was cancelled (plain state, no widgets).

The walk stores a node's results only when every check finished; until then the table shows these rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.app.checks_table import CheckRow

if TYPE_CHECKING:
    from tui.engine.walk import Walk
    from tui.results import CheckResult


@dataclass
class LiveRun:
    """Which node is running (``node``), its live rows, and the keys each node had running when cancelled."""

    node: str | None = None
    rows: dict[str, CheckRow] = field(default_factory=dict)
    seq: int = 0
    """Bumped by every start: a stale worker's cancellation must not clear a newer run."""
    cancelled: dict[str, set[str]] = field(default_factory=dict)

    def start(self, walk: Walk, node_id: str, only: set[str] | None) -> int:
        """Rows for a (re)run of ``node_id``: checks outside ``only`` keep their stored result."""
        stored = walk.results.get(node_id, {})
        self.rows = {}
        for inv in getattr(walk.playbook.nodes[node_id], "checks", []):
            spec = walk.registry.checks.get(inv.check)
            keep = only is not None and inv.key not in only
            self.rows[inv.key] = CheckRow(
                inv.key,
                spec.title if spec else inv.key,
                "done" if keep and inv.key in stored else "pending",
                stored.get(inv.key) if keep else None,
            )
        self.node = node_id
        self.seq += 1
        self.cancelled.pop(node_id, None)
        return self.seq

    def check_started(self, node_id: str, key: str) -> CheckRow | None:
        row = self.rows.get(key) if node_id == self.node else None
        if row is not None:
            row.state, row.started = "running", time.monotonic()
        return row

    def check_finished(self, node_id: str, key: str, result: CheckResult) -> CheckRow | None:
        row = self.rows.get(key) if node_id == self.node else None
        if row is not None:
            row.state, row.result = "done", result
        return row

    def unfinished(self) -> list[str]:
        return [k for k, r in self.rows.items() if r.state in ("running", "pending")]

    def stop(self, cancelled: list[str] | None = None) -> None:
        if self.node is not None and cancelled is not None:
            self.cancelled[self.node] = set(cancelled)
        self.node = None
        self.rows = {}

    def rows_for(self, walk: Walk) -> list[CheckRow]:
        """The check rows of the current node: live while it runs, else its stored results."""
        if self.node == walk.current:
            return list(self.rows.values())
        stored = walk.results.get(walk.current, {})
        cancelled = self.cancelled.get(walk.current, set())
        rows = []
        for inv in getattr(walk.node, "checks", []):
            spec = walk.registry.checks.get(inv.check)
            state = "done" if inv.key in stored else ("cancelled" if inv.key in cancelled else "pending")
            rows.append(CheckRow(inv.key, spec.title if spec else inv.key, state, stored.get(inv.key)))
        return rows
