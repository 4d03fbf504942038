"""What an AgentCore runtime's execution role must be allowed to do, and whether it is.

``needs_*`` build the permission matrix (research §5.5) on exact ARNs;
``assess`` answers it with ``iam:SimulatePrincipalPolicy`` when that works, and
otherwise with the local evaluator over the role's inline and attached managed
policies (and its permissions boundary). Shared by the ``iam.role.*`` checks and
the ``iam.role_policy`` fix.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from tui.aws.policy_eval import Evaluation, PolicyDoc, StatementRef, evaluate_all, near_misses
from tui.aws.session import coalesced, in_parallel, partition_of_arn
from tui.i18n import _

if TYPE_CHECKING:
    from tui.aws.session import AwsClient

RUNTIME_LOG_PREFIX = "/aws/bedrock-agentcore/runtimes/"
METRICS_CONTEXT = {"cloudwatch:namespace": "bedrock-agentcore"}
XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets")


@dataclass(frozen=True)
class Need:
    """Actions the runtime calls on one resource, and why."""

    actions: tuple[str, ...]
    resource: str
    why: str
    context: Mapping[str, str] = field(default_factory=dict)
    """Condition keys the runtime's request carries (``cloudwatch:namespace``)."""
    grant_condition: Mapping[str, Any] | None = None
    """Condition the least-privilege statement should carry when agentcore-triage grants it."""
    grant_resource: str | None = None
    """Resource to grant on when it differs from the one evaluated (every stream of one exact group)."""

    @property
    def grant_on(self) -> str:
        return self.grant_resource or self.resource


def role_name_of(role_arn: str) -> str:
    """``arn:aws:iam::123:role/path/name`` → ``name`` (a bare name passes through)."""
    return role_arn.rsplit("/", 1)[-1] if role_arn.startswith("arn:") else role_arn


def log_group_arn(partition: str, region: str, account: str, group: str) -> str:
    return f"arn:{partition}:logs:{region}:{account}:log-group:{group}"


def default_stream(group: str, otel_stream: str = "default") -> str:
    """The stream the runtime writes: ``otel-rt-logs`` in its own group, the OTEL header's stream elsewhere."""
    return "otel-rt-logs" if group.startswith(RUNTIME_LOG_PREFIX) else (otel_stream or "default")


def needs_logs(
    partition: str, region: str, account: str, groups: Iterable[str], otel_stream: str = "default"
) -> list[Need]:
    out: list[Need] = []
    for group in [g for g in groups if g]:
        arn = log_group_arn(partition, region, account, group)
        stream = default_stream(group, otel_stream)
        if group.startswith(RUNTIME_LOG_PREFIX):
            out.append(
                Need(
                    ("logs:CreateLogGroup", "logs:DescribeLogStreams"),
                    arn,
                    _("the runtime creates and inspects {group}").format(group=group),
                )
            )
        out.append(
            Need(
                ("logs:CreateLogStream", "logs:PutLogEvents"),
                f"{arn}:log-stream:{stream}",
                _("the runtime writes stream {stream} of {group}").format(stream=stream, group=group),
                grant_resource=f"{arn}:log-stream:*",
            )
        )
    return out


def _in_region(region: str | None) -> dict[str, str]:
    """``aws:RequestedRegion`` of a call the runtime makes in ``region`` on a resource whose ARN has none (``*``)."""
    return {"aws:RequestedRegion": region} if region else {}


def needs_xray(region: str | None = None) -> list[Need]:
    return [
        Need(
            XRAY_ACTIONS,
            "*",
            _("the runtime's OpenTelemetry SDK sends spans and reads sampling rules"),
            context=_in_region(region),
        )
    ]


def needs_metrics(region: str | None = None) -> list[Need]:
    return [
        Need(
            ("cloudwatch:PutMetricData",),
            "*",
            _("the runtime publishes metrics in namespace {namespace}").format(namespace="bedrock-agentcore"),
            context={**METRICS_CONTEXT, **_in_region(region)},
            grant_condition={"StringEquals": dict(METRICS_CONTEXT)},
        )
    ]


