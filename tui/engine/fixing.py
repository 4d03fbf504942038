"""Plan, apply and undo fixes, writing the audit log: the one fix workflow of the TUI and the CLI.

``run_fix`` holds the order of the safety-critical steps (plan, prerequisites, re-plan, confirm,
apply + audit, verify). The caller only supplies ``confirm``: a y/N prompt in ``doctor --fix``,
the fix modal in the TUI.
"""

from __future__ import annotations

import asyncio
import getpass
import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from tui.context import Context
from tui.engine.state import RunState, check_node_order
from tui.fixes import audit
from tui.fixes.base import ApiCall, FixContext, FixError, Plan, execute
from tui.i18n import N_, _, os_reason
from tui.playbook.model import CheckNode, FixRef, Playbook
from tui.playbook.template import MissingValue, render
from tui.redact import redact_text
from tui.registry import Registry, load_all
from tui.results import CheckResult

__all__ = [
    "Confirm",
    "FixError",
    "FixInfo",
    "FixOutcome",
    "FixRequest",
    "apply_plan",
    "find_fix_ref",
    "fix_key",
    "plan_fix",
    "run_fix",
    "undo_record",
]


OUTCOMES = (
    N_("not planned"),
    N_("nothing to do"),
    N_("declined"),
    N_("not applied"),
    N_("refused"),
    N_("applied"),
    N_("failed"),
    N_("noop"),
)
"""What can become of a fix (``FixInfo.outcome``, an audit record's outcome): English in data, ``_()`` when shown."""


class FixInfo(BaseModel):
    """What became of one fix: planned (``plan``), applied or not, and why (``outcome``, ``error``)."""

    id: str
    risk: str
    applied: bool = False
    plan: dict[str, Any] | None = None
    outcome: str | None = None
    error: str | None = None

    def explanation(self) -> str:
        """One line: why this fix was not applied (empty when it was)."""
        if self.applied:
            return ""
        reasons = {"declined": N_("you declined it"), "nothing to do": N_("nothing left to change")}
        reason = self.error or _(reasons.get(self.outcome or "", ""))
        outcome = _(self.outcome or N_("not planned"))
        return f"{self.id}: {outcome}" + (f": {reason}" if reason else "")


@dataclass(frozen=True)
class FixRequest:
    """What ``confirm`` is asked: apply this exact plan? (``needed_by``: the fix it is a prerequisite of)."""

    plan: Plan
    node: str | None
    needed_by: Plan | None = None

    @property
    def headline(self) -> str:
        why = _(" (needed first by {fix})").format(fix=self.needed_by.fix) if self.needed_by else ""
        return f"{self.plan.title} [{self.plan.risk.value}]{why}"


Confirm = Callable[[FixRequest], "bool | Awaitable[bool]"]
"""Show the preview and answer yes or no (sync for a terminal prompt, async for a TUI modal)."""


@dataclass
class FixOutcome:
    """The result of ``run_fix``: the fix, its prerequisites, the audit records written, the verification."""

    info: FixInfo
    title: str = ""
    """The plan's title (the fix id until it is planned)."""
    prerequisites: list[FixInfo] = field(default_factory=list)
    records: list[audit.AuditRecord] = field(default_factory=list)
    verified: CheckResult | None = None
    """The remedied check's result after the node re-ran (None when not verified)."""
    verified_key: str | None = None
    """That check's key at the node."""


def fix_key(ref: FixRef, values: Mapping[str, Any]) -> str:
    """A fix with its parameters as far as they are known: the same change offered at two nodes is one."""
    import json

    try:
        params = render(dict(ref.params), values)
    except MissingValue:
        params = dict(ref.params)
    return json.dumps([ref.fix, params], sort_keys=True, default=str)


def find_fix_ref(playbook: Playbook, fix_id: str, *, prefer: str | None = None) -> tuple[str | None, FixRef | None]:
    """(node id, FixRef) of a check node offering ``fix_id`` (``prefer``'s node first)."""
    nodes = [prefer] if prefer else []
    nodes += [n for n in check_node_order(playbook) if n != prefer]
    for node_id in nodes:
        node = playbook.nodes.get(node_id) if node_id else None
        if isinstance(node, CheckNode):
            for ref in node.fixes:
                if ref.fix == fix_id:
                    return node_id, ref
    return None, None


