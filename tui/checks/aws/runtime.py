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
    found = _get_by_id(control, runtime_id, params.endpoint_name) if runtime_id else None
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
            lambda: _endpoint_status(control, runtime_id, params.endpoint_name),
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
        "runtime.log_group": f"/aws/bedrock-agentcore/runtimes/{runtime_id}-{params.endpoint_name}",
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
            endpoint=params.endpoint_name,
            endpoint_status=endpoint_status,
        ),
        evidence=evidence,
        facts=facts,
    )


def _endpoint_status(control: Any, runtime_id: str, endpoint_name: str) -> tuple[str, str]:
    """(status, failure reason) of the runtime's endpoint; ``MISSING`` when it does not exist."""
    try:
        ep = control.get_agent_runtime_endpoint(agentRuntimeId=runtime_id, endpointName=endpoint_name)
    except Exception as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        return "MISSING", ""
    return str(ep.get("status", "UNKNOWN")), str(ep.get("failureReason") or "")


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


class StatusParams(CheckParams):
    runtime_id: str
    region: str = ""
    endpoint_name: str = "DEFAULT"


@check(
    "runtime.status",
    title="Runtime and endpoint are READY and speak MCP",
    severity=Severity.CRITICAL,
    params=StatusParams,
    needs=("aws",),
    aws_actions=("bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:GetAgentRuntimeEndpoint"),
    remediation="Read `failureReason`, fix the image or configuration, and redeploy (`agentcore deploy`).",
)
@aws_errors
def status(ctx: CheckContext, params: StatusParams) -> CheckResult:
    """Runtime and DEFAULT endpoint status (with failureReason) and serverProtocol MCP.

    READY only means the control plane accepted the configuration: AgentCore does
    not start the container when it creates the runtime, so a server that crashes
    on import still reports READY (research §0.7). The endpoint probe proves it.
    """
    from tui.aws.session import in_parallel
    from tui.checks.aws._common import client

    control = client(ctx, "bedrock-agentcore-control", params.region)
    try:
        rt, (ep_status, ep_reason) = in_parallel(  # independent reads: one round trip
            lambda: control.get_agent_runtime(agentRuntimeId=params.runtime_id),
            lambda: _endpoint_status(control, params.runtime_id, params.endpoint_name),
        )
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return failed(
                _("runtime {id} no longer exists").format(id=params.runtime_id),
                evidence={"runtime_id": params.runtime_id},
            )
        raise
    rt_status = str(rt.get("status") or "UNKNOWN")
    reason = str(rt.get("failureReason") or "")
    protocol = str((rt.get("protocolConfiguration") or {}).get("serverProtocol") or "HTTP")
    evidence: dict[str, Any] = {
        "runtime_status": rt_status,
        "endpoint": params.endpoint_name,
        "endpoint_status": ep_status,
        "protocol": protocol,
        "version": rt.get("agentRuntimeVersion"),
    }
    if reason or ep_reason:
        evidence["failure_reason"] = reason or ep_reason
    if rt_status.endswith("FAILED") or ep_status.endswith("FAILED"):
        runtime_failed = rt_status.endswith("FAILED")
        which = _("runtime") if runtime_failed else _("endpoint {name}").format(name=params.endpoint_name)
        st = rt_status if runtime_failed else ep_status
        return failed(
            _("{which} is {status}: {reason}").format(
                which=which, status=st, reason=(reason or ep_reason or _("no failureReason given"))[:240]
            ),
            details=_(
                "The last create/update did not succeed; the endpoint may still serve an older version, or nothing."
            ),
            evidence=evidence,
        )
    if ep_status == "MISSING":
        return failed(_("the runtime has no {name} endpoint").format(name=params.endpoint_name), evidence=evidence)
    if protocol != "MCP":
        return failed(
            _(
                "serverProtocol is {protocol}, not MCP: AgentCore forwards to port 8080 /invocations, not 8000 /mcp"
            ).format(protocol=protocol),
            details=_("Redeploy with `--protocol MCP` (starter toolkit `configure -p MCP`)."),
            evidence=evidence,
        )
    if rt_status != "READY" or ep_status != "READY":
        return warned(
            _("runtime {runtime}, endpoint {endpoint}: wait for READY and run again").format(
                runtime=rt_status, endpoint=ep_status
            ),
            evidence=evidence,
        )
    return passed(
        _(
            "runtime and {name} endpoint READY, protocol MCP (READY does not prove the server starts: "
            "probe the endpoint)"
        ).format(name=params.endpoint_name),
        details=_(
            "AgentCore does not run your entry point when it creates or updates a runtime: a server that "
            "crashes on import still shows READY, and then answers HTTP 200 with JSON-RPC error -32010 "
            '"Runtime initialization time exceeded". The endpoint checks probe it for real.'
        ),
        evidence=evidence,
    )
