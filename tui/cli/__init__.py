"""The ``agentcore-triage`` command line: the TUI by default, and headless commands for CI and tickets.

One module per command group; each registers its commands on ``main`` (``tui.cli.base``) when imported:

* ``diagnose``: ``doctor`` (every check once, ``--fix all``) and ``run`` (the decision tree, headless);
* ``catalog``:  ``match``, ``playbooks``, ``checks``, ``fixes``;
* ``history``:  ``audit`` and ``undo``;
* ``demo``:     the local sandbox;
* ``support``:  ``serve`` (the TUI in a browser), ``bundle`` and ``open`` (support bundles);
* ``logs``:     CloudWatch logs grouped by node (``tui.logs.command``, beside its reader).

Machine output (``--format json``) goes to stdout alone; diagnostics go to stderr. Exit codes: 0 nothing
failed, 1 a check failed or errored, 2 usage, configuration or playbook error. No traceback reaches the user.
"""

from __future__ import annotations

from tui.cli.base import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, LazyCommands, UsageProblem, main, resolve_playbook

COMMAND_MODULES = {
    **dict.fromkeys(("doctor", "run"), "tui.cli.diagnose"),
    **dict.fromkeys(("match", "playbooks", "checks", "fixes"), "tui.cli.catalog"),
    **dict.fromkeys(("audit", "undo"), "tui.cli.history"),
    "demo": "tui.cli.demo",
    **dict.fromkeys(("serve", "served-tui", "bundle", "open"), "tui.cli.support"),
    "logs": "tui.logs.command:logs_command",
}
"""Which module defines each command: imported when the command is first asked for (``LazyCommands``), so a run
of one command imports only its own module. Every command's --help lists the environment variables."""

main.commands = LazyCommands(main, COMMAND_MODULES)

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "UsageProblem", "main", "resolve_playbook"]
