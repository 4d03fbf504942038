"""Headless run of every check node of a playbook, for CI and support tickets.

No answers are needed: every branch of every question is explored. Check nodes
run in dependency order (a node runs after the nodes that lead to it), so facts
published early (``runtime.role_arn``) are there for later templates. The same
check with the same parameters runs once even if several nodes list it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tui import __version__
from tui.context import Context
from tui.checks.base import CheckContext
from tui.engine.events import Listener, ignore
from tui.engine.runner import Planned, prepare, run_checks
from tui.playbook.model import CheckNode, Playbook
from tui.redact import redact
from tui.registry import Registry, load_all
from tui.results import CheckResult, Severity, Status


class FixInfo(BaseModel):
    id: str
    risk: str
    applied: bool = False
    plan: dict[str, Any] | None = None
    outcome: str | None = None
    error: str | None = None


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


def check_node_order(playbook: Playbook) -> list[str]:
    """Reachable check nodes, each after every node that can lead to it (cycles broken by DFS order)."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node_id: str) -> None:
        state[node_id] = 1
        for target, _ in playbook.targets(node_id):
            if target in playbook.nodes and state.get(target) is None:
                visit(target)
        state[node_id] = 2
        order.append(node_id)

    visit(playbook.start)
    order.reverse()
    return [n for n in order if isinstance(playbook.nodes[n], CheckNode)]


@dataclass
class DoctorRun:
    """The outcome of a doctor run: findings in playbook order, plus accumulated facts."""

    playbook: Playbook
    context: Context
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    results: dict[str, dict[str, CheckResult]] = field(default_factory=dict)

    @property
    def totals(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    @property
    def exit_code(self) -> int:
        return 1 if any(f.status in (Status.FAIL, Status.ERROR) for f in self.findings) else 0

    def report(self) -> dict[str, Any]:
        """The JSON report (shape fixed by the foundation issue; other issues add checks only)."""
        return redact(
            {
                "tool": "agentcore-triage",
                "version": __version__,
                "playbook": self.playbook.id,
                "context": self.context.public(),
                "findings": [
                    {
                        "check": f.check,
                        "node": f.node,
                        "title": f.title,
                        "status": f.status.value,
                        "severity": f.severity.value,
                        "summary": f.summary,
                        "remediation": f.remediation,
                        "evidence": f.evidence,
                        "duration": f.duration,
                        "fix": f.fix.model_dump(mode="json") if f.fix else None,
                    }
                    for f in self.findings
                ],
                "totals": self.totals,
            }
        )


def _cache_key(p: Planned) -> str:
    params = p.params.model_dump(mode="json") if p.params is not None else None
    return json.dumps([p.spec.id if p.spec else p.key, params], sort_keys=True, default=str)


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
    registry = registry or load_all()
    timeout = timeout if timeout is not None else context.timeout
    only_set = with_prerequisite_checks(playbook, registry, set(only or []))
    run = DoctorRun(playbook, context)
    cache: dict[str, CheckResult] = {}
    for node_id in check_node_order(playbook):
        await run_doctor_node(run, node_id, registry, timeout, listener, cache, only_set)
    return run


async def run_doctor_node(
    run: DoctorRun,
    node_id: str,
    registry: Registry,
    timeout: float,
    listener: Listener = ignore,
    cache: dict[str, CheckResult] | None = None,
    only: set[str] | None = None,
) -> dict[str, CheckResult]:
    """Run one node's checks inside a doctor run and (re)write its findings."""
    cache = {} if cache is None else cache
    node = run.playbook.nodes[node_id]
    assert isinstance(node, CheckNode)
    # ``only`` names check ids or the per-node result names the report shows (``have-runtime``).
    invocations = [inv for inv in node.checks if not only or inv.check in only or inv.key in only]
    if not invocations:
        return {}
    values = {**run.playbook.values(run.context.values()), **run.facts}
    planned = prepare(invocations, registry, values)
    fresh = [p for p in planned if _cache_key(p) not in cache]
    ctx = CheckContext(
        context=run.context, facts=dict(run.facts), timeout=timeout, playbook=run.playbook, node_id=node_id
    )
    results = await run_checks(node_id, fresh, ctx, timeout=timeout, listener=listener)
    for p in fresh:
        cache[_cache_key(p)] = results[p.key]
    node_results = {p.key: cache[_cache_key(p)] for p in planned}
    run.results[node_id] = node_results
    for result in node_results.values():
        run.facts.update(result.facts)
    record_findings(run, node_id, node_results, registry)
    return node_results


def record_findings(run: DoctorRun, node_id: str, results: dict[str, CheckResult], registry: Registry) -> None:
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
                title=spec.title if spec else key,
                status=result.status,
                severity=spec.severity if spec else Severity.MEDIUM,
                summary=result.summary,
                details=result.details,
                remediation=result.remediation,
                evidence=result.evidence,
                duration=result.duration,
                fix=fix,
            )
        )


ConfirmFn = Callable[[str, str], bool]


