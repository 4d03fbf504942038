"""Let the execution role's permissions boundary allow what the runtime needs — only where you may edit it.

A boundary caps the role: an inline grant cannot help while the boundary refuses (the
``iam.role.*`` checks withhold ``iam.role_policy`` then). This fix is the one change that can:
a new default version of the boundary policy with one added Allow statement on the exact
resources. Boundaries are guard rails usually owned by a central team, so it is offered only at
the boundary diagnosis (never by ``--fix all`` at a check), refuses AWS managed boundaries and
callers the simulator says may not edit the policy, and names who must instead.
"""

from __future__ import annotations

import json
from typing import Any

from tui.aws.errors import error_code
from tui.fixes.aws._common import refuse
from tui.fixes.base import ApiCall, Fix, Plan
from tui.i18n import _
from tui.registry import CheckParams, fixer
from tui.results import Risk

MAX_POLICY_VERSIONS = 5
"""IAM quota: versions of one managed policy."""
MAX_MANAGED_POLICY_CHARS = 6144
"""IAM quota: one managed policy document, whitespace not counted."""
SID = "AgentcoreTriageRuntimeNeeds"


class BoundaryParams(CheckParams):
    role_arn: str
    region: str = ""
    account: str = ""
    log_groups: list[str] = []  # noqa: RUF012 - pydantic copies defaults
    otel_log_stream: str = "default"
    repository_arn: str = ""


def _caller_may_edit(ctx: Any, policy_arn: str) -> tuple[bool | None, str]:
    """(may edit?, who is asking): True/False from IAM's simulator on the caller, None when it cannot tell."""
    from tui.aws.roles import Need, assess

    who = str(ctx.reader("sts").get_caller_identity()["Arn"])
    principal = who
    if ":assumed-role/" in who:  # arn:aws:sts::ACCT:assumed-role/NAME/SESSION → the role
        head, _sep, rest = who.partition(":assumed-role/")
        principal = head.replace(":sts:", ":iam:") + ":role/" + rest.split("/", 1)[0]
    need = Need(("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"), policy_arn, _("the fix edits the boundary"))
    try:
        a = assess(ctx.reader("iam"), principal, [need])
    except Exception:  # noqa: BLE001 - the caller's own policies may be unreadable: say so, do not guess
        return None, who
    if a.method != "SimulatePrincipalPolicy":
        return None, who  # no local evaluation of the caller: it would need reads the checks never ask for
    return all(e.allowed and e.certain for _need, e in a.results), who


