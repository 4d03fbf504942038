"""Find the AgentCore runtime and look at its state."""

from __future__ import annotations

from typing import Any

from tui.aws.errors import aws_errors, error_code
from tui.aws.runtimes import direct_id, find_runtime, otel_target
from tui.checks.base import CheckContext
from tui.i18n import _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, failed, passed, warned

RUNTIME_FACTS = (
    "runtime.id",
    "runtime.arn",
    "runtime.name",
    "runtime.role_arn",
    "runtime.role_name",
    "runtime.log_group",
    "runtime.otel_log_group",
    "runtime.otel_log_stream",
    "runtime.protocol",
    "runtime.auth",
    "runtime.status",
    "runtime.endpoint_status",
    "runtime.failure_reason",
    "runtime.region",
    "runtime.account",
    "runtime.partition",
    "runtime.ecr_repository_arn",
)


class DiscoverParams(CheckParams):
    runtime: str
    """ARN, id or name, as the user gave it."""
    endpoint_name: str = "DEFAULT"


@check(
    "runtime.discover",
    title="The runtime exists",
    severity=Severity.CRITICAL,
    params=DiscoverParams,
    publishes=RUNTIME_FACTS,
    needs=("aws",),
    aws_actions=(
        "bedrock-agentcore:ListAgentRuntimes",
        "bedrock-agentcore:GetAgentRuntime",
        "bedrock-agentcore:GetAgentRuntimeEndpoint",
    ),
    remediation="Check `--runtime` (ARN, id `name-XXXXXXXXXX`, or name) and `--region`; "
    "`aws bedrock-agentcore-control list-agent-runtimes` lists what exists.",
)
@aws_errors
def discover(ctx: CheckContext, params: DiscoverParams) -> CheckResult:
    """Finds the runtime (GetAgentRuntime and GetAgentRuntimeEndpoint at once when the ARN or id names it, else
    ListAgentRuntimes first) and publishes its facts."""
    from tui.aws.roles import ecr_repository_arn, role_name_of
    from tui.aws.session import account_of_arn, in_parallel, partition_of_arn, region_of_arn
    from tui.context import is_version_qualifier

    # A version-number qualifier has no endpoint of its own: its status and log group are taken as DEFAULT's (where
    # such calls log is not documented); runtime.status compares the version itself.
    endpoint_name = "DEFAULT" if is_version_qualifier(params.endpoint_name) else params.endpoint_name
    control = ctx.aws("bedrock-agentcore-control")
    session_region = control.meta.region_name
    wanted = params.runtime
    wanted_region = region_of_arn(wanted) if wanted.startswith("arn:") else None
    if wanted_region and session_region and wanted_region != session_region:
        return failed(
            _(
                "the runtime ARN is in {arn_region} but the session uses {session_region}: pass --region {arn_region}"
            ).format(arn_region=wanted_region, session_region=session_region),
            evidence={"arn_region": wanted_region, "session_region": session_region},
        )
    runtime_id = direct_id(wanted)
    found = _get_by_id(control, runtime_id, endpoint_name) if runtime_id else None
    if found is not None:
        detail, (endpoint_status, endpoint_reason) = found
        summary: dict[str, Any] | None = detail
    else:  # a name, or an id/ARN that GetAgentRuntime does not know: list, and say what exists
        summary, seen = find_runtime(control, wanted)
    if summary is None:
        names = sorted({str(r.get("agentRuntimeName")) for r in seen})
        hint = ""
        if wanted_region and wanted_region != session_region:
            hint = _(
                "; the ARN is in {arn_region} but the session uses {session_region}: pass --region {arn_region}"
            ).format(arn_region=wanted_region, session_region=session_region)
        elif names:
            hint = _("; runtimes here: {names}").format(names=", ".join(names[:10]))
        return failed(
            _("no runtime {runtime} in {region}{hint}").format(runtime=repr(wanted), region=session_region, hint=hint),
            evidence={"region": session_region, "runtimes_seen": names[:50]},
        )
    runtime_id = str(summary["agentRuntimeId"])
    if found is None:
        detail, (endpoint_status, endpoint_reason) = in_parallel(
            lambda: control.get_agent_runtime(agentRuntimeId=runtime_id),
            lambda: _endpoint_status(control, runtime_id, endpoint_name),
        )
    arn = str(detail.get("agentRuntimeArn") or summary.get("agentRuntimeArn") or "")
    role_arn = str(detail.get("roleArn") or "")
    env = detail.get("environmentVariables") or {}
    otel_group, otel_stream = otel_target(env)
    auth = "jwt" if (detail.get("authorizerConfiguration") or {}).get("customJWTAuthorizer") else "sigv4"
    protocol = str((detail.get("protocolConfiguration") or {}).get("serverProtocol") or "HTTP")
    container = ((detail.get("agentRuntimeArtifact") or {}).get("containerConfiguration") or {}).get("containerUri", "")
    region = region_of_arn(arn) or session_region
    account = account_of_arn(arn) or account_of_arn(role_arn) or ""
    partition = partition_of_arn(arn or role_arn)
    facts = {
        "runtime.id": runtime_id,
        "runtime.arn": arn,
        "runtime.name": str(detail.get("agentRuntimeName") or summary.get("agentRuntimeName") or ""),
        "runtime.role_arn": role_arn,
        "runtime.role_name": role_name_of(role_arn) if role_arn else "",
        "runtime.log_group": f"/aws/bedrock-agentcore/runtimes/{runtime_id}-{endpoint_name}",
        "runtime.otel_log_group": otel_group,
        "runtime.otel_log_stream": otel_stream,
        "runtime.protocol": protocol,
        "runtime.auth": auth,
        "runtime.status": str(detail.get("status") or ""),
        "runtime.endpoint_status": endpoint_status,
        "runtime.failure_reason": str(detail.get("failureReason") or endpoint_reason or ""),
        "runtime.region": region,
        "runtime.account": account,
        "runtime.partition": partition,
        "runtime.ecr_repository_arn": ecr_repository_arn(container, partition) or "",
    }
    evidence = {
        "matched_by": "arn" if wanted.startswith("arn:") else ("id" if wanted == runtime_id else "name"),
        **{k.split(".", 1)[1]: v for k, v in facts.items()},
        "environment_variables": sorted(env),
        "network_mode": (detail.get("networkConfiguration") or {}).get("networkMode"),
    }
    return passed(
        _(
            "{name} ({id}) in {region}: protocol {protocol}, auth {auth}, runtime {status}, "
            "endpoint {endpoint} {endpoint_status}"
        ).format(
            name=facts["runtime.name"],
            id=runtime_id,
            region=region,
            protocol=protocol,
            auth=auth.upper(),
            status=facts["runtime.status"],
            endpoint=endpoint_name,
            endpoint_status=endpoint_status,
        ),
        evidence=evidence,
        facts=facts,
    )


