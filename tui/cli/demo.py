"""``demo``: the local sandbox (moto, MCP server, AgentCore front door) with seeded faults."""

from __future__ import annotations

import sys

import click

from tui import completion
from tui.cli.base import UsageProblem, handle_errors, lang_option, main
from tui.i18n import _


@main.command()
@lang_option()
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
@handle_errors
def demo(click_ctx: click.Context, scenario: str, list_only: bool, print_env: bool, doctor_only: bool) -> None:
    """Start the local sandbox (moto, MCP server, AgentCore front door) and open the TUI against it."""
    from importlib.util import find_spec

    try:
        if find_spec("moto") is None:  # imported only once the sandbox starts: say it before anything runs
            raise ModuleNotFoundError("No module named 'moto'", name="moto")
        from tui.sandbox.cli import run_demo
    except ModuleNotFoundError as exc:
        raise UsageProblem(
            _("the sandbox needs the 'sandbox' extra: {command} ({module} missing)").format(
                command="pip install 'agentcore-triage[sandbox]'", module=exc.name
            )
        ) from None
    if not list_only:
        from tui.context import environment_problem

        if problem := environment_problem():  # before the sandbox starts, not after
            raise UsageProblem(problem)
    read_only = bool((click_ctx.obj or {}).get("read_only"))  # `agentcore-triage --read-only demo`
    sys.exit(
        run_demo(
            scenario=scenario, list_only=list_only, print_env=print_env, doctor_only=doctor_only, read_only=read_only
        )
    )
