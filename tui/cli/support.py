"""``serve`` (the TUI in a browser), ``bundle`` (a support bundle) and ``open`` (replay a bundle)."""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from tui.cli.base import (
    DEFAULT_PLAYBOOK,
    UsageProblem,
    command_target,
    context_from_flags,
    context_options,
    err,
    handle_errors,
    lang_option,
    main,
    merge_parent,
)
from tui.files import user_path
from tui.i18n import _, os_reason

# Context flags handed on to each served TUI process.
PASSED_ON = ("profile", "region", "runtime", "endpoint", "token_env", "token_file", "project", "agent", "timeout")


def _tui_args(kwargs: dict[str, Any], playbook_ref: str | None) -> list[str]:
    args: list[str] = []
    for name in PASSED_ON:
        value = kwargs.get(name)
        if value is not None:
            args += [f"--{name.replace('_', '-')}", str(value)]
    if playbook_ref:
        args += ["--playbook", playbook_ref]
    return args


@main.command()
@lang_option()
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Playbook to open (default: agentcore-mcp).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--allow-remote", is_flag=True, help="Allow a --host other machines can reach (prints a warning).")
@click.option("--allow-fixes", is_flag=True, help="Let the browser apply fixes (served TUIs are read-only otherwise).")
@click.pass_context
@handle_errors
def serve(
    click_ctx: click.Context,
    playbook_ref: str | None,
    host: str,
    port: int,
    allow_remote: bool,
    allow_fixes: bool,
    **kwargs: Any,
) -> None:
    """Serve the TUI in a browser (textual-serve), for screen-sharing or a support engineer.

    Listens on 127.0.0.1 unless --allow-remote. Prints the URL once: it holds a random access
    token; without it the page and the websocket answer 403. Read-only unless --allow-fixes.
    """
    from tui.i18n import current_language
    from tui.support.serve import ServeProblem, is_loopback, remote_warning, run

    kwargs = merge_parent(click_ctx, kwargs)
    playbook_ref = playbook_ref or kwargs.pop("playbook_ref", None)
    kwargs.pop("playbook_ref", None)
    if kwargs.get("read_only") and allow_fixes:
        raise UsageProblem(_("--read-only and --allow-fixes contradict each other"))
    read_only = not allow_fixes
    if not _host_shaped(host):  # before "reachable from other machines", which a typo is not
        raise UsageProblem(_("--host {host}: not an address or a host name").format(host=repr(host)))
    if not is_loopback(host) and not allow_remote:
        raise UsageProblem(
            _(
                "--host {host} is reachable from other machines: add --allow-remote if you mean it "
                "(or use an SSH tunnel to 127.0.0.1)"
            ).format(host=host)
        )
    args = _tui_args(kwargs, playbook_ref)
    context_from_flags(dict(kwargs))  # a bad endpoint or unreadable token: say so here, not in each browser tab
    if not is_loopback(host):
        err(remote_warning(host, read_only=read_only))
    os.environ["AGENTCORE_TRIAGE_LANG"] = current_language()  # the served TUIs speak the language chosen here
    try:
        run(args, host=host, port=port, read_only=read_only, echo=click.echo, err=err)
    except ServeProblem as exc:
        raise UsageProblem(str(exc)) from None


@main.command("served-tui", hidden=True)
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH")
@handle_errors
def served_tui(playbook_ref: str | None, **kwargs: Any) -> None:
    """One browser tab's TUI (started by `serve`, not by hand): read-only stays locked on."""
    from tui.app.served_app import run_served

    ctx = context_from_flags(kwargs)
    run_served(ctx, playbook_ref or DEFAULT_PLAYBOOK)


def _host_shaped(host: str) -> bool:
    """An IP address, or a name made of DNS labels (letters, digits, hyphens; dots between)."""
    import ipaddress
    import re

    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(
            re.fullmatch(
                r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?",
                host,
            )
        )


def check_bundle_target(out: str, flag: str) -> None:
    """The bundle's directory must exist and be writable before anything runs."""
    try:
        _check_bundle_target(out, flag)
    except OSError as exc:  # a name the system cannot even look up (longer than a file name may be)
        raise UsageProblem(
            _("{flag} {out}: cannot be written there ({reason}); choose another path").format(
                flag=flag, out=out[:80] + ("..." if len(out) > 80 else ""), reason=os_reason(exc)
            )
        ) from None


