"""Every report the product writes, in one place.

* a doctor run as text (flutter-doctor style), Markdown (support tickets) or JSON;
* a headless walk (``agentcore-triage run``) as text or JSON;
* a TUI session (the walk plus the fixes applied) as Markdown and JSON, built on the doctor report so a
  ticket from the TUI looks like one from ``agentcore-triage doctor``.

Everything is redacted on the way out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.text import Text

from tui.engine.doctor import DoctorRun, record_findings
from tui.engine.fixing import FixOutcome
from tui.engine.formats.outcome import could_not_run, counts_as_problem
from tui.engine.formats.report_model import report_context, withheld_fixes
from tui.engine.walk import Walk
from tui.files import user_path
from tui.fixes.audit import AuditRecord
from tui.i18n import _, ngettext
from tui.playbook.model import DiagnosisNode
from tui.redact import cut_value, redact, redact_text
from tui.results import CheckResult, Status

_ORDER = [Status.FAIL, Status.ERROR, Status.WARN, Status.PASS, Status.SKIP]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline: a value holding ESC[2J or BEL acts on the reader's terminal."""


def _shown(text: str) -> str:
    """``text`` as every report shows it: redacted, and with control characters replaced (values the user or a server
    gave, such as ``--runtime`` with an escape sequence, reached the terminal raw)."""
    return _CONTROL.sub("\ufffd", redact_text(text))


TARGET_VALUE_CHARS = 300
"""Characters of one value the target line shows (a real endpoint URL with its runtime ARN is about 250)."""
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _target_value(value: Any) -> str:
    """One value of the target line: on the line (a newline or tab as U+FFFD) and cut with its length. The context's
    checks refuse such a runtime or endpoint before anything runs; this holds for whatever else reaches a report
    (`--runtime $'a\\nb'` split the line, 100,000 characters were printed whole)."""
    return cut_value(_LINE_BREAKS.sub("\ufffd", str(value)), TARGET_VALUE_CHARS)


def render_json(run: DoctorRun) -> str:
    return json.dumps(run.report(), indent=2, default=str)


def _line_totals(totals: dict[str, Any]) -> str:
    """``29 pass, 4 skip (4 could not run)``: a skip that could not run is never lumped with the intended ones."""
    parts = []
    for s in _ORDER:
        if totals.get(s.value):
            part = f"{totals[s.value]} {_(s.value)}"
            if s is Status.SKIP and totals.get("could_not_run"):
                part += _(" ({count} could not run)").format(count=totals["could_not_run"])
            parts.append(part)
    return ", ".join(parts)


def could_not_run_lines(run: DoctorRun) -> list[str]:
    """One line per check that could not run, with why (the prerequisite that failed, errored or timed out)."""
    return [f"{f.check}: {f.summary}" for f in run.could_not_run]


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
        line(_("agentcore-triage doctor · playbook {id}").format(id=run.playbook.id), "bold")
        ctx = report_context(run.context)  # the qualifier whenever a runtime is targeted, as in every format
        keys = ("region", "runtime", "qualifier", "endpoint", "project")
        target = ", ".join(f"{k}={_target_value(ctx[k])}" for k in keys if k in ctx)
        if target:
            line(_shown(_("target: {target}").format(target=target)), "dim")
    if broken := run.context.agentcore.get("error"):  # said in every mode: it explains "not set" findings below
        line(_shown(_("project file not used: {error}").format(error=broken)), "yellow")
    if not quiet:
        line()
    for f in run.findings:
        not_run = could_not_run(f)
        if quiet and not counts_as_problem(f):
            continue
        style = NOT_RUN_STYLE if not_run else _STYLE.get(f.status, "")
        out.append(f"[{f.status.icon}]", style=style)
        out.append(f" {f.key:<24} ")
        out.append(
            (_("could not run: ") if not_run else "") + _shown(f.summary),
            style="" if f.status is Status.PASS else style,
        )
        out.append("\n")
        if f.status.is_problem or not_run or verbose:
            for rline in _shown(f.remediation.strip()).splitlines() if f.remediation else []:
                line(f"      {rline}")
            if f.fix:
                state = f" ({_(f.fix.outcome)})" if f.fix.outcome else ""
                available = _("fix available: {fix} [{risk}]{state}").format(fix=f.fix.id, risk=f.fix.risk, state=state)
                line(f"      {available}  ->  agentcore-triage doctor --fix all --yes", "cyan")
            for fix_id, reason in withheld_fixes(run, f):
                line(
                    _shown("      " + _("fix not offered: {fix}: {reason}").format(fix=fix_id, reason=reason)), "yellow"
                )
    not_applied = [_shown(f.explanation()) for f in run.fixes or [] if not f.applied]
    if not_applied and not quiet:
        line()
        line(_("Fixes not applied:"), "bold")
        for explanation in not_applied:
            line(f"  - {explanation}")
    if not quiet or any(counts_as_problem(f) for f in run.findings):
        line()
    totals = run.totals
    not_run_count = sum(1 for f in run.findings if could_not_run(f))
    count = len(run.findings)
    summary = ngettext("{count} check: {totals}", "{count} checks: {totals}", count).format(
        count=count, totals=_line_totals(totals)
    )
    line(summary, "bold")  # "(N could not run)" is in the totals, and each such skip's line above says why
    if run.exit_code == 0 and not not_run_count:
        if totals.get("warn") and quiet:  # -q left the warnings out: say how to see them
            line(_("No failures; there are warnings (run without -q to see them)."), "yellow")
        elif totals.get("warn"):
            line(_("No failures; look at the warnings above."), "yellow")
        else:
            line(_("No problems found."), "bold green")
    out.rstrip()
    return out


