"""Undoing a fix safely: ``undo_plan(record, context)`` decides what an undo may do, for the CLI and the TUI alike.

An audit record is untrusted input (anyone who can write the state directory can
write one), so before anything runs:

1. **Target**: the record's target (AWS account + region + partition, project
   directory, demo sandbox) must be the current one; otherwise one line says which
   target it belongs to and how to select it.
2. **Definition**: every undo action must be one the fix's own definition allows,
   on a resource the fix's request touched (``logs.create_group`` may only delete
   the group it created; file fixes may only write files under the recorded
   project directory that the fix wrote).
3. **Drift**: the live state is compared with what the fix left. Statements others
   added to a policy since are kept (the undo removes only what the fix added); a
   conflicting change (a statement the fix added was edited, a file edited since,
   a role recreated) refuses with the three-way difference. Deleting a log group
   that received events after the fix needs a separate confirmation naming the count.
"""

from __future__ import annotations

import difflib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tui.files import user_path
from tui.fixes.audit import AuditRecord, Target, aws_identity, sandbox_id
from tui.fixes.base import Action, ApiCall, FileChange, FixError, Plan, sha256_text
from tui.i18n import N_, _, ngettext
from tui.results import Risk

if TYPE_CHECKING:
    from tui.aws.session import AwsClient

POLICY_PREFIX = "agentcore-triage-"
SPANS_POLICY = "TransactionSearchXRayAccess"
RECREATED_AFTER_SECONDS = 600
"""A log group created this long after its fix's record was created by someone else."""
MAX_EVENT_PAGES = 20


UNDO_TITLE = N_("Undo: {title}")
"""The title of an undo's plan (in the chosen language when shown)."""


class UndoRefused(FixError):
    """The undo would act on the wrong target, outside the fix's definition, or clobber a later change."""

    def __init__(self, message: str, *, drift: bool = False) -> None:
        super().__init__(message)
        self.drift = drift


class UndoPlan(BaseModel):
    """What undoing ``record`` will do, decided against the live state."""

    record: AuditRecord
    actions: list[Action] = Field(default_factory=list)
    """Exactly what will run (the recorded undo, or a merge that keeps others' later changes)."""
    notes: list[str] = Field(default_factory=list)
    drift: list[str] = Field(default_factory=list)
    """Three-way differences (before the fix → what it left → now), shown in the preview."""
    questions: list[str] = Field(default_factory=list)
    """Each needs its own yes (e.g. deleting events written after the fix)."""

    @property
    def title(self) -> str:
        return _(UNDO_TITLE).format(title=self.record.title or self.record.fix)

    def preview(self) -> str:
        parts = [a.preview() for a in self.actions]
        parts += self.drift
        return "\n\n".join(parts)

    def as_plan(self) -> Plan:
        """The undo in the fix dialog's terms (the exact actions, notes and drift)."""
        risk = self.record.risk if self.record.risk in {r.value for r in Risk} else Risk.MUTATING.value
        return Plan(
            fix=self.record.fix,
            title=self.title,
            risk=Risk(risk),
            summary=_("reverses audit record {id} ({time})").format(id=self.record.id, time=self.record.time),
            actions=list(self.actions),
            permissions=[_permission(a) for a in self.actions],
            notes=[
                *self.notes,
                *self.drift,
                *(_("asks separately: {question}").format(question=q) for q in self.questions),
            ],
        )


def _permission(action: Action) -> str:
    """What an undo action needs, in the terms the fix dialog shows (``iam:DeleteRolePolicy``, ``write PATH``)."""
    if isinstance(action, FileChange):
        return _("write {path}").format(path=action.path)
    return f"{action.service}:{''.join(part.capitalize() for part in action.operation.split('_'))}"


# ---------------------------------------------------------------------------- choosing a record


