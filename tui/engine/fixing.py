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
        raise FixError("read-only mode: fixes are disabled (drop --read-only to apply them)")
    record = audit.AuditRecord(
        fix=plan.fix,
        title=plan.title,
        node=node,
        risk=plan.risk.value,
        principal=_principal(context, plan.actions),
        request=[a.model_dump(mode="json", exclude={"before", "after"}) for a in plan.actions],
        before=plan.before,
        undo=[a.model_dump(mode="json") for a in plan.undo],
        outcome="applied",
    )
    if plan.noop:
        record.outcome = "noop"
        return record
    ctx = FixContext(context=context, facts=dict(facts or {}), timeout=context.timeout)
    try:
        record.after = execute(ctx, plan.actions)
    except Exception as exc:  # noqa: BLE001 - report, audit, and let the caller show it
        record.outcome = "failed"
        record.error = _reason(exc)
    audit.append(record)
    return record


def undo_record(
    record_id: str | None, context: Context, *, dry_run: bool = False
) -> tuple[audit.AuditRecord, list[Any]]:
    """Reverse an applied fix (the latest undoable one when ``record_id`` is None).

    Returns the new audit record and the actions taken (or that would be taken with ``dry_run``).
    """
    from tui.fixes.base import parse_actions

    done = audit.undone_ids()
    candidates = [r for r in audit.records() if audit.is_undoable(r, done)]
    if record_id:
        matches = [r for r in candidates if r.id.startswith(record_id)]
        if not matches:
            raise FixError(f"no undoable fix with id {record_id!r} (see `agentcore-triage audit`)")
        target = matches[-1]
    elif candidates:
        target = candidates[-1]
    else:
        raise FixError("nothing to undo: no applied fix in the audit log can be reversed")
    actions = parse_actions(target.undo)
    record = audit.AuditRecord(
        fix=target.fix,
        title=f"undo {target.title or target.fix}",
        node=target.node,
        risk=target.risk,
        principal=_principal(context, actions),
        request=[a.model_dump(mode="json", exclude={"before", "after"}) for a in actions],
        outcome="undone",
        undoes=target.id,
    )
    if dry_run:
        return record, actions
    if context.read_only:
        raise FixError("read-only mode: undo is disabled")
    try:
        record.after = execute(FixContext(context=context, timeout=context.timeout), actions)
    except Exception as exc:  # noqa: BLE001
        record.outcome = "failed"
        record.error = _reason(exc)
    audit.append(record)
    return record, actions
