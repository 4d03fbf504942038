"""Every report the product writes, in one place.

* a doctor run as text (flutter-doctor style), Markdown (support tickets) or JSON;
* a headless walk (``agentcore-triage run``) as text or JSON;
* a TUI session (the walk plus the fixes applied) as Markdown and JSON, built on the doctor report so a
  ticket from the TUI looks like one from ``agentcore-triage doctor``.

Everything is redacted on the way out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.text import Text

from tui.engine.doctor import DoctorRun, record_findings
from tui.engine.formats.outcome import could_not_run, counts_as_problem
from tui.engine.walk import Walk
from tui.fixes.audit import AuditRecord
from tui.playbook.model import DiagnosisNode
from tui.redact import redact, redact_text
from tui.results import Status

_ORDER = [Status.FAIL, Status.ERROR, Status.WARN, Status.PASS, Status.SKIP]


def render_json(run: DoctorRun) -> str:
    return json.dumps(run.report(), indent=2, default=str)


def _line_totals(totals: dict[str, Any]) -> str:
    return ", ".join(f"{totals[s.value]} {s.value}" for s in _ORDER if totals.get(s.value))


_STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.ERROR: "bold magenta",
    Status.SKIP: "dim",
}
NOT_RUN_STYLE = "bold yellow"


def text_report(run: DoctorRun, *, verbose: bool = False, quiet: bool = False) -> Text:
    """The doctor's text report, styled (``rich``): a status box per finding, remediation under problems,
    the totals line. ``quiet``: only failures, errors and checks that could not run, then the totals line.

    Every value is redacted before it is styled (styles are spans over the redacted text).
    """
    out = Text()

    def line(text: str = "", style: str = "") -> None:
        out.append(text, style=style)
        out.append("\n")

    if not quiet:
        line(f"agentcore-triage doctor · playbook {run.playbook.id}", "bold")
        ctx = run.context.public()
        target = ", ".join(f"{k}={ctx[k]}" for k in ("region", "runtime", "endpoint", "project") if k in ctx)
        if target:
            line(redact_text(f"target: {target}"), "dim")
        line()
    for f in run.findings:
        not_run = could_not_run(f)
        if quiet and not counts_as_problem(f):
            continue
        style = NOT_RUN_STYLE if not_run else _STYLE.get(f.status, "")
        out.append(f"[{f.status.icon}]", style=style)
        out.append(f" {f.key:<24} ")
        out.append(
            ("could not run: " if not_run else "") + redact_text(f.summary),
            style="" if f.status is Status.PASS else style,
        )
        out.append("\n")
        if f.status.is_problem or not_run or verbose:
            for rline in redact_text(f.remediation.strip()).splitlines() if f.remediation else []:
                line(f"      {rline}")
            if f.fix:
                state = f" ({f.fix.outcome})" if f.fix.outcome else ""
                line(
                    f"      fix available: {f.fix.id} [{f.fix.risk}]{state}  ->  agentcore-triage doctor --fix all --yes",
                    "cyan",
                )
    not_applied = [redact_text(f.explanation()) for f in run.fixes or [] if not f.applied]
    if not_applied and not quiet:
        line()
        line("Fixes not applied:", "bold")
        for explanation in not_applied:
            line(f"  - {explanation}")
    if not quiet or any(counts_as_problem(f) for f in run.findings):
        line()
    totals = run.totals
    not_run_count = sum(1 for f in run.findings if could_not_run(f))
    summary = f"{len(run.findings)} checks: {_line_totals(totals)}"
    if not_run_count:
        summary += f" ({not_run_count} of the skips could not run: a check they need failed, errored or was skipped)"
    line(summary, "bold")
    if run.exit_code == 0 and not not_run_count:
        if totals.get("warn"):
            line("No failures; look at the warnings above.", "yellow")
        else:
            line("No problems found.", "bold green")
    out.rstrip()
    return out


def render_text(run: DoctorRun, *, verbose: bool = False, quiet: bool = False) -> str:
    """The text report without styles (``--out``, pipes, tests)."""
    return text_report(run, verbose=verbose, quiet=quiet).plain


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


# ---------------------------------------------------------------------------- headless walk (`run`)


def walk_json(walk: Walk, stopped: str) -> dict[str, Any]:
    """``run --format json``: the path with reasons, every result, where the walk ended and why it stopped."""
    final = walk.node
    return {
        "playbook": walk.playbook.id,
        "path": [{"node": s.node, "to": s.target, "why": s.reason, "answer": s.answer} for s in walk.history],
        "results": {
            n: {k: r.model_dump(mode="json", exclude={"facts"}) for k, r in res.items()}
            for n, res in walk.results.items()
        },
        "end": {
            "node": walk.current,
            "kind": final.kind,
            "title": final.title,
            "severity": getattr(final, "severity", None),
        },
        "stopped": stopped or None,
    }


def render_walk_json(walk: Walk, stopped: str) -> str:
    return json.dumps(walk_json(walk, stopped), indent=2, default=str)


def render_walk_text(walk: Walk, stopped: str) -> str:
    """``run``: each step with its results and why it went on, then the diagnosis (or why it stopped)."""
    pb = walk.playbook
    lines = [f"agentcore-triage run · playbook {pb.id}", ""]
    for i, step in enumerate(walk.history, 1):
        node = pb.nodes[step.node]
        lines.append(f"{i}. {node.title}  [{step.node}]")
        for key, res in walk.results.get(step.node, {}).items():
            lines.append(f"     [{res.status.icon}] {key}: {res.summary}")
        if isinstance(node, DiagnosisNode) and node.body:
            lines += [f"     | {line}" for line in node.body.strip().splitlines()[:8]]
        lines.append(f"     -> {step.target}: {step.reason}")
    lines.append("")
    final = walk.node
    if isinstance(final, DiagnosisNode) and not stopped:
        lines.append(f"Diagnosis ({final.severity.value}): {final.title}  [{walk.current}]")
        if final.body:
            lines.append("\n" + final.body.strip())
        lines += [f"  {n}. {text}" for n, text in enumerate(final.next_steps, 1)]
    if stopped:
        lines.append(stopped)
    return "\n".join(lines)


def walk_has_problems(walk: Walk) -> bool:
    """A check failed or errored somewhere on the way."""
    return any(r.status in (Status.FAIL, Status.ERROR) for res in walk.results.values() for r in res.values())


# ---------------------------------------------------------------------------- TUI session export


@dataclass
class SessionLog:
    """What happened in the TUI besides the walk itself (fixes applied)."""

    fixes: list[AuditRecord] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def doctor_run(walk: Walk) -> DoctorRun:
    """The walk's results as a ``DoctorRun`` (findings in the order the nodes were visited)."""
    run = DoctorRun(walk.playbook, walk.context, walk.registry, facts=dict(walk.facts))
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
    report = doctor_run(walk).report()
    report["walk"] = _walk_section(walk)
    report["session_started"] = (log or SessionLog()).started
    report["fixes_applied"] = [
        r.model_dump(mode="json", include={"id", "time", "fix", "title", "node", "risk", "outcome", "error", "request"})
        for r in (log.fixes if log else [])
    ]
    return redact(report)  # type: ignore[no-any-return]


def session_markdown(walk: Walk, log: SessionLog | None = None) -> str:
    """The Markdown report: the walk (path and reasons), then the doctor-style findings."""
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
    from tui.private_files import write_private

    write_private(md_path, session_markdown(walk, log))  # 0600: the export holds evidence
    write_private(json_path, json.dumps(session_json(walk, log), indent=2, default=str) + "\n")
    return md_path, json_path