def select_record(record_id: str | None, records: list[AuditRecord]) -> AuditRecord:
    """The record ``record_id`` names (a prefix), or the latest undoable one."""
    from tui.fixes.audit import is_undoable, undone_ids

    done = undone_ids(records)
    if record_id is not None and not record_id.strip():
        # a script's empty "$ID" must not mean "the latest": that is undo without an id
        raise FixError(_("an empty record id: give one from `agentcore-triage audit`, or none for the latest fix"))
    if record_id:
        named = [r for r in records if r.id.startswith(record_id) and not r.undoes]
        if not named:
            raise FixError(
                _("no fix with id {id} in the audit log (see `agentcore-triage audit`)").format(id=repr(record_id))
            )
        ids = list(dict.fromkeys(r.id for r in named))
        if len(ids) > 1:
            raise FixError(
                _("{id} names {count} fixes ({ids}): give more of the id (nothing was changed)").format(
                    id=repr(record_id), count=len(ids), ids=", ".join(ids[:5]) + ("…" if len(ids) > 5 else "")
                )
            )
        record = named[-1]
        if record.id in done:
            raise FixError(_("record {id} ({fix}) was already undone").format(id=record.id, fix=record.fix))
        if record.outcome != "applied":
            raise FixError(
                _("record {id} ({fix}) was not applied ({outcome}): nothing to undo").format(
                    id=record.id, fix=record.fix, outcome=_(record.outcome)
                )
            )
        if not record.undo:
            raise FixError(
                _("record {id} ({fix}) cannot be undone automatically: it recorded no undo").format(
                    id=record.id, fix=record.fix
                )
            )
        return record
    candidates = [r for r in records if is_undoable(r, done)]
    if not candidates:
        raise FixError(_("nothing to undo: no applied fix in the audit log can be reversed"))
    return candidates[-1]


# ---------------------------------------------------------------------------- the plan


def undo_plan(record: AuditRecord, context: Any) -> UndoPlan:
    """Check target and definition, compare with the live state, and return what the undo will do.

    Raises ``UndoRefused`` (a ``FixError``) with the reason in the record's terms.
    """
    target = record.target
    if target is None:
        raise UndoRefused(
            _(
                "record {id} ({fix}) was written before agentcore-triage recorded targets: it cannot be tied to an "
                "account or project, so it is not undone automatically (reverse it by hand)"
            ).format(id=record.id, fix=record.fix)
        )
    check_target(record, target, context)
    validate_actions(record, target)
    plan = UndoPlan(record=record, actions=list(record.undo))
    api = [a for a in record.undo if isinstance(a, ApiCall)]
    files = [a for a in record.undo if isinstance(a, FileChange)]
    if api:
        _aws_drift(plan, context)
    for change in files:
        _file_drift(plan, change, target)
    return plan


# ---------------------------------------------------------------------------- 1. target


def check_target(record: AuditRecord, target: Target, context: Any) -> None:
    """Refuse (one line) when the record belongs to another sandbox, account, region or project."""
    here = sandbox_id()
    if target.sandbox != here:
        if target.sandbox and here:
            raise UndoRefused(
                _("record {id} belongs to demo sandbox {sandbox}, this is sandbox {here}").format(
                    id=record.id, sandbox=target.sandbox, here=here
                )
            )
        if target.sandbox:
            raise UndoRefused(
                _(
                    "record {id} belongs to demo sandbox {sandbox}, not to your own target: undo it in that demo (its "
                    "TUI, or a shell with the `demo --print-env` lines it printed) while it runs; a new demo is another "
                    "sandbox, and a stopped one is gone with its changes"
                ).format(id=record.id, sandbox=target.sandbox)
            )
        raise UndoRefused(
            _(
                "record {id} belongs to {target}, not to this demo sandbox: run `agentcore-triage undo` outside "
                "the demo"
            ).format(id=record.id, target=target.label())
        )
    api = [a for a in record.undo if isinstance(a, ApiCall)]
    if api:
        regional = [a for a in api if a.service != "iam"]
        region = next((a.region for a in regional if a.region), None) or getattr(context, "region", None)
        account, partition, _region = aws_identity(context, region)
        if account is None:
            raise UndoRefused(
                _(
                    "record {id} belongs to AWS account {account} ({target}); the current AWS credentials cannot be "
                    "identified (sts:GetCallerIdentity failed): select that account with --profile or AWS_PROFILE"
                ).format(id=record.id, account=target.account, target=target.aws_label())
            )
        if account != target.account or (partition and target.partition and partition != target.partition):
            raise UndoRefused(
                _(
                    "record {id} belongs to AWS account {account} ({target}), the current credentials are account "
                    "{current}: select it with --profile or AWS_PROFILE"
                ).format(id=record.id, account=target.account, target=target.aws_label(), current=account)
            )
        if regional:
            current_region = region or _context_region(context)
            if target.region and current_region != target.region:
                raise UndoRefused(
                    _(
                        "record {id} belongs to region {region} of account {account}, the current region is "
                        "{current}: select it with --region {region}"
                    ).format(id=record.id, region=target.region, account=target.account, current=current_region)
                )
    if any(isinstance(a, FileChange) for a in record.undo):
        project = getattr(context, "project", None)
        current = str(user_path(project).resolve()) if project else None
        if target.project is None or current != target.project:
            raise UndoRefused(
                _(
                    "record {id} belongs to project {project}, the current project is {current}: select it with "
                    "--project {project}"
                ).format(id=record.id, project=target.project, current=current or _("not set"))
            )


