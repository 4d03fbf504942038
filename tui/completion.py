"""Shell completion of flag values (click's ``shell_complete`` callbacks).

Enable it once per shell (the README has the lines):
``eval "$(_AGENTCORE_TRIAGE_COMPLETE=bash_source agentcore-triage)"`` (``zsh_source``, ``fish_source``).
Each callback imports what it needs when the user presses Tab, never at start-up, and returns nothing
rather than failing: a broken AWS config or project file must not break the shell.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI imports this module at start-up; click's completion machinery only on Tab
    import click
    from click.shell_completion import CompletionItem


def _matching(values: Iterable[tuple[str, str | None]], incomplete: str) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    seen: dict[str, str | None] = {}
    for value, help_text in values:
        if value.startswith(incomplete) and value not in seen:
            seen[value] = help_text
    return [CompletionItem(value, help=help_text) for value, help_text in sorted(seen.items())]


def _param(ctx: click.Context | None, name: str) -> Any:
    """A value given earlier on the command line, on this command or a parent (context flags go either side)."""
    while ctx is not None:
        value = ctx.params.get(name)
        if value not in (None, "", ()):
            return value
        ctx = ctx.parent
    return None


def complete_check_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``--only``: registered check ids, and the names the playbook gives its check invocations (``have-runtime``)."""
    try:
        from tui.playbook.model import CheckNode
        from tui.playbook.validate import resolve_playbook
        from tui.registry import load_all

        values: list[tuple[str, str | None]] = [(spec.id, spec.title) for spec in load_all().checks.values()]
        playbook = resolve_playbook(_param(ctx, "playbook_ref") or "agentcore-mcp").playbook
        for node in playbook.nodes.values():
            if isinstance(node, CheckNode):
                values += [(inv.key, f"{inv.check} at {node.title}") for inv in node.checks if inv.key != inv.check]
    except Exception:  # noqa: BLE001 - completion offers what it can
        return []
    return _matching(values, incomplete)


def complete_scenarios(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``demo --scenario``: the sandbox scenarios (their module needs no sandbox extra)."""
    try:
        from tui.sandbox.scenarios import SCENARIOS
    except Exception:  # noqa: BLE001
        return []
    return _matching(((name, s.title) for name, s in SCENARIOS.items()), incomplete)


def complete_profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``--profile``: the profiles botocore finds (``AWS_CONFIG_FILE``, ``AWS_SHARED_CREDENTIALS_FILE``)."""
    try:
        import botocore.session

        profiles = botocore.session.Session().available_profiles
    except Exception:  # noqa: BLE001 - a malformed config file
        return []
    return _matching(((name, None) for name in profiles), incomplete)


def complete_agents(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``--agent``: the agents of ``.bedrock_agentcore.yaml`` in ``--project`` (given before it) or here."""
    from tui.project.agentcore_config import agent_names

    directory = _param(ctx, "project") or os.environ.get("AGENTCORE_TRIAGE_PROJECT") or os.getcwd()
    return _matching(((name, None) for name in agent_names(directory)), incomplete)
