"""``doctor --format sarif``: SARIF 2.1.0, one rule per check id, one result per finding.

Statuses map onto SARIF's ``kind`` (3.27.9) and ``level``: ``fail`` → kind ``fail`` at the level of the
check's severity (critical/high ``error``, medium ``warning``, low/info ``note``); ``warn`` → kind ``fail``,
level ``warning``; ``error`` (the check could not decide) and a skip that could not run → kind ``open``
("could not determine pass or fail"); a skip that does not apply → ``notApplicable``; ``pass`` → ``pass``.
Code-scanning views list only kind ``fail``; the others keep the report complete for other consumers.

A fix that edits project files becomes a SARIF ``fix`` with one ``artifactChange`` per file and one
``replacement`` per changed block (character offsets into the file as it is now), and the result is located
in that file. Fixes that call AWS are not file patches: the result names them in ``properties.fix``.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.engine.formats.outcome import could_not_run
from tui.engine.formats.report_model import finding_id, report_context
from tui.files import user_path
from tui.redact import redact
from tui.results import Severity, Status

if TYPE_CHECKING:
    from tui.engine.doctor import DoctorRun, Finding
    from tui.fixes.base import FileChange, Plan

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
PROJECT_ROOT = "PROJECTROOT"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def _kind_and_level(f: Finding) -> tuple[str, str]:
    if f.status is Status.FAIL:
        return "fail", _LEVEL[f.severity]
    if f.status is Status.WARN:
        return "fail", "warning"
    if f.status is Status.ERROR or could_not_run(f):
        return "open", "none"
    if f.status is Status.SKIP:
        return "notApplicable", "none"
    return "pass", "none"


def _rule(run: DoctorRun, f: Finding) -> dict[str, Any]:
    spec = run.registry.checks.get(f.check)
    rule: dict[str, Any] = {
        "id": f.check,
        "shortDescription": {"text": f.title},
        "defaultConfiguration": {"level": _LEVEL[f.severity]},
        "properties": {"severity": f.severity.value, "tags": [f.check.split(".", 1)[0]]},
    }
    description = (spec.description if spec else "") or ""
    if description.strip():
        rule["fullDescription"] = {"text": description.strip()}
    remediation = (spec.remediation if spec else "") or f.remediation
    if remediation.strip():
        rule["help"] = {"text": remediation.strip(), "markdown": remediation.strip()}
    return rule


def _artifact(path: str, root: Path | None) -> dict[str, Any]:
    p = Path(path)
    if root is not None:
        try:
            return {"uri": p.resolve().relative_to(root).as_posix(), "uriBaseId": PROJECT_ROOT}
        except ValueError:
            pass
    return {"uri": p.resolve().as_uri()}


def _replacements(change: FileChange) -> list[dict[str, Any]]:
    """One replacement per changed block of lines, as character offsets into the file before the change."""
    old = (change.before or "").splitlines(keepends=True)
    new = (change.after or "").splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        replacement: dict[str, Any] = {
            "deletedRegion": {"charOffset": starts[i1], "charLength": starts[i2] - starts[i1]}
        }
        if j2 > j1:
            replacement["insertedContent"] = {"text": "".join(new[j1:j2])}
        out.append(replacement)
    return out


def _sarif_fix(plan: Plan, root: Path | None) -> dict[str, Any] | None:
    from tui.fixes.base import FileChange

    changes = [a for a in plan.actions if isinstance(a, FileChange)]
    if not changes or len(changes) != len(plan.actions):
        return None  # only pure file patches; a fix that also calls AWS is not something an editor can apply
    return {
        "description": {"text": f"{plan.title} (agentcore-triage fix {plan.fix}): {plan.summary}"},
        "artifactChanges": [
            {"artifactLocation": _artifact(c.path, root), "replacements": _replacements(c)} for c in changes
        ],
    }


def _anchor(root: Path | None) -> dict[str, Any] | None:
    """Where a finding without a file of its own is shown: the project's ``.bedrock_agentcore.yaml``, the file that
    names the runtime. Code scanning (GitHub) rejects a result without a location; with no project there is no file
    in the repository to point at, so such results stay without one (README: pass ``--project`` for code scanning)."""
    if root is None:
        return None
    from tui.project.agentcore_file import FILE_NAME

    config = root / FILE_NAME
    if not config.is_file():
        return None
    return {"physicalLocation": {"artifactLocation": _artifact(str(config), root)}}


def _result(run: DoctorRun, f: Finding, rule_index: int, plan: Plan | None, root: Path | None) -> dict[str, Any]:
    kind, level = _kind_and_level(f)
    text = f.summary if not could_not_run(f) else f"could not run: {f.summary}"
    result: dict[str, Any] = {
        "ruleId": f.check,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": level,
        "message": {"text": text or f.title},
        "partialFingerprints": {"agentcoreTriageFindingId/v1": finding_id(f.node, f.key)},
        "properties": {
            "id": finding_id(f.node, f.key),
            "node": f.node,
            "status": f.status.value,
            "couldNotRun": could_not_run(f),
            "severity": f.severity.value,
            "evidence": f.evidence,
        },
    }
    if f.fix is not None:
        result["properties"]["fix"] = {"id": f.fix.id, "risk": f.fix.risk, "outcome": f.fix.outcome}
    sarif_fix = _sarif_fix(plan, root) if plan is not None else None
    if sarif_fix is not None:
        result["fixes"] = [sarif_fix]
        first = sarif_fix["artifactChanges"][0]["artifactLocation"]
        result["locations"] = [{"physicalLocation": {"artifactLocation": first}}]
    elif (anchor := _anchor(root)) is not None:
        result["locations"] = [anchor]
    return result


def render_sarif(run: DoctorRun, plans: dict[str, Plan] | None = None) -> str:
    """The SARIF log (redacted). ``plans``: finding id → the plan of its file fix (``file_fix_plans``)."""
    plans = plans or {}
    project = run.context.project
    root = user_path(project).resolve() if project else None
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for f in run.findings:
        if f.check not in index:
            index[f.check] = len(rules)
            rules.append(_rule(run, f))
        results.append(_result(run, f, index[f.check], plans.get(finding_id(f.node, f.key)), root))
    sarif_run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "agentcore-triage",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"agentcore-triage/doctor/{run.playbook.id}/"},
        "results": results,
        "properties": {"playbook": run.playbook.id, "context": report_context(run.context), "totals": run.totals},
    }
    if root is not None:
        sarif_run["originalUriBaseIds"] = {PROJECT_ROOT: {"uri": root.as_uri() + "/"}}
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [sarif_run]}
    return json.dumps(redact(log), indent=2, default=str, ensure_ascii=False)


def file_fix_plans(run: DoctorRun) -> dict[str, Plan]:
    """The plans of the fixes offered for findings that only edit project files (planning reads files only).

    A fix that cannot be planned now is left out (the finding still says which fix the node offers).
    """
    from tui.engine.fixing import plan_fix
    from tui.fixes.base import FixError
    from tui.playbook.model import CheckNode

    plans: dict[str, Plan] = {}
    for f in run.findings:
        spec = run.registry.fixes.get(f.fix.id) if f.fix else None
        if spec is None or not spec.cls.changes_files or f.fix is None or f.fix.applied:
            continue
        node = run.playbook.nodes[f.node]
        if not isinstance(node, CheckNode):
            continue
        same_fix = [r for r in node.fixes if r.fix == f.fix.id]
        ref = next((r for r in same_fix if node.remedies(r) == f.key), same_fix[0] if same_fix else None)
        if ref is None:
            continue
        try:
            plans[finding_id(f.node, f.key)] = plan_fix(ref.fix, ref.params, run.context, run.facts, run.registry)
        except FixError:
            continue
    return plans
