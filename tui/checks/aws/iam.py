"""The runtime's execution role: trust policy and the permissions the runtime uses."""

from __future__ import annotations

import json
from typing import Any

from tui.aws.errors import aws_errors, error_code
from tui.checks.aws._common import short_arn
from tui.checks.base import CheckContext
from tui.i18n import N_, _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, Status, failed, passed, skipped, warned

AGENTCORE_SERVICE = "bedrock-agentcore.amazonaws.com"
METHODS = (N_("local evaluation"),)
"""How a role was judged (``tui.aws.roles.Assessment.method``), as shown; ``SimulatePrincipalPolicy`` is an API name."""

ROLE_READS = (
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:SimulatePrincipalPolicy",
)
"""What every ``iam.role.*`` permission check reads: the role, its inline and attached policies (default
versions) and the simulator (asked first; local evaluation of the same documents when it is denied)."""


class TrustParams(CheckParams):
    role_arn: str
    account: str = ""
    runtime_arn: str = ""


@check(
    "iam.role.trust",
    title="The execution role trusts bedrock-agentcore.amazonaws.com",
    severity=Severity.CRITICAL,
    params=TrustParams,
    needs=("aws",),
    aws_actions=("iam:GetRole",),
    remediation="Set the role's trust policy to let `bedrock-agentcore.amazonaws.com` call `sts:AssumeRole` "
    "(conditions `aws:SourceAccount` = your account, `aws:SourceArn` like `arn:aws:bedrock-agentcore:REGION:ACCOUNT:*`).",
)
@aws_errors
def trust(ctx: CheckContext, params: TrustParams) -> CheckResult:
    """Evaluates the trust policy for sts:AssumeRole by the AgentCore service (the simulator ignores trust policies)."""
    from tui.aws.policy_eval import PolicyDoc, evaluate
    from tui.aws.roles import get_role, role_name_of

    iam = ctx.aws("iam")
    name = role_name_of(params.role_arn)
    try:
        role = get_role(iam, name)
    except Exception as exc:
        if error_code(exc) == "NoSuchEntity":
            return failed(
                _("execution role {role} does not exist").format(role=name), evidence={"role": params.role_arn}
            )
        raise
    doc = PolicyDoc.parse("trust", role.get("AssumeRolePolicyDocument") or {}, "trust")
    context = {}
    if params.account:
        context["aws:SourceAccount"] = params.account
    if params.runtime_arn:
        context["aws:SourceArn"] = params.runtime_arn
    ev = evaluate([doc], "sts:AssumeRole", params.role_arn, context=context, principal={"Service": AGENTCORE_SERVICE})
    principals = sorted(
        {
            str(p)
            for s in doc.statements()
            for p in (lambda v: v if isinstance(v, list) else [v])(
                (s.get("Principal") or {}).get("Service")
                if isinstance(s.get("Principal"), dict)
                else s.get("Principal")
            )
            if p
        }
    )
    evidence: dict[str, Any] = {
        "role": params.role_arn,
        "trusted_services": principals,
        "evaluation": ev.as_dict(),
        "trust_policy": doc.document,
    }
    if ev.decision == "allowed" and ev.certain:
        return passed(
            _("{role} trusts {service} ({why})").format(role=name, service=AGENTCORE_SERVICE, why=ev.explain()),
            evidence=evidence,
        )
    if ev.decision == "explicitDeny":
        return failed(
            _("{role}'s trust policy denies {service}: {why}").format(
                role=name, service=AGENTCORE_SERVICE, why=ev.explain()
            ),
            evidence=evidence,
        )
    if not ev.certain:
        return warned(
            _("{role} trusts {service} only under conditions agentcore-triage cannot evaluate").format(
                role=name, service=AGENTCORE_SERVICE
            ),
            details=ev.explain(),
            evidence=evidence,
        )
    if AGENTCORE_SERVICE in principals:
        excluded = _excluding_clauses(doc, context)
        if excluded:
            evidence["excluding_conditions"] = [
                {"operator": op, "key": key, "expected": expected, "this_runtime": actual}
                for op, key, expected, actual in excluded
            ]
            clauses = "; ".join(
                _("{key} {operator} {expected} (this runtime: {actual})").format(
                    key=key,
                    operator=op,
                    expected=json.dumps(expected, ensure_ascii=False)[:120],
                    actual=str(actual)[:120],
                )
                for op, key, expected, actual in excluded[:2]
            )
            return failed(
                _("{role}'s trust policy names {service}, but its condition excludes this runtime: {clauses}").format(
                    role=name, service=AGENTCORE_SERVICE, clauses=clauses
                ),
                details=_(
                    "AgentCore assumes the role with `aws:SourceAccount` = the runtime's account and "
                    "`aws:SourceArn` = the runtime's ARN; a condition naming another account, region or runtime "
                    "makes the AssumeRole fail. Correct the condition's value."
                ),
                evidence=evidence,
            )
        return failed(
            _("{role}'s trust policy names {service}, but its conditions exclude this account/runtime").format(
                role=name, service=AGENTCORE_SERVICE
            ),
            evidence=evidence,
        )
    return failed(
        _("{role} does not trust {service} (trusted: {trusted}); AgentCore cannot assume it").format(
            role=name, service=AGENTCORE_SERVICE, trusted=", ".join(principals) or _("nobody")
        ),
        evidence=evidence,
    )