def _endpoint_status(control: Any, runtime_id: str, endpoint_name: str) -> tuple[str, str]:
    """(status, failure reason) of the runtime's endpoint; ``MISSING`` when it does not exist."""
    endpoint = _endpoint_detail(control, runtime_id, endpoint_name)
    if endpoint is None:
        return "MISSING", ""
    return str(endpoint.get("status", "UNKNOWN")), str(endpoint.get("failureReason") or "")


def _endpoint_detail(control: Any, runtime_id: str, endpoint_name: str) -> dict[str, Any] | None:
    """GetAgentRuntimeEndpoint's answer (status, liveVersion, targetVersion, failureReason); None when there is no
    such endpoint.

    A version-number qualifier (``?qualifier=3``) calls that version directly, with no endpoint in between
    (InvokeAgentRuntime: "a version number or an endpoint name"); it is answered as a READY endpoint serving that
    version, and its log group and status are the DEFAULT endpoint's in ``discover``.
    """
    from tui.context import is_version_qualifier

    if is_version_qualifier(endpoint_name):
        return {"status": "READY", "liveVersion": endpoint_name, "version_qualifier": True}
    try:
        return dict(control.get_agent_runtime_endpoint(agentRuntimeId=runtime_id, endpointName=endpoint_name))
    except Exception as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        return None


def _get_by_id(control: Any, runtime_id: str, endpoint_name: str) -> tuple[dict[str, Any], tuple[str, str]] | None:
    """GetAgentRuntime and GetAgentRuntimeEndpoint at once for an id known up front (no listing needed).

    None when there is no such runtime: the caller lists instead (and says what exists). An ARN matches by its id,
    as ``find_runtime`` matches it.
    """
    from tui.aws.session import in_parallel

    try:
        detail, endpoint = in_parallel(
            lambda: control.get_agent_runtime(agentRuntimeId=runtime_id),
            lambda: _endpoint_status(control, runtime_id, endpoint_name),
        )
    except Exception as exc:
        if error_code(exc) in ("ResourceNotFoundException", "ValidationException"):
            return None
        raise
    return detail, endpoint


MAX_ENDPOINTS_LISTED = 100
"""Endpoints ListAgentRuntimeEndpoints is asked for (one page) when the qualifier names none; a runtime has a few."""


