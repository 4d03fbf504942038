"""File fixes on the project's code: run the server stateless, and make the role helper keep inline policies.

Both are AST-based patches shown as a unified diff, applied only if the file is unchanged since planning,
and undone by restoring the previous content.
"""

from __future__ import annotations

from pathlib import Path

from tui.fixes.base import Plan
from tui.fixes.project import ProjectFileFix, ProjectFixParams
from tui.registry import fixer
from tui.results import Risk


@fixer(
    "project.stateless",
    title="Run the server stateless (stateless_http=True)",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write the server entry point",),
    undoable=True,
)
class MakeStateless(ProjectFileFix):
    """`stateless_http=False` → `True` where the mcp version takes it: `FastMCP(...)` on 1.x, `run(...)` on 2.x."""

    def plan(self) -> Plan:
        from tui.project.patch import make_stateless

        plan = self.entry_point_plan("Run the server stateless", make_stateless, "already stateless_http=True")
        if plan.actions:
            plan.notes.append(
                "Stateless servers cannot send server-to-client requests (elicitation, sampling, progress); "
                "rebuild and redeploy for the runtime to pick it up."
            )
        return plan


@fixer(
    "project.role_helper",
    title="Make the role helper keep inline policies when it re-creates the role",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write the role helper's file",),
    undoable=True,
)
class KeepInlinePolicies(ProjectFileFix):
    """Patches helpers such as the sample's `create_agentcore_role`: read the role's inline policies before it is
    deleted, put them back with put_role_policy after create_role."""

    def plan(self) -> Plan:
        from tui.project.role_helper import find_role_helpers, keep_inline_policies

        title = "Keep inline policies in the role helper"
        helpers = [h for h in find_role_helpers(self.params.dir) if not h.keeps_policies]
        if not helpers:
            return self.nothing_to_do(
                title, "no helper that deletes and re-creates the role (or it keeps inline policies already)"
            )
        helper = helpers[0]
        path = Path(helper.path)
        new, notes = keep_inline_policies(path.read_text(encoding="utf-8"), helper.function)
        plan = self.file_plan(title, path, new, f"{path.name}: " + "; ".join(notes), notes)
        if len(helpers) > 1:
            plan.notes.append(
                f"{len(helpers) - 1} more helper(s) delete and re-create a role: "
                + ", ".join(f"{Path(h.path).name}:{h.function}()" for h in helpers[1:])
                + " (apply the fix again for each)"
            )
        return plan