def _context_region(context: Any) -> str | None:
    from tui.fixes.audit import _session_region

    return getattr(context, "region", None) or _session_region(context)


# ---------------------------------------------------------------------------- 2. the fix's own definition


def _resource(call: ApiCall) -> tuple[str, ...] | None:
    """The resource an API call touches, as a comparable key (None: not a call any fix makes)."""
    p = call.params
    op = f"{call.service}.{call.operation}"
    if op in ("logs.create_log_group", "logs.delete_log_group"):
        return ("log-group", str(p.get("logGroupName")), call.region or "")
    if op in ("logs.create_log_stream", "logs.delete_log_stream"):
        return ("log-stream", str(p.get("logGroupName")), str(p.get("logStreamName")), call.region or "")
    if op in ("iam.put_role_policy", "iam.delete_role_policy"):
        return ("role-policy", str(p.get("RoleName")), str(p.get("PolicyName")))
    if op in ("logs.put_resource_policy", "logs.delete_resource_policy"):
        return ("logs-resource-policy", str(p.get("policyName")), call.region or "")
    if op in ("iam.create_policy_version", "iam.set_default_policy_version"):
        return ("managed-policy", str(p.get("PolicyArn")))
    if op == "xray.update_trace_segment_destination":
        return ("xray-destination", call.region or "")
    return None


def _fix_class(fix_id: str) -> Any:
    """The registered fix class of ``fix_id`` (None: no such fix in this version: nothing is allowed)."""
    from tui.registry import load_all

    spec = load_all().fixes.get(fix_id)
    return spec.cls if spec else None


def validate_actions(record: AuditRecord, target: Target) -> None:
    """Every undo action must be one the fix allows, on a resource its request touched."""
    if not record.undo:
        raise UndoRefused(_("record {id} ({fix}) recorded no undo").format(id=record.id, fix=record.fix))
    touched = {_resource(a) for a in _request_calls(record)}
    for action in record.undo:
        where = _("record {id} ({fix})").format(id=record.id, fix=record.fix)
        if isinstance(action, ApiCall):
            fix_cls = _fix_class(record.fix)
            allowed = fix_cls.undo_operations if fix_cls else frozenset()
            op = f"{action.service}.{action.operation}"
            if op not in allowed:
                raise UndoRefused(
                    _("{record}: its undo calls {operation}, which fix {fix} never does: refused").format(
                        record=where, operation=op, fix=record.fix
                    )
                )
            key = _resource(action)
            if key is None or key not in touched:
                raise UndoRefused(
                    _("{record}: its undo acts on {resource}, which the fix did not touch: refused").format(
                        record=where, resource=_describe(action)
                    )
                )
            if op == "iam.put_role_policy" or op == "iam.delete_role_policy":
                if not str(action.params.get("PolicyName", "")).startswith(POLICY_PREFIX):
                    raise UndoRefused(
                        _("{record}: agentcore-triage only manages inline policies named {pattern}").format(
                            record=where, pattern=POLICY_PREFIX + "*"
                        )
                    )
            if "resource_policy" in action.operation and action.params.get("policyName") != SPANS_POLICY:
                raise UndoRefused(
                    _("{record}: agentcore-triage only manages the resource policy {policy}").format(
                        record=where, policy=SPANS_POLICY
                    )
                )
            if op == "xray.update_trace_segment_destination" and action.params.get("Destination") not in (
                "XRay",
                "CloudWatchLogs",
            ):
                raise UndoRefused(
                    _("{record}: unknown trace segment destination {destination}").format(
                        record=where, destination=repr(action.params.get("Destination"))
                    )
                )
        else:
            fix_cls = _fix_class(record.fix)
            if not (fix_cls and fix_cls.changes_files):
                raise UndoRefused(
                    _("{record}: fix {fix} does not change files, but its undo writes one: refused").format(
                        record=where, fix=record.fix
                    )
                )
            _check_file(record, target, action)


