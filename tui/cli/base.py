"""What every command shares: the ``main`` group, the context flags, one-line errors and exit codes."""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from tui import __version__, completion
from tui.cli import environment
from tui.cli.input_flags import one_value_per_input
from tui.files import UnknownHome
from tui.i18n import N_, _, os_reason, use_language

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
"""ctrl-c, as a shell reports a process ended by SIGINT (128 + 2); ``logs`` and ``demo`` (layers below) say the same."""
_EPILOG = environment.epilog()
DEFAULT_PLAYBOOK = "agentcore-mcp"
NO_TERMINAL = N_(
    "the TUI needs a terminal (stdin and stdout); without one use `agentcore-triage doctor` (every check, a report)"
    " or `agentcore-triage run` (the decision tree, headless)"
)


def err(message: str) -> None:
    click.echo(message, err=True)


def shown_values(message: str) -> str:
    """``message`` with each word longer than ``LONGEST_SHOWN_VALUE`` cut (an error line stays a line) and control
    characters other than newline and tab as U+FFFD (a value quoted back, `--only $'\\e]0;…\\a'`, acted on the
    terminal)."""
    import re

    from tui.redact import LONGEST_SHOWN_VALUE, cut_value  # not at start-up: the module compiles its patterns

    return re.sub(
        rf"\S{{{LONGEST_SHOWN_VALUE + 1},}}", lambda word: cut_value(word.group(0)), without_controls(message)
    )


def without_controls(text: str) -> str:
    """``text`` with control characters other than newline and tab replaced by U+FFFD, as the reports show them."""
    import re

    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "\ufffd", text)


