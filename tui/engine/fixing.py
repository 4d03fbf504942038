"""Plan, apply and undo fixes, writing the audit log. Shared by the TUI and the CLI."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from tui.context import Context
from tui.fixes import audit
from tui.fixes.base import ApiCall, FixContext, FixError, Plan, execute
from tui.playbook.template import MissingValue, render
from tui.redact import redact_text
from tui.registry import Registry, load_all


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
        raise FixError(f"unknown fix {fix_id!r}")
    values = {**context.values(), **facts}
    try:
        params = spec.params.model_validate(render(dict(raw_params), values))
    except MissingValue as exc:
        raise FixError(f"{fix_id} needs {{{exc.name}}}, which is not known yet: run the node's checks first") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FixError(f"{fix_id}: bad parameter {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    fix = spec.cls(FixContext(context=context, facts=dict(facts), timeout=context.timeout), params)
    try:
        plan = fix.plan()
    except FixError:
        raise
    except Exception as exc:  # noqa: BLE001 - planning talks to AWS; show the reason, never a traceback
        raise FixError(f"{fix_id}: could not plan: {_reason(exc)}") from None
    return plan


def _reason(exc: BaseException) -> str:
    return redact_text(f"{type(exc).__name__}: {exc}".strip().splitlines()[0])


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
        raise FixError("read-only mode: fixes are disabled (drop --read-only to apply them)")
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

        try:
            stale = stale_since_planning(plan, context)  # re-read inside the lock: another run may have applied it
        except Exception as exc:  # noqa: BLE001
            stale = ("stale", f"could not re-read the state before applying: {_reason(exc)}")
        if stale is not None:
            record.outcome, record.error = ("noop" if stale[0] == "noop" else "failed"), stale[1]
            audit.append(record)
            return record
        try:
            record.after = execute(ctx, plan.actions)
        except Exception as exc:  # noqa: BLE001 - report, audit, and let the caller show it
            record.outcome = "failed"
            record.error = _reason(exc)
        audit.append(record)
    return record


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
        raise FixError(log.summary() or "the audit log cannot be read")
    target = undo_mod.select_record(record_id, log.records)
    if dry_run:
        plan = undo_mod.undo_plan(target, context)
        return _undo_audit_record(target, context, plan.actions), list(plan.actions)
    if context.read_only:
        raise FixError("read-only mode: undo is disabled")
    with audit.locked():
        if target.id in audit.undone_ids():
            raise FixError(f"record {target.id} ({target.fix}) was already undone")
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
            raise FixError(f"record {target.id}: the live state changed since the undo was previewed; preview it again")
        if confirmed is None and plan.questions:
            raise FixError(f"record {target.id}: needs a separate confirmation: {plan.questions[0]}")
        record = _undo_audit_record(target, context, plan.actions)
        try:
            record.after = execute(FixContext(context=context, timeout=context.timeout), plan.actions)
        except Exception as exc:  # noqa: BLE001
            record.outcome = "failed"
            record.error = f"undo of record {target.id} ({target.fix}) failed: {_reason(exc)}"
        audit.append(record)
    return record, list(plan.actions)


def _undo_audit_record(target: audit.AuditRecord, context: Context, actions: list[Any]) -> audit.AuditRecord:
    return audit.AuditRecord(
        fix=target.fix,
        title=f"undo {target.title or target.fix}",
        node=target.node,
        risk=target.risk,
        principal=_principal(context, actions),
        target=target.target,
        request=[a.model_dump(mode="json", exclude={"before", "after"}) for a in actions],
        outcome="undone",
        undoes=target.id,
    )