def _request_calls(record: AuditRecord) -> list[ApiCall]:
    out = []
    for raw in record.request:
        if raw.get("kind", "api") == "api":
            try:
                out.append(ApiCall.model_validate(raw))
            except ValueError:
                continue
    return out


def _check_file(record: AuditRecord, target: Target, change: FileChange) -> None:
    where = _("record {id} ({fix})").format(id=record.id, fix=record.fix)
    if not target.project:
        raise UndoRefused(_("{record}: no project directory recorded for its file change").format(record=where))
    project = Path(target.project)
    path = user_path(change.path)
    if not path.is_absolute():
        raise UndoRefused(_("{record}: {path} is not an absolute path: refused").format(record=where, path=change.path))
    resolved = path.resolve()
    if not resolved.is_relative_to(project.resolve()):
        raise UndoRefused(
            _("{record}: {path} is outside the recorded project {project}: refused").format(
                record=where, path=change.path, project=project
            )
        )
    if str(resolved) not in target.files:
        raise UndoRefused(
            _("{record}: {path} is not a file the fix wrote: refused").format(record=where, path=change.path)
        )
    if resolved.is_symlink() or (resolved.exists() and not resolved.is_file()):
        raise UndoRefused(
            _("{record}: {path} is no longer a regular file: refused").format(record=where, path=change.path)
        )


def _describe(call: ApiCall) -> str:
    key = _resource(call)
    if key is None:
        return f"{call.service}.{call.operation}"
    kind, *names = key
    where = f" ({call.region})" if call.region else ""
    if kind == "role-policy":
        return _("inline policy {policy} of role {role}").format(policy=names[1], role=names[0])
    if kind == "log-group":
        return _("log group {group}").format(group=names[0]) + where
    if kind == "log-stream":
        return _("log stream {stream} of {group}").format(stream=names[1], group=names[0]) + where
    if kind == "logs-resource-policy":
        return _("logs resource policy {policy}").format(policy=names[0]) + where
    if kind == "managed-policy":
        return _("managed policy {policy}").format(policy=names[0])
    return _("the trace segment destination") + where


# ---------------------------------------------------------------------------- 3. drift


def _file_drift(plan: UndoPlan, change: FileChange, target: Target) -> None:
    path = user_path(change.path).resolve()
    left = target.files.get(str(path))
    current: str | None = None
    if path.exists():  # the file as stored: line endings untranslated, as the fix wrote and hashed it
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            current = f.read()
    current_hash = sha256_text(current) if current is not None else None
    if current_hash == left:
        return
    fix_left = change.before  # the undo's "before" is what the fix wrote
    three_way = _three_way(path.name, change.after, fix_left, current)
    if current == change.after:
        raise UndoRefused(
            _("record {id}: {path} is already as it was before the fix: nothing to undo").format(
                id=plan.record.id, path=path
            )
            + f"\n{three_way}",
            drift=True,
        )
    merged = merge_undo(change.after, fix_left, current)
    if merged is not None:  # the edits since touch none of the fix's lines: reverse only the fix, keep the rest
        from tui.fixes.base import file_change

        kept = file_change(path, merged, _("{change} (keeping the edits made since)").format(change=change.description))
        plan.actions = [kept if a == change else a for a in plan.actions]
        plan.drift.append(
            _("{file} changed since the fix; the undo reverses only the fix's lines:").format(file=path.name)
            + f"\n{three_way}"
        )
        return
    raise UndoRefused(
        _(
            "record {id}: {path} changed since the fix (someone edited it): the undo would lose that edit, so it is "
            "refused; revert the fix's lines by hand"
        ).format(id=plan.record.id, path=path)
        + f"\n{three_way}",
        drift=True,
    )