class UsageProblem(click.ClickException):
    """A one-line error with exit code 2 (bad flag value, bad playbook, missing input)."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        from tui.redact import redact_text  # a flag value may hold a password or ?api_key=

        click.echo(f"agentcore-triage: {shown_values(redact_text(self.format_message()))}", err=True)


def lang_option(*, resolve: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--lang ja|en``, before or after the command (``agentcore-triage --lang ja doctor``, ``doctor --lang ja``).

    The group's option (``resolve``) always runs: without the flag the language comes from AGENTCORE_TRIAGE_LANG,
    then the locale. A command's own ``--lang`` only overrides when given.
    """

    def chosen(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if resolve or value is not None:
            use_language(value)
        if resolve and value is None and not ctx.resilient_parsing and not ctx.meta.get(LANG_FLAG_GIVEN):
            say_unsupported_env_language()

    return click.option(
        "--lang",
        type=click.Choice(["ja", "en"]),
        expose_value=False,
        is_eager=True,
        callback=chosen,
        help="Language (default: AGENTCORE_TRIAGE_LANG, then the locale, then en).",
    )


LANG_FLAG_GIVEN = "agentcore-triage.lang-flag-given"
"""``click.Context.meta`` key: a ``--lang`` is somewhere on the command line (the group's or the command's)."""


def say_unsupported_env_language() -> None:
    """Warn (stderr, once per process) when AGENTCORE_TRIAGE_LANG names no language this tool speaks.

    Before this, ``AGENTCORE_TRIAGE_LANG=xx`` fell back to the locale without a word. Said while the group's flags are
    read, before any command output and before a TUI takes the screen, so it neither mixes into ``--format json``
    on stdout nor garbles the app. Not said under an explicit ``--lang``: the flag wins and the variable is unread.
    """
    from tui.i18n import env_language_warning

    if warning := env_language_warning():
        # One line whatever the variables hold: LANG=$'C\nfake line' printed a second line of its own (the value of
        # AGENTCORE_TRIAGE_LANG is quoted with repr, the locale's is not).
        err(f"agentcore-triage: {shown_values(warning.replace(chr(13), chr(0xFFFD)).replace(chr(10), chr(0xFFFD)))}")


def context_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The context flags every command takes."""
    return _context_options(func, repeatable_runtime=False)


def fleet_context_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The context flags, with ``--runtime`` repeatable (``doctor``'s fleet sweep)."""
    return _context_options(func, repeatable_runtime=True)


def _context_options(func: Callable[..., Any], *, repeatable_runtime: bool) -> Callable[..., Any]:
    options = [
        click.option(
            "--profile", help="AWS profile (default: AWS_PROFILE).", shell_complete=completion.complete_profiles
        ),
        click.option("--region", help="AWS region (default: AWS_REGION, then the runtime ARN)."),
        click.option(
            "--runtime",
            multiple=repeatable_runtime,
            help="AgentCore runtime: ARN, id or name"
            + (" (repeatable: a fleet sweep)." if repeatable_runtime else "."),
        ),
        click.option("--endpoint", help="MCP endpoint URL (default: built from the runtime ARN)."),
        click.option(
            "--qualifier",
            metavar="NAME",
            help="Runtime endpoint the AWS checks look at (default: the endpoint URL's ?qualifier=, else DEFAULT).",
        ),
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
            default=None,
            metavar="SECONDS",
            callback=seconds_between(0.1, 600),
            help="Per-check timeout, 0.1 to 600 (default 10).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def seconds_between(low: float, high: float) -> Callable[[click.Context, click.Parameter, Any], float | None]:
    """A click callback: the value as finite seconds from ``low`` to ``high``, else click's one-line usage error.

    The check ``AGENTCORE_TRIAGE_TIMEOUT`` gets too (``tui.context.parse_seconds``); click's ``FloatRange``
    let ``nan`` through (NaN compares false with both bounds).
    """

    def check(_ctx: click.Context, _param: click.Parameter, value: Any) -> float | None:
        if value is None:
            return None
        from tui.context import parse_seconds

        try:
            return parse_seconds(value, low, high)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return check


def context_from_flags(kwargs: dict[str, Any], *, needs_target: bool = True) -> Any:
    """The context from the flags (and the environment); an unusable endpoint or token source is a usage error."""
    from tui.context import build_context
    from tui.redact import register_secret

    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        register_secret(os.environ.get(name))
    keys: tuple[str, ...] = ("profile", "region", "runtime", "endpoint", "qualifier", "token_env", "token_file")
    keys += ("project", "agent")
    keys += ("read_only", "timeout")
    try:
        ctx = build_context(**{k: kwargs.pop(k, None) for k in keys})
    except ValueError as exc:  # .bedrock_agentcore.yaml: unknown --agent, or several agents and no default
        raise UsageProblem(str(exc)) from None
    ctx.token()  # registers the token with the redactor before anything can print it
    for problem in (ctx.region_problem(), ctx.runtime_problem(), ctx.project_problem()):
        if problem:
            raise UsageProblem(problem)
    for problem in (ctx.endpoint_problem(), ctx.qualifier_problem(), ctx.token_problem()) if needs_target else ():
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
        head, newline, errors = str(exc).partition("\n")
        if head == "invalid playbook:":  # validate's heading over the located errors (each said in the language)
            head = _("invalid playbook:")
        raise UsageProblem(head + newline + errors) from None


def command_target(
    click_ctx: click.Context, kwargs: dict[str, Any], playbook_ref: str | None, inputs: tuple[str, ...] = ()
) -> tuple[Any, Any]:
    """The context and the validated playbook (with its inputs) of a command that runs checks."""
    from tui.playbook.model import InputError

    kwargs = merge_parent(click_ctx, kwargs)
    playbook_ref = playbook_ref or kwargs.pop("playbook_ref", None)
    kwargs.pop("playbook_ref", None)
    ctx = context_from_flags(kwargs)
    loaded = resolve_playbook(playbook_ref)
    one_value_per_input(inputs, [i.name for i in loaded.playbook.inputs], UsageProblem)
    try:
        ctx.inputs = loaded.playbook.resolve_inputs(inputs, ctx.inputs)
    except InputError as exc:
        raise UsageProblem(str(exc)) from None
    return ctx, loaded


_NO_ROOM_FOR_OUTPUT = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""Errors of a write to standard output that say where it goes has no room (``> /dev/full``, a full disk)."""


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any unexpected exception into a one-line error with exit 2 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            err("agentcore-triage: " + _("interrupted"))
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # the reader (`| head`) went away: stop quietly, like other Unix tools
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except UnknownHome as exc:  # a path the user wrote: what it names is the whole message
            raise UsageProblem(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user
            from tui.redact import redact_text

            if isinstance(exc, OSError) and exc.filename is None and exc.errno in _NO_ROOM_FOR_OUTPUT:
                # Writing the output failed (`> /dev/full`, a full disk, a quota): files the tool opens by name are
                # reported where they are opened, with their name. A traceback would add nothing.
                raise UsageProblem(_("could not write the output: {reason}").format(reason=os_reason(exc))) from None
            if os.environ.get("AGENTCORE_TRIAGE_DEBUG"):
                raise
            raise UsageProblem(
                redact_text(f"{type(exc).__name__}: {exc}") + _(" (set AGENTCORE_TRIAGE_DEBUG=1 for a traceback)")
            ) from None

    return wrapper


class OneLineErrors(click.Group):
    """A click group whose usage errors are one line (``agentcore-triage: …``), like every other error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from tui.cli.click_messages import language_asked

        # The group's --lang callback runs before the command's flags are parsed: a `doctor --lang ja` after the
        # command must still keep AGENTCORE_TRIAGE_LANG's warning quiet (the flag wins, the variable is not read).
        ctx.meta[LANG_FLAG_GIVEN] = language_asked(list(args)) is not None
        return super().parse_args(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            # handle_errors here too: a command that lacks it (``audit`` did) still ends in one line, not a traceback
            code = handle_errors(super().main)(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "agentcore-triage"
            from tui.cli.click_messages import apply_language_asked, in_user_language
            from tui.redact import redact_text

            argv = kwargs.get("args") if "args" in kwargs else (args[0] if args else None)
            apply_language_asked(list(sys.argv[1:] if argv is None else argv))
            see = _("(see `{command} --help`)").format(command=where)
            message = in_user_language(exc.format_message())
            click.echo(f"agentcore-triage: {shown_values(redact_text(message))} {see}", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # ctrl-c before a command took over (click's parsing)
                click.echo("agentcore-triage: " + _("interrupted"), err=True)
                sys.exit(EXIT_INTERRUPTED)
            click.echo("agentcore-triage: " + _("aborted"), err=True)
            sys.exit(EXIT_PROBLEMS)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


@click.group(
    cls=OneLineErrors,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_EPILOG,
)
@click.version_option(__version__, prog_name="agentcore-triage")
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Playbook to open (default: agentcore-mcp).")
@lang_option(resolve=True)
@click.pass_context
@handle_errors
def main(click_ctx: click.Context, playbook_ref: str | None, **kwargs: Any) -> None:
    """Guided troubleshooting for MCP servers on Amazon Bedrock AgentCore Runtime.

    With no command, opens the TUI (on a terminal; elsewhere use `doctor` or `run`).
    `agentcore-triage demo` opens it against a local sandbox with the troubleshooting
    guide's faults seeded in (no AWS account needed).
    """
    if click_ctx.invoked_subcommand is not None:
        click_ctx.obj = kwargs | {"playbook_ref": playbook_ref}
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the TUI would draw into a pipe or wait for keys that never come (CI, cron, `| less`).
        raise UsageProblem(_(NO_TERMINAL))
    ctx = context_from_flags(kwargs)
    open_tui(ctx, playbook_ref)


def open_tui(ctx: Any, playbook_ref: str | None) -> None:
    """Start the Textual app (imported here so headless commands never pay for it)."""
    from tui.app.main import run_app

    run_app(ctx, playbook_ref or DEFAULT_PLAYBOOK)


def merge_parent(click_ctx: click.Context, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Context flags may come before or after the subcommand."""
    parent = click_ctx.obj or {}
    for key, value in parent.items():
        if kwargs.get(key) in (None, False) and value not in (None, False):
            kwargs[key] = value
    return kwargs


class LazyCommands(dict[str, click.Command]):
    """A group's commands, each command module imported when one of its commands is first asked for: a run of
    ``logs`` does not import ``doctor``'s engine, asyncio or the app's modules. Listing them (``--help``,
    completion, a mistyped name) imports them all. Every command handed out carries the environment epilog.

    ``modules`` maps a command name to the module that defines it (importing that module registers it on the
    group), or to ``module:attribute`` for a command the module does not register itself. A name the map does not
    know imports every module before it is looked up, so a command missing from the map still runs.
    """

    def __init__(self, group: click.Group, modules: dict[str, str]) -> None:
        super().__init__(group.commands)
        self._group = group
        self._modules = modules

    def _load(self, name: str) -> None:
        if dict.__contains__(self, name):
            return
        if name not in self._modules:  # a command missing from the map, or a typo: every module, then look
            self._load_all()
            return
        import importlib

        module_name, _sep, attribute = self._modules[name].partition(":")
        module = importlib.import_module(module_name)
        if attribute and not dict.__contains__(self, name):
            self._group.add_command(getattr(module, attribute), name)

    def _load_all(self) -> None:
        for name in self._modules:
            self._load(name)

    def _documented(self, command: click.Command | None) -> click.Command | None:
        if command is not None:
            document_environment(command)
        return command

    def get(self, name: str, default: Any = None) -> Any:
        self._load(name)
        found = dict.get(self, name)
        return self._documented(found) if found is not None else default

    def __getitem__(self, name: str) -> click.Command:
        self._load(name)
        return self._documented(dict.__getitem__(self, name))  # type: ignore[return-value]

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self._load(name)
        return dict.__contains__(self, name)

    def __iter__(self) -> Any:
        self._load_all()
        return iter(list(dict.keys(self)))

    def __len__(self) -> int:
        self._load_all()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._load_all()
        return dict.keys(self)

    def values(self) -> Any:
        self._load_all()
        return [self._documented(c) for c in dict.values(self)]

    def items(self) -> Any:
        self._load_all()
        return [(n, self._documented(c)) for n, c in dict.items(self)]


def document_environment(command: click.Command) -> None:
    """Give ``command`` and every command under it the environment epilog (``tui/cli/environment.py``)."""
    if not command.epilog:
        command.epilog = _EPILOG
    commands = getattr(command, "commands", {})
    for sub in dict.values(commands) if isinstance(commands, LazyCommands) else commands.values():
        document_environment(sub)