def _excluding_clauses(doc: Any, context: dict[str, str]) -> list[tuple[str, str, Any, Any]]:
    """Condition clauses of the Allow statements naming the AgentCore service that this runtime's request fails."""
    from tui.aws.policy_eval import failing_clauses

    out: list[tuple[str, str, Any, Any]] = []
    for stmt in doc.statements():
        principal = stmt.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else None
        if str(stmt.get("Effect", "")).capitalize() != "Allow" or AGENTCORE_SERVICE not in (
            services if isinstance(services, list) else [services]
        ):
            continue
        condition = stmt.get("Condition")
        if isinstance(condition, dict):
            out.extend(failing_clauses(condition, context))
    return out


# ---------------------------------------------------------------------------- permission checks


class RoleParams(CheckParams):
    role_arn: str
    region: str = ""
    account: str = ""


class LogsParams(RoleParams):
    log_groups: list[str]
    """Log groups the runtime writes: its own, and the custom OTEL group when the environment names one."""
    otel_log_stream: str = "default"


class EcrParams(RoleParams):
    repository_arn: str = ""


def _where(resource: str) -> str:
    """``arn:…:log-group:NAME[:log-stream:S]`` → ``NAME`` (``S``); other ARNs shortened."""
    tail = short_arn(resource)
    if tail.startswith("log-group:"):
        group, _sep, stream = tail[len("log-group:") :].partition(":log-stream:")
        return _("{group} (stream {stream})").format(group=group, stream=stream) if stream else group
    return tail


def _listing(evaluations: list[Any]) -> str:
    """One Markdown bullet per refused or missing action: action, resource, why."""
    return "\n".join(
        "- "
        + _("{action} on {resource}: {why}").format(action=f"`{e.action}`", resource=f"`{e.resource}`", why=e.explain())
        for e in evaluations
    )


def _runtime_region(ctx: CheckContext, params: RoleParams) -> str:
    """The region the runtime calls X-Ray and CloudWatch in (``aws:RequestedRegion`` of its requests), or ""."""
    from tui.aws.session import region_of_arn

    return params.region or region_of_arn(ctx.context.runtime or "") or ctx.context.region or ""


def _judge(ctx: CheckContext, params: RoleParams, needs: list[Any], what: str) -> CheckResult:
    from tui.aws.roles import assess, explain_near_miss, load_role, role_name_of

    iam = ctx.aws("iam")
    name = role_name_of(params.role_arn)
    try:
        role = load_role(iam, params.role_arn)
    except Exception as exc:
        if error_code(exc) == "NoSuchEntity":
            return failed(
                _("execution role {role} does not exist").format(role=name), evidence={"role": params.role_arn}
            )
        raise
    a = assess(iam, params.role_arn, needs, role)
    evidence = {"role": params.role_arn, **a.evidence()}
    if a.blocked:
        return _blocked(name, role, a, what, evidence)
    if a.denied:
        need, ev = a.denied[0]
        return failed(
            _("{role} may not {action} on {resource}: {why} [{method}]").format(
                role=name, action=ev.action, resource=_where(ev.resource), why=ev.explain(), method=_(a.method)
            ),
            details=_(
                "An explicit Deny wins over every Allow, so adding permissions does not help: remove or narrow "
                "that statement. Needed because {need}."
            ).format(need=need.why),
            evidence=evidence,
        )
    if a.missing:
        need, ev = a.missing[0]
        others = sorted({e.action for _, e in a.missing} - {ev.action})
        more = _(" (+{count} more)").format(count=len(others)) if others else ""
        hint = explain_near_miss(role, ev.action, ev.resource)
        listing = _listing([e for _need, e in a.missing])
        return failed(
            _("{role} may not {action} on {resource}{more}: {why} [{method}]").format(
                role=name,
                action=ev.action,
                resource=_where(ev.resource),
                more=more,
                why=hint or _("no statement allows it"),
                method=_(a.method),
            ),
            details=_(
                "Needed because {need}. Without it the runtime's {what} fail silently or with AccessDenied "
                "in the runtime logs.\n\nMissing:\n{listing}"
            ).format(need=need.why, what=_(what), listing=listing),
            evidence=evidence,
        )
    if a.uncertain:
        need, ev = a.uncertain[0]
        return warned(
            _(
                "{role} may {action} on {resource} only if conditions hold that agentcore-triage did not evaluate "
                "[{method}]"
            ).format(role=name, action=ev.action, resource=_where(ev.resource), method=_(a.method)),
            details=ev.explain(),
            evidence=evidence,
        )
    actions = sorted({e.action for _, e in a.results})
    return passed(
        _("{role} may {actions} on the exact resources [{method}]").format(
            role=name, actions=", ".join(actions), method=_(a.method)
        ),
        evidence=evidence,
    )