def merge_undo(before: str | None, fix_left: str | None, now: str | None) -> str | None:
    """``now`` with the fix's change (``before`` → ``fix_left``) reversed, or None when that is not clean.

    A line-based three-way merge with ``fix_left`` as the common base: the undo's hunks (``fix_left`` →
    ``before``) and the later edits (``fix_left`` → ``now``) must not overlap or even touch (adjacent hunks
    could be one edit); then both apply and nobody's lines are lost. Anything else returns None (refused).
    """
    if before is None or fix_left is None or now is None:
        return None  # a file created or deleted by the fix or since: nothing line-based to merge
    base = fix_left.splitlines(keepends=True)
    ours = difflib.SequenceMatcher(None, base, before.splitlines(keepends=True), autojunk=False)
    theirs = difflib.SequenceMatcher(None, base, now.splitlines(keepends=True), autojunk=False)
    undo_hunks = [op for op in ours.get_opcodes() if op[0] != "equal"]
    their_hunks = [op for op in theirs.get_opcodes() if op[0] != "equal"]
    for _tag, i1, i2, _j1, _j2 in undo_hunks:
        for _ttag, k1, k2, _l1, _l2 in their_hunks:
            if i1 <= k2 and k1 <= i2:
                return None
    edits = [(i1, i2, before.splitlines(keepends=True)[j1:j2]) for _t, i1, i2, j1, j2 in undo_hunks]
    edits += [(k1, k2, now.splitlines(keepends=True)[l1:l2]) for _t, k1, k2, l1, l2 in their_hunks]
    out: list[str] = []
    at = 0
    for i1, i2, lines in sorted(edits, key=lambda e: (e[0], e[1])):
        out += base[at:i1] + lines
        at = i2
    out += base[at:]
    return "".join(out)


def _three_way(name: str, before: str | None, fix_left: str | None, now: str | None) -> str:
    def diff(a: str | None, b: str | None, x: str, y: str) -> str:
        lines = difflib.unified_diff(
            (a or "").splitlines(keepends=True), (b or "").splitlines(keepends=True), fromfile=x, tofile=y
        )
        return "".join(lines) or _("(no difference)") + "\n"

    before_label = _("{name} before the fix").format(name=name)
    after_label = _("{name} after the fix").format(name=name)
    now_label = _("{name} now").format(name=name)
    return (
        _("what the fix changed:")
        + f"\n{diff(before, fix_left, before_label, after_label)}"
        + _("what changed since:")
        + f"\n{diff(fix_left, now, after_label, now_label)}"
    ).rstrip()


def _aws_drift(plan: UndoPlan, context: Any) -> None:
    from tui.fixes.base import FixContext

    fctx = FixContext(context=context, timeout=getattr(context, "timeout", 10.0))
    record = plan.record
    requests = _request_calls(record)
    new_actions: list[Action] = []
    for action in plan.actions:
        if not isinstance(action, ApiCall):
            new_actions.append(action)
            continue
        applied = next((r for r in requests if _resource(r) == _resource(action)), None)
        assert applied is not None  # validate_actions guarantees it
        kind = _resource(action)[0]  # type: ignore[index]
        if kind == "role-policy":
            new_actions.extend(_policy_drift(plan, fctx, action, applied, _read_role_policy))
        elif kind == "logs-resource-policy":
            new_actions.extend(_policy_drift(plan, fctx, action, applied, _read_resource_policy))
        elif kind == "log-group":
            _log_group_drift(plan, fctx, action)
            new_actions.append(action)
        elif kind == "xray-destination":
            _destination_drift(plan, fctx, action, applied)
            new_actions.append(action)
        elif kind == "log-stream":
            new_actions.append(action)
        elif kind == "managed-policy":
            # set_default_policy_version only moves the default pointer back; the version the fix created stays
            new_actions.append(action)
        else:  # never drop an action silently: an undo that did nothing must not be reported as done
            raise UndoRefused(
                _("record {id} ({fix}): no drift check for {kind}: refused").format(
                    id=record.id, fix=record.fix, kind=kind
                )
            )
    plan.actions = new_actions


