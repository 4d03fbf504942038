"""What goes into a support bundle, read from the engine's public objects (a ``Walk`` or a ``DoctorRun``).

Files of a bundle (``SCHEMA_VERSION`` 1):

* ``manifest.json``: schema_version, tool/Python/package versions, OS, time, language, playbook id,
  title and the sha256 of its source file, and each file's sha256;
* ``context.json``: the context as reports show it (where the token comes from, never the token);
* ``playbook.json``: the playbook as the session saw it (translated, if it was), so a replay shows the
  same screens whichever version of agentcore-triage opens it;
* ``walk.json``: the full transcript: the path (each step: node, target, why, answer, facts after),
  steps undone by back, answers, facts, every check result with its evidence and duration, the
  fixes tried (the plan proposed and what became of it);
* ``report.json`` / ``report.md``: the doctor report (for a walk: the TUI's session export);
* ``audit.jsonl``: the audit records of this target;
* ``logs/<node>.<check>.json``: the CloudWatch log excerpts the checks read;
* ``project/findings.json`` and ``project/<fix>.diff``: project-file findings and the diffs of their fixes.

Everything is scrubbed by ``bundle.write_bundle`` on the way out.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.files import user_path

if TYPE_CHECKING:
    from tui.engine.report import SessionLog
    from tui.engine.state import RunState
    from tui.engine.walk import Step
    from tui.fixes.audit import AuditRecord
    from tui.playbook.loader import LoadedPlaybook
    from tui.playbook.model import FixRef

PACKAGES = ("boto3", "botocore", "mcp", "textual", "pydantic")
LOG_CHECK_PREFIX = "logs."
PROJECT_CHECK_PREFIX = "project."
ATTACHED_LOGS_FACT = "logs.evidence"
"""Where the Logs screen keeps the lines a user attached to nodes (``tui/app/logs_screen.py``)."""


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def playbook_source(loaded: LoadedPlaybook | None) -> dict[str, Any]:
    """The playbook's id, title, file name and the sha256 of its source (what a support engineer compares)."""
    if loaded is None:
        return {}
    info: dict[str, Any] = {"id": loaded.playbook.id, "title": loaded.playbook.title, "file": Path(loaded.file).name}
    try:
        info["sha256"] = hashlib.sha256(Path(loaded.file).read_bytes()).hexdigest()
    except OSError:
        info["sha256"] = None
    return info


def manifest(state: RunState, loaded: LoadedPlaybook | None, *, created: datetime | None = None) -> dict[str, Any]:
    """Where and when the bundle was made: tool and library versions, OS, language, playbook."""
    from tui.i18n import current_language

    source = playbook_source(loaded) or {"id": state.playbook.id, "title": state.playbook.title}
    return {
        "created": (created or datetime.now(UTC)).isoformat(timespec="seconds"),
        "tool": {"name": "agentcore-triage", "version": __version__},
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "os": {"system": platform.system(), "release": platform.release(), "machine": platform.machine()},
        "language": current_language(),
        "playbook": source,
        "session": "walk" if hasattr(state, "history") else "doctor",
    }


def _step(state: RunState, step: Step) -> dict[str, Any]:
    node = state.playbook.nodes.get(step.node)
    return {
        "node": step.node,
        "title": node.title if node else step.node,
        "kind": node.kind if node else None,
        "target": step.target,
        "reason": step.reason,
        "answer": step.answer,
        "facts_after": step.facts_after,
    }


def transcript(state: RunState, log: SessionLog | None = None) -> dict[str, Any]:
    """The session as data: path, undone steps, answers, facts, every result, the fixes tried."""
    history = getattr(state, "history", [])
    forward = getattr(state, "forward_stack", [])
    current = getattr(state, "current", None)
    visited = list(dict.fromkeys([s.node for s in history] + ([current] if current else []) + list(state.results)))
    return {
        "playbook": state.playbook.id,
        "start": state.playbook.start,
        "current": current,
        "history": [_step(state, s) for s in history],
        "forward": [_step(state, s) for s in forward],
        "answers": dict(getattr(state, "answers", {})),
        "facts": dict(state.facts),
        "settled": sorted(state.settled),
        "visited": visited,
        "results": {
            node: [{"key": key, **result.model_dump(mode="json")} for key, result in results.items()]
            for node, results in state.results.items()
        },
        "fixes": list(log.attempts) if log else _doctor_fixes(state),
        "fixes_applied": [r.id for r in log.fixes] if log else [],
        "runs": list(log.runs) if log else [],
        "session_started": log.started if log else None,
    }


