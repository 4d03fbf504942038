"""What a walk and a doctor run share: check results per node, accumulated facts, and the one node runner.

``RunState.run_node`` is the only place a node's checks are prepared, run and stored: the TUI, the
headless ``run``, ``doctor`` and the verification after a fix all go through it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace
from typing import Any

from tui.checks.base import CheckContext
from tui.context import Context
from tui.engine.events import Listener, NodeFinished, ignore
from tui.engine.runner import Planned, prepare, run_checks
from tui.engine.skips import classify_missing_fact
from tui.i18n import _
from tui.playbook.model import CheckNode, Playbook
from tui.registry import Registry, load_all
from tui.results import CheckResult


class WalkError(Exception):
    """An action that does not fit the current node (answering a check node, unknown choice, ...)."""


def check_node_order(playbook: Playbook) -> list[str]:
    """Reachable check nodes, each after every node that can lead to it (cycles broken by DFS order)."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node_id: str) -> None:
        state[node_id] = 1
        for target, _how in playbook.targets(node_id):
            if target in playbook.nodes and state.get(target) is None:
                visit(target)
        state[node_id] = 2
        order.append(node_id)

    visit(playbook.start)
    order.reverse()
    return [n for n in order if isinstance(playbook.nodes[n], CheckNode)]


def cache_key(planned: Planned) -> str:
    """The same check with the same parameters: one run per doctor pass, whatever node lists it."""
    params = planned.params.model_dump(mode="json") if planned.params is not None else None
    return json.dumps([planned.spec.id if planned.spec else planned.key, params], sort_keys=True, default=str)


@dataclass(eq=False, repr=False)
class RunState:
    """Results and facts of one session over one playbook (a walk or a doctor run)."""

    playbook: Playbook
    context: Context
    registry: Registry = field(default_factory=load_all)
    timeout: float | None = None
    listener: Listener = ignore
    facts: dict[str, Any] = field(default_factory=dict)
    results: dict[str, dict[str, CheckResult]] = field(default_factory=dict)
    settled: set[str] = field(default_factory=set)
    """Fixes (``fix_key``) applied in this session or found to have nothing left to do: no longer offered."""
    inflight: dict[str, asyncio.Future[CheckResult]] = field(default_factory=dict, repr=False)
    """Checks (``cache_key``) running right now for one node: another node listing the same check waits for it."""

    def __post_init__(self) -> None:
        if self.timeout is None:
            self.timeout = self.context.timeout

    def __repr__(self) -> str:
        """A summary, not every field. With every field (the playbook, the context, every result) it ran to about
        250 KB, and Python builds it where nobody reads it: as ``asyncio.run`` ends (3.11) it compares its SIGINT
        handler through ``signal.getsignal``, whose failed enum lookup formats the handler's repr, which holds the
        main task's repr, which holds its result: the doctor run. 6 ms of CPU, twice per ``doctor``."""
        checks = sum(len(results) for results in self.results.values())
        return f"<{type(self).__name__} of {self.playbook.id!r}: {len(self.results)} nodes run, {checks} results>"

    def values(self) -> dict[str, Any]:
        """Everything templates may use now: input defaults, context values and facts."""
        return {**self.playbook.values(self.context.values()), **self.facts}

    async def run_node(
        self, node_id: str, *, only: set[str] | None = None, cache: dict[str, CheckResult] | None = None
    ) -> dict[str, CheckResult]:
        """Run a check node's checks (``only``: check ids or result keys), store results and facts.

        With ``cache``, a check already run with the same parameters is not run again. Returns the
        node's results (earlier results of checks not selected by ``only`` are kept).
        """
        node = self.playbook.nodes[node_id]
        if not isinstance(node, CheckNode):
            raise WalkError(_("{node} is a {kind} node; it has no checks to run").format(node=node_id, kind=node.kind))
        invocations = [inv for inv in node.checks if only is None or inv.check in only or inv.key in only]
        if not invocations:
            return {}
        planned = [
            p
            if p.problem is None
            else replace(p, problem=classify_missing_fact(p.problem, self.registry, self.results))
            for p in prepare(invocations, self.registry, self.values())
        ]
        fresh, waiting = self._claim(planned, cache)
        timeout = self.timeout if self.timeout is not None else self.context.timeout
        ctx = CheckContext(
            context=self.context, facts=dict(self.facts), timeout=timeout, playbook=self.playbook, node_id=node_id
        )

        def settle(p: Planned, result: CheckResult) -> None:
            if cache is not None:
                cache[cache_key(p)] = result
                self.inflight.pop(cache_key(p)).set_result(result)

        try:
            ran = await run_checks(node_id, fresh, ctx, timeout=timeout, listener=self.listener, on_result=settle)
        finally:
            for p in fresh:  # cancelled (or a bug): whoever waits for these must not wait forever
                future = self.inflight.pop(cache_key(p), None)
                if future is not None:
                    future.cancel()
        if cache is not None:
            for future in waiting:
                await asyncio.shield(future)
            ran = {p.key: cache[cache_key(p)] for p in planned}
        previous = self.results.get(node_id, {})
        merged = {**previous, **ran}
        self.results[node_id] = {inv.key: merged[inv.key] for inv in node.checks if inv.key in merged}
        for key, result in ran.items():
            # A fact the earlier run published and this one does not is stale (an initialize that failed
            # then, passes now): later checks and branch conditions must not see it.
            for name in set(previous[key].facts) - set(result.facts) if key in previous else ():
                self.facts.pop(name, None)
            self.facts.update(result.facts)
        self.node_ran(node_id, ran)
        self.listener(NodeFinished(node_id, self.results[node_id]))
        return self.results[node_id]

    def _claim(
        self, planned: list[Planned], cache: dict[str, CheckResult] | None
    ) -> tuple[list[Planned], list[asyncio.Future[CheckResult]]]:
        """Which checks this node runs itself, and which runs (of other nodes, right now) it waits for."""
        if cache is None:
            return planned, []
        fresh: list[Planned] = []
        waiting: list[asyncio.Future[CheckResult]] = []
        for p in planned:
            key = cache_key(p)
            if key in cache:
                continue
            if key in self.inflight:
                waiting.append(self.inflight[key])
                continue
            self.inflight[key] = asyncio.get_running_loop().create_future()
            fresh.append(p)
        return fresh, waiting

    def node_ran(self, node_id: str, results: dict[str, CheckResult]) -> None:
        """Hook after a node's checks ran (the doctor records findings here)."""