def render_text(run: DoctorRun, *, verbose: bool = False, quiet: bool = False) -> str:
    """The text report without styles (``--out``, pipes, tests)."""
    return text_report(run, verbose=verbose, quiet=quiet).plain


def render_markdown(run: DoctorRun) -> str:
    """A support-ticket report: context, a findings table, then details of every problem."""
    report = run.report()
    out = [_("# agentcore-triage report: {title}").format(title=run.playbook.title), ""]
    out.append(_("- tool: agentcore-triage {version}").format(version=report["version"]))
    out.append(_("- playbook: `{id}`").format(id=run.playbook.id))
    for key, value in report["context"].items():
        out.append(f"- {key}: `{_target_value(value) if isinstance(value, str) else value}`")
    out.append("")
    out.append(f"**{_line_totals(report['totals'])}**")
    out.append("")
    blocked = could_not_run_lines(run)
    if blocked:
        out += [_("Could not run (not an all-clear):"), ""] + [f"- {line}" for line in blocked] + [""]
    out.append(_("| | check | node | summary | fix |"))
    out.append("|---|---|---|---|---|")
    for f in run.findings:
        summary = f.summary.replace("|", "\\|")
        fix = f"`{f.fix.id}`" + (f" ({_(f.fix.outcome)})" if f.fix and f.fix.outcome else "") if f.fix else ""
        fix = ", ".join(
            ([fix] if fix else [])
            + [_("`{fix}` (not offered)").format(fix=fix_id) for fix_id, _why in withheld_fixes(run, f)]
        )
        out.append(f"| {f.status.icon} {_(f.status.value)} | `{f.check}` | {f.node} | {summary} | {fix} |")
    problems = [f for f in run.findings if f.is_problem]
    if problems:
        out += ["", _("## Problems"), ""]
        for f in problems:
            out.append(f"### {f.status.icon} {f.title} (`{f.check}`)")
            out.append("")
            out.append(f.summary)
            if f.details:
                out += ["", f.details]
            if f.remediation:
                out += ["", _("**What to do:** {remediation}").format(remediation=f.remediation)]
            for fix_id, reason in withheld_fixes(run, f):
                out += ["", _("**Fix not offered:** `{fix}`: {reason}").format(fix=fix_id, reason=reason)]
            if f.evidence:
                out += [
                    "",
                    "<details><summary>" + _("evidence") + "</summary>",
                    "",
                    "```json",
                    json.dumps(f.evidence, indent=2, default=str),
                    "```",
                    "",
                    "</details>",
                ]
            out.append("")
    return _shown("\n".join(out)) + "\n"


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
        "diagnoses": [
            {"node": n, "title": walk.playbook.nodes[n].title, "severity": _severity(walk.playbook.nodes[n])}
            for n in walk.diagnoses()
        ],
    }


def _severity(node: Any) -> str | None:
    severity = getattr(node, "severity", None)
    return getattr(severity, "value", severity)


def render_walk_json(walk: Walk, stopped: str) -> str:
    return json.dumps(walk_json(walk, stopped), indent=2, default=str)


def render_walk_text(walk: Walk, stopped: str) -> str:
    """``run``: each step with its results and why it went on, then the diagnosis (or why it stopped)."""
    pb = walk.playbook
    lines = [_("agentcore-triage run · playbook {id}").format(id=pb.id), ""]
    for i, step in enumerate(walk.history, 1):
        node = pb.nodes[step.node]
        lines.append(f"{i}. {node.title}  [{step.node}]")
        for key, res in walk.results.get(step.node, {}).items():
            lines.append(f"     [{res.status.icon}] {key}: {res.summary}")
        if isinstance(node, DiagnosisNode) and node.body:
            lines += [f"     | {line}" for line in node.body.strip().splitlines()[:8]]
            lines += [f"     | {line}" for line in not_offered(walk, node)]
        lines.append(f"     -> {step.target}: {step.reason}")
    lines.append("")
    final = walk.node
    found = [n for n in walk.diagnoses() if n != walk.current or stopped]
    if found:
        lines.append(_("Found on the way:"))
        for node_id in found:
            diag = pb.nodes[node_id]
            assert isinstance(diag, DiagnosisNode)
            lines.append(f"  - ({_(diag.severity.value)}) {diag.title}  [{node_id}]")
        lines.append("")
    if isinstance(final, DiagnosisNode) and not stopped:
        severity = _(final.severity.value)
        lines.append(
            _("Diagnosis ({severity}): {title}  [{node}]").format(
                severity=severity, title=final.title, node=walk.current
            )
        )
        if final.body:
            lines.append("\n" + final.body.strip())
        if withheld := not_offered(walk, final):
            lines += [""] + withheld
        lines += [f"  {n}. {text}" for n, text in enumerate(final.next_steps, 1)]
    if stopped:
        lines.append(stopped)
    return "\n".join(lines)


