"""Checks on the project's infrastructure code: a role helper that deletes and re-creates the execution role."""

from __future__ import annotations

from tui.checks.base import CheckContext
from tui.checks.project import ProjectParams
from tui.files import user_path
from tui.i18n import _
from tui.registry import check
from tui.results import CheckResult, Severity, passed, skipped, warned


@check(
    "project.role_helper",
    title="The project's role helper keeps inline policies added to the execution role",
    severity=Severity.MEDIUM,
    params=ProjectParams,
    needs=("project",),
    remediation="Patch the helper to keep the role's inline policies (fix `project.role_helper`), or add the "
    "permissions to the helper's own policy.",
)
def role_helper(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """A helper that calls delete_role and create_role (the sample's create_agentcore_role) silently drops every
    inline policy a fix added, the next time it runs."""

    from tui.project.role_helper import find_role_helpers
    from tui.project.scan import project_dir_problem

    root = user_path(params.dir)
    problem = project_dir_problem(params.dir)
    if problem:
        return skipped(problem)
    helpers = find_role_helpers(root)
    places = [f"{h.path.relative_to(root)}:{h.delete_line} {h.function}()" for h in helpers]
    dropping = [p for p, h in zip(places, helpers, strict=False) if not h.keeps_policies]
    evidence = {"helpers": places, "dropping_policies": dropping}
    if not helpers:
        return passed(_("no project code deletes and re-creates an IAM role"), evidence=evidence)
    if not dropping:
        return passed(
            _("{place} re-creates the role but keeps its inline policies").format(place=places[0]), evidence=evidence
        )
    return warned(
        _(
            "{place} deletes and re-creates the execution role: the next run silently drops every inline policy "
            "added since (agentcore-triage's fixes included)"
        ).format(place=dropping[0]),
        details=_(
            "The AgentCore samples' `create_agentcore_role` deletes the role's inline policies and the role when "
            "it exists, then creates it again with only its own `AgentCorePolicy`. A permission added by "
            "`iam.role_policy` (or by hand) is gone after the next deploy, and the runtime's log or trace writes fail "
            "again. Patch the helper (fix `project.role_helper`) or put the permissions into its policy."
        ),
        evidence=evidence,
    )