def _doctor_fixes(state: RunState) -> list[dict[str, Any]]:
    """``doctor --fix all``: every fix it considered, with its plan and what became of it (no node)."""
    return [{"node": None, **f.model_dump(mode="json")} for f in getattr(state, "fixes", None) or []]


def reports(state: RunState, log: SessionLog | None, created: datetime | None = None) -> tuple[str, str]:
    """The doctor report as JSON and Markdown (a walk: the TUI's session export, which builds on it).

    ``created``: the report's ``generated_at`` (the bundle's time stamp), so one session gives the same bytes.
    """
    from pydantic import TypeAdapter

    from tui.engine.doctor import DoctorRun
    from tui.engine.report import render_markdown, session_json, session_markdown
    from tui.engine.walk import Walk

    if isinstance(state, Walk):
        data, markdown = session_json(state, log), session_markdown(state, log)
    else:
        assert isinstance(state, DoctorRun)
        data, markdown = state.report(), render_markdown(state)
    if created is not None:
        data["generated_at"] = TypeAdapter(datetime).dump_python(created.replace(microsecond=0), mode="json")
    return json.dumps(data, indent=2, default=str) + "\n", markdown


def _runtime_account(state: RunState) -> str | None:
    runtime = state.context.runtime or ""
    parts = runtime.split(":")
    if runtime.startswith("arn:") and len(parts) > 4 and parts[4]:
        return parts[4]
    for key, value in state.facts.items():
        if key.endswith("account") and isinstance(value, str) and value.isdigit():
            return value
    return None


def target_records(state: RunState, log: SessionLog | None, records: list[AuditRecord]) -> list[AuditRecord]:
    """Audit records of this target: this session's, and those whose target matches the context.

    No STS call: the account comes from the runtime ARN or a published fact. A record matches on the
    sandbox id, the project directory, the endpoint's origin, or the account and region together.
    """
    from tui.fixes.audit import endpoint_origin, sandbox_id

    ctx = state.context
    ours = {r.id for r in log.fixes} if log else set()
    project = str(user_path(ctx.project).resolve()) if ctx.project else None
    origin = endpoint_origin(ctx.endpoint)
    account, box = _runtime_account(state), sandbox_id()
    out = []
    for record in records:
        t = record.target
        matches = record.id in ours or (
            t is not None
            and (
                (box is not None and t.sandbox == box)
                or (project is not None and t.project == project)
                or (origin is not None and t.endpoint == origin and not t.account)
                or (account is not None and t.account == account and t.region == ctx.region)
            )
        )
        if matches:
            out.append(record)
    return out


def log_excerpts(state: RunState) -> dict[str, Any]:
    """``logs/<node>.<key>.json``: what each CloudWatch Logs check read (its evidence: samples, counts), and
    ``logs/attached.json``: the lines the user attached to nodes from the Logs screen."""
    out: dict[str, Any] = {}
    for node, results in state.results.items():
        for key, result in results.items():
            if result.check.startswith(LOG_CHECK_PREFIX):
                out[f"logs/{node}.{key}.json"] = {
                    "node": node,
                    "check": result.check,
                    "status": result.status.value,
                    "summary": result.summary,
                    "evidence": result.evidence,
                }
    attached = state.facts.get(ATTACHED_LOGS_FACT)
    if attached:
        out["logs/attached.json"] = {
            "node": ", ".join(sorted(attached)) if isinstance(attached, dict) else None,
            "check": "attached in the Logs screen (L)",
            "status": "evidence",
            "summary": "log lines the user attached to nodes as evidence",
            "evidence": attached,
        }
    return out


def project_fix_refs(state: RunState) -> list[tuple[str, str, FixRef]]:
    """(node, result key, fix) for every fix offered for a failing or warning project check."""
    from tui.playbook.model import CheckNode

    out = []
    for node_id, results in state.results.items():
        node = state.playbook.nodes.get(node_id)
        if not isinstance(node, CheckNode):
            continue
        for key, result in results.items():
            if result.check.startswith(PROJECT_CHECK_PREFIX) and result.status.is_problem:
                out += [(node_id, key, ref) for ref in node.fixes if node.remedies(ref) == key]
    return out