async def run_fix(
    ref: FixRef,
    state: RunState,
    confirm: Confirm,
    *,
    node: str | None,
    rerun: Callable[[str], Awaitable[Any]] | None = None,
) -> FixOutcome:
    """Plan ``ref``, apply its prerequisites first (each planned and confirmed on its own), plan it again,
    confirm, apply and audit, then re-run ``node``'s checks when the fix asks for verification.

    ``rerun(node_id)`` runs the node (default ``state.run_node``; the TUI passes its live table's runner).
    A fix with nothing left to do is remembered in ``state.settled`` and no longer offered.
    """
    outcome = FixOutcome(_info(ref.fix, state), title=ref.fix)
    info = outcome.info
    plan = await _plan(info, ref, state)
    outcome.title = plan.title if plan is not None else outcome.title
    if plan is not None and plan.prerequisites:
        for prereq in plan.prerequisites:
            done = await _prerequisite(prereq, plan, node, state, confirm, outcome)
            outcome.prerequisites.append(done)
            if not done.applied and done.outcome != "nothing to do":
                info.outcome = "not applied"
                info.error = _("prerequisite {fix} was not applied ({outcome})").format(
                    fix=done.id, outcome=_(done.outcome or N_("not planned"))
                )
                return outcome
        plan = await _plan(info, ref, state)  # the prerequisites changed the state it was planned against
    if plan is None:
        return outcome
    if plan.noop:
        state.settled.add(fix_key(ref, state.values()))
        return outcome
    await _confirm_and_apply(info, FixRequest(plan, node), state, confirm, outcome)
    if not info.applied:
        return outcome
    key = fix_key(ref, state.values())
    state.settled.add(key)
    verify_node, verify_ref = _verification(ref, key, node, state)
    if ref.verify and verify_node is not None:
        target = state.playbook.nodes[verify_node]
        assert isinstance(target, CheckNode)
        failing = [k for k, r in state.results.get(verify_node, {}).items() if r.is_problem]
        try:
            await (rerun or state.run_node)(verify_node)
        except Exception:  # noqa: BLE001 - cancelled or failed verification: the fix stays applied, unverified
            return outcome
        # The re-run offers the node's fixes again; this one did its part (a check that still warns, e.g.
        # a destination still PENDING, would otherwise offer a fix whose plan is "nothing to do").
        state.settled.add(fix_key(ref, state.values()))
        verified_key = target.remedies(verify_ref) if verify_ref is not None else next(iter(failing), None)
        outcome.verified_key = verified_key
        outcome.verified = state.results.get(verify_node, {}).get(verified_key) if verified_key else None
    return outcome


def _verification(ref: FixRef, key: str, node: str | None, state: RunState) -> tuple[str | None, FixRef | None]:
    """The check node to re-run after ``ref`` was applied at ``node`` (and its ref for the same change, if any).

    At a check node, that node. At a diagnosis (which has no checks), the check node that led there
    and offers the same change (same fix, same parameters): its failing check is what the fix remedies,
    so the user sees it turn green instead of a stale failure on the path. A fix only the diagnosis
    offers (a permissions boundary) re-runs the check node the walk came from.
    """
    target = state.playbook.nodes.get(node) if node else None
    if isinstance(target, CheckNode):
        return node, ref
    values = state.values()
    for node_id in reversed(list(state.results)):  # the most recently run first
        candidate = state.playbook.nodes.get(node_id)
        if isinstance(candidate, CheckNode):
            for other in candidate.fixes:
                if fix_key(other, values) == key:
                    return node_id, other
    for step in reversed(getattr(state, "history", [])):  # a walk: the step into this diagnosis
        if step.target == node and isinstance(state.playbook.nodes.get(step.node), CheckNode):
            return step.node, None
    return None, None


def _info(fix_id: str, state: RunState) -> FixInfo:
    spec = state.registry.fixes.get(fix_id)
    return FixInfo(id=fix_id, risk=spec.risk.value if spec else "mutating")


async def _plan(info: FixInfo, ref: FixRef, state: RunState) -> Plan | None:
    """The plan, or None with ``info`` saying why not."""
    try:
        plan = await asyncio.to_thread(plan_fix, ref.fix, ref.params, state.context, state.facts, state.registry)
    except FixError as exc:
        info.outcome, info.error = "not planned", str(exc)
        return None
    info.plan = plan.model_dump(mode="json", include={"summary", "actions", "permissions", "notes", "risk"})
    info.outcome, info.error = ("nothing to do", None) if plan.noop else (None, None)
    return plan


