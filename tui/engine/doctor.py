"""Headless run of every check node of a playbook, for CI and support tickets.

No answers are needed: every branch of every question is explored. Check nodes
are scheduled by data, not by their place in the tree: a node starts as soon as
the nodes publishing the facts it needs (its templates' ``{runtime.role_arn}``,
and the facts its checks declare in ``needs``) have finished, so the AWS,
endpoint and project branches run at the same time. The same check with the same
parameters runs once even if several nodes list it (a second node waits for the
first's run). Findings and facts are then laid out in dependency order
(``check_node_order``), whatever order the checks finished in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tui.context import Context
from tui.engine.events import Listener, ignore
from tui.engine.fixing import FixInfo, FixRequest, find_fix_ref, run_fix
from tui.engine.state import RunState, check_node_order
from tui.i18n import _
from tui.playbook.model import CheckNode, FixRef, Playbook
from tui.redact import redact
from tui.registry import Registry, load_all
from tui.results import CheckResult, Severity, SkipReason, Status

__all__ = [
    "DoctorRun",
    "Finding",
    "FixInfo",
    "check_node_order",
    "find_fix_ref",
    "fix_all",
    "node_dependencies",
    "record_findings",
    "run_doctor",
    "with_notes",
    "with_prerequisite_checks",
]


class Finding(BaseModel):
    """One check result at one node, with the fix that node offers for it."""

    check: str
    node: str
    key: str
    title: str
    status: Status
    severity: Severity
    summary: str
    details: str = ""
    remediation: str = ""
    evidence: dict[str, Any] = {}
    duration: float = 0.0
    fix: FixInfo | None = None
    skip_reason: SkipReason | None = None
    """For a skip: ``not_applicable`` (intended) or ``could_not_run`` (a prerequisite failed: a problem)."""

    @property
    def could_not_run(self) -> bool:
        return self.status is Status.SKIP and self.skip_reason is SkipReason.COULD_NOT_RUN

    @property
    def is_problem(self) -> bool:
        """fail, error, warn, or a check that could not run."""
        return self.status.is_problem or self.could_not_run


@dataclass(eq=False, repr=False)  # RunState's summary, not a generated repr of every field
class DoctorRun(RunState):
    """The outcome of a doctor run: findings in playbook order, plus accumulated facts."""

    findings: list[Finding] = field(default_factory=list)
    fixes: list[FixInfo] | None = None
    """Every fix ``--fix all`` considered, in order (None when no fix was attempted)."""
    node_times: dict[str, tuple[float, float]] = field(default_factory=dict)
    """When each node's checks started (its inputs ready) and finished (``time.perf_counter``)."""
    dependencies: dict[str, list[str]] = field(default_factory=dict)
    """The nodes each node waited for (``node_dependencies``)."""

    def longest_chain(self) -> float:
        """Seconds along the slowest path of the dependency graph: the least wall time any schedule needs."""
        return self._chain()[0]

    def longest_chain_path(self) -> list[str]:
        """The nodes of that slowest path, first to last (where the wall time goes, for benchmarks)."""
        return self._chain()[1]

    def _chain(self) -> tuple[float, list[str]]:
        chain: dict[str, tuple[float, list[str]]] = {}
        for node_id, (started, ended) in sorted(self.node_times.items(), key=lambda item: item[1][1]):
            before = [chain[d] for d in self.dependencies.get(node_id, []) if d in chain]
            slowest = max(before, default=(0.0, []), key=lambda item: item[0])
            chain[node_id] = ((ended - started) + slowest[0], [*slowest[1], node_id])
        return max(chain.values(), default=(0.0, []), key=lambda item: item[0])

    @property
    def totals(self) -> dict[str, int]:
        """Count per status, plus ``could_not_run``: how many of the ``skip`` could not run (not green)."""
        counts = {s.value: 0 for s in Status}
        for f in self.findings:
            counts[f.status.value] += 1
        counts["could_not_run"] = len(self.could_not_run)
        return counts

    @property
    def could_not_run(self) -> list[Finding]:
        """Skips caused by a prerequisite's failure, error or timeout (each summary says which)."""
        return [f for f in self.findings if f.could_not_run]

    @property
    def exit_code(self) -> int:
        """1 when a check failed, errored or could not run; a "not applicable" skip is fine."""
        return 1 if any(f.status in (Status.FAIL, Status.ERROR) or f.could_not_run for f in self.findings) else 0

    def node_ran(self, node_id: str, results: dict[str, CheckResult]) -> None:
        record_findings(self, node_id, results, self.registry)

    def lay_out(self, order: list[str]) -> None:
        """Findings and facts as a run in ``order`` would leave them, whatever order nodes finished in."""
        self.findings = []
        self.facts = {}
        for node_id in order:
            results = self.results.get(node_id)
            if results is None:
                continue
            for result in results.values():
                self.facts.update(result.facts)
            record_findings(self, node_id, results, self.registry)

    def report(self) -> dict[str, Any]:
        """The JSON report (model and schema: ``tui/engine/formats/report_model.py``); redacted."""
        from tui.engine.formats.report_model import report_dict

        return redact(report_dict(self))  # type: ignore[no-any-return]