def ecr_repository_arn(container_uri: str, partition: str = "aws") -> str | None:
    """``123.dkr.ecr.us-east-1.amazonaws.com/repo:tag`` → ``arn:aws:ecr:us-east-1:123:repository/repo``."""
    if not container_uri or ".dkr.ecr." not in container_uri:
        return None
    host, _, path = container_uri.partition("/")
    account = host.split(".", 1)[0]
    region = host.split(".dkr.ecr.", 1)[1].split(".", 1)[0]
    repo = path.split("@", 1)[0].rsplit(":", 1)[0] if ":" in path.rsplit("/", 1)[-1] or "@" in path else path
    return f"arn:{partition}:ecr:{region}:{account}:repository/{repo}" if repo else None


def needs_ecr(repository_arn: str) -> list[Need]:
    if not repository_arn:
        return []
    return [
        Need(
            ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
            repository_arn,
            _("the runtime pulls the container image"),
        ),
        Need(("ecr:GetAuthorizationToken",), "*", _("the runtime logs in to ECR")),
    ]


WORKLOAD_TOKEN_ACTIONS = (
    "bedrock-agentcore:GetWorkloadAccessToken",
    "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
    "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
)
"""What the AgentCore Runtime execution role's documented policy grants for workload identity (statement
``GetAgentAccessToken`` of https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-permissions.html):
the runtime asks AgentCore Identity for a workload access token on the agent's behalf (with inbound JWT auth
``GetWorkloadAccessTokenForJWT`` on every request, see
https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/get-workload-access-token.html)."""


def workload_directory_arn(partition: str, region: str, account: str) -> str:
    return f"arn:{partition}:bedrock-agentcore:{region}:{account}:workload-identity-directory/default"


def needs_workload_identity(partition: str, region: str, account: str, runtime_id: str) -> list[Need]:
    """The workload-token actions on the directory and on the runtime's workload identity.

    The runtime's workload identity is named like the runtime (``<name>-<suffix>``, the runtime id): the documented
    policy grants on ``workload-identity-directory/default/workload-identity/<agentName>-*``, and the grant here
    does the same (evaluated on the runtime id, which that pattern matches).
    """
    if not (region and account and runtime_id):
        return []
    directory = workload_directory_arn(partition, region, account)
    name = runtime_id.rsplit("-", 1)[0] if "-" in runtime_id else runtime_id
    return [
        Need(
            WORKLOAD_TOKEN_ACTIONS,
            directory,
            _("the runtime asks AgentCore Identity for workload access tokens (the workload identity directory)"),
        ),
        Need(
            WORKLOAD_TOKEN_ACTIONS,
            f"{directory}/workload-identity/{runtime_id}",
            _("the runtime asks AgentCore Identity for workload access tokens of its workload identity {name}").format(
                name=runtime_id
            ),
            grant_resource=f"{directory}/workload-identity/{name}-*",
        ),
    ]


# ---------------------------------------------------------------------------- reading the role


@dataclass
class RolePolicies:
    role_name: str
    role_arn: str
    identity: list[PolicyDoc]
    boundary: list[PolicyDoc]
    inline_names: list[str]
    trust: dict[str, Any]


def load_role(iam: AwsClient, role_arn: str) -> RolePolicies:
    """Inline + attached managed policies (default versions), boundary and trust policy of a role.

    The ``iam.role.*`` checks of a node run at once and each needs the same role: concurrent loads of one role on
    one client share one set of reads (4+ calls each; see ``coalesced``).
    """
    return coalesced(("load_role", id(iam), role_arn), lambda: _load_role(iam, role_arn))


def get_role(iam: AwsClient, name: str) -> dict[str, Any]:
    """``iam:GetRole``'s ``Role``; concurrent asks on one client share one call (the trust check and the role load
    of the same node), each with its own copy."""
    import copy

    role: dict[str, Any] = coalesced(
        ("GetRole", id(iam), name), lambda: iam.get_role(RoleName=name)["Role"], copy=copy.deepcopy
    )
    return role


