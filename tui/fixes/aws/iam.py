"""Fix the execution role by adding one named inline policy; never touch the role's other policies."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from tui.aws.errors import error_code
from tui.fixes.aws._common import refuse
from tui.fixes.base import ApiCall, Fix, Plan
from tui.i18n import _
from tui.registry import CheckParams, fixer
from tui.results import Risk

MAX_INLINE_CHARS = 10240
"""IAM quota: all inline policies of a role *together*, in characters, whitespace not counted."""


def policy_chars(document: Any) -> int:
    """Size of a policy document as IAM counts it against the inline quota (whitespace excluded)."""
    text = document if isinstance(document, str) else json.dumps(document, separators=(",", ":"))
    return len(re.sub(r"\s", "", text))


class RolePolicyParams(CheckParams):
    role_arn: str
    scope: Literal["logs", "xray", "metrics", "ecr", "workload_identity"]
    region: str = ""
    account: str = ""
    log_groups: list[str] = []
    otel_log_stream: str = "default"
    repository_arn: str = ""
    runtime_id: str = ""
    """Scope workload_identity: the runtime id (``<name>-<suffix>``); the grant covers ``<name>-*``."""
    policy_name: str = ""
    """Default ``agentcore-triage-<scope>``."""


def _needs(p: RolePolicyParams) -> list[Any]:
    from tui.aws import roles

    if p.scope == "logs":
        return roles.needs_logs(roles.partition_for(p.role_arn), p.region, p.account, p.log_groups, p.otel_log_stream)
    if p.scope == "xray":
        return roles.needs_xray()
    if p.scope == "metrics":
        return roles.needs_metrics()
    if p.scope == "workload_identity":
        from tui.aws.session import account_of_arn

        return roles.needs_workload_identity(
            roles.partition_for(p.role_arn), p.region, p.account or account_of_arn(p.role_arn) or "", p.runtime_id
        )
    return roles.needs_ecr(p.repository_arn)


def _sid(scope: str, resource: str) -> str:
    tail = re.sub(r"[^A-Za-z0-9]", "", resource.split(":", 5)[-1].title())[-48:] or "All"
    return f"AgentcoreTriage{re.sub(r'[^A-Za-z0-9]', '', scope.title())}{tail}"


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else ([] if value is None else [value])


def merge_statements(existing: dict[str, Any] | None, grants: list[dict[str, Any]]) -> dict[str, Any]:
    """``existing`` (agentcore-triage's own policy) plus ``grants``: same Sid → union of actions; nothing is removed."""
    doc: dict[str, Any] = json.loads(json.dumps(existing)) if existing else {"Version": "2012-10-17", "Statement": []}
    stmts = doc.get("Statement", [])
    if isinstance(stmts, dict):
        stmts = [stmts]
    doc["Statement"] = stmts
    for grant in grants:
        same = next((s for s in stmts if isinstance(s, dict) and s.get("Sid") == grant["Sid"]), None)
        if same is None or same.get("Effect") != "Allow" or same.get("Condition") != grant.get("Condition"):
            if same is not None:
                grant = {**grant, "Sid": grant["Sid"] + str(len(stmts))}
            stmts.append(grant)
            continue
        actions = _as_list(same.get("Action"))
        for a in grant["Action"]:
            if a not in actions:
                actions.append(a)
        same["Action"] = actions
        resources = _as_list(same.get("Resource"))
        for r in _as_list(grant["Resource"]):
            if r not in resources:
                resources.append(r)
        same["Resource"] = resources if len(resources) > 1 else resources[0]
    return doc


@fixer(
    "iam.role_policy",
    title="Grant the execution role what the runtime needs (inline policy agentcore-triage-<scope>)",
    risk=Risk.MUTATING,
    params=RolePolicyParams,
    permissions=(
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy (undo)",
    ),
    undoable=True,
)
class RolePolicy(Fix):
    """Puts ONE inline policy (agentcore-triage-logs, -xray, -metrics, -ecr or -workload_identity) with least-privilege statements on exact ARNs.

    Only what the role cannot already do is added; statements already in that
    policy are kept (merged), and the role's other policies are never edited.
    An explicit Deny cannot be overridden by an Allow, so the fix refuses and
    names the statement instead. Undo restores the previous document, or
    deletes the policy when agentcore-triage created it.
    """

    undo_operations = frozenset({"iam.put_role_policy", "iam.delete_role_policy"})

    def plan(self) -> Plan:
        from tui.aws.roles import assess, load_role, role_name_of

        p = self.params
        policy_name = p.policy_name or f"agentcore-triage-{p.scope}"
        role_name = role_name_of(p.role_arn)
        needs = _needs(p)
        if not needs:
            refuse(
                _("iam.role_policy: nothing to grant for scope {scope} (no log group / repository known)").format(
                    scope=p.scope
                )
            )
        iam = self.ctx.reader("iam")
        try:
            role = load_role(iam, p.role_arn)
        except Exception as exc:
            if error_code(exc) == "NoSuchEntity":
                refuse(
                    _("execution role {role} does not exist: agentcore-triage does not create roles").format(
                        role=role_name
                    )
                )
            raise
        a = assess(iam, p.role_arn, needs, role)
        if a.blocked:
            from tui.aws.roles import boundary_owner_hint

            _need, ev = a.blocked[0]
            hint = "" if "service control policy" in (ev.blocked_by or "") else boundary_owner_hint(role)
            refuse(
                _("{role}: {action} on {resource}: {why}. {hint}")
                .format(role=role_name, action=ev.action, resource=ev.resource, why=ev.explain(), hint=hint)
                .rstrip()
            )
        if a.denied:
            _need, ev = a.denied[0]
            refuse(
                _(
                    "{role}: {action} on {resource} is {verdict}. An Allow cannot override an explicit Deny, "
                    "and agentcore-triage never edits your other policies: remove or narrow that statement yourself."
                ).format(role=role_name, action=ev.action, resource=ev.resource, verdict=ev.explain())
            )
        todo = a.missing + a.uncertain
        title = _("Put inline policy {policy} on role {role}").format(policy=policy_name, role=role_name)
        before_doc: dict[str, Any] | None = None
        before_text: str | None = None
        if policy_name in role.inline_names:
            from tui.fixes.undo import read_role_policy_text

            # the exact text, so that undo restores it byte for byte
            before_text = read_role_policy_text(self.ctx.reader("iam"), role_name, policy_name)
            before_doc = json.loads(before_text) if before_text else None
        before = {
            "role": role_name,
            "role_id": iam.get_role(RoleName=role_name)["Role"].get("RoleId"),  # undo refuses a recreated role
            "policy_name": policy_name,
            "document": before_doc,
            "inline_policies": role.inline_names,
            "method": a.method,
        }
        if not todo:
            return Plan(
                fix=self.id,
                title=title,
                risk=Risk.MUTATING,
                summary=_("{role} may already do everything in scope {scope}").format(role=role_name, scope=p.scope),
                before=before,
            )
        grants: dict[tuple[str, str], dict[str, Any]] = {}
        for need, ev in todo:
            cond = dict(need.grant_condition) if need.grant_condition else None
            key = (need.grant_on, json.dumps(cond, sort_keys=True))
            g = grants.setdefault(
                key, {"Sid": _sid(p.scope, need.grant_on), "Effect": "Allow", "Action": [], "Resource": need.grant_on}
            )
            if cond:
                g["Condition"] = cond
            if ev.action not in g["Action"]:
                g["Action"].append(ev.action)
        new_doc = merge_statements(before_doc, list(grants.values()))
        text = json.dumps(new_doc, separators=(",", ":"))
        notes = [
            _("Adds {actions}; other policies of {role} stay as they are.").format(
                actions=", ".join(sorted({ev.action for _need, ev in todo})), role=role_name
            )
        ]
        if a.method != "SimulatePrincipalPolicy":
            notes.append(
                _("Decided by local evaluation ({why}).").format(why=a.simulator_problem or _("simulator not used"))
            )
        others = {
            d.name: policy_chars(dict(d.document))
            for d in role.identity
            if d.kind == "inline" and d.name != policy_name
        }
        size = policy_chars(text)
        total = size + sum(others.values())
        if total > MAX_INLINE_CHARS:
            refuse(
                _(
                    "{role}'s inline policies would total {total} characters (this one {size}, the others "
                    "{others_total}: {others}), above IAM's {quota}-character quota for all inline policies of a "
                    "role together; PutRolePolicy would fail. Attach a customer managed policy with these "
                    "statements instead, or shrink the inline ones."
                ).format(
                    role=role_name,
                    total=total,
                    size=size,
                    others_total=sum(others.values()),
                    others=", ".join(f"{n} {c}" for n, c in others.items()) or _("none"),
                    quota=MAX_INLINE_CHARS,
                )
            )
        notes.append(
            _("Inline policies of {role} after this: {total} of {quota} characters.").format(
                role=role_name, total=total, quota=MAX_INLINE_CHARS
            )
        )
        undo = (
            [
                ApiCall(
                    service="iam",
                    operation="put_role_policy",
                    params={
                        "RoleName": role_name,
                        "PolicyName": policy_name,
                        "PolicyDocument": before_text,
                    },
                    description=_("restore the previous document"),
                )
            ]
            if before_text is not None
            else [
                ApiCall(
                    service="iam",
                    operation="delete_role_policy",
                    params={"RoleName": role_name, "PolicyName": policy_name},
                    description=_("delete the added policy"),
                )
            ]
        )
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=(
                _("merge into inline policy {policy} on {role}: {grants}")
                if before_doc
                else _("add inline policy {policy} on {role}: {grants}")
            ).format(
                policy=policy_name,
                role=role_name,
                grants="; ".join(
                    _("{actions} on {resource}").format(actions=", ".join(g["Action"]), resource=g["Resource"])
                    for g in grants.values()
                ),
            ),
            actions=[
                ApiCall(
                    service="iam",
                    operation="put_role_policy",
                    params={"RoleName": role_name, "PolicyName": policy_name, "PolicyDocument": text},
                )
            ],
            undo=undo,
            permissions=["iam:PutRolePolicy", _("{action} (undo only)").format(action="iam:DeleteRolePolicy")],
            before=before,
            notes=[*notes, _("IAM changes take a few seconds to propagate; new runtime sessions pick them up.")],
        )
