"""The walk session as a support-ticket report: Markdown and JSON, both redacted.

Builds on the doctor report (``DoctorRun.report`` / ``render_markdown``) so a
ticket from the TUI looks like one from ``agentcore-triage doctor``, and adds what only
a walk has: the path taken, why each branch was taken, the answers given, where
the walk ended, and the fixes applied in this session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.private_files import write_private

if TYPE_CHECKING:
    from tui.engine.doctor import DoctorRun
    from tui.engine.walk import Walk
    from tui.fixes.audit import AuditRecord


@dataclass
class SessionLog:
    """What happened in the TUI besides the walk itself (fixes applied, cancellations)."""

    fixes: list[AuditRecord] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


def doctor_run(walk: Walk) -> DoctorRun:
    """The walk's results as a ``DoctorRun`` (findings in the order the nodes were visited)."""
    from tui.engine.doctor import DoctorRun, record_findings

    run = DoctorRun(walk.playbook, walk.context, facts=dict(walk.facts))
    order = [n for n in dict.fromkeys(walk.path + list(walk.results)) if n in walk.results]
    for node_id in order:
        run.results[node_id] = walk.results[node_id]
        record_findings(run, node_id, walk.results[node_id], walk.registry)
    return run


def _walk_section(walk: Walk) -> dict[str, Any]:
    node = walk.node
    return {
        "path": [
            {
                "node": s.node,
                "title": walk.playbook.nodes[s.node].title,
                "to": s.target,
                "why": s.reason,
                "answer": s.answer,
            }
            for s in walk.history
        ],
        "answers": dict(walk.answers),
        "current": {
            "node": walk.current,
            "kind": node.kind,
            "title": node.title,
            "severity": getattr(getattr(node, "severity", None), "value", None),
            "next_steps": list(getattr(node, "next_steps", []) or []),
        },
    }


def session_json(walk: Walk, log: SessionLog | None = None) -> dict[str, Any]:
    """The JSON report: the doctor report shape plus ``walk`` and ``fixes_applied``; redacted."""
    from tui.redact import redact

    report = doctor_run(walk).report()
    report["walk"] = _walk_section(walk)
    report["session_started"] = (log or SessionLog()).started
    report["fixes_applied"] = [
        r.model_dump(mode="json", include={"id", "time", "fix", "title", "node", "risk", "outcome", "error", "request"})
        for r in (log.fixes if log else [])
    ]
    return redact(report)


def session_markdown(walk: Walk, log: SessionLog | None = None) -> str:
    """The Markdown report: the walk (path and reasons), then the doctor-style findings."""
    from tui.engine.report import render_markdown
    from tui.redact import redact_text

    section = _walk_section(walk)
    out = ["## Walk", ""]
    if not section["path"]:
        out.append("Still at the start.")
    for i, step in enumerate(section["path"], 1):
        out.append(f"{i}. **{step['title']}** (`{step['node']}`) → `{step['to']}`: {step['why']}")
    cur = section["current"]
    out += [
        "",
        f"**Now at:** {cur['title']} (`{cur['node']}`, {cur['kind']}"
        + (f", severity {cur['severity']}" if cur["severity"] else "")
        + ")",
    ]
    for n, step in enumerate(cur["next_steps"], 1):
        out.append(f"   {n}. {step}")
    if log and log.fixes:
        out += ["", "## Fixes applied in this session", "", "| when | fix | node | outcome |", "|---|---|---|---|"]
        for r in log.fixes:
            out.append(f"| {r.time} | `{r.fix}` | {r.node or ''} | {r.outcome}{': ' + r.error if r.error else ''} |")
    body = render_markdown(doctor_run(walk))
    title, _, rest = body.partition("\n")
    return redact_text(title + "\n" + "\n".join(out) + "\n" + rest)


def export_session(
    walk: Walk, directory: str | Path, log: SessionLog | None = None, *, stamp: str | None = None
) -> tuple[Path, Path]:
    """Write ``agentcore-triage-session-<stamp>.md`` and ``.json`` into ``directory``; returns both paths."""
    folder = Path(directory).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = stamp or datetime.now().strftime("%Y%m%d-%H%M%S")
    md_path = folder / f"agentcore-triage-session-{stamp}.md"
    json_path = folder / f"agentcore-triage-session-{stamp}.json"
    write_private(md_path, session_markdown(walk, log))  # 0600: the export holds evidence
    write_private(json_path, json.dumps(session_json(walk, log), indent=2, default=str) + "\n")
    return md_path, json_path