def read_role_policy_text(iam: AwsClient, role: str, name: str) -> str | None:
    """The inline policy document exactly as IAM stores it (None when there is none).

    botocore decodes policy documents into dicts; that handler is removed on this
    client so the text can be restored byte for byte.
    """
    from urllib.parse import unquote

    from botocore.handlers import json_decode_policies

    iam.meta.events.unregister("after-call.iam", json_decode_policies)
    try:
        raw = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    except Exception as exc:
        if _code(exc) == "NoSuchEntity":
            return None
        raise
    return unquote(raw) if isinstance(raw, str) else json.dumps(raw)


def _read_role_policy(fctx: Any, call: ApiCall, role_id: str | None = None) -> str | None:
    """The policy's text now; refuses when the role is gone or is not the role the fix changed (recreated)."""
    iam = fctx.reader("iam")
    role = str(call.params["RoleName"])
    try:
        live_id = iam.get_role(RoleName=role)["Role"].get("RoleId")
    except Exception as exc:
        if _code(exc) == "NoSuchEntity":
            raise UndoRefused(
                _("role {role} no longer exists: nothing to undo on it").format(role=role), drift=True
            ) from None
        raise
    if role_id and live_id and live_id != role_id:
        raise UndoRefused(
            _(
                "role {role} was deleted and recreated since the fix (role id {then} then, {now} now): the undo "
                "would change a role the fix never touched, so it is refused"
            ).format(role=role, then=role_id, now=live_id),
            drift=True,
        )
    return read_role_policy_text(iam, role, str(call.params["PolicyName"]))


def _read_resource_policy(fctx: Any, call: ApiCall) -> str | None:
    from tui.aws.transaction_search import list_policies

    items = list_policies(fctx.reader("logs", call.region))
    found = next((i for i in items if i.get("policyName") == call.params.get("policyName")), None)
    return str(found["policyDocument"]) if found else None


def _policy_drift(plan: UndoPlan, fctx: Any, undo: ApiCall, applied: ApiCall, read: Any) -> list[ApiCall]:
    """Keep what others changed in the policy since the fix; remove only what the fix added."""
    doc_key = "PolicyDocument" if undo.service == "iam" else "policyDocument"
    name = str(undo.params.get("PolicyName") or undo.params.get("policyName"))
    where = (
        _("record {id}: policy {policy} on role {role}").format(
            id=plan.record.id, policy=name, role=undo.params["RoleName"]
        )
        if "RoleName" in undo.params
        else _("record {id}: policy {policy}").format(id=plan.record.id, policy=name)
    )
    live_text = read(fctx, undo, plan.record.before.get("role_id")) if undo.service == "iam" else read(fctx, undo)
    left = _doc(applied.params.get(doc_key))
    before_text = undo.params.get(doc_key) if undo.operation.startswith("put") else None
    before = _doc(before_text)
    live = _doc(live_text)
    if live == left:
        return [undo]
    three = _policy_three_way(before, left, live)
    if live_text is None:
        raise UndoRefused(
            _("{what} was deleted since the fix: nothing to undo").format(what=where) + f"\n{three}", drift=True
        )
    if live is None:
        raise UndoRefused(
            _("{what} is no longer valid JSON: refusing to touch it").format(what=where) + f"\n{three}", drift=True
        )
    merged, conflict = _merge_statements(before, left, live)
    if conflict:
        raise UndoRefused(
            _("{what} changed since the fix: {conflict}; undoing would lose that change, so it is refused").format(
                what=where, conflict=conflict
            )
            + f"\n{three}",
            drift=True,
        )
    plan.drift.append(
        _("{policy} changed since the fix; the undo keeps those changes:").format(policy=name) + f"\n{three}"
    )
    if merged is None:
        return [undo]
    if not merged.get("Statement") and before is None:
        delete_op = "delete_role_policy" if undo.service == "iam" else "delete_resource_policy"
        keep = {k: v for k, v in undo.params.items() if k != doc_key}
        return [undo.model_copy(update={"operation": delete_op, "params": keep})]
    put_op = "put_role_policy" if undo.service == "iam" else "put_resource_policy"
    params = {**{k: v for k, v in undo.params.items() if k != doc_key}, doc_key: json.dumps(merged)}
    return [
        undo.model_copy(
            update={
                "operation": put_op,
                "params": params,
                "description": _("remove only what the fix added; keep later changes"),
            }
        )
    ]