def with_prerequisite_checks(playbook: Playbook, registry: Registry, only: set[str]) -> set[str]:
    """``only`` plus every check that publishes a fact the selected checks' parameters use (transitively).

    ``--only iam.role.logs`` needs ``{runtime.role_arn}``: without ``runtime.discover`` it could only skip.
    """
    from tui.playbook.template import names_in

    if not only:
        return only
    wanted = set(only)
    publishers: dict[str, set[str]] = {}
    for spec in registry.checks.values():
        for fact in spec.publishes:
            publishers.setdefault(fact, set()).add(spec.id)
    changed = True
    while changed:
        changed = False
        for node in playbook.nodes.values():
            if not isinstance(node, CheckNode):
                continue
            for inv in node.checks:
                if inv.check in wanted or inv.key in wanted:
                    for name in names_in(inv.params):
                        new = publishers.get(name, set()) - wanted
                        if new:
                            wanted |= new
                            changed = True
    return wanted


async def run_doctor(
    playbook: Playbook,
    context: Context,
    *,
    registry: Registry | None = None,
    only: Iterable[str] | None = None,
    listener: Listener = ignore,
    timeout: float | None = None,
) -> DoctorRun:
    """Run every reachable check node once (``only`` limits it to some check ids)."""
    from tui.endpoint.pool import shared_connections
    from tui.engine.warm import modules_for, warm_in_background

    if registry is None:
        registry = await asyncio.to_thread(load_all)  # imports every check module: not on the event loop
    run = DoctorRun(playbook, context, registry, timeout, listener)
    only_set = with_prerequisite_checks(playbook, run.registry, set(only or []))
    order = check_node_order(playbook)
    selected = {
        inv.check
        for node_id in order
        for inv in _check_node(playbook, node_id).checks
        if not only_set or inv.check in only_set or inv.key in only_set
    }
    warm_in_background(modules_for(context, selected))  # before the checks need them, off the event loop
    dependencies = run.dependencies = node_dependencies(playbook, run.registry, order, only_set or None)
    finished = {node_id: asyncio.Event() for node_id in order}
    cache: dict[str, CheckResult] = {}

    async def run_when_ready(node_id: str) -> None:
        try:
            for needed in dependencies[node_id]:
                await finished[needed].wait()
            started = time.perf_counter()
            await run.run_node(node_id, only=only_set or None, cache=cache)
            run.node_times[node_id] = (started, time.perf_counter())
        finally:
            finished[node_id].set()  # a node that failed to run still lets the others go on (they skip)

    async with shared_connections():  # one HTTP connection pool for the run's endpoint checks
        tasks = [asyncio.create_task(run_when_ready(node_id), name=f"node:{node_id}") for node_id in order]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
    run.lay_out(order)
    return run


def node_dependencies(
    playbook: Playbook, registry: Registry, order: list[str], only: set[str] | None = None
) -> dict[str, list[str]]:
    """For each check node, the earlier nodes (in ``order``) whose checks publish a fact it needs.

    A check needs the facts its parameters' templates name, plus the dotted names in its ``needs``
    (facts it reads from ``ctx.facts`` itself, e.g. the endpoint checks read ``runtime.arn``). Only
    earlier nodes count, so the graph has no cycle and a fact published later is missing, as in order.
    """
    from tui.playbook.template import names_in

    def selected(node_id: str) -> list[Any]:
        return [
            inv for inv in _check_node(playbook, node_id).checks if only is None or inv.check in only or inv.key in only
        ]

    published: dict[str, set[str]] = {}
    needed: dict[str, set[str]] = {}
    for node_id in order:
        published[node_id], needed[node_id] = set(), set()
        for inv in selected(node_id):
            spec = registry.checks.get(inv.check)
            needed[node_id] |= set(names_in(inv.params))
            if spec is not None:
                published[node_id] |= set(spec.publishes)
                needed[node_id] |= {name for name in spec.needs if "." in name}
    return {
        node_id: [earlier for earlier in order[:i] if published[earlier] & needed[node_id]]
        for i, node_id in enumerate(order)
    }


