"""The ``agentcore-triage`` command line: the TUI by default, and headless commands for CI and tickets.

Machine output (``--format json``) goes to stdout alone; diagnostics go to
stderr. Exit codes: 0 nothing failed, 1 a check failed or errored, 2 usage,
configuration or playbook error. No traceback reaches the user.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tui import __version__, completion
from tui.i18n import use_language

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DEFAULT_PLAYBOOK = "agentcore-mcp"


def _err(message: str) -> None:
    click.echo(message, err=True)


class UsageProblem(click.ClickException):
    """A one-line error with exit code 2 (bad flag value, bad playbook, missing input)."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"agentcore-triage: {self.format_message()}", err=True)


def context_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The context flags every command takes."""
    options = [
        click.option(
            "--profile", help="AWS profile (default: AWS_PROFILE).", shell_complete=completion.complete_profiles
        ),
        click.option("--region", help="AWS region (default: AWS_REGION, then the runtime ARN)."),
        click.option("--runtime", help="AgentCore runtime: ARN, id or name."),
        click.option("--endpoint", help="MCP endpoint URL (default: built from the runtime ARN)."),
        click.option("--token-env", metavar="VAR", help="Environment variable holding the bearer token."),
        click.option("--token-file", metavar="PATH", help="File holding the bearer token."),
        click.option(
            "--project",
            metavar="DIR",
            type=click.Path(file_okay=False),
            help="MCP server project directory (default: the current one, if it has .bedrock_agentcore.yaml).",
        ),
        click.option(
            "--agent",
            metavar="NAME",
            help="Agent of .bedrock_agentcore.yaml (default: its default_agent).",
            shell_complete=completion.complete_agents,
        ),
        click.option("--read-only", is_flag=True, help="Never offer or apply fixes."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1, max=600),
            default=None,
            metavar="SECONDS",
            help="Per-check timeout (default 10).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _context(kwargs: dict[str, Any], *, needs_target: bool = True) -> Any:
    from tui.context import build_context
    from tui.redact import register_secret

    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        register_secret(os.environ.get(name))
    keys = ("profile", "region", "runtime", "endpoint", "token_env", "token_file", "project", "agent")
    keys += ("read_only", "timeout")
    try:
        ctx = build_context(**{k: kwargs.pop(k, None) for k in keys})
    except ValueError as exc:  # .bedrock_agentcore.yaml: unknown --agent, or several agents and no default
        raise UsageProblem(str(exc)) from None
    ctx.token()  # registers the token with the redactor before anything can print it
    for problem in (ctx.endpoint_problem(), ctx.token_problem()) if needs_target else ():
        if problem:
            # A bad URL or an unreadable token must not turn into misleading check results.
            raise UsageProblem(problem)
    return ctx


def resolve_playbook(ref: str | None) -> Any:
    """Find a playbook by id or path, validate it, and return the LoadedPlaybook (exit 2 on errors)."""
    from tui.playbook.validate import resolve_playbook as resolve

    try:
        return resolve(ref or DEFAULT_PLAYBOOK)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None


def _check_inputs(loaded: Any, ctx: Any, pairs: tuple[str, ...]) -> None:
    import re

    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise UsageProblem(f"--input {pair!r}: use NAME=VALUE")
        declared = [i.name for i in loaded.playbook.inputs]
        if name not in declared:
            raise UsageProblem(
                f"--input {name}: playbook {loaded.playbook.id} has no such input (inputs: {', '.join(declared) or 'none'})"
            )
        ctx.inputs[name] = value
    for inp in loaded.playbook.inputs:
        if inp.name not in ctx.inputs and inp.default is not None:
            ctx.inputs[inp.name] = inp.default
        value = ctx.inputs.get(inp.name)
        if value is None and inp.required:
            raise UsageProblem(f"playbook input {inp.name!r} is required: {inp.prompt} (--input {inp.name}=VALUE)")
        if value is not None and inp.pattern and not re.fullmatch(inp.pattern, str(value)):
            raise UsageProblem(f"input {inp.name}={value!r} does not match {inp.pattern}")


def _handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any unexpected exception into a one-line error with exit 2 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _err("agentcore-triage: interrupted")
            sys.exit(130)
        except BrokenPipeError:
            # the reader (`| head`) went away: stop quietly, like other Unix tools
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user
            from tui.redact import redact_text

            if os.environ.get("AGENTCORE_TRIAGE_DEBUG"):
                raise
            raise UsageProblem(
                redact_text(f"{type(exc).__name__}: {exc}") + " (set AGENTCORE_TRIAGE_DEBUG=1 for a traceback)"
            ) from None

    return wrapper


class OneLineErrors(click.Group):
    """A click group whose usage errors are one line (``agentcore-triage: …``), like every other error."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "agentcore-triage"
            click.echo(f"agentcore-triage: {exc.format_message()} (see `{where} --help`)", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("agentcore-triage: aborted", err=True)
            sys.exit(EXIT_PROBLEMS)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


@click.group(cls=OneLineErrors, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agentcore-triage")
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Playbook to open (default: agentcore-mcp).")
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    expose_value=False,
    is_eager=True,
    callback=lambda _ctx, _param, value: use_language(value),
    help="Language (default: AGENTCORE_TRIAGE_LANG, then the locale, then en).",
)
@click.pass_context
@_handle_errors
def main(click_ctx: click.Context, playbook_ref: str | None, **kwargs: Any) -> None:
    """Guided troubleshooting for MCP servers on Amazon Bedrock AgentCore Runtime.

    With no command, opens the TUI. `agentcore-triage demo` opens it against a local
    sandbox with the troubleshooting guide's faults seeded in (no AWS account needed).
    """
    if click_ctx.invoked_subcommand is not None:
        click_ctx.obj = kwargs | {"playbook_ref": playbook_ref}
        return
    ctx = _context(kwargs)
    open_tui(ctx, playbook_ref)


def open_tui(ctx: Any, playbook_ref: str | None) -> None:
    """Start the Textual app (imported here so headless commands never pay for it)."""
    try:
        from tui.app.main import run_app
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("tui.app"):
            raise UsageProblem("the TUI is not built yet; use `agentcore-triage doctor`") from None
        raise
    run_app(ctx, playbook_ref or DEFAULT_PLAYBOOK)


def _merge_parent(click_ctx: click.Context, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Context flags may come before or after the subcommand."""
    parent = click_ctx.obj or {}
    for key, value in parent.items():
        if kwargs.get(key) in (None, False) and value not in (None, False):
            kwargs[key] = value
    return kwargs


# ---------------------------------------------------------------------------- doctor


@main.command()
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Playbook to run (default: agentcore-mcp).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE instead of stdout."
)
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
@_handle_errors
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
    **kwargs: Any,
) -> None:
    """Run every check of the playbook once and report findings with their fixes.

    Exit 0 when nothing failed, 1 when a check failed or errored, 2 on usage errors.
    """
    from tui.engine.doctor import fix_all, run_doctor
    from tui.engine.report import render_json, render_markdown, render_text
    from tui.registry import load_all

    kwargs = _merge_parent(click_ctx, kwargs)
    playbook_ref = playbook_ref or kwargs.pop("playbook_ref", None)
    kwargs.pop("playbook_ref", None)
    ctx = _context(kwargs)
    loaded = resolve_playbook(playbook_ref)
    _check_inputs(loaded, ctx, inputs)
    registry = load_all()
    from tui.playbook.model import CheckNode

    keys = {inv.key for node in loaded.playbook.nodes.values() if isinstance(node, CheckNode) for inv in node.checks}
    unknown = list(dict.fromkeys(c for c in only if c not in registry.checks and c not in keys))
    if unknown:
        raise UsageProblem(
            f"--only: unknown check {', '.join(unknown)} (`agentcore-triage checks list`, or a name from the report)"
        )
    if out:
        out_dir = Path(out).expanduser().resolve().parent
        if not out_dir.is_dir():
            raise UsageProblem(
                f"--out {out}: the directory {out_dir} does not exist (create it, or choose another path); nothing was run"
            )
        if not os.access(out_dir, os.W_OK):
            raise UsageProblem(f"--out {out}: the directory {out_dir} is not writable; nothing was run")
    if fix_mode == "all" and ctx.read_only:
        raise UsageProblem("--fix all and --read-only contradict each other")
    if fix_mode == "all" and not yes and not sys.stdin.isatty():
        raise UsageProblem("--fix all needs --yes when not run on a terminal (nothing was changed)")

    def progress(event: Any) -> None:
        from tui.engine.events import CheckFinished

        if fmt == "text" and out is None and isinstance(event, CheckFinished) and sys.stderr.isatty():
            _err(f"  {event.result.status.icon} {event.key}")

    async def go() -> Any:
        run = await run_doctor(loaded.playbook, ctx, registry=registry, only=only, listener=progress)
        if fix_mode == "all":

            def confirm(title: str, preview: str) -> bool:
                if yes:
                    _err(f"applying {title}")
                    return True
                _err(f"\n{title}\n{preview}\n")
                return click.confirm("Apply this fix?", default=False, err=True)

            await fix_all(run, confirm=confirm, registry=registry)
        return run

    run = asyncio.run(go())
    rendered = {"json": render_json, "markdown": render_markdown}.get(fmt, lambda r: render_text(r, verbose=verbose))(
        run
    )
    if out:
        Path(out).write_text(rendered + ("\n" if not rendered.endswith("\n") else ""), encoding="utf-8")
        _err(f"report written to {out} ({run.totals['fail']} fail, {run.totals['error']} error)")
    else:
        click.echo(rendered)
    sys.exit(run.exit_code)


# ---------------------------------------------------------------------------- run


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
@_handle_errors
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
    from tui.engine.walk import Walk
    from tui.playbook.model import CheckNode, DiagnosisNode, QuestionNode

    kwargs = _merge_parent(click_ctx, kwargs)
    playbook_ref = playbook_ref or kwargs.pop("playbook_ref", None)
    kwargs.pop("playbook_ref", None)
    ctx = _context(kwargs)
    loaded = resolve_playbook(playbook_ref)
    _check_inputs(loaded, ctx, inputs)
    pb = loaded.playbook
    given: dict[str, str] = {}
    for pair in answers:
        node, sep, choice = pair.partition("=")
        if not sep:
            raise UsageProblem(f"--answer {pair!r}: use NODE=CHOICE")
        if node not in pb.nodes or not isinstance(pb.nodes[node], QuestionNode):
            raise UsageProblem(f"--answer {pair!r}: {node!r} is not a question node of {pb.id}")
        keys = [c.key for c in pb.nodes[node].choices]  # type: ignore[union-attr]
        if choice not in keys:
            raise UsageProblem(f"--answer {pair!r}: choices at {node} are {', '.join(keys)}")
        given[node] = choice
    walk = Walk(pb, ctx)
    if start_node:
        from tui.playbook.matching import node_for_start

        node_id = node_for_start(pb, start_node)
        if node_id is None:
            raise UsageProblem(f"--start {start_node!r}: no such node or guide section in {pb.id}")
        how = "(--start)" if node_id == start_node else f"(--start {start_node}: the node for that guide section)"
        walk.jump(node_id, f"started at {node_id} {how}")
    stop_reason = ""

    async def go() -> None:
        nonlocal stop_reason
        for _ in range(len(pb.nodes) * 4):
            node = walk.node
            if isinstance(node, QuestionNode):
                if walk.current not in given:
                    choices = "; ".join(f"{c.key}={c.label}" for c in node.choices)
                    stop_reason = (
                        f"needs an answer at {walk.current} ({node.title}): --answer {walk.current}=KEY ({choices})"
                    )
                    return
                walk.answer(given[walk.current])
            elif isinstance(node, CheckNode):
                await walk.advance()
            elif isinstance(node, DiagnosisNode):
                if node.next:
                    await walk.advance()
                else:
                    return
        stop_reason = "stopped: the walk went round in circles"

    asyncio.run(go())
    final = walk.node
    problems = any(r.status.value in ("fail", "error") for res in walk.results.values() for r in res.values())
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "playbook": pb.id,
                    "path": [
                        {"node": s.node, "to": s.target, "why": s.reason, "answer": s.answer} for s in walk.history
                    ],
                    "results": {
                        n: {k: r.model_dump(mode="json", exclude={"facts"}) for k, r in res.items()}
                        for n, res in walk.results.items()
                    },
                    "end": {
                        "node": walk.current,
                        "kind": final.kind,
                        "title": final.title,
                        "severity": getattr(final, "severity", None),
                    },
                    "stopped": stop_reason or None,
                },
                indent=2,
                default=str,
            )
        )
    else:
        click.echo(f"agentcore-triage run · playbook {pb.id}\n")
        for i, step in enumerate(walk.history, 1):
            node = pb.nodes[step.node]
            click.echo(f"{i}. {node.title}  [{step.node}]")
            for key, res in walk.results.get(step.node, {}).items():
                click.echo(f"     [{res.status.icon}] {key}: {res.summary}")
            if isinstance(node, DiagnosisNode) and node.body:
                for line in node.body.strip().splitlines()[:8]:
                    click.echo(f"     | {line}")
            click.echo(f"     -> {step.target}: {step.reason}")
        click.echo("")
        if isinstance(final, DiagnosisNode) and not stop_reason:
            click.echo(f"Diagnosis ({final.severity.value}): {final.title}  [{walk.current}]")
            if final.body:
                click.echo("\n" + final.body.strip())
            for n, step_text in enumerate(final.next_steps, 1):
                click.echo(f"  {n}. {step_text}")
        if stop_reason:
            click.echo(stop_reason)
    if stop_reason:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


# ---------------------------------------------------------------------------- match


@main.command()
@click.argument("text")
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Only this playbook (default: all shipped).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_handle_errors
def match(text: str, playbook_ref: str | None, fmt: str) -> None:
    """Rank the nodes whose signatures match TEXT (`-` reads stdin; a file path reads that log file)."""
    from tui.playbook.loader import shipped_playbook_files
    from tui.playbook.matching import MatchInputError, rank, read_match_input
    from tui.playbook.search import search_nodes

    try:
        text = read_match_input(text, sys.stdin.read() if text == "-" else None)
    except (MatchInputError, OSError) as exc:
        raise UsageProblem(f"match: {exc}") from None
    books = (
        [resolve_playbook(playbook_ref)]
        if playbook_ref
        else [resolve_playbook(str(f)) for f in shipped_playbook_files()]
    )
    hits = []
    for loaded in books:
        noise = {m.node for m in rank(loaded.playbook, text) if m.noise}
        for node_id, score in search_nodes(loaded.playbook, text):
            hits.append(
                {
                    "playbook": loaded.playbook.id,
                    "node": node_id,
                    "title": loaded.playbook.nodes[node_id].title,
                    "score": score,
                    "noise": node_id in noise,
                }
            )
    hits.sort(key=lambda h: (h["noise"], -h["score"]))
    if fmt == "json":
        click.echo(json.dumps(hits, indent=2))
    elif not hits:
        click.echo("No node explains that text. Try a shorter excerpt (the error line itself).")
    else:
        for position, hit in enumerate(hits, 1):
            noise = ", known noise" if hit["noise"] else ""
            click.echo(
                f"{position}. {hit['title']}  [{hit['playbook']}:{hit['node']}]  ({hit['score']} signature{'s' if hit['score'] != 1 else ''}{noise})"
            )
        top = hits[0]
        click.echo(
            f"\nWalk from there: agentcore-triage run --playbook {top['playbook']} --start {top['node']}   (in the TUI: press / and paste the text)"
        )
    sys.exit(EXIT_OK if hits else EXIT_PROBLEMS)


# ---------------------------------------------------------------------------- playbooks / checks / fixes


@main.group()
def playbooks() -> None:
    """Validate, list and describe playbooks."""


@playbooks.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@_handle_errors
def playbooks_validate(paths: tuple[str, ...]) -> None:
    """Check schema and graph of playbooks (default: every shipped one); errors as file:line:col."""
    from tui.playbook.loader import shipped_playbook_files
    from tui.playbook.validate import validate_file

    files: list[Path] = []
    for p in paths or [str(f) for f in shipped_playbook_files()]:
        path = Path(p)
        files += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    if not files:
        raise UsageProblem("no playbook files given or found")
    count = 0
    for file in files:
        _, errors = validate_file(file)
        for error in errors:
            click.echo(str(error))
        count += sum(1 for e in errors if not e.message.startswith("warning: "))
        if not errors:
            _err(f"ok  {file}")
    if count:
        _err(f"{count} error{'s' if count != 1 else ''} in {len(files)} file{'s' if len(files) != 1 else ''}")
        sys.exit(EXIT_USAGE)


@playbooks.command("schema")
def playbooks_schema() -> None:
    """Print the JSON Schema of the playbook format (for yaml-language-server)."""
    from tui.playbook.model import Playbook

    schema = Playbook.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://agentcore-triage.dev/schema/playbook.json"
    click.echo(json.dumps(schema, indent=2))


@playbooks.command("list")
@_handle_errors
def playbooks_list() -> None:
    """List shipped playbooks."""
    from tui.playbook.loader import PlaybookLoadError, load_playbook, shipped_playbook_files

    for file in shipped_playbook_files():
        try:
            pb = load_playbook(file).playbook
            click.echo(f"{pb.id:<24} {len(pb.nodes):>3} nodes  {pb.title}  ({file.name})")
        except PlaybookLoadError as exc:
            click.echo(f"{file.stem:<24} invalid: {exc.errors[0]}")


@main.group()
def checks() -> None:
    """List the registered checks."""


@checks.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def checks_list(fmt: str) -> None:
    """Every check: id, severity, title, what it needs and the facts it publishes."""
    from tui.registry import load_all

    specs = sorted(load_all().checks.values(), key=lambda s: s.id)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "severity": s.severity.value,
                        "needs": list(s.needs),
                        "publishes": list(s.publishes),
                        "params": s.params.model_json_schema(),
                        "description": s.description,
                    }
                    for s in specs
                ],
                indent=2,
            )
        )
        return
    for s in specs:
        click.echo(f"{s.id:<26} {s.severity.value:<8} {s.title}")


@main.group()
def fixes() -> None:
    """List the registered fixes."""


@fixes.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def fixes_list(fmt: str) -> None:
    """Every fix: id, risk class, whether it can be undone, and the permissions it needs."""
    from tui.registry import load_all

    specs = sorted(load_all().fixes.values(), key=lambda s: s.id)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "risk": s.risk.value,
                        "undoable": s.undoable,
                        "permissions": list(s.permissions),
                        "description": s.description,
                    }
                    for s in specs
                ],
                indent=2,
            )
        )
        return
    for s in specs:
        undo = "undo" if s.undoable else "    "
        click.echo(f"{s.id:<28} {s.risk.value:<11} {undo}  {s.title}")
        if s.permissions:
            click.echo(f"{'':<28} needs: {', '.join(s.permissions)}")


# ---------------------------------------------------------------------------- audit / undo


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def audit(fmt: str) -> None:
    """Show the audit log of applied fixes."""
    from tui.fixes.audit import audit_path, read_log, undone_ids

    log = read_log()
    recs = log.records
    if log.summary():
        _err(f"agentcore-triage: {log.summary()}")
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
@_handle_errors
def undo(click_ctx: click.Context, record_id: str | None, yes: bool, **kwargs: Any) -> None:
    """Reverse an applied fix (the latest one, or RECORD_ID from `agentcore-triage audit`)."""
    from tui.engine.fixing import FixError, undo_record
    from tui.fixes.audit import read_log
    from tui.fixes.undo import select_record, undo_plan

    ctx = _context(_merge_parent(click_ctx, kwargs), needs_target=False)  # undo needs no endpoint or token
    log = read_log()
    if log.summary():
        _err(f"agentcore-triage: {log.summary()}")
    try:
        plan = undo_plan(select_record(record_id, log.records), ctx)
    except FixError as exc:
        raise UsageProblem(str(exc)) from None
    _err(f"{plan.title} (reverses {plan.record.id}):")
    _err(plan.preview())
    if not yes:
        if not sys.stdin.isatty():
            raise UsageProblem("undo needs --yes when not run on a terminal (nothing was changed)")
        if not click.confirm("Undo this fix?", default=False, err=True):
            _err("nothing changed")
            sys.exit(EXIT_OK)
    for question in plan.questions:  # each asked on its own: --yes does not answer them
        if not sys.stdin.isatty():
            raise UsageProblem(f"{question}: confirm on a terminal (nothing was changed)")
        if not click.confirm(f"{question}. Delete anyway?", default=False, err=True):
            _err("nothing changed")
            sys.exit(EXIT_OK)
    try:
        record, _ = undo_record(plan.record.id, ctx, confirmed=plan)
    except FixError as exc:
        raise UsageProblem(str(exc)) from None
    if record.outcome == "failed":
        _err(f"undo failed: {record.error}")
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"undone: {record.undoes} ({record.fix})")


# ---------------------------------------------------------------------------- demo


@main.command()
@click.option(
    "--scenario",
    default="seed-guide",
    show_default=True,
    help="Which faults to seed (see --list).",
    shell_complete=completion.complete_scenarios,
)
@click.option("--list", "list_only", is_flag=True, help="Describe the scenarios and exit.")
@click.option("--print-env", is_flag=True, help="Print shell export lines and keep the sandbox up until Ctrl-C.")
@click.option(
    "--doctor", "doctor_only", is_flag=True, help="Run doctor against the sandbox instead of opening the TUI."
)
@click.pass_context
@_handle_errors
def demo(click_ctx: click.Context, scenario: str, list_only: bool, print_env: bool, doctor_only: bool) -> None:
    """Start the local sandbox (moto, MCP server, AgentCore front door) and open the TUI against it."""
    from importlib.util import find_spec

    try:
        if find_spec("moto") is None:  # imported only once the sandbox starts: say it before anything runs
            raise ModuleNotFoundError("No module named 'moto'", name="moto")
        from tui.sandbox.cli import run_demo
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("tui.sandbox"):
            raise UsageProblem("the demo sandbox is not built yet") from None
        raise UsageProblem(
            f"the sandbox needs the 'sandbox' extra: pip install 'agentcore-triage[sandbox]' ({exc.name} missing)"
        ) from None
    read_only = bool((click_ctx.obj or {}).get("read_only"))  # `agentcore-triage --read-only demo`
    sys.exit(
        run_demo(
            scenario=scenario, list_only=list_only, print_env=print_env, doctor_only=doctor_only, read_only=read_only
        )
    )