def _load_role(iam: AwsClient, role_arn: str) -> RolePolicies:
    name = role_name_of(role_arn)
    # Independent reads at once (a round trip per wave, not per call); results keep their order.
    role, inline_pages, attached_pages = in_parallel(
        lambda: cast(Any, get_role(iam, name)),  # one list of mixed answers (as the other reads are)
        lambda: list(iam.get_paginator("list_role_policies").paginate(RoleName=name)),
        lambda: list(iam.get_paginator("list_attached_role_policies").paginate(RoleName=name)),
    )
    inline_names = [pname for page in inline_pages for pname in page.get("PolicyNames", [])]
    attached = [att for page in attached_pages for att in page.get("AttachedPolicies", [])]
    pb = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    loaded = in_parallel(
        *(
            lambda p=pname: PolicyDoc.parse(
                p, iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"], "inline"
            )
            for pname in inline_names
        ),
        *(
            lambda a=att: _managed(iam, a["PolicyArn"], a.get("PolicyName") or a["PolicyArn"], "managed")
            for att in attached
        ),
        *((lambda: _managed(iam, pb, pb.rsplit("/", 1)[-1], "boundary")),) if pb else (),
    )
    docs = loaded[: len(inline_names) + len(attached)]
    boundary = loaded[len(docs) :]
    trust = role.get("AssumeRolePolicyDocument") or {}
    if isinstance(trust, str):
        trust = dict(PolicyDoc.parse("trust", trust).document)
    return RolePolicies(name, role.get("Arn", role_arn), docs, boundary, inline_names, dict(trust))


def _managed(iam: AwsClient, arn: str, name: str, kind: str) -> PolicyDoc:
    pol = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=pol["DefaultVersionId"])["PolicyVersion"]
    return PolicyDoc.parse(name, version["Document"], kind, arn)


# ---------------------------------------------------------------------------- deciding


@dataclass
class Assessment:
    """The answer for a set of needs."""

    method: str
    """``SimulatePrincipalPolicy`` or ``local evaluation``."""
    results: list[tuple[Need, Evaluation]]
    simulator_problem: str | None = None
    policies: list[str] = field(default_factory=list)

    @property
    def denied(self) -> list[tuple[Need, Evaluation]]:
        return [(n, e) for n, e in self.results if e.decision == "explicitDeny" and not e.blocked_by]

    @property
    def blocked(self) -> list[tuple[Need, Evaluation]]:
        """Refused by a permissions boundary or an SCP: no grant on the role can help."""
        return [(n, e) for n, e in self.results if e.blocked_by]

    @property
    def missing(self) -> list[tuple[Need, Evaluation]]:
        return [(n, e) for n, e in self.results if e.decision == "implicitDeny" and e.certain and not e.blocked_by]

    @property
    def uncertain(self) -> list[tuple[Need, Evaluation]]:
        return [(n, e) for n, e in self.results if not e.certain and e.decision != "explicitDeny" and not e.blocked_by]

    @property
    def not_evaluated(self) -> str:
        if self.method == "SimulatePrincipalPolicy":
            # The simulator evaluates identity policies, the boundary and the organization's SCPs.
            return "session policies and resource policies"
        return (
            "service control policies (an SCP may deny: not visible from here), session policies and resource policies"
        )

    def evidence(self) -> dict[str, Any]:
        return {
            "method": self.method,
            **({"simulator_not_used": self.simulator_problem} if self.simulator_problem else {}),
            **({"policies_evaluated": self.policies} if self.policies else {}),
            "not_evaluated": self.not_evaluated,
            "results": [{**e.as_dict(), "why": n.why} for n, e in self.results],
        }


_SOURCE_KINDS = {
    "role": "inline",
    "user": "inline",
    "group": "group",
    "aws-managed": "managed",
    "user-managed": "managed",
    "resource": "resource",
    "none": "policy",
}
"""The simulator's ``PolicySourceType`` enum (botocore iam model) → the kinds the local evaluator uses."""