async def _confirm_and_apply(
    info: FixInfo, request: FixRequest, state: RunState, confirm: Confirm, outcome: FixOutcome
) -> None:
    """Ask, then apply and audit; ``info`` gets the outcome."""
    answer = confirm(request)
    if inspect.isawaitable(answer):
        answer = await answer
    if not answer:
        info.outcome = "declined"
        return
    try:
        record = await asyncio.to_thread(apply_plan, request.plan, state.context, node=request.node, facts=state.facts)
    except FixError as exc:
        info.outcome, info.error = "refused", str(exc)
        return
    outcome.records.append(record)
    info.applied, info.outcome, info.error = record.outcome == "applied", record.outcome, record.error


async def _prerequisite(
    fix_id: str, needed_by: Plan, near: str | None, state: RunState, confirm: Confirm, outcome: FixOutcome
) -> FixInfo:
    """Apply a fix another fix needs first (e.g. the logs resource policy before the X-Ray destination)."""
    info = _info(fix_id, state)
    node_id, ref = find_fix_ref(state.playbook, fix_id, prefer=near)
    if ref is None:
        info.outcome, info.error = "not planned", _("no node of the playbook offers {fix}").format(fix=fix_id)
        return info
    plan = await _plan(info, ref, state)
    if plan is not None and not plan.noop:
        await _confirm_and_apply(info, FixRequest(plan, node_id, needed_by), state, confirm, outcome)
    return info


