"""``doctor`` (every check once, optionally every fix) and ``run`` (the decision tree, headless)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import click

from tui import completion
from tui.cli.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    UsageProblem,
    command_target,
    context_options,
    err,
    handle_errors,
    main,
)
from tui.cli.output import ProgressLine, print_text, render_report, summary_counts


@main.command()
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Playbook to run (default: agentcore-mcp).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "junit", "sarif"]),
    default="text",
    show_default=True,
    help="json: docs/report.schema.json; junit: one testcase per check; sarif: SARIF 2.1.0 for code scanning.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE instead of stdout."
)
@click.option("-q", "--quiet", is_flag=True, help="Text format: only failures, errors and checks that could not run.")
@click.option(
    "--only",
    multiple=True,
    metavar="CHECK_ID",
    help="Run only these checks (repeatable).",
    shell_complete=completion.complete_check_ids,
)
@click.option("--fix", "fix_mode", type=click.Choice(["never", "all"]), default="never", show_default=True)
@click.option("--yes", is_flag=True, help="Apply fixes without asking (with --fix all).")
@click.option("--input", "inputs", multiple=True, metavar="NAME=VALUE", help="Playbook input value (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="Text format: show remediation for passing checks too.")
@click.pass_context
@handle_errors
def doctor(
    click_ctx: click.Context,
    playbook_ref: str | None,
    fmt: str,
    out: str | None,
    only: tuple[str, ...],
    fix_mode: str,
    yes: bool,
    inputs: tuple[str, ...],
    verbose: bool,
    quiet: bool,
    **kwargs: Any,
) -> None:
    """Run every check of the playbook once and report findings with their fixes.

    Exit 0 when nothing failed, 1 when a check failed or errored, 2 on usage errors.
    """
    from tui.engine.doctor import fix_all, run_doctor
    from tui.playbook.model import CheckNode
    from tui.registry import load_all

    ctx, loaded = command_target(click_ctx, kwargs, playbook_ref, inputs)
    registry = load_all()
    keys = {inv.key for node in loaded.playbook.nodes.values() if isinstance(node, CheckNode) for inv in node.checks}
    unknown = list(dict.fromkeys(c for c in only if c not in registry.checks and c not in keys))
    if unknown:
        raise UsageProblem(
            f"--only: unknown check {', '.join(unknown)} (`agentcore-triage checks list`, or a name from the report)"
        )
    if out:
        _check_out_dir(out)
    if fix_mode == "all" and ctx.read_only:
        raise UsageProblem("--fix all and --read-only contradict each other")
    if fix_mode == "all" and not yes and not sys.stdin.isatty():
        raise UsageProblem("--fix all needs --yes when not run on a terminal (nothing was changed)")

    def confirm(headline: str, preview: str) -> bool:
        if yes:
            err(f"applying {headline}")
            return True
        err(f"\n{headline}\n{preview}\n")
        return click.confirm("Apply this fix?", default=False, err=True)

    async def go() -> Any:
        # on stderr, and only when it is a terminal: whatever the format, stdout stays the report alone
        with ProgressLine(enabled=not quiet) as progress:
            run = await run_doctor(loaded.playbook, ctx, registry=registry, only=only, listener=progress.event)
        if fix_mode == "all":
            await fix_all(run, confirm=confirm)
        return run

    run = asyncio.run(go())
    if fmt == "text" and out is None:
        print_text(run, verbose=verbose, quiet=quiet)
    else:
        rendered = render_report(run, fmt, verbose=verbose, quiet=quiet)
        if out:
            from tui.private_files import write_private

            write_private(out, rendered + ("\n" if not rendered.endswith("\n") else ""))  # 0600: it holds evidence
            err(f"report written to {out} ({summary_counts(run)})")
        else:
            click.echo(rendered)
    sys.exit(run.exit_code)


def _check_out_dir(out: str) -> None:
    """``--out`` must be writable before anything runs."""
    out_dir = Path(out).expanduser().resolve().parent
    if not out_dir.is_dir():
        raise UsageProblem(
            f"--out {out}: the directory {out_dir} does not exist (create it, or choose another path); nothing was run"
        )
    if not os.access(out_dir, os.W_OK):
        raise UsageProblem(f"--out {out}: the directory {out_dir} is not writable; nothing was run")


@main.command("run")
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH")
@click.option("--answer", "answers", multiple=True, metavar="NODE=CHOICE", help="Answer a question node (repeatable).")
@click.option(
    "--start", "start_node", metavar="NODE", help="Start at this node instead of the playbook's start (see `match`)."
)
@click.option("--input", "inputs", multiple=True, metavar="NAME=VALUE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
@handle_errors
def run_cmd(
    click_ctx: click.Context,
    playbook_ref: str | None,
    answers: tuple[str, ...],
    start_node: str | None,
    inputs: tuple[str, ...],
    fmt: str,
    **kwargs: Any,
) -> None:
    """Walk the decision tree headless; print the path taken, why, and the diagnosis reached."""
    from tui.engine.report import render_walk_json, render_walk_text, walk_has_problems
    from tui.engine.walk import Walk, WalkError, parse_answers

    ctx, loaded = command_target(click_ctx, kwargs, playbook_ref, inputs)
    pb = loaded.playbook
    try:
        given = parse_answers(pb, answers)
    except WalkError as exc:
        raise UsageProblem(str(exc)) from None
    walk = Walk(pb, ctx)
    if start_node:
        from tui.playbook.matching import node_for_start

        node_id = node_for_start(pb, start_node)
        if node_id is None:
            raise UsageProblem(f"--start {start_node!r}: no such node or guide section in {pb.id}")
        how = "(--start)" if node_id == start_node else f"(--start {start_node}: the node for that guide section)"
        walk.jump(node_id, f"started at {node_id} {how}")
    stopped = asyncio.run(walk.run_to_end(given))
    click.echo(render_walk_json(walk, stopped) if fmt == "json" else render_walk_text(walk, stopped))
    if stopped:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_PROBLEMS if walk_has_problems(walk) else EXIT_OK)