def _check_bundle_target(out: str, flag: str) -> None:
    from tui.support.bundle import not_a_file_to_replace

    target = user_path(out)
    if out.endswith(("/", os.sep)) and not target.is_dir():  # meant as a directory: never a file named after it
        raise UsageProblem(
            _("{flag} {out}: the directory {directory} does not exist (create it, or choose another path)").format(
                flag=flag, out=out, directory=target
            )
        )
    if (kind := not_a_file_to_replace(target)) is not None:
        raise UsageProblem(
            _("{flag} {out}: {kind}, not a file a bundle may replace; choose a file path").format(
                flag=flag, out=out, kind=kind
            )
        )
    folder = target if target.is_dir() else target.resolve().parent
    if not folder.is_dir():
        raise UsageProblem(
            _("{flag} {out}: the directory {directory} does not exist (create it, or choose another path)").format(
                flag=flag, out=out, directory=folder
            )
        )
    if not os.access(folder, os.W_OK):
        raise UsageProblem(
            _("{flag} {out}: the directory {directory} is not writable").format(flag=flag, out=out, directory=folder)
        )


def write_bundle_of(run: Any, loaded: Any, out: str, log: Any = None) -> Path:
    """Write the support bundle of a doctor run or walk to ``out`` (a directory gets the default name); say where."""
    from tui.support.bundle import BundleError
    from tui.support.collect import write_session_bundle

    try:
        path = write_session_bundle(out, run, log, loaded=loaded)
    except BundleError as exc:
        raise UsageProblem(str(exc)) from None
    err(
        _("support bundle written to {path} (`{command}` replays it)").format(
            path=path, command=f"agentcore-triage open {shlex.quote(str(path))}"
        )
    )
    return path


@main.command("bundle")
@lang_option()
@context_options
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Playbook to run (default: agentcore-mcp).")
@click.option("--input", "inputs", multiple=True, metavar="NAME=VALUE", help="Playbook input value (repeatable).")
@click.option(
    "--out",
    metavar="FILE.zip",
    default=".",
    help="Where to write it (a directory gets agentcore-triage-bundle-<time>.zip; default: here).",
)
@click.pass_context
@handle_errors
def bundle(
    click_ctx: click.Context, playbook_ref: str | None, inputs: tuple[str, ...], out: str, **kwargs: Any
) -> None:
    """Run every check once, read-only (like doctor), and write a support bundle for a support engineer.

    The bundle (a zip) holds the context, every check result with its evidence, the doctor report,
    this target's audit records, the log excerpts the checks read and the project findings with their
    diffs, all redacted. `agentcore-triage open FILE.zip` replays it; in the TUI, press B.
    """
    from tui.engine.doctor import run_doctor
    from tui.registry import load_all

    check_bundle_target(out, "--out")
    ctx, loaded = command_target(click_ctx, kwargs, playbook_ref, inputs)
    ctx.read_only = True  # a bundle only looks
    run = asyncio.run(run_doctor(loaded.playbook, ctx, registry=load_all()))
    click.echo(str(write_bundle_of(run, loaded, out)))


@main.command("open")
@lang_option()
@click.argument("bundle_file", metavar="FILE.zip", type=click.Path(dir_okay=False))
@handle_errors
def open_bundle(bundle_file: str) -> None:
    """Replay a support bundle in the TUI: the recorded path and results; nothing runs live."""
    from tui.support.bundle import BundleError
    from tui.support.replay import open_replay

    try:
        replay = open_replay(bundle_file)
    except BundleError as exc:
        raise UsageProblem(str(exc)) from None
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Seen: without a terminal the replay drew escape codes into the pipe and waited for keys for ever.
        raise UsageProblem(
            _(
                "the replay needs a terminal (stdin and stdout); without one, unzip the bundle: report.md holds the "
                "findings and report.json the whole run"
            )
        )
    from tui.app.replay_app import run_replay

    run_replay(replay)