def plan_fix(
    fix_id: str,
    raw_params: Mapping[str, Any],
    context: Context,
    facts: Mapping[str, Any],
    registry: Registry | None = None,
) -> Plan:
    """Render params, build the fix and return its plan (read-only)."""
    registry = registry or load_all()
    spec = registry.fixes.get(fix_id)
    if spec is None:
        raise FixError(_("unknown fix {fix}").format(fix=repr(fix_id)))
    values = {**context.values(), **facts}
    try:
        params = spec.params.model_validate(render(dict(raw_params), values))
    except MissingValue as exc:
        raise FixError(
            _("{fix} needs {value}, which is not known yet: run the node's checks first").format(
                fix=fix_id, value="{" + exc.name + "}"
            )
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FixError(
            _("{fix}: bad parameter {parameter}: {reason}").format(
                fix=fix_id, parameter=".".join(map(str, first["loc"])), reason=first["msg"]
            )
        ) from None
    fix = spec.cls(FixContext(context=context, facts=dict(facts), timeout=context.timeout), params)
    try:
        plan = fix.plan()
    except FixError:
        raise
    except Exception as exc:  # noqa: BLE001 - planning talks to AWS; show the reason, never a traceback
        raise FixError(_("{fix}: could not plan: {reason}").format(fix=fix_id, reason=_reason(exc))) from None
    return plan


def _reason(exc: BaseException) -> str:
    from tui.aws.errors import write_failure

    return redact_text(write_failure(exc) or f"{type(exc).__name__}: {exc}".strip().splitlines()[0])


def _principal(context: Context, actions: list[Any]) -> str:
    if any(isinstance(a, ApiCall) for a in actions):
        try:
            from tui.aws.session import read_only_client

            return str(read_only_client(context, "sts", timeout=context.timeout).get_caller_identity()["Arn"])
        except Exception:  # noqa: BLE001 - the audit line must still be written
            return "unknown AWS principal"
    try:
        return f"local:{getpass.getuser()}"
    except Exception:  # noqa: BLE001
        return "local"


def apply_plan(
    plan: Plan, context: Context, *, node: str | None = None, facts: Mapping[str, Any] | None = None
) -> audit.AuditRecord:
    """Execute a confirmed plan and write its audit record (also when it fails)."""
    if context.read_only:
        raise FixError(_("read-only mode: fixes are disabled (drop --read-only to apply them)"))
    record = audit.AuditRecord(
        fix=plan.fix,
        title=plan.title,
        node=node,
        risk=plan.risk.value,
        principal=_principal(context, plan.actions),
        request=[a.model_dump(mode="json", exclude={"before", "after"}) for a in plan.actions],
        before=plan.before,
        undo=list(plan.undo),
        target=audit.target_of(context, plan.actions),
        outcome="applied",
    )
    if plan.noop:
        record.outcome = "noop"
        return record
    ctx = FixContext(context=context, facts=dict(facts or {}), timeout=context.timeout)
    with audit.locked():  # one fix at a time: no interleaved lines, no change applied twice
        from tui.fixes.undo import stale_since_planning

        audit.ensure_writable()
        try:
            stale = stale_since_planning(plan, context)  # re-read inside the lock: another run may have applied it
        except Exception as exc:  # noqa: BLE001
            stale = ("stale", _("could not re-read the state before applying: {reason}").format(reason=_reason(exc)))
        if stale is not None:
            record.outcome, record.error = ("noop" if stale[0] == "noop" else "failed"), stale[1]
            audit.append(record)
            return record
        try:
            record.after = execute(ctx, plan.actions)
        except Exception as exc:  # noqa: BLE001 - report, audit, and let the caller show it
            record.outcome = "failed"
            record.error = _reason(exc)
        _append_after_the_change(record)
    return record


def _append_after_the_change(record: audit.AuditRecord) -> None:
    """Write the record of a change already made; a log that failed since ``ensure_writable`` is said, not raised.

    Raising would report the change as not made (and a fix-all run would stop); the record's error says instead
    that the change was made and that the log does not hold it.
    """
    try:
        audit.append(record)
    except OSError as exc:
        lost = _("its audit record could not be written to {path} ({reason}): undo it by hand").format(
            path=audit.audit_path(), reason=os_reason(exc)
        )
        record.error = f"{record.error}; {lost}" if record.error else lost


def undo_record(
    record_id: str | None, context: Context, *, dry_run: bool = False, confirmed: Any = None
) -> tuple[audit.AuditRecord, list[Any]]:
    """Reverse an applied fix (the latest undoable one when ``record_id`` is None); see ``tui.fixes.undo``.

    ``dry_run`` returns the undo record and the actions that would run. Otherwise the
    undo is planned again inside the audit lock; with ``confirmed`` (the ``UndoPlan``
    the user saw) it runs only if it is still exactly that plan, including its separate
    questions. Refusals (other target, outside the fix's definition) raise ``FixError``;
    a refusal because the live state changed since the fix is also written as a
    ``failed`` record.
    """
    from tui.fixes import undo as undo_mod

    log = audit.read_log()
    if log.problem:
        raise FixError(log.summary() or _("the audit log cannot be read"))
    target = undo_mod.select_record(record_id, log.records)
    if dry_run:
        plan = undo_mod.undo_plan(target, context)
        return _undo_audit_record(target, context, plan.actions), list(plan.actions)
    if context.read_only:
        raise FixError(_("read-only mode: undo is disabled"))
    with audit.locked():
        audit.ensure_writable()
        if target.id in audit.undone_ids():
            raise FixError(_("record {id} ({fix}) was already undone").format(id=target.id, fix=target.fix))
        try:
            plan = undo_mod.undo_plan(target, context)
        except undo_mod.UndoRefused as exc:
            if not exc.drift:
                raise
            record = _undo_audit_record(target, context, list(target.undo))
            record.outcome = "failed"
            record.error = str(exc)
            audit.append(record)
            return record, []
        if confirmed is not None and (confirmed.actions != plan.actions or confirmed.questions != plan.questions):
            raise FixError(
                _("record {id}: the live state changed since the undo was previewed; preview it again").format(
                    id=target.id
                )
            )
        if confirmed is None and plan.questions:
            raise FixError(
                _("record {id}: needs a separate confirmation: {question}").format(
                    id=target.id, question=plan.questions[0]
                )
            )
        record = _undo_audit_record(target, context, plan.actions)
        try:
            record.after = execute(FixContext(context=context, timeout=context.timeout), plan.actions)
        except Exception as exc:  # noqa: BLE001
            record.outcome = "failed"
            record.error = _("undo of record {id} ({fix}) failed: {reason}").format(
                id=target.id, fix=target.fix, reason=_reason(exc)
            )
        _append_after_the_change(record)
    return record, list(plan.actions)


def _undo_audit_record(target: audit.AuditRecord, context: Context, actions: list[Any]) -> audit.AuditRecord:
    return audit.AuditRecord(
        fix=target.fix,
        title=_("undo {title}").format(title=target.title or target.fix),
        node=target.node,
        risk=target.risk,
        principal=_principal(context, actions),
        target=target.target,
        request=[a.model_dump(mode="json", exclude={"before", "after"}) for a in actions],
        outcome="undone",
        undoes=target.id,
    )