def _check_node(playbook: Playbook, node_id: str) -> CheckNode:
    node = playbook.nodes[node_id]
    assert isinstance(node, CheckNode)
    return node


def record_findings(run: DoctorRun, node_id: str, results: dict[str, CheckResult], registry: Registry) -> None:
    """(Re)write the findings of one node from its results (a check reported at an earlier node is not repeated)."""
    node = run.playbook.nodes[node_id]
    assert isinstance(node, CheckNode)
    seen = {(f.check, f.summary) for f in run.findings if f.node != node_id}
    run.findings = [f for f in run.findings if f.node != node_id]
    for key, result in results.items():
        if (result.check, result.summary) in seen:
            continue  # the same check with the same outcome was reported at an earlier node
        spec = registry.checks.get(result.check)
        fix = None
        if result.status in (Status.FAIL, Status.WARN):
            for ref in node.fixes:
                if node.remedies(ref) == key and ref.fix in registry.fixes and ref.fix not in result.withheld_fixes:
                    fix = FixInfo(id=ref.fix, risk=registry.fixes[ref.fix].risk.value)
                    break
        run.findings.append(
            Finding(
                check=result.check or key,
                node=node_id,
                key=key,
                title=_(spec.title) if spec else key,
                status=result.status,
                severity=spec.severity if spec else Severity.MEDIUM,
                summary=result.summary,
                details=result.details,
                remediation=_(result.remediation) if result.remediation else "",
                evidence=result.evidence,
                duration=result.duration,
                fix=fix,
                skip_reason=result.skip_reason if result.status is Status.SKIP else None,
            )
        )


ConfirmFn = Callable[[str, str], bool]


def with_notes(preview: str, notes: Iterable[str]) -> str:
    """``preview`` with the plan's notes under it, one ``  # note`` line each after a blank line: what the CLI shows
    before it asks (``doctor --fix``, ``undo``), as the TUI's fix dialog shows them. Before, ``doctor --fix`` asked on
    the preview alone, so "run `uv lock` after this change" never reached the user."""
    lines = "".join(f"\n  # {note}" for note in notes)
    return preview + ("\n" + lines if lines else "")


def _fix_ref_for(playbook: Playbook, finding: Finding) -> FixRef | None:
    """The node's FixRef for this finding: a node may offer the same fix for several checks (other params)."""
    node = playbook.nodes[finding.node]
    assert isinstance(node, CheckNode) and finding.fix is not None
    same_fix = [r for r in node.fixes if r.fix == finding.fix.id]
    return next((r for r in same_fix if node.remedies(r) == finding.key), same_fix[0] if same_fix else None)


async def fix_all(
    run: DoctorRun,
    *,
    confirm: ConfirmFn,
    registry: Registry | None = None,
    listener: Listener | None = None,
    timeout: float | None = None,
) -> list[FixInfo]:
    """Run every offered fix in playbook order through ``run_fix`` (prerequisites first, verify after).

    ``confirm(headline, preview)`` decides each fix; the CLI passes ``--yes`` or a y/N prompt. Every fix
    considered ends up in ``run.fixes`` with its outcome; ``FixInfo.explanation()`` says why one was not applied.
    """
    if registry is not None:
        run.registry = registry
    if listener is not None:
        run.listener = listener
    if timeout is not None:
        run.timeout = timeout

    def ask(request: FixRequest) -> bool:
        return confirm(request.headline, with_notes(request.plan.preview(), request.plan.notes))

    outcomes: list[FixInfo] = []
    for finding in list(run.findings):
        if finding.fix is None or finding.status not in (Status.FAIL, Status.WARN):
            continue
        ref = _fix_ref_for(run.playbook, finding)
        if ref is None:
            continue
        result = await run_fix(ref, run, ask, node=finding.node)
        info = result.info
        outcomes += result.prerequisites
        outcomes.append(info)
        for f in run.findings:
            if f.node == finding.node and f.check == finding.check:
                f.fix = info
    run.fixes = outcomes
    return outcomes
