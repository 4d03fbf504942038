"""The ``agentcore-triage`` command line: the TUI by default, and headless commands for CI and tickets.

One module per command group; each registers its commands on ``main`` (``tui.cli.base``) when imported:

* ``diagnose``: ``doctor`` (every check once, ``--fix all``) and ``run`` (the decision tree, headless);
* ``catalog``:  ``match``, ``playbooks``, ``checks``, ``fixes``;
* ``history``:  ``audit`` and ``undo``;
* ``demo``:     the local sandbox;
* ``logs``:     CloudWatch logs grouped by node (``tui.logs.command``, beside its reader).

Machine output (``--format json``) goes to stdout alone; diagnostics go to stderr. Exit codes: 0 nothing
failed, 1 a check failed or errored, 2 usage, configuration or playbook error. No traceback reaches the user.
"""

from __future__ import annotations

from tui.cli import catalog, demo, diagnose, history  # noqa: F401 - importing registers the commands
from tui.cli.base import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageProblem, document_environment, main, resolve_playbook
from tui.logs.command import logs_command

main.add_command(logs_command)
document_environment(main)  # every command's --help lists the environment variables

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "UsageProblem", "main", "resolve_playbook"]