def _endpoint_names(control: Any, runtime_id: str) -> list[str] | None:
    """The names of the runtime's endpoints (one bounded page), or None when they cannot be listed.

    Only asked when the qualifier names no endpoint, to say which ones exist; a refusal (no
    ListAgentRuntimeEndpoints permission) must not hide the finding itself.
    """
    try:
        answer = control.list_agent_runtime_endpoints(agentRuntimeId=runtime_id, maxResults=MAX_ENDPOINTS_LISTED)
    except Exception as exc:  # noqa: BLE001 - the missing endpoint is the finding; the list only helps
        code = error_code(exc)
        if "AccessDenied" in code or "Unauthorized" in code:
            return None
        raise
    return sorted({str(e.get("name") or "") for e in answer.get("runtimeEndpoints") or []} - {""})


def _older(live: str, latest: str) -> bool:
    """Whether runtime version ``live`` is older than ``latest`` (versions are numbers: 1, 2, 3 …)."""
    if live.isdigit() and latest.isdigit():
        return int(live) < int(latest)
    return live != latest


class StatusParams(CheckParams):
    runtime_id: str
    region: str = ""
    endpoint_name: str = "DEFAULT"
    """The qualifier: DEFAULT, a custom endpoint's name (``prod``), or a runtime version number."""


ENDPOINT_PROBLEMS = ("missing", "failed", "not-ready", "older-version", "no-such-version")
"""Values of the fact ``runtime.endpoint_problem`` (published for a qualifier other than DEFAULT only: the DEFAULT
endpoint follows the runtime, so its problems are the runtime's and route as before)."""