def _attribute(
    matched: Sequence[Mapping[str, Any]], role: RolePolicies | None, action: str, resource: str
) -> list[StatementRef]:
    """Attribute ``MatchedStatements``: which policy (``SourcePolicyId``) and which statement in it.

    The simulator names the policy and where each statement starts (``StartPosition``), not its
    index or Sid. Statements appear in a document in order, so when the role's documents are at
    hand, the matched statements of one policy sorted by position are its statements that match
    the action, in order. Otherwise the label says where the statement starts.
    """
    from tui.aws.policy_eval import statement_applies

    docs = (role.identity + role.boundary) if role else []
    by_policy: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for i, stmt in enumerate(matched):
        by_policy.setdefault(str(stmt.get("SourcePolicyId") or "?"), []).append((i, stmt))
    refs: dict[int, StatementRef] = {}
    for source, items in by_policy.items():
        doc = next((d for d in docs if source in (d.name, d.arn)), None)
        hits = (
            [
                (i, st)
                for i, st in enumerate(doc.statements())
                if statement_applies(st, action, resource, context=None) is not False
            ]
            if doc
            else []
        )
        ordered = sorted(items, key=lambda it: _position(it[1]) or (0, 0))
        for n, (i, stmt) in enumerate(ordered):
            kind = _SOURCE_KINDS.get(str(stmt.get("SourcePolicyType") or "none"), "policy")
            position = _position(stmt)
            if doc is not None and len(hits) == len(ordered):
                index, st = hits[n]
                kind = "boundary" if doc.kind == "boundary" else kind
                refs[i] = StatementRef(
                    doc.name, kind, index, st.get("Sid") or None, str(st.get("Effect", "?")), position
                )
            else:
                if doc is not None and doc.kind == "boundary":
                    kind = "boundary"
                refs[i] = StatementRef(source, kind, -1, None, "?", position)
    return [refs[i] for i in range(len(matched))]


def _position(stmt: Mapping[str, Any]) -> tuple[int, int] | None:
    start = stmt.get("StartPosition") or {}
    if "Line" in start and "Column" in start:
        return int(start["Line"]), int(start["Column"])
    return None


def request_context(need: Need, role_arn: str) -> dict[str, str]:
    """The condition keys the runtime's own request carries: the need's (``cloudwatch:namespace``) and the global
    keys AWS sets on every request, read from the resource's and the role's ARNs: ``aws:ResourceAccount`` and
    ``aws:RequestedRegion`` (resource ARN), ``aws:PrincipalAccount`` and ``aws:PrincipalArn`` (the role). Without
    them a statement conditioned on one (a data-perimeter ``aws:ResourceAccount`` = own account) could not be
    evaluated and a healthy role was reported as "allowed only if conditions hold"."""
    context = dict(need.context)
    resource = need.resource.split(":", 5)
    if len(resource) == 6 and resource[0] == "arn":
        if resource[4]:
            context.setdefault("aws:ResourceAccount", resource[4])
        if resource[3]:
            context.setdefault("aws:RequestedRegion", resource[3])
    principal = role_arn.split(":", 5)
    if len(principal) == 6 and principal[0] == "arn" and principal[4]:
        context.setdefault("aws:PrincipalAccount", principal[4])
        context.setdefault("aws:PrincipalArn", role_arn)
    return context


def simulate(
    iam: AwsClient, role_arn: str, needs: Sequence[Need], role: RolePolicies | None = None
) -> list[tuple[Need, Evaluation]]:
    """Ask IAM's policy simulator (every ``Marker`` page); raises when it is not available (the caller falls back)."""
    out = []
    boundary_name = ", ".join(d.name for d in role.boundary) if role and role.boundary else "the permissions boundary"
    for need in needs:
        kwargs: dict[str, Any] = {
            "PolicySourceArn": role_arn,
            "ActionNames": list(need.actions),
            "ResourceArns": [need.resource],
        }
        context = request_context(need, role_arn)
        if context:
            kwargs["ContextEntries"] = [
                {"ContextKeyName": k, "ContextKeyValues": [v], "ContextKeyType": "string"} for k, v in context.items()
            ]
        by_action: dict[str, dict[str, Any]] = {}
        for page in iam.get_paginator("simulate_principal_policy").paginate(
            **kwargs, PaginationConfig={"MaxItems": 1000}
        ):
            for r in page.get("EvaluationResults", []):
                by_action.setdefault(str(r["EvalActionName"]).lower(), r)
        for action in need.actions:
            r = by_action.get(action.lower())
            if r is None:
                raise RuntimeError(_("simulator gave no result for {action}").format(action=action))
            out.append((need, _evaluation(r, action, need.resource, role, boundary_name)))
    return out


