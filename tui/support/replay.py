"""A support bundle back into engine objects: a ``Walk`` holding the recorded path and results, for the TUI.

The walk is rebuilt from the bundle alone: the playbook as the session saw it, the recorded results
(``CheckResult``s with their evidence and durations), facts, answers and steps. Its context is rebuilt
from the redacted context and can reach nothing: the replay screen never runs a check or a fix, and
nothing here opens a file outside the bundle or a socket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tui.i18n import _
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
        """One line: this is a replay, of what, made when and by which version, as Textual markup (the screen shows
        it in a ``Static``): every value from the bundle is escaped, so a forged ``created`` of ``[/]`` is shown,
        not parsed (it ended the replay in a MarkupError)."""
        m = self.bundle.manifest
        tool = _shown(tool_version(m))
        made = _shown(m.get("created", "?"))
        name = _shown(Path(self.bundle.source).name)
        return _("REPLAY of {name} · recorded {made} with agentcore-triage {version} · nothing runs live").format(
            name=name, made=made, version=tool
        )

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


def tool_version(manifest: dict[str, Any]) -> str:
    """The version of agentcore-triage that wrote the bundle, as the manifest says it ("?" when it does not)."""
    tool = manifest.get("tool")
    version = tool.get("version") if isinstance(tool, dict) else None
    return str(version) if version is not None else "?"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(value: Any) -> str:
    """A bundle's value in one line of Textual markup: at most 200 characters, control characters replaced, and
    ``[`` escaped (the markup's own escape)."""
    return _CONTROL.sub("\ufffd", str(value)[:200]).replace("[", "\\[")


# What the replay screens and the session export read from walk.json, by type; anything else in a forged or damaged
# bundle is refused naming the field (before: a bare TypeError on `open`, or the replay TUI ended in a traceback when
# a key showed the recorded runs or fixes). A dict spec is an object whose other members are free; ("list", spec) a
# list of spec; ("map", spec) an object of any keys, each value spec.
_TEXT = (str, type(None))
_STEP = {"node": str, "target": str, "answer": _TEXT, "facts_after": (dict, type(None))}
_PLAN = {"actions": ("list", dict), "permissions": ("list", str)}
_ATTEMPT = {
    "node": _TEXT,
    "fix": _TEXT,
    "id": _TEXT,
    "title": _TEXT,
    "error": _TEXT,
    "outcome": _TEXT,
    "prerequisites": ("list", {"id": _TEXT, "outcome": _TEXT}),
    "plan": _PLAN,
}
_TRANSCRIPT: dict[str, Any] = {
    "current": _TEXT,
    "history": ("list", _STEP),
    "forward": ("list", _STEP),
    "answers": dict,
    "facts": dict,
    "settled": ("list", str),
    "fixes_applied": ("list", str),
    "results": ("map", ("list", {"key": str})),
    "fixes": ("list", _ATTEMPT),
    "runs": ("list", {"node": str, "results": ("map", dict)}),
}


def _shape_problem(value: Any, spec: Any, at: str) -> str | None:
    """Where ``value`` does not have the shape ``spec`` (see ``_TRANSCRIPT``), as ``fixes[2].title``; None if it has.

    A member that is absent or null is fine: the transcript's reader gives it a default."""
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return at
        for key, inner in spec.items():
            if value.get(key) is not None and (
                found := _shape_problem(value[key], inner, f"{at}.{key}" if at else key)
            ):
                return found
        return None
    if isinstance(spec, tuple) and spec and spec[0] in ("list", "map"):
        kind, inner = spec
        if isinstance(value, list) and kind == "list":
            items: list[tuple[str, Any]] = [(f"{at}[{index}]", item) for index, item in enumerate(value)]
        elif isinstance(value, dict) and kind == "map":
            items = [(f"{at}[{key!r}]", item) for key, item in value.items()]
        else:
            return at
        return next((found for where, item in items if (found := _shape_problem(item, inner, where))), None)
    return None if isinstance(value, spec) else at


def _context(data: Any, where: str) -> Any:
    """The recorded context; ``BundleError`` naming the field when a value has the wrong type (a hand-edited or
    corrupted bundle: before, a bare TypeError or AttributeError with no file or field)."""
    from tui.context import Context

    if not isinstance(data, dict):
        raise BundleError(_("{bundle}: context.json is not an object").format(bundle=where))
    for name in ("inputs", "sources", "agentcore"):
        if not isinstance(data.get(name) or {}, dict):
            raise BundleError(_("{bundle}: context.json: {field} is not an object").format(bundle=where, field=name))
    if "timeout" in data and (isinstance(data["timeout"], bool) or not isinstance(data["timeout"], int | float)):
        raise BundleError(_("{bundle}: context.json: timeout is not a number").format(bundle=where))
    for name in ("read_only", "sandbox"):
        if data.get(name) is not None and not isinstance(data[name], bool):
            raise BundleError(
                _("{bundle}: context.json: {field} is not true or false").format(bundle=where, field=name)
            )
    for name in ("profile", "region", "runtime", "endpoint", "project", "agent"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise BundleError(_("{bundle}: context.json: {field} is not a string").format(bundle=where, field=name))
    values = {k: data[k] for k in CONTEXT_FIELDS if k in data}
    try:
        context = Context(**values)
    except (TypeError, ValueError) as exc:
        raise BundleError(
            _("{bundle}: context.json: {problem}").format(bundle=where, problem=str(exc).splitlines()[0][:200])
        ) from None
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
            raise BundleError(
                _("{bundle}: walk.json names node {node}, which its playbook does not have").format(
                    bundle=where, node=repr(node or target)
                )
            )
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
        made_by = tool_version(bundle.manifest)
        raise BundleError(
            _(
                "{bundle}: its playbook does not load in this agentcore-triage ({field}: {reason}); the bundle was "
                "written by agentcore-triage {version}"
            ).format(bundle=where, field=loc, reason=reason, version=made_by)
        ) from None
    transcript = bundle.json("walk.json")
    if not isinstance(transcript, dict):
        raise BundleError(_("{bundle}: no walk.json transcript").format(bundle=where))
    if (field_at := _shape_problem(transcript, _TRANSCRIPT, "")) is not None:
        raise BundleError(
            _("{bundle}: walk.json: {field} has the wrong type (the bundle was changed or damaged)").format(
                bundle=where, field=field_at[:200]
            )
        )
    walk = Walk(playbook, _context(bundle.json("context.json", {}), where), registry=registry or load_all())
    try:
        for node, results in (transcript.get("results") or {}).items():
            if node not in playbook.nodes:
                raise BundleError(
                    _("{bundle}: walk.json has results for {node}, which its playbook does not have").format(
                        bundle=where, node=repr(node)
                    )
                )
            walk.results[node] = {
                r["key"]: CheckResult.model_validate({k: v for k, v in r.items() if k != "key"}) for r in results
            }
        audit = [AuditRecord.model_validate_json(line) for line in bundle.text("audit.jsonl").splitlines() if line]
    except (ValidationError, KeyError, TypeError, AttributeError) as exc:
        raise BundleError(
            _("{bundle}: walk.json or audit.jsonl cannot be read ({error})").format(
                bundle=where, error=type(exc).__name__
            )
        ) from None
    walk.facts = dict(transcript.get("facts") or {})
    walk.answers = {str(k): str(v) for k, v in (transcript.get("answers") or {}).items()}
    walk.settled = set(transcript.get("settled") or [])
    walk.history = _steps(transcript.get("history") or [], playbook.nodes, where)
    walk.forward_stack = _steps(transcript.get("forward") or [], playbook.nodes, where)
    current = transcript.get("current") or playbook.start
    if current not in playbook.nodes:
        raise BundleError(
            _("{bundle}: walk.json ends at {node}, which its playbook does not have").format(
                bundle=where, node=repr(current)
            )
        )
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