@fixer(
    "iam.boundary_policy",
    title="Let the permissions boundary allow what the runtime needs (new default version of the boundary policy)",
    risk=Risk.MUTATING,
    params=BoundaryParams,
    permissions=(
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:SimulatePrincipalPolicy",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion (undo)",
    ),
    undoable=True,
)
class BoundaryPolicy(Fix):
    """CreatePolicyVersion (SetAsDefault) on the role's customer managed boundary: one Allow on the exact resources."""

    undo_operations = frozenset({"iam.set_default_policy_version"})

    def plan(self) -> Plan:
        from tui.aws import roles

        p = self.params
        iam = self.ctx.reader("iam")
        try:
            role = roles.load_role(iam, p.role_arn)
        except Exception as exc:
            if error_code(exc) == "NoSuchEntity":
                refuse(_("execution role {role} does not exist").format(role=roles.role_name_of(p.role_arn)))
            raise
        if not role.boundary:
            refuse(_("{role} has no permissions boundary: nothing to change here").format(role=role.role_name))
        boundary = role.boundary[0]
        arn = boundary.arn or ""
        if arn.split(":")[4:5] == ["aws"]:
            refuse(roles.boundary_owner_hint(role))
        partition = roles.partition_for(p.role_arn)
        needs = (
            roles.needs_logs(partition, p.region, p.account, p.log_groups, p.otel_log_stream) if p.log_groups else []
        )
        needs += roles.needs_xray() + roles.needs_metrics()
        if p.repository_arn:
            needs += roles.needs_ecr(p.repository_arn)
        a = roles.assess(iam, p.role_arn, needs, role)
        blocked = [(n, e) for n, e in a.blocked if (e.blocked_by or "").startswith("permissions boundary")]
        title = _("Allow the runtime's actions in boundary {boundary}").format(boundary=boundary.name)
        if not blocked:
            return Plan(
                fix=self.id,
                title=title,
                risk=Risk.MUTATING,
                summary=_("boundary {boundary} already allows everything the runtime needs").format(
                    boundary=boundary.name
                ),
                before={"boundary": arn},
            )
        denies = [e for _need, e in blocked if e.decision == "explicitDeny"]
        if denies:
            refuse(
                _(
                    "boundary {boundary} denies {action} explicitly ({why}): an added Allow cannot override it. "
                    "Whoever manages IAM in this account must remove or narrow that statement."
                ).format(boundary=boundary.name, action=denies[0].action, why=denies[0].explain())
            )
        may, who = _caller_may_edit(self.ctx, arn)
        if may is False:
            refuse(
                _("{who} may not edit boundary {boundary} ({actions}): {hint}").format(
                    who=who,
                    boundary=boundary.name,
                    actions="iam:CreatePolicyVersion/SetDefaultPolicyVersion",
                    hint=roles.boundary_owner_hint(role),
                )
            )
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        if len(versions) >= MAX_POLICY_VERSIONS:
            refuse(
                _(
                    "boundary {boundary} already has {count} versions (IAM's limit is {limit}): delete an old "
                    "non-default version first (agentcore-triage never deletes versions it did not make)"
                ).format(boundary=boundary.name, count=len(versions), limit=MAX_POLICY_VERSIONS)
            )
        default = next(v["VersionId"] for v in versions if v.get("IsDefaultVersion"))
        grants: dict[str, dict[str, Any]] = {}
        for need, ev in blocked:
            g = grants.setdefault(need.grant_on, {"Action": [], "Resource": need.grant_on})
            if ev.action not in g["Action"]:
                g["Action"].append(ev.action)
        doc = json.loads(json.dumps(dict(boundary.document)))
        stmts = doc.get("Statement", [])
        stmts = [stmts] if isinstance(stmts, dict) else list(stmts)
        stmts = [s for s in stmts if not (isinstance(s, dict) and str(s.get("Sid", "")).startswith(SID))]
        for i, g in enumerate(grants.values()):
            stmts.append({"Sid": f"{SID}{i}", "Effect": "Allow", "Action": g["Action"], "Resource": g["Resource"]})
        doc["Statement"] = stmts
        text = json.dumps(doc, separators=(",", ":"))
        if len("".join(text.split())) > MAX_MANAGED_POLICY_CHARS:
            refuse(
                _(
                    "boundary {boundary} would be {size} characters, above IAM's {limit} for a managed policy: "
                    "whoever manages IAM must restructure it"
                ).format(boundary=boundary.name, size=len(text), limit=MAX_MANAGED_POLICY_CHARS)
            )
        notes = [
            _("Boundaries are guard rails, often set by a central team on purpose: make sure you own this one."),
            _(
                "Every other statement of the boundary stays as it is; the previous version is kept (undo makes it "
                "the default again; the new version stays, not default, until someone deletes it)."
            ),
        ]
        if may is None:
            notes.append(
                _(
                    "Could not verify that {who} may edit {boundary} (IAM's simulator is not available): if AWS "
                    "answers AccessDenied, whoever manages IAM in this account must make this change."
                ).format(who=who, boundary=boundary.name)
            )
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=_("new default version of boundary {boundary} allowing {grants}").format(
                boundary=boundary.name,
                grants="; ".join(
                    _("{actions} on {resource}").format(actions=", ".join(g["Action"]), resource=g["Resource"])
                    for g in grants.values()
                ),
            ),
            actions=[
                ApiCall(
                    service="iam",
                    operation="create_policy_version",
                    params={"PolicyArn": arn, "PolicyDocument": text, "SetAsDefault": True},
                )
            ],
            undo=[
                ApiCall(
                    service="iam",
                    operation="set_default_policy_version",
                    params={"PolicyArn": arn, "VersionId": default},
                    description=_("make {version} the default again").format(version=default),
                )
            ],
            permissions=[
                "iam:CreatePolicyVersion",
                _("{action} (undo only)").format(action="iam:SetDefaultPolicyVersion"),
            ],
            before={"boundary": arn, "default_version": default, "document": boundary.document},
            notes=notes,
        )