def _doc(text: Any) -> dict[str, Any] | None:
    if text is None:
        return None
    if isinstance(text, dict):
        return text
    try:
        value = json.loads(str(text))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _statements(doc: dict[str, Any] | None) -> list[Any]:
    if not doc:
        return []
    stmts = doc.get("Statement", [])
    return stmts if isinstance(stmts, list) else [stmts]


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _merge_statements(
    before: dict[str, Any] | None, left: dict[str, Any] | None, live: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """``live`` minus what the fix added, plus what it replaced; (None, reason) on a conflicting change.

    A statement is the unit: the fix's own statements (added or changed) must still
    be there unchanged, otherwise someone edited them and the undo cannot know which
    version is right.
    """
    before_s, left_s, live_s = _statements(before), _statements(left), _statements(live)
    before_c = {_canon(s) for s in before_s}
    left_c = {_canon(s) for s in left_s}
    live_c = [_canon(s) for s in live_s]
    added_by_fix = [s for s in left_s if _canon(s) not in before_c]
    removed_by_fix = [s for s in before_s if _canon(s) not in left_c]
    for s in added_by_fix:
        if _canon(s) not in live_c:
            sid = s.get("Sid") if isinstance(s, dict) else None
            return None, _("statement {statement} that the fix added was edited or removed").format(
                statement=sid or _canon(s)[:60]
            )
    live_sids = {s.get("Sid") for s in live_s if isinstance(s, dict) and s.get("Sid")}
    for s in removed_by_fix:
        sid = s.get("Sid") if isinstance(s, dict) else None
        if sid and sid in live_sids and _canon(s) not in live_c and not any(_canon(a) in live_c for a in added_by_fix):
            return None, _("statement {statement} exists again in another form").format(statement=sid)
    added_c = {_canon(s) for s in added_by_fix}
    kept = [s for s in live_s if _canon(s) not in added_c]
    restored = [s for s in removed_by_fix if _canon(s) not in set(live_c)]
    merged = dict(live)
    merged["Statement"] = restored + kept if restored else kept
    return merged, None


def _policy_three_way(before: Any, left: Any, live: Any) -> str:
    def text(d: Any) -> str:
        return json.dumps(d, indent=2, sort_keys=True) + "\n" if d is not None else ""

    return _three_way("policy", text(before), text(left), text(live))


def _log_group_drift(plan: UndoPlan, fctx: Any, call: ApiCall) -> None:
    name = str(call.params.get("logGroupName"))
    logs = fctx.reader("logs", call.region)
    groups = logs.describe_log_groups(logGroupNamePrefix=name, limit=5).get("logGroups", [])
    group = next((g for g in groups if g.get("logGroupName") == name), None)
    where = _("record {id}: log group {group}").format(id=plan.record.id, group=name)
    if group is None:
        raise UndoRefused(_("{what} no longer exists: nothing to undo").format(what=where), drift=True)
    fixed_at = _record_ms(plan.record)
    created = int(group.get("creationTime") or 0)
    if created and fixed_at and created < fixed_at - 5_000:
        raise UndoRefused(
            _("{what} existed before the fix (created {created}, fix at {fixed}): not deleting it").format(
                what=where, created=_iso(created), fixed=plan.record.time
            ),
            drift=True,
        )
    if created and fixed_at and created > fixed_at + RECREATED_AFTER_SECONDS * 1000:
        raise UndoRefused(
            _(
                "{what} was recreated after the fix (created {created}, fix at {fixed}): it is not the group the "
                "fix made, so it is not deleted"
            ).format(what=where, created=_iso(created), fixed=plan.record.time),
            drift=True,
        )
    count, more = _events_since(logs, name, fixed_at)
    if count:
        message = (
            ngettext(
                "log group {group} holds at least {count} event written after the fix ({time}); deleting the group "
                "deletes them too",
                "log group {group} holds at least {count} events written after the fix ({time}); deleting the "
                "group deletes them too",
                count,
            )
            if more
            else ngettext(
                "log group {group} holds {count} event written after the fix ({time}); deleting the group deletes "
                "it too",
                "log group {group} holds {count} events written after the fix ({time}); deleting the group deletes "
                "them too",
                count,
            )
        )
        plan.questions.append(message.format(group=name, count=count, time=plan.record.time))


def _events_since(logs: AwsClient, name: str, since_ms: int | None) -> tuple[int, bool]:
    kwargs: dict[str, Any] = {"logGroupName": name, "limit": 1000}
    if since_ms:
        kwargs["startTime"] = since_ms - 5_000
    count = 0
    for _page in range(MAX_EVENT_PAGES):
        page = logs.filter_log_events(**kwargs)
        count += len(page.get("events", []))
        token = page.get("nextToken")
        if not token:
            return count, False
        kwargs["nextToken"] = token
    return count, True


def _destination_drift(plan: UndoPlan, fctx: Any, undo: ApiCall, applied: ApiCall) -> None:
    current = fctx.reader("xray", undo.region).get_trace_segment_destination()
    now = str(current.get("Destination"))
    left = str(applied.params.get("Destination"))
    if now == left:
        return
    raise UndoRefused(
        (
            _(
                "record {id}: the trace segment destination is {now} now; the fix left {left} and its undo would set "
                "{undo}: nothing to undo"
            )
            if now == undo.params.get("Destination")
            else _(
                "record {id}: the trace segment destination is {now} now; the fix left {left} and its undo would set "
                "{undo}: someone changed it since, refused"
            )
        ).format(id=plan.record.id, now=now, left=left, undo=undo.params.get("Destination")),
        drift=True,
    )


def _record_ms(record: AuditRecord) -> int | None:
    try:
        when = datetime.fromisoformat(record.time)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _code(exc: BaseException) -> str:
    response: Any = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get("Code") or "")


