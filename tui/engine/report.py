"""Render a doctor run as text (flutter-doctor style), Markdown (support tickets) or JSON."""

from __future__ import annotations

import json
from typing import Any

from tui.engine.doctor import DoctorRun
from tui.redact import redact_text
from tui.results import Status

_ORDER = [Status.FAIL, Status.ERROR, Status.WARN, Status.PASS, Status.SKIP]


def render_json(run: DoctorRun) -> str:
    return json.dumps(run.report(), indent=2, default=str)


def _line_totals(totals: dict[str, Any]) -> str:
    return ", ".join(f"{totals[s.value]} {s.value}" for s in _ORDER if totals.get(s.value))


def render_text(run: DoctorRun, *, verbose: bool = False) -> str:
    """One line per finding with a status box, remediation under problems, a summary at the end."""
    lines = [f"agentcore-triage doctor · playbook {run.playbook.id}"]
    ctx = run.context.public()
    target = ", ".join(f"{k}={ctx[k]}" for k in ("region", "runtime", "endpoint", "project") if k in ctx)
    if target:
        lines.append(f"target: {target}")
    lines.append("")
    for f in run.findings:
        box = f"[{f.status.icon}]"
        lines.append(f"{box} {f.key:<24} {f.summary}")
        if f.status.is_problem or verbose:
            if f.remediation:
                for rline in f.remediation.strip().splitlines():
                    lines.append(f"      {rline}")
            if f.fix:
                state = f" ({f.fix.outcome})" if f.fix.outcome else ""
                lines.append(
                    f"      fix available: {f.fix.id} [{f.fix.risk}]{state}  ->  agentcore-triage doctor --fix all --yes"
                )
    lines.append("")
    totals = run.totals
    lines.append(f"{len(run.findings)} checks: {_line_totals(totals)}")
    if run.exit_code == 0:
        lines.append("No problems found." if not totals.get("warn") else "No failures; look at the warnings above.")
    return redact_text("\n".join(lines))


def render_markdown(run: DoctorRun) -> str:
    """A support-ticket report: context, a findings table, then details of every problem."""
    report = run.report()
    out = [f"# agentcore-triage report: {run.playbook.title}", ""]
    out.append(f"- tool: agentcore-triage {report['version']}")
    out.append(f"- playbook: `{run.playbook.id}`")
    for key, value in report["context"].items():
        out.append(f"- {key}: `{value}`")
    out.append("")
    out.append(f"**{_line_totals(report['totals'])}**")
    out.append("")
    out.append("| | check | node | summary | fix |")
    out.append("|---|---|---|---|---|")
    for f in run.findings:
        summary = f.summary.replace("|", "\\|")
        fix = f"`{f.fix.id}`" + (f" ({f.fix.outcome})" if f.fix and f.fix.outcome else "") if f.fix else ""
        out.append(f"| {f.status.icon} {f.status.value} | `{f.check}` | {f.node} | {summary} | {fix} |")
    problems = [f for f in run.findings if f.status.is_problem]
    if problems:
        out += ["", "## Problems", ""]
        for f in problems:
            out.append(f"### {f.status.icon} {f.title} (`{f.check}`)")
            out.append("")
            out.append(f.summary)
            if f.details:
                out += ["", f.details]
            if f.remediation:
                out += ["", "**What to do:** " + f.remediation]
            if f.evidence:
                out += [
                    "",
                    "<details><summary>evidence</summary>",
                    "",
                    "```json",
                    json.dumps(f.evidence, indent=2, default=str),
                    "```",
                    "",
                    "</details>",
                ]
            out.append("")
    return redact_text("\n".join(out)) + "\n"