def _blocked(name: str, role: Any, a: Any, what: str, evidence: dict[str, Any]) -> CheckResult:
    """A boundary or an SCP refuses what the runtime needs: name it, and do not offer a grant."""
    from tui.aws.policy_eval import guard_rail
    from tui.aws.roles import boundary_owner_hint

    need, ev = a.blocked[0]
    others = sorted({e.action for _need, e in a.blocked} - {ev.action})
    more = _(" (+{count} more)").format(count=len(others)) if others else ""
    scp = ev.blocked_by and "service control policy" in ev.blocked_by  # blocked_by is English (a fact)
    who = (
        _(
            "Service control policies belong to your AWS Organization's management account: ask its administrators "
            "to allow these actions for this account."
        )
        if scp
        else boundary_owner_hint(role)
    )
    reason = _("{guard} refuses it; an inline grant on {role} cannot help").format(
        guard=guard_rail(ev.blocked_by or ""), role=name
    )
    return failed(
        _("{role} may not {action} on {resource}{more}: {why} [{method}]").format(
            role=name, action=ev.action, resource=_where(ev.resource), more=more, why=ev.explain(), method=_(a.method)
        ),
        details=_(
            "Needed because {need}. Without it the runtime's {what} fail with AccessDenied. A permissions boundary "
            "(and an SCP) caps what the role's own policies may grant: adding an Allow to the role changes nothing. "
            "{who}\n\nRefused:\n{listing}"
        ).format(need=need.why, what=_(what), who=who, listing=_listing([e for _need, e in a.blocked])),
        remediation=who,  # the check's own advice (add an inline grant) is what cannot help here
        evidence={**evidence, "blocked_by": ev.blocked_by},
        facts={"iam.role.blocked_by": ev.blocked_by},
        withheld_fixes={"iam.role_policy": reason},
    )


@check(
    "iam.role.logs",
    title="The execution role may write the runtime's logs",
    severity=Severity.HIGH,
    params=LogsParams,
    publishes=("iam.role.blocked_by",),
    needs=("aws",),
    aws_actions=ROLE_READS,
    remediation="Add an inline policy granting `logs:CreateLogStream`/`logs:PutLogEvents` on the exact log groups "
    "(fix `iam.role_policy` adds `agentcore-triage-logs`, leaving your policies untouched); remove any Deny on them.",
)
@aws_errors
def role_logs(ctx: CheckContext, params: LogsParams) -> CheckResult:
    """logs:CreateLogGroup/DescribeLogStreams on the runtime log group, CreateLogStream/PutLogEvents on its streams and on the custom OTEL group."""
    from tui.aws.roles import needs_logs, partition_for

    groups = [g for g in params.log_groups if g]
    if not groups:
        return skipped(_("no log group to check"))
    needs = needs_logs(partition_for(params.role_arn), params.region, params.account, groups, params.otel_log_stream)
    return _judge(ctx, params, needs, N_("logs"))


@check(
    "iam.role.xray",
    title="The execution role may send traces",
    severity=Severity.MEDIUM,
    params=RoleParams,
    publishes=("iam.role.blocked_by",),
    needs=("aws",),
    aws_actions=ROLE_READS,
    remediation="Grant `xray:PutTraceSegments`, `xray:PutTelemetryRecords`, `xray:GetSamplingRules`, "
    "`xray:GetSamplingTargets` on `*` (fix `iam.role_policy` with scope xray).",
)
@aws_errors
def role_xray(ctx: CheckContext, params: RoleParams) -> CheckResult:
    """The four X-Ray actions the OpenTelemetry SDK uses, on `*`."""
    from tui.aws.roles import needs_xray

    return _judge(ctx, params, needs_xray(_runtime_region(ctx, params)), N_("traces"))