@check(
    "runtime.status",
    title="Runtime and endpoint are READY and speak MCP",
    severity=Severity.CRITICAL,
    params=StatusParams,
    publishes=("runtime.endpoint_problem",),
    needs=("aws",),
    aws_actions=(
        "bedrock-agentcore:GetAgentRuntime",
        "bedrock-agentcore:GetAgentRuntimeEndpoint",
        "bedrock-agentcore:ListAgentRuntimeEndpoints",
    ),
    remediation="Read `failureReason`, fix the image or configuration, and redeploy (`agentcore deploy`).",
)
@aws_errors
def status(ctx: CheckContext, params: StatusParams) -> CheckResult:
    """Runtime and qualified endpoint status (with failureReason), serverProtocol MCP, and for an endpoint other
    than DEFAULT the runtime version it serves against the latest.

    READY only means the control plane accepted the configuration: AgentCore does
    not start the container when it creates the runtime, so a server that crashes
    on import still reports READY (research §0.7). The endpoint probe proves it.

    DEFAULT follows every update of the runtime; any other endpoint stays on the version it was pointed at until
    UpdateAgentRuntimeEndpoint moves it (AgentCore guide, "AgentCore Runtime versioning and endpoints"): a fix
    deployed since is not what that endpoint's callers reach.
    """
    from tui.aws.session import in_parallel
    from tui.checks.aws._common import client

    control = client(ctx, "bedrock-agentcore-control", params.region)
    name = params.endpoint_name
    try:
        rt, endpoint = in_parallel(  # independent reads: one round trip
            lambda: control.get_agent_runtime(agentRuntimeId=params.runtime_id),
            lambda: _endpoint_detail(control, params.runtime_id, name),
        )
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return failed(
                _("runtime {id} no longer exists").format(id=params.runtime_id),
                evidence={"runtime_id": params.runtime_id},
            )
        raise
    custom = name != "DEFAULT"
    ep_status = "MISSING" if endpoint is None else str(endpoint.get("status") or "UNKNOWN")
    ep_reason = "" if endpoint is None else str(endpoint.get("failureReason") or "")
    rt_status = str(rt.get("status") or "UNKNOWN")
    reason = str(rt.get("failureReason") or "")
    protocol = str((rt.get("protocolConfiguration") or {}).get("serverProtocol") or "HTTP")
    latest = str(rt.get("agentRuntimeVersion") or "")
    live = str((endpoint or {}).get("liveVersion") or "")
    target = str((endpoint or {}).get("targetVersion") or "")
    evidence: dict[str, Any] = {
        "runtime_status": rt_status,
        "endpoint": name,
        "endpoint_status": ep_status,
        "protocol": protocol,
        "version": rt.get("agentRuntimeVersion"),
    }
    if custom and endpoint is not None:
        evidence |= {"endpoint_live_version": live or None, "endpoint_target_version": target or None}
    if reason or ep_reason:
        evidence["failure_reason"] = reason or ep_reason

    def problem(kind: str) -> dict[str, Any]:
        return {"runtime.endpoint_problem": kind} if custom else {}

    if rt_status.endswith("FAILED") or ep_status.endswith("FAILED"):
        runtime_failed = rt_status.endswith("FAILED")
        which = _("runtime") if runtime_failed else _("endpoint {name}").format(name=name)
        st = rt_status if runtime_failed else ep_status
        return failed(
            _("{which} is {status}: {reason}").format(
                which=which, status=st, reason=(reason or ep_reason or _("no failureReason given"))[:240]
            ),
            details=_(
                "The last create/update did not succeed; the endpoint may still serve an older version, or nothing."
            ),
            evidence=evidence,
            facts={} if runtime_failed else problem("failed"),
        )
    if ep_status == "MISSING":
        if not custom:
            return failed(_("the runtime has no {name} endpoint").format(name=name), evidence=evidence)
        names = _endpoint_names(control, params.runtime_id)
        evidence["endpoints"] = names
        listed = (
            _("its endpoints: {names}").format(names=", ".join(names[:20]) or _("none"))
            if names is not None
            else _("its endpoints could not be listed (ListAgentRuntimeEndpoints)")
        )
        return failed(
            _(
                "the runtime has no endpoint {name}: calls with ?qualifier={name} get ResourceNotFoundException "
                "(HTTP 404); {listed}"
            ).format(name=name, listed=listed),
            remediation=_(
                "Call an endpoint that exists (?qualifier=DEFAULT serves the latest version), or create this one: "
                "`aws bedrock-agentcore-control create-agent-runtime-endpoint --agent-runtime-id {id} --name {name}`."
            ).format(id=params.runtime_id, name=name),
            evidence=evidence,
            facts=problem("missing"),
        )
    if protocol != "MCP":
        return failed(
            _(
                "serverProtocol is {protocol}, not MCP: AgentCore forwards to port 8080 /invocations, not 8000 /mcp"
            ).format(protocol=protocol),
            details=_("Redeploy with `--protocol MCP` (starter toolkit `configure -p MCP`)."),
            evidence=evidence,
        )
    if custom and (endpoint or {}).get("version_qualifier") and latest:
        version_result = _version_qualifier(name, latest, evidence)
        if version_result is not None:
            return version_result
    if rt_status != "READY" or ep_status != "READY":
        moving = ""
        if custom and live and target and live != target:
            moving = _(" (it serves version {live} while it moves to version {target})").format(
                live=live, target=target
            )
        return warned(
            _("runtime {runtime}, endpoint {endpoint}: wait for READY and run again").format(
                runtime=rt_status, endpoint=f"{name} {ep_status}" if custom else ep_status
            )
            + moving,
            evidence=evidence,
            facts=problem("not-ready") if ep_status != "READY" else {},
        )
    serving = live or target
    if custom and latest and serving and _older(serving, latest):
        return warned(
            _(
                "endpoint {name} serves runtime version {serving}, but the latest version is {latest}: what was "
                "deployed since is not live on {name}"
            ).format(name=name, serving=serving, latest=latest),
            remediation=_(
                "Every update of the runtime makes a new version; only DEFAULT moves to it by itself. Point {name} at "
                "the latest: `aws bedrock-agentcore-control update-agent-runtime-endpoint --agent-runtime-id {id} "
                "--endpoint-name {name} --agent-runtime-version {latest}`, or call ?qualifier=DEFAULT."
            ).format(name=name, id=params.runtime_id, latest=latest),
            evidence=evidence,
            facts=problem("older-version"),
        )
    if custom:
        return passed(
            _(
                "runtime and {which} READY on the latest version ({version}), protocol MCP (READY does not "
                "prove the server starts: probe the endpoint)"
            ).format(
                which=(
                    _("version {name}") if (endpoint or {}).get("version_qualifier") else _("endpoint {name}")
                ).format(name=name),
                version=serving or latest,
            ),
            evidence=evidence,
        )
    return passed(
        _(
            "runtime and {name} endpoint READY, protocol MCP (READY does not prove the server starts: "
            "probe the endpoint)"
        ).format(name=name),
        details=_(
            "AgentCore does not run your entry point when it creates or updates a runtime: a server that "
            "crashes on import still shows READY, and then answers HTTP 200 with JSON-RPC error -32010 "
            '"Runtime initialization time exceeded". The endpoint checks probe it for real.'
        ),
        evidence=evidence,
    )


def _version_qualifier(version: str, latest: str, evidence: dict[str, Any]) -> CheckResult | None:
    """A version-number qualifier against the runtime's latest version: a finding, or None when it is the latest."""
    if _older(latest, version):
        return failed(
            _("the qualifier {version} names no version of the runtime: its latest version is {latest}").format(
                version=version, latest=latest
            ),
            evidence=evidence,
            facts={"runtime.endpoint_problem": "no-such-version"},
        )
    if not _older(version, latest):
        return None
    return warned(
        _(
            "?qualifier={version} calls runtime version {version}, but the latest version is {latest}: what was "
            "deployed since is not what it calls"
        ).format(version=version, latest=latest),
        remediation=_(
            "Call ?qualifier=DEFAULT (always the latest version), or an endpoint pointed at the version you mean."
        ),
        evidence=evidence,
        facts={"runtime.endpoint_problem": "older-version"},
    )
