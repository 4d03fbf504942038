"""A support bundle back into engine objects: a ``Walk`` holding the recorded path and results, for the TUI.

The walk is rebuilt from the bundle alone: the playbook as the session saw it, the recorded results
(``CheckResult``s with their evidence and durations), facts, answers and steps. Its context is rebuilt
from the redacted context and can reach nothing: the replay screen never runs a check or a fix, and
nothing here opens a file outside the bundle or a socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tui.support.bundle import Bundle, BundleError, read_bundle

if TYPE_CHECKING:
    from tui.engine.report import SessionLog
    from tui.engine.walk import Step, Walk
    from tui.fixes.audit import AuditRecord
    from tui.registry import Registry

CONTEXT_FIELDS = ("profile", "region", "runtime", "endpoint", "project", "agent", "read_only", "timeout", "sandbox")


@dataclass
class Replay:
    """A bundle ready to show: the rebuilt walk and session log, the audit records, and what to say about it."""

    bundle: Bundle
    walk: Walk
    log: SessionLog
    audit: list[AuditRecord] = field(default_factory=list)

    @property
    def banner(self) -> str:
        """One line: this is a replay, of what, made when and by which version."""
        m = self.bundle.manifest
        tool = m.get("tool", {}).get("version", "?")
        made = m.get("created", "?")
        name = Path(self.bundle.source).name
        return f"REPLAY of {name} · recorded {made} with agentcore-triage {tool} · nothing runs live"

    def attempts_for(self, node: str, fix: str) -> list[dict[str, Any]]:
        """The fix attempts recorded at ``node`` for ``fix`` (plans proposed, applied or not)."""
        return [a for a in self.log.attempts if a.get("node") in (node, None) and a.get("fix", a.get("id")) == fix]

    def runs_of(self, node: str) -> list[dict[str, Any]]:
        """Every recorded run of ``node``'s checks, oldest first (each: the results as the user saw them then)."""
        return [r for r in self.log.runs if r.get("node") == node]

    def log_excerpts(self) -> list[dict[str, Any]]:
        """The bundle's ``logs/`` files: what each CloudWatch Logs check read (a broken one is left out)."""
        out = []
        for name in self.bundle.names("logs/"):
            try:
                item = self.bundle.json(name)
            except BundleError:
                continue
            if isinstance(item, dict):
                out.append(item)
        return out

    def applied_records(self, fix: str) -> list[AuditRecord]:
        return [r for r in self.audit if r.fix == fix]


def _context(data: Any, where: str) -> Any:
    """The recorded context; ``BundleError`` naming the field when a value has the wrong type (a hand-edited or
    corrupted bundle: before, a bare TypeError or AttributeError with no file or field)."""
    from tui.context import Context

    if not isinstance(data, dict):
        raise BundleError(f"{where}: context.json is not an object")
    for name in ("inputs", "sources", "agentcore"):
        if not isinstance(data.get(name) or {}, dict):
            raise BundleError(f"{where}: context.json: {name} is not an object")
    if "timeout" in data and (isinstance(data["timeout"], bool) or not isinstance(data["timeout"], int | float)):
        raise BundleError(f"{where}: context.json: timeout is not a number")
    for name in ("read_only", "sandbox"):
        if data.get(name) is not None and not isinstance(data[name], bool):
            raise BundleError(f"{where}: context.json: {name} is not true or false")
    for name in ("profile", "region", "runtime", "endpoint", "project", "agent"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise BundleError(f"{where}: context.json: {name} is not a string")
    values = {k: data[k] for k in CONTEXT_FIELDS if k in data}
    try:
        context = Context(**values)
    except (TypeError, ValueError) as exc:
        raise BundleError(f"{where}: context.json: {str(exc).splitlines()[0][:200]}") from None
    context.inputs = dict(data.get("inputs") or {})
    context.sources = {str(k): str(v) for k, v in (data.get("sources") or {}).items()}
    context.agentcore = dict(data.get("agentcore") or {})
    return context


def _steps(raw: list[dict[str, Any]], nodes: dict[str, Any], where: str) -> list[Step]:
    from tui.engine.walk import Step

    steps = []
    for item in raw:
        node, target = item.get("node"), item.get("target")
        if node not in nodes or target not in nodes:
            raise BundleError(f"{where}: walk.json names node {node or target!r}, which its playbook does not have")
        steps.append(
            Step(
                node=node,
                target=target,
                reason=str(item.get("reason", "")),
                answer=item.get("answer"),
                facts_after=dict(item.get("facts_after") or {}),
            )
        )
    return steps


def replay_bundle(bundle: Bundle, registry: Registry | None = None) -> Replay:
    """Rebuild the walk of ``bundle``; a bundle whose parts do not fit together is a ``BundleError``."""
    from tui.engine.report import SessionLog
    from tui.engine.walk import Walk
    from tui.fixes.audit import AuditRecord
    from tui.playbook.model import Playbook
    from tui.registry import load_all
    from tui.results import CheckResult

    where = bundle.source
    try:
        playbook = Playbook.model_validate(bundle.json("playbook.json"))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "playbook"
        reason = str(first["msg"]).splitlines()[0][:200]
        made_by = bundle.manifest.get("tool", {}).get("version", "?")
        raise BundleError(
            f"{where}: its playbook does not load in this agentcore-triage ({loc}: {reason}); "
            f"the bundle was written by agentcore-triage {made_by}"
        ) from None
    transcript = bundle.json("walk.json")
    if not isinstance(transcript, dict):
        raise BundleError(f"{where}: no walk.json transcript")
    walk = Walk(playbook, _context(bundle.json("context.json", {}), where), registry=registry or load_all())
    try:
        for node, results in (transcript.get("results") or {}).items():
            if node not in playbook.nodes:
                raise BundleError(f"{where}: walk.json has results for {node!r}, which its playbook does not have")
            walk.results[node] = {
                r["key"]: CheckResult.model_validate({k: v for k, v in r.items() if k != "key"}) for r in results
            }
        audit = [AuditRecord.model_validate_json(line) for line in bundle.text("audit.jsonl").splitlines() if line]
    except (ValidationError, KeyError, TypeError, AttributeError) as exc:
        raise BundleError(f"{where}: walk.json or audit.jsonl cannot be read ({type(exc).__name__})") from None
    walk.facts = dict(transcript.get("facts") or {})
    walk.answers = {str(k): str(v) for k, v in (transcript.get("answers") or {}).items()}
    walk.settled = set(transcript.get("settled") or [])
    walk.history = _steps(transcript.get("history") or [], playbook.nodes, where)
    walk.forward_stack = _steps(transcript.get("forward") or [], playbook.nodes, where)
    current = transcript.get("current") or playbook.start
    if current not in playbook.nodes:
        raise BundleError(f"{where}: walk.json ends at {current!r}, which its playbook does not have")
    walk.current = current
    applied = set(transcript.get("fixes_applied") or [])
    log = SessionLog(
        fixes=[r for r in audit if r.id in applied],
        started=str(transcript.get("session_started") or bundle.manifest.get("created", "")),
        attempts=[a for a in transcript.get("fixes") or [] if isinstance(a, dict)],
        runs=[r for r in transcript.get("runs") or [] if isinstance(r, dict) and isinstance(r.get("results"), dict)],
    )
    return Replay(bundle, walk, log, audit)


def open_replay(path: str | Path, registry: Registry | None = None) -> Replay:
    """Read ``path`` and rebuild its walk (``BundleError``: one line saying why not)."""
    return replay_bundle(read_bundle(path), registry)
