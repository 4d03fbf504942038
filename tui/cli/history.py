"""``audit`` (the fixes applied) and ``undo`` (reverse one)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from tui.cli.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageProblem,
    context_from_flags,
    context_options,
    err,
    handle_errors,
    main,
    merge_parent,
)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def audit(fmt: str) -> None:
    """Show the audit log of applied fixes."""
    from tui.fixes.audit import audit_path, records, undone_ids

    recs = records()
    if fmt == "json":
        click.echo(json.dumps([r.model_dump(mode="json") for r in recs], indent=2))
        return
    if not recs:
        click.echo(f"No fixes applied yet ({audit_path()}).")
        return
    undone = undone_ids()
    for r in recs:
        mark = " (undone)" if r.id in undone else ""
        click.echo(f"{r.id}  {r.time}  {r.outcome:<8} {r.fix:<28} {r.principal}{mark}")
        if r.error:
            click.echo(f"{'':14}error: {r.error}")


@main.command()
@context_options
@click.argument("record_id", required=False)
@click.option("--yes", is_flag=True, help="Undo without asking.")
@click.pass_context
@handle_errors
def undo(click_ctx: click.Context, record_id: str | None, yes: bool, **kwargs: Any) -> None:
    """Reverse an applied fix (the latest one, or RECORD_ID from `agentcore-triage audit`)."""
    from tui.engine.fixing import FixError, undo_record

    ctx = context_from_flags(merge_parent(click_ctx, kwargs), needs_target=False)  # undo needs no endpoint or token
    try:
        record, actions = undo_record(record_id, ctx, dry_run=True)
    except FixError as exc:
        raise UsageProblem(str(exc)) from None
    err(f"{record.title} (reverses {record.undoes}):")
    for action in actions:
        err(action.preview())
    if not yes:
        if not sys.stdin.isatty():
            raise UsageProblem("undo needs --yes when not run on a terminal (nothing was changed)")
        if not click.confirm("Undo this fix?", default=False, err=True):
            err("nothing changed")
            sys.exit(EXIT_OK)
    try:
        record, _ = undo_record(record_id, ctx)
    except FixError as exc:
        raise UsageProblem(str(exc)) from None
    if record.outcome == "failed":
        err(f"undo failed: {record.error}")
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"undone: {record.undoes} ({record.fix})")
