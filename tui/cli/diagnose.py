"""``doctor`` (every check once, optionally every fix) and ``run`` (the decision tree, headless)."""

from __future__ import annotations

import asyncio
import os
import sys
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
    fleet_context_options,
    handle_errors,
    lang_option,
    main,
)
from tui.cli.output import ProgressLine, print_text, render_report, summary_counts
from tui.files import user_path
from tui.i18n import _, os_reason


@main.command()
@lang_option()
@fleet_context_options
@click.option("--runtimes-file", metavar="FILE", help="Fleet sweep: one runtime per line (ARN, id or name [REGION]).")
@click.option("--all-runtimes", is_flag=True, help="Fleet sweep: every runtime in the region (or --regions).")
@click.option("--regions", metavar="R1,R2", help="With --all-runtimes: the regions to list.")
@click.option("--jobs", type=click.IntRange(1, 64), default=8, show_default=True, help="Fleet sweep: runtimes at once.")
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
@click.option(
    "--bundle",
    "bundle_out",
    metavar="FILE.zip",
    help="Also write a support bundle (`agentcore-triage open` replays it).",
)
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
    runtimes_file: str | None,
    all_runtimes: bool,
    regions: str | None,
    jobs: int,
    bundle_out: str | None,
    **kwargs: Any,
) -> None:
    """Run every check of the playbook once and report findings with their fixes.

    Several runtimes (`--runtime A --runtime B`, `--runtimes-file`, `--all-runtimes`) are swept in one
    process, `--jobs` at a time, with a summary table (or JSON with one section per runtime).
    Exit 0 when nothing failed, 1 when a check failed or errored, 2 on usage errors.
    """
    runtimes: tuple[str, ...] = tuple(kwargs.pop("runtime") or ())
    kwargs["runtime"] = runtimes[0] if len(runtimes) == 1 else None
    fleet_mode = len(runtimes) > 1 or runtimes_file is not None or all_runtimes  # '': refused, not ignored
    from tui.engine.doctor import fix_all, run_doctor
    from tui.playbook.model import CheckNode
    from tui.registry import load_all

    ctx, loaded = command_target(click_ctx, kwargs, playbook_ref, inputs)
    registry = load_all()
    keys = {inv.key for node in loaded.playbook.nodes.values() if isinstance(node, CheckNode) for inv in node.checks}
    unknown = list(dict.fromkeys(c for c in only if c not in registry.checks and c not in keys))
    if unknown:
        raise UsageProblem(
            _("--only: unknown check {checks} (`agentcore-triage checks list`, or a name from the report)").format(
                checks=", ".join(unknown)
            )
        )
    if out:
        _check_out_dir(out)
    if bundle_out:
        from tui.cli.support import check_bundle_target

        check_bundle_target(bundle_out, "--bundle")
    if fleet_mode:
        from tui.cli.fleet import fleet_targets, sweep

        if bundle_out:
            raise UsageProblem(_("--bundle records one runtime's session: bundle each with --runtime"))
        if fix_mode == "all":
            raise UsageProblem(_("--fix all acts on one runtime: sweep first, then fix each with --runtime"))
        targets = fleet_targets(runtimes, runtimes_file, all_runtimes, regions, ctx)
        sweep(ctx, loaded, registry, targets, jobs=jobs, only=only, fmt=fmt, out=out)
    if fix_mode == "all" and ctx.read_only:
        where = "AGENTCORE_TRIAGE_READ_ONLY" if ctx.sources.get("read_only", "").startswith("env") else "--read-only"
        raise UsageProblem(_("--fix all and {read_only} contradict each other").format(read_only=where))
    if yes and fix_mode != "all":  # `doctor --yes` read like "fix everything", and changed nothing without a word
        err("agentcore-triage: " + _("--yes applies fixes only with --fix all: this run changes nothing"))
    if fix_mode == "all" and not yes and not sys.stdin.isatty():
        raise UsageProblem(_("--fix all needs --yes when not run on a terminal (nothing was changed)"))
    if fix_mode == "all":
        from tui.fixes.audit import AuditUnwritable, ensure_writable

        try:
            ensure_writable()  # said once here, not as the reason each fix was refused after the checks
        except AuditUnwritable as exc:
            raise UsageProblem(str(exc)) from None

    def confirm(headline: str, preview: str) -> bool:
        if yes:
            err(_("applying {fix}").format(fix=headline))
            return True
        err(f"\n{headline}\n{preview}\n")
        return click.confirm(_("Apply this fix?"), default=False, err=True)

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

            try:
                write_private(out, rendered + ("\n" if not rendered.endswith("\n") else ""))  # 0600: it holds evidence
            except OSError as exc:  # a full disk, a path gone since the start: the run is not lost with the file
                click.echo(rendered)
                raise UsageProblem(
                    _("--out {out}: the report could not be written ({reason}); it was printed above instead").format(
                        out=out, reason=os_reason(exc)
                    )
                ) from None
            err(_("report written to {path} ({counts})").format(path=out, counts=summary_counts(run)))
        else:
            click.echo(rendered)
    if bundle_out:
        from tui.cli.support import write_bundle_of

        write_bundle_of(run, loaded, bundle_out)
    # A change made whose record could not be written (a full disk since the run began): the report shows the fix as
    # applied and its check as passing, but `undo` knows nothing of it. Said last, and never exit 0.
    unrecorded = [f for f in run.fixes or [] if f.applied and f.error]
    for info in unrecorded:
        err("agentcore-triage: " + _("{fix} was applied, but {error}").format(fix=info.id, error=info.error))
    sys.exit(max(run.exit_code, EXIT_PROBLEMS) if unrecorded else run.exit_code)


def _check_out_dir(out: str) -> None:
    """``--out`` must be writable before anything runs."""
    try:
        out_dir = user_path(out).resolve().parent
    except (RuntimeError, OSError) as exc:  # Python 3.11's resolve raises RuntimeError on a symbolic link loop
        reason = _("a symbolic link loop") if isinstance(exc, RuntimeError) else os_reason(exc)
        raise UsageProblem(
            _("--out {out}: cannot be written there ({reason}); choose another path; nothing was run").format(
                out=out, reason=reason
            )
        ) from None
    if not out_dir.is_dir():
        raise UsageProblem(
            _(
                "--out {out}: the directory {directory} does not exist (create it, or choose another path); "
                "nothing was run"
            ).format(out=out, directory=out_dir)
        )
    if not os.access(out_dir, os.W_OK):
        raise UsageProblem(
            _("--out {out}: the directory {directory} is not writable; nothing was run").format(
                out=out, directory=out_dir
            )
        )


@main.command("run")
@lang_option()
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
            raise UsageProblem(
                _("--start {start}: no such node or guide section in {playbook}").format(
                    start=repr(start_node), playbook=pb.id
                )
            )
        how = (
            "(--start)"
            if node_id == start_node
            else _("(--start {start}: the node for that guide section)").format(start=start_node)
        )
        walk.jump(node_id, _("started at {node} {how}").format(node=node_id, how=how))
    stopped = asyncio.run(walk.run_to_end(given))
    click.echo(render_walk_json(walk, stopped) if fmt == "json" else render_walk_text(walk, stopped))
    if stopped:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_PROBLEMS if walk_has_problems(walk) else EXIT_OK)
