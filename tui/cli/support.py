"""``serve`` (the TUI in a browser), ``bundle`` (a support bundle) and ``open`` (replay a bundle)."""

from __future__ import annotations

import os
from typing import Any

import click

from tui.cli.base import (
    DEFAULT_PLAYBOOK,
    UsageProblem,
    context_from_flags,
    context_options,
    err,
    handle_errors,
    main,
    merge_parent,
)

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
        raise UsageProblem("--read-only and --allow-fixes contradict each other")
    read_only = not allow_fixes
    if not is_loopback(host) and not allow_remote:
        raise UsageProblem(
            f"--host {host} is reachable from other machines: add --allow-remote if you mean it "
            "(or use an SSH tunnel to 127.0.0.1)"
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
    from tui.support.served import run_served

    ctx = context_from_flags(kwargs)
    run_served(ctx, playbook_ref or DEFAULT_PLAYBOOK)
