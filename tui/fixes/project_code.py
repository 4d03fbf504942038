"""File fixes on the project's code: run the server stateless, and make the role helper keep inline policies.

Both are AST-based patches shown as a unified diff, applied only if the file is unchanged since planning,
and undone by restoring the previous content.
"""

from __future__ import annotations

from pathlib import Path

from tui.fixes.base import Plan
from tui.fixes.project import ProjectFileFix, ProjectFixParams
from tui.i18n import _, ngettext
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

        plan = self.entry_point_plan(_("Run the server stateless"), make_stateless, _("already stateless_http=True"))
        if plan.actions:
            plan.notes.append(
                _(
                    "Stateless servers cannot send server-to-client requests (elicitation, sampling, progress); "
                    "rebuild and redeploy for the runtime to pick it up."
                )
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

        title = _("Keep inline policies in the role helper")
        helpers = [h for h in find_role_helpers(self.params.dir) if not h.keeps_policies]
        if not helpers:
            return self.nothing_to_do(
                title, _("no helper that deletes and re-creates the role (or it keeps inline policies already)")
            )
        helper = helpers[0]
        path = Path(helper.path)
        new, notes = keep_inline_policies(path.read_text(encoding="utf-8"), helper.function)
        plan = self.file_plan(title, path, new, f"{path.name}: " + "; ".join(notes), notes)
        if len(helpers) > 1:
            plan.notes.append(
                ngettext(
                    "{count} more helper deletes and re-creates a role: {helpers} (apply the fix again for each)",
                    "{count} more helpers delete and re-create a role: {helpers} (apply the fix again for each)",
                    len(helpers) - 1,
                ).format(
                    count=len(helpers) - 1,
                    helpers=", ".join(f"{Path(h.path).name}:{h.function}()" for h in helpers[1:]),
                )
            )
        return plan
