"""Headless run of every check node of a playbook, for CI and support tickets.

No answers are needed: every branch of every question is explored. Check nodes
run in dependency order (a node runs after the nodes that lead to it), so facts
published early (``runtime.role_arn``) are there for later templates. The same
check with the same parameters runs once even if several nodes list it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tui.context import Context
from tui.engine.events import Listener, ignore
from tui.engine.fixing import FixInfo, FixRequest, find_fix_ref, run_fix
from tui.engine.state import RunState, check_node_order
from tui.playbook.model import CheckNode, FixRef, Playbook
from tui.redact import redact
from tui.registry import Registry, load_all
from tui.results import CheckResult, Severity, Status

__all__ = [
    "DoctorRun",
    "Finding",
    "FixInfo",
    "check_node_order",
    "find_fix_ref",
    "fix_all",
    "record_findings",
    "run_doctor",
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


@dataclass(eq=False)
class DoctorRun(RunState):
    """The outcome of a doctor run: findings in playbook order, plus accumulated facts."""

    findings: list[Finding] = field(default_factory=list)
    fixes: list[FixInfo] | None = None
    """Every fix ``--fix all`` considered, in order (None when no fix was attempted)."""

    @property
    def totals(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    @property
    def exit_code(self) -> int:
        return 1 if any(f.status in (Status.FAIL, Status.ERROR) for f in self.findings) else 0

    def node_ran(self, node_id: str, results: dict[str, CheckResult]) -> None:
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
    run = DoctorRun(playbook, context, registry or load_all(), timeout, listener)
    only_set = with_prerequisite_checks(playbook, run.registry, set(only or []))
    cache: dict[str, CheckResult] = {}
    for node_id in check_node_order(playbook):
        await run.run_node(node_id, only=only_set or None, cache=cache)
    return run


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
        return confirm(request.headline, request.plan.preview())

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