def not_offered(walk: Walk, node: DiagnosisNode) -> list[str]:
    """One line per fix of a diagnosis that a check of the walk withheld (found it cannot help): its prose still says
    "Press `p` …", and a report that repeats it without a word sends the reader to a key that offers nothing."""
    return [
        _("`{key}` ({fix}) is not offered: {reason}").format(key=ref.key, fix=ref.fix, reason=reason)
        for ref in node.fixes
        if (reason := walk.withheld(ref.fix))
    ]


def walk_has_problems(walk: Walk) -> bool:
    """A check failed, errored or could not run somewhere on the way."""
    return any(
        r.status in (Status.FAIL, Status.ERROR) or r.could_not_run
        for res in walk.results.values()
        for r in res.values()
    )


# ---------------------------------------------------------------------------- TUI session export


@dataclass
class SessionLog:
    """What happened in the TUI besides the walk itself (fixes applied, every fix tried and its plan)."""

    fixes: list[AuditRecord] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    attempts: list[dict[str, Any]] = field(default_factory=list)
    """Each fix key pressed: node, key, fix, and the plan proposed and what became of it (a bundle replays them)."""
    runs: list[dict[str, Any]] = field(default_factory=list)
    """Each time a node's checks finished, in order, with the results then (a re-run after a fix replaces
    the walk's results; a bundle keeps what the user saw before)."""

    def record_run(self, node: str, results: Mapping[str, CheckResult]) -> None:
        self.runs.append({"node": node, "results": {k: r.model_dump(mode="json") for k, r in results.items()}})

    def record_fix(self, node: str, key: str, outcome: FixOutcome) -> None:
        """Remember a fix attempt (``run_fix``'s outcome), applied or not."""
        self.fixes.extend(outcome.records)
        self.attempts.append(
            {
                "node": node,
                "key": key,
                "title": outcome.title,
                **outcome.info.model_dump(mode="json"),
                "prerequisites": [p.model_dump(mode="json") for p in outcome.prerequisites],
                "audit": [r.id for r in outcome.records],
            }
        )


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
    out = [_("## Walk"), ""]
    if not section["path"]:
        out.append(_("Still at the start."))
    for i, step in enumerate(section["path"], 1):
        out.append(f"{i}. **{step['title']}** (`{step['node']}`) → `{step['to']}`: {step['why']}")
    cur = section["current"]
    where = f"`{cur['node']}`, {_(cur['kind'])}"
    if cur["severity"]:
        where += ", " + _("severity {severity}").format(severity=_(cur["severity"]))
    out += ["", _("**Now at:** {title} ({where})").format(title=cur["title"], where=where)]
    for n, step in enumerate(cur["next_steps"], 1):
        out.append(f"   {n}. {step}")
    if isinstance(walk.node, DiagnosisNode) and (withheld := not_offered(walk, walk.node)):
        out += [""] + [f"- {line}" for line in withheld]
    if log and log.fixes:
        out += [
            "",
            _("## Fixes applied in this session"),
            "",
            _("| when | fix | node | outcome |"),
            "|---|---|---|---|",
        ]
        for r in log.fixes:
            error = ": " + r.error if r.error else ""
            out.append(f"| {r.time} | `{r.fix}` | {r.node or ''} | {_(r.outcome)}{error} |")
    body = render_markdown(doctor_run(walk))
    title, _newline, rest = body.partition("\n")
    return _shown(title + "\n" + "\n".join(out) + "\n" + rest)


def export_session(
    walk: Walk, directory: str | Path, log: SessionLog | None = None, *, stamp: str | None = None
) -> tuple[Path, Path]:
    """Write ``agentcore-triage-session-<stamp>.md`` and ``.json`` into ``directory``; returns both paths."""
    folder = user_path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = stamp or datetime.now().strftime("%Y%m%d-%H%M%S")
    md_path = folder / f"agentcore-triage-session-{stamp}.md"
    json_path = folder / f"agentcore-triage-session-{stamp}.json"
    from tui.private_files import write_private

    write_private(md_path, session_markdown(walk, log))  # 0600: the export holds evidence
    write_private(json_path, json.dumps(session_json(walk, log), indent=2, default=str) + "\n")
    return md_path, json_path