def find_fix_ref(playbook: Playbook, fix_id: str, *, prefer: str | None = None) -> tuple[str | None, Any]:
    """(node id, FixRef) of a check node offering ``fix_id`` (``prefer``'s node first)."""
    nodes = [prefer] if prefer else []
    nodes += [n for n in check_node_order(playbook) if n != prefer]
    for node_id in nodes:
        node = playbook.nodes.get(node_id) if node_id else None
        if isinstance(node, CheckNode):
            for ref in node.fixes:
                if ref.fix == fix_id:
                    return node_id, ref
    return None, None


def _fix_ref_for(playbook: Playbook, finding: Finding) -> Any:
    """The node's FixRef for this finding: a node may offer the same fix for several checks (other params)."""
    node = playbook.nodes[finding.node]
    assert isinstance(node, CheckNode) and finding.fix is not None
    same_fix = [r for r in node.fixes if r.fix == finding.fix.id]
    return next((r for r in same_fix if node.remedies(r) == finding.key), same_fix[0] if same_fix else None)


class _Fixer:
    """Plans, confirms and applies fixes for one ``fix_all`` run, recording each outcome in a FixInfo."""

    def __init__(self, run: DoctorRun, registry: Registry, confirm: ConfirmFn) -> None:
        self.run, self.registry, self.confirm = run, registry, confirm

    async def plan(self, info: FixInfo, ref: Any) -> Any:
        """The plan, or None with ``info`` saying why not."""
        import asyncio

        from tui.engine.fixing import FixError, plan_fix

        try:
            plan = await asyncio.to_thread(
                plan_fix, ref.fix, ref.params, self.run.context, self.run.facts, self.registry
            )
        except FixError as exc:
            info.outcome, info.error = "not planned", str(exc)
            return None
        info.plan = plan.model_dump(mode="json", include={"summary", "actions", "permissions", "notes", "risk"})
        if plan.noop:
            info.outcome = "nothing to do"
        return plan

    async def confirm_and_apply(self, info: FixInfo, plan: Any, node_id: str | None, why: str = "") -> None:
        """Ask, then apply and audit; ``info`` gets the outcome."""
        import asyncio

        from tui.engine.fixing import FixError, apply_plan

        if not self.confirm(f"{plan.title} [{plan.risk.value}]{why}", plan.preview()):
            info.outcome = "declined"
            return
        try:
            record = await asyncio.to_thread(apply_plan, plan, self.run.context, node=node_id, facts=self.run.facts)
        except FixError as exc:
            info.outcome, info.error = "failed", str(exc)
            return
        info.applied, info.outcome, info.error = record.outcome == "applied", record.outcome, record.error

    async def prerequisite(self, fix_id: str, near: str, needed_by: str) -> FixInfo:
        """Apply a fix another fix needs first (e.g. the logs resource policy before the X-Ray destination)."""
        spec = self.registry.fixes.get(fix_id)
        info = FixInfo(id=fix_id, risk=spec.risk.value if spec else "mutating")
        node_id, ref = find_fix_ref(self.run.playbook, fix_id, prefer=near)
        if ref is None:
            info.outcome, info.error = "not planned", f"no node of the playbook offers {fix_id}"
            return info
        plan = await self.plan(info, ref)
        if plan is not None and not plan.noop:
            await self.confirm_and_apply(info, plan, node_id, f" (needed first by {needed_by})")
        return info


async def fix_all(
    run: DoctorRun,
    *,
    confirm: ConfirmFn,
    registry: Registry | None = None,
    listener: Listener = ignore,
    timeout: float | None = None,
) -> list[FixInfo]:
    """Plan and (if confirmed) apply every offered fix in playbook order, then re-run its node's checks.

    ``confirm(title, preview)`` decides each fix; the CLI passes ``--yes`` or a y/N prompt. A plan's
    prerequisites are applied first (each confirmed on its own), and the fix is planned again after them.
    """
    registry = registry or load_all()
    timeout = timeout if timeout is not None else run.context.timeout
    fixer = _Fixer(run, registry, confirm)
    outcomes: list[FixInfo] = []
    for finding in list(run.findings):
        if finding.fix is None or finding.status not in (Status.FAIL, Status.WARN):
            continue
        ref = _fix_ref_for(run.playbook, finding)
        if ref is None:
            continue
        info = finding.fix
        plan = await fixer.plan(info, ref)
        if plan is not None and plan.prerequisites:
            done = [await fixer.prerequisite(p, finding.node, plan.fix) for p in plan.prerequisites]
            outcomes += done
            missing = next((d for d in done if not d.applied and d.outcome != "nothing to do"), None)
            if missing is not None:
                info.outcome, info.error = (
                    "not applied",
                    f"prerequisite {missing.id} was not applied ({missing.outcome})",
                )
                outcomes.append(info)
                continue
            plan = await fixer.plan(info, ref)  # the prerequisites changed the state it was planned against
        if plan is not None and not plan.noop:
            await fixer.confirm_and_apply(info, plan, finding.node)
        outcomes.append(info)
        if info.applied and ref.verify:
            await run_doctor_node(run, finding.node, registry, timeout, listener)
            for f in run.findings:
                if f.node == finding.node and f.check == finding.check:
                    f.fix = info
    return outcomes