# ---------------------------------------------------------------------------- applying: re-read inside the lock


def stale_since_planning(plan: Plan, context: Any) -> tuple[str, str] | None:
    """Re-read what ``plan`` was made against (call inside ``audit.locked()``, just before applying).

    Returns None when the live state is still the planned "before", ``("noop", why)`` when
    it already is what the plan would make (another run applied it), or ``("stale", why)``
    when it changed otherwise (the merge would overwrite it: plan again). File changes are
    checked by their hash in ``execute``.
    """
    from tui.fixes.base import FixContext

    fctx = FixContext(context=context, timeout=getattr(context, "timeout", 10.0))
    for call in plan.actions:
        if not isinstance(call, ApiCall):
            continue
        op = f"{call.service}.{call.operation}"
        if op == "iam.put_role_policy":
            live = _doc(_read_role_policy(fctx, call))
            planned, wanted = _doc(plan.before.get("document")), _doc(call.params.get("PolicyDocument"))
        elif op == "logs.put_resource_policy":
            live = _doc(_read_resource_policy(fctx, call))
            planned, wanted = _doc(plan.before.get("document")), _doc(call.params.get("policyDocument"))
        elif op == "logs.create_log_group":
            name = str(call.params.get("logGroupName"))
            groups = fctx.reader("logs", call.region).describe_log_groups(logGroupNamePrefix=name, limit=5)
            exists = any(g.get("logGroupName") == name for g in groups.get("logGroups", []))
            if exists:
                return "noop", _("log group {group} exists already (created since the preview)").format(group=name)
            continue
        elif op == "xray.update_trace_segment_destination":
            now = str(fctx.reader("xray", call.region).get_trace_segment_destination().get("Destination"))
            if now == call.params.get("Destination"):
                return "noop", _("the trace segment destination is already {destination}").format(destination=now)
            if "Destination" in plan.before and now != plan.before["Destination"]:
                return "stale", _(
                    "the trace segment destination changed to {destination} since the preview: plan again"
                ).format(destination=now)
            continue
        else:
            continue
        if live == planned:
            continue
        if live == wanted:
            return "noop", _("{resource} is already what this fix makes (applied by another run)").format(
                resource=_describe(call)
            )
        return (
            "stale",
            _("{resource} changed since the preview; its current document would be overwritten: plan again").format(
                resource=_describe(call)
            ),
        )
    return None