@check(
    "iam.role.metrics",
    title="The execution role may publish metrics",
    severity=Severity.LOW,
    params=RoleParams,
    publishes=("iam.role.blocked_by",),
    needs=("aws",),
    aws_actions=ROLE_READS,
    remediation="Grant `cloudwatch:PutMetricData` on `*` with condition `cloudwatch:namespace` = `bedrock-agentcore`.",
)
@aws_errors
def role_metrics(ctx: CheckContext, params: RoleParams) -> CheckResult:
    """cloudwatch:PutMetricData, evaluated with cloudwatch:namespace=bedrock-agentcore (what the runtime sends)."""
    from tui.aws.roles import needs_metrics

    return _judge(ctx, params, needs_metrics(_runtime_region(ctx, params)), N_("metrics"))


@check(
    "iam.role.ecr",
    title="The execution role may pull the container image",
    severity=Severity.HIGH,
    params=EcrParams,
    publishes=("iam.role.blocked_by",),
    needs=("aws",),
    aws_actions=ROLE_READS,
    remediation="Grant `ecr:BatchGetImage`/`ecr:GetDownloadUrlForLayer` on the repository and "
    "`ecr:GetAuthorizationToken` on `*`.",
)
@aws_errors
def role_ecr(ctx: CheckContext, params: EcrParams) -> CheckResult:
    """ECR pull permissions on the runtime's repository (skipped for direct code deployments)."""
    from tui.aws.roles import needs_ecr

    if not params.repository_arn:
        return skipped(_("the runtime is not deployed from an ECR image (direct code deployment or another registry)"))
    return _judge(ctx, params, needs_ecr(params.repository_arn), N_("image pulls"))


class WorkloadIdentityParams(RoleParams):
    runtime_id: str = ""
    """``<name>-<suffix>``: the runtime's workload identity is named like it."""
    auth: str = ""
    """``jwt`` (inbound JWT auth: the runtime calls GetWorkloadAccessTokenForJWT on every request) or ``sigv4``."""


JWT_TOKEN_ACTION = "bedrock-agentcore:GetWorkloadAccessTokenForJWT"


@check(
    "iam.role.workload_identity",
    title="The execution role may get workload access tokens",
    severity=Severity.HIGH,
    params=WorkloadIdentityParams,
    publishes=("iam.role.blocked_by",),
    needs=("aws",),
    aws_actions=ROLE_READS,
    remediation="Grant `bedrock-agentcore:GetWorkloadAccessToken`, `GetWorkloadAccessTokenForJWT` and "
    "`GetWorkloadAccessTokenForUserId` on `arn:aws:bedrock-agentcore:REGION:ACCOUNT:workload-identity-directory/default` "
    "and `…/workload-identity-directory/default/workload-identity/RUNTIME_NAME-*` (fix `iam.role_policy` with scope "
    "workload_identity), as the AgentCore Runtime execution role policy does.",
)
@aws_errors
def role_workload_identity(ctx: CheckContext, params: WorkloadIdentityParams) -> CheckResult:
    """The three workload-token actions on the workload identity directory and the runtime's workload identity
    (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-permissions.html). A refusal fails when the
    runtime uses inbound JWT auth (it then calls GetWorkloadAccessTokenForJWT on every request) and warns otherwise
    (a SigV4 runtime asks only when the agent uses AgentCore Identity's credential providers)."""
    from tui.aws.roles import needs_workload_identity, partition_for

    needs = needs_workload_identity(
        partition_for(params.role_arn), _runtime_region(ctx, params), params.account, params.runtime_id
    )
    if not needs:
        return skipped(_("the runtime's id, region or account is not known"))
    result = _judge(ctx, params, needs, N_("workload access tokens"))
    if result.status is not Status.FAIL or "method" not in result.evidence:
        return result  # passed, warned, or the role does not exist (iam.role.trust says so too)
    refused = {
        str(r.get("action"))
        for r in result.evidence.get("results", [])
        if r.get("decision") != "allowed" or r.get("blocked_by")
    }
    if params.auth == "jwt" and JWT_TOKEN_ACTION in refused:
        return result
    why = (
        _(
            "This runtime uses inbound JWT auth and may call {action}; the refused actions are the others, used when "
            "the agent's code asks AgentCore Identity itself."
        ).format(action=JWT_TOKEN_ACTION)
        if params.auth == "jwt"
        else _(
            "This runtime uses SigV4 (IAM) inbound auth: the runtime asks for a workload access token only when the "
            "agent uses AgentCore Identity (OAuth2 or API-key credential providers, the "
            "X-Amzn-Bedrock-AgentCore-Runtime-User-Id header). If it does not, nothing fails today."
        )
    )
    return result.model_copy(
        update={
            "status": Status.WARN,
            "details": f"{why}\n\n{result.details}".strip(),
            "facts": {},  # not a certain failure: do not route the walk to the boundary diagnosis for it
        }
    )