def _evaluation(
    r: Mapping[str, Any], action: str, resource: str, role: RolePolicies | None, boundary_name: str
) -> Evaluation:
    decision = str(r["EvalDecision"])
    # A result per resource is more precise when the simulator gives one.
    for specific in r.get("ResourceSpecificResults") or []:
        if specific.get("EvalResourceName") == resource:
            r = {**r, **specific, "EvalDecision": specific.get("EvalResourceDecision", decision)}
            decision = str(r["EvalDecision"])
    refs = _attribute(r.get("MatchedStatements") or [], role, action, resource)
    deny_refs = [x for x in refs if x.effect == "Deny"]
    allow_refs = [x for x in refs if x.effect == "Allow" or (x.effect == "?" and decision == "allowed")]
    missing_ctx = list(r.get("MissingContextValues") or [])
    unevaluated = (
        [(refs[0] if refs else StatementRef("?", "?", -1, None, "?"), {"missing_context": missing_ctx})]
        if missing_ctx
        else []
    )
    norm = decision if decision in ("allowed", "explicitDeny") else "implicitDeny"
    decided_by = (
        (deny_refs or refs)[0]
        if norm == "explicitDeny" and refs
        else (allow_refs[0] if norm == "allowed" and allow_refs else None)
    )
    ev = Evaluation(action, resource, norm, decided_by, refs, unevaluated)  # type: ignore[arg-type]
    boundary_ok = (r.get("PermissionsBoundaryDecisionDetail") or {}).get("AllowedByPermissionsBoundary")
    orgs_ok = (r.get("OrganizationsDecisionDetail") or {}).get("AllowedByOrganizations")
    if norm != "allowed" and orgs_ok is False:
        ev.blocked_by, ev.unevaluated = "a service control policy of your organization", []
        ev.decided_by = StatementRef(_("service control policy"), "scp", -1, None, "Deny")
    elif norm != "allowed" and boundary_ok is False:
        ev.blocked_by, ev.unevaluated = f"permissions boundary {boundary_name}", []
        boundary_refs = [x for x in refs if x.kind == "boundary"]
        ev.decided_by = boundary_refs[0] if boundary_refs else StatementRef(boundary_name, "boundary", -1, None, "Deny")
        ev.identity_allowed = bool(allow_refs)
    return ev


_NO_SIMULATOR: dict[tuple[str, str], str] = {}
"""IAM endpoints (URL, and the language the reason is worded in) known not to implement SimulatePrincipalPolicy,
with the reason: a reason remembered in English must not reach a Japanese screen."""
_SIMULATOR_DENIED: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
"""Clients (one per run and service, see ``tui.aws.session``) whose principal may not call the simulator:
asked once, not again by every check."""
_SIMULATOR_OK: set[str] = set()
_SIMULATOR_PROBE = threading.Lock()


def _no_simulator_key(endpoint: str) -> tuple[str, str]:
    from tui.i18n import current_language

    return endpoint, current_language()


def _denied(iam: AwsClient) -> str | None:
    try:
        return _SIMULATOR_DENIED.get(iam)
    except TypeError:  # not weak-referenceable (a test double)
        return None


def _try_simulate(
    iam: AwsClient, role_arn: str, needs: Sequence[Need], endpoint: str, role: RolePolicies | None
) -> Assessment | str:
    """The simulator's assessment, or why it could not be used (remembered when the endpoint lacks it)."""
    try:
        result = Assessment("SimulatePrincipalPolicy", simulate(iam, role_arn, needs, role))
        _SIMULATOR_OK.add(endpoint)
        return result
    except Exception as exc:  # noqa: BLE001 - any failure means: decide locally
        from tui.aws.errors import describe

        p = describe(exc, service="iam", operation="SimulatePrincipalPolicy")
        problem = p.summary if p else f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        if p is not None and p.kind == "unsupported":
            _NO_SIMULATOR[_no_simulator_key(endpoint)] = problem  # do not ask this endpoint again in this process
        elif p is not None and p.kind == "access-denied":
            try:
                _SIMULATOR_DENIED[iam] = problem  # nor ask again for a principal that may not use it
            except TypeError:
                pass
        return problem