def plan_project_fixes(
    state: RunState,
    log: SessionLog | None,
    refs: list[tuple[str, str, FixRef]] | None = None,
    facts: dict[str, Any] | None = None,
) -> dict[tuple[str, str], dict[str, Any]]:
    """Plan the project fixes the session did not plan itself: (node, fix) → plan or ``{"not_planned": why}``.

    Project fixes read the project's files and nothing else. Blocking: the TUI calls this in a thread,
    with ``refs`` (``project_fix_refs``) and ``facts`` taken on the loop, so the walk is not read meanwhile.
    """
    from tui.engine.fixing import FixError, plan_fix

    refs = project_fix_refs(state) if refs is None else refs
    facts = dict(state.facts) if facts is None else facts
    tried = {(a.get("node"), a.get("fix", a.get("id"))) for a in (log.attempts if log else []) if a.get("plan")}
    plans: dict[tuple[str, str], dict[str, Any]] = {}
    for node_id, _key, ref in refs:
        if (node_id, ref.fix) in tried or (node_id, ref.fix) in plans:
            continue
        try:
            plan = plan_fix(ref.fix, dict(ref.params), state.context, facts, state.registry)
            plans[(node_id, ref.fix)] = plan.model_dump(mode="json")
        except FixError as exc:
            plans[(node_id, ref.fix)] = {"not_planned": str(exc)}
    return plans


def project_findings(
    state: RunState, log: SessionLog | None, plans: dict[tuple[str, str], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``project/findings.json`` and one ``project/<node>.<fix>.diff`` per file fix of a failing project check.

    The diffs come from the plans proposed in the session, else from ``plans`` (``plan_project_fixes``).
    """
    proposed: dict[tuple[str, str], dict[str, Any]] = {
        (str(a.get("node")), str(a.get("fix", a.get("id")))): a["plan"]
        for a in (log.attempts if log else [])
        if a.get("plan")
    }
    proposed.update(plans or {})
    refs: dict[tuple[str, str], list[FixRef]] = {}
    for node_id, key, ref in project_fix_refs(state):
        refs.setdefault((node_id, key), []).append(ref)
    findings: list[dict[str, Any]] = []
    files: dict[str, Any] = {}
    for node_id, results in state.results.items():
        for key, result in results.items():
            if not result.check.startswith(PROJECT_CHECK_PREFIX):
                continue
            entry: dict[str, Any] = {
                "node": node_id,
                "key": key,
                "check": result.check,
                "status": result.status.value,
                "summary": result.summary,
                "details": result.details,
                "evidence": result.evidence,
                "fixes": [],
            }
            for ref in refs.get((node_id, key), []):
                fix: dict[str, Any] = {"fix": ref.fix, "key": ref.key}
                plan_data = proposed.get((node_id, ref.fix)) or {}
                if "not_planned" in plan_data:
                    fix["not_planned"] = plan_data["not_planned"]
                diffs = [a["diff"] for a in plan_data.get("actions", []) if a.get("kind") == "file"]
                if diffs:
                    name = f"project/{node_id}.{ref.fix}.diff"
                    files[name] = "\n".join(d.rstrip("\n") for d in diffs) + "\n"
                    fix["diff"] = name
                entry["fixes"].append(fix)
            findings.append(entry)
    if findings:
        files["project/findings.json"] = findings
    return files


def collect(
    state: RunState,
    log: SessionLog | None = None,
    *,
    loaded: LoadedPlaybook | None = None,
    audit: list[AuditRecord] | None = None,
    plans: dict[tuple[str, str], dict[str, Any]] | None = None,
    created: datetime | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(files, manifest) of a bundle of this walk or doctor run. Reads the audit log unless ``audit`` is given.

    ``plans``: the project fixes planned beforehand (``plan_project_fixes``, in a thread in the TUI).
    """
    from tui.fixes import audit as audit_log

    created = created or datetime.now(UTC)
    records = target_records(state, log, audit_log.records() if audit is None else audit)
    report_json, report_md = reports(state, log, created)
    files: dict[str, Any] = {
        "context.json": {**state.context.public(), "sources": dict(state.context.sources)},
        "playbook.json": state.playbook.model_dump(mode="json", by_alias=True, exclude_none=True),
        "walk.json": transcript(state, log),
        "report.json": report_json,
        "report.md": report_md,
        "audit.jsonl": "".join(r.model_dump_json() + "\n" for r in records),
    }
    files.update(log_excerpts(state))
    files.update(project_findings(state, log, plans))
    return files, manifest(state, loaded, created=created)


def default_name(stamp: str | None = None) -> str:
    """``agentcore-triage-bundle-<stamp or UTC time>.zip``."""
    return f"agentcore-triage-bundle-{stamp or datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.zip"


def write_session_bundle(
    out: str | Path,
    state: RunState,
    log: SessionLog | None = None,
    *,
    loaded: LoadedPlaybook | None = None,
    plan_diffs: bool = True,
) -> Path:
    """Collect and write a bundle of this session to ``out`` (a directory gets the default name)."""
    from tui.support.bundle import write_bundle

    target = user_path(out)
    if target.is_dir():
        target = target / default_name()
    plans = plan_project_fixes(state, log) if plan_diffs else None
    files, head = collect(state, log, loaded=loaded, plans=plans)
    return write_bundle(target, files, head)
