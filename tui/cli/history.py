"""``audit`` (the fixes applied) and ``undo`` (reverse one)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from tui.app.fix_notices import outcome_name
from tui.cli.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageProblem,
    context_from_flags,
    context_options,
    err,
    handle_errors,
    lang_option,
    main,
    merge_parent,
    without_controls,
)
from tui.i18n import _, pad_cells
from tui.redact import cut_value


@main.command()
@lang_option()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def audit(fmt: str) -> None:
    """Show the audit log of applied fixes."""
    from tui.fixes.audit import audit_path, read_log, undone_ids

    log = read_log()
    recs = log.records
    if log.problem:  # not "no fixes yet": the log is there and cannot be read
        raise UsageProblem(log.summary() or "")
    if log.summary():
        err(without_controls(f"agentcore-triage: {log.summary()}"))
    if fmt == "json":
        click.echo(json.dumps([r.model_dump(mode="json") for r in recs], indent=2))
        return
    if not recs:
        click.echo(_("No fixes applied yet ({path}).").format(path=audit_path()))
        return
    undone = undone_ids(recs)  # the records just read: a large log was read twice
    for r in recs:  # a record's text may hold control characters (a failed fix's error): never sent raw
        mark = _(" (undone)") if r.id in undone else ""
        outcome = pad_cells(_field(outcome_name(r.outcome), 40), 8)
        line = f"{r.id}  {_field(r.time, 40)}  {outcome} {_field(r.fix):<28} {_field(r.principal)}{mark}"
        click.echo(without_controls(line))
        if r.error:
            click.echo(without_controls(" " * 14 + _("error: {error}").format(error=_field(r.error))))


def _field(value: str, limit: int = 200) -> str:
    """A record's value as the listing shows it: on its line (a newline as U+FFFD) and cut with its length; a
    tampered or runaway record printed a 2 MB ``fix`` whole. ``--format json`` keeps the records as written."""
    return cut_value(value.replace("\r", "\ufffd").replace("\n", "\ufffd"), limit)


@main.command()
@lang_option()
@context_options
@click.argument("record_id", required=False)
@click.option("--yes", is_flag=True, help="Undo without asking.")
@click.pass_context
@handle_errors
def undo(click_ctx: click.Context, record_id: str | None, yes: bool, **kwargs: Any) -> None:
    """Reverse an applied fix (the latest one, or RECORD_ID from `agentcore-triage audit`)."""
    from tui.engine.doctor import with_notes
    from tui.engine.fixing import FixError, undo_record
    from tui.fixes.audit import read_log
    from tui.fixes.undo import select_record, undo_plan

    ctx = context_from_flags(merge_parent(click_ctx, kwargs), needs_target=False)  # undo needs no endpoint or token
    log = read_log()
    if log.problem:  # not "nothing to undo": the log is there and cannot be read
        raise UsageProblem(log.summary() or "")
    if log.summary():
        err(without_controls(f"agentcore-triage: {log.summary()}"))
    try:
        plan = undo_plan(select_record(record_id, log.records), ctx)
    except FixError as exc:
        raise UsageProblem(str(exc)) from None
    err(without_controls(_("{title} (reverses {id}):").format(title=_field(plan.title, 300), id=plan.record.id)))
    err(without_controls(with_notes(plan.preview(), plan.notes)))  # the notes too, as `doctor --fix` shows them
    if not yes:
        if not sys.stdin.isatty():
            raise UsageProblem(_("undo needs --yes when not run on a terminal (nothing was changed)"))
        if not click.confirm(_("Undo this fix?"), default=False, err=True):
            err(_("nothing changed"))
            sys.exit(EXIT_OK)
    for question in plan.questions:  # each asked on its own: --yes does not answer them
        if not sys.stdin.isatty():
            raise UsageProblem(_("{question}: confirm on a terminal (nothing was changed)").format(question=question))
        if not click.confirm(_("{question}. Delete anyway?").format(question=question), default=False, err=True):
            err(_("nothing changed"))
            sys.exit(EXIT_OK)
    try:
        record, _log = undo_record(plan.record.id, ctx, confirmed=plan)
    except FixError as exc:
        raise UsageProblem(str(exc)) from None
    if record.outcome == "failed":
        err(without_controls(_("undo failed: {error}").format(error=record.error)))
        sys.exit(EXIT_PROBLEMS)
    click.echo(without_controls(_("undone: {id} ({fix})").format(id=record.undoes, fix=_field(record.fix))))
    if record.error:  # undone, but its record could not be written: the log still offers the fix for undo
        err(without_controls("agentcore-triage: " + record.error))
        sys.exit(EXIT_PROBLEMS)