def assess(iam: AwsClient, role_arn: str, needs: Sequence[Need], role: RolePolicies | None = None) -> Assessment:
    """SimulatePrincipalPolicy when it works; else the local evaluator over the role's policies."""
    endpoint = str(getattr(getattr(iam, "meta", None), "endpoint_url", ""))
    known = _NO_SIMULATOR.get(_no_simulator_key(endpoint)) or _denied(iam)
    if known:
        problem: Assessment | str = known
    elif endpoint in _SIMULATOR_OK:
        problem = _try_simulate(iam, role_arn, needs, endpoint, role)
    else:
        with _SIMULATOR_PROBE:  # until one call tells whether this endpoint has the simulator, ask one at a time
            problem = (
                _NO_SIMULATOR.get(_no_simulator_key(endpoint))
                or _denied(iam)
                or _try_simulate(iam, role_arn, needs, endpoint, role)
            )
    if isinstance(problem, Assessment):
        return problem
    role = role or load_role(iam, role_arn)
    results = []
    for need in needs:
        for ev in evaluate_all(
            role.identity,
            need.actions,
            need.resource,
            context=request_context(need, role_arn),
            boundary=role.boundary,
        ):
            results.append((need, ev))
    names = [f"{d.kind}:{d.name}" for d in role.identity + role.boundary]
    return Assessment("local evaluation", results, problem, names)


def boundary_owner_hint(role: RolePolicies | None) -> str:
    """Who can change the role's permissions boundary (said instead of offering a grant)."""
    if role is None or not role.boundary:
        return _("Ask whoever manages IAM in this account to change the permissions boundary.")
    b = role.boundary[0]
    if (b.arn or "").split(":")[4:5] == ["aws"]:
        return _(
            "The boundary {boundary} is an AWS managed policy, which nobody can edit: whoever manages IAM in this "
            "account must set another boundary on {role} (iam:PutRolePermissionsBoundary) or remove it."
        ).format(boundary=b.name, role=role.role_name)
    return _(
        "Whoever manages IAM in this account must allow these actions in the boundary policy {boundary} "
        "(a new default version: iam:CreatePolicyVersion), or set another boundary on {role}; "
        "boundaries are usually set by a central team on purpose, so ask them rather than removing it."
    ).format(boundary=b.arn or b.name, role=role.role_name)


def explain_near_miss(role: RolePolicies | None, action: str, resource: str) -> str:
    """A hint when an Allow grants the action on a different resource (the classic wrong prefix)."""
    if role is None:
        return ""
    for ref, resources in near_misses(role.identity, action):
        wrong = [r for r in resources if "/aws/bedrock/agentcore" in r]
        if wrong and "/aws/bedrock-agentcore/" in resource:
            return _("{statement} grants it on {resource}: wrong prefix, should be {prefix}").format(
                statement=ref.label(), resource=short(wrong[0]), prefix="/aws/bedrock-agentcore/"
            )
    for ref, resources in near_misses(role.identity, action):
        if resources and resources != ["*"]:
            return _("{statement} grants it only on {resources}").format(
                statement=ref.label(), resources=", ".join(short(r) for r in resources[:2])
            )
    return ""


def short(resource: str) -> str:
    """``arn:aws:logs:r:a:log-group:/x/*`` → ``/x/*`` (log groups) or the part after the account."""
    parts = resource.split(":", 5)
    tail = parts[5] if len(parts) == 6 else resource
    return tail.removeprefix("log-group:")


def partition_for(*arns: str) -> str:
    for arn in arns:
        if arn and arn.startswith("arn:"):
            return partition_of_arn(arn)
    return "aws"
