"""A READY runtime that never reaches the server: its protocol configuration, what its failureReason says, and
whether it requires MMDSv2.

``protocolConfiguration`` (botocore's bedrock-agentcore-control model: ``serverProtocol`` MCP|HTTP|A2A|AGUI,
``port`` 8000-12000, ``path``) decides where AgentCore sends traffic inside the container. An MCP server
behind a runtime created without ``serverProtocol: MCP`` never sees a request: HTTP goes to 8080
``/invocations``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from tui.aws.errors import aws_errors, error_code
from tui.aws.session import coalesced
from tui.checks.aws._common import client
from tui.checks.base import CheckContext
from tui.i18n import N_, _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, could_not_run, failed, passed, skipped, warned

DEFAULT_PORTS = {"MCP": 8000, "HTTP": 8080, "AGUI": 8080, "A2A": 9000}
DEFAULT_PATHS = {"MCP": "/mcp", "HTTP": "/invocations", "AGUI": "/invocations", "A2A": "/"}


class RuntimeParams(CheckParams):
    runtime_id: str
    region: str = ""
    endpoint_name: str = "DEFAULT"


def _get_runtime(ctx: CheckContext, params: RuntimeParams) -> dict[str, Any] | None:
    control = client(ctx, "bedrock-agentcore-control", params.region)
    try:
        # Three checks of one node ask at once: one GetAgentRuntime for them all, each with its own copy.
        return dict(
            coalesced(
                ("GetAgentRuntime", id(control), params.runtime_id),
                lambda: control.get_agent_runtime(agentRuntimeId=params.runtime_id),
                copy=copy.deepcopy,
            )
        )
    except Exception as exc:  # noqa: BLE001 - a vanished runtime is a finding of runtime.status, not an error here
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise


def read_runtime(ctx: CheckContext, params: RuntimeParams) -> dict[str, Any] | CheckResult:
    """GetAgentRuntime's answer (shared by the checks asking at once), or could-not-run when the runtime does not
    exist: runtime.status owns that finding, the checks that read its configuration have nothing to judge."""
    runtime = _get_runtime(ctx, params)
    if runtime is None:
        return could_not_run(
            _("runtime {runtime_id} does not exist (runtime.status says so)").format(runtime_id=params.runtime_id)
        )
    return runtime


@check(
    "runtime.protocol",
    title="The runtime sends traffic to the MCP server's port and path",
    severity=Severity.CRITICAL,
    params=RuntimeParams,
    publishes=("runtime.server_protocol", "runtime.server_port", "runtime.server_path"),
    needs=("aws",),
    aws_actions=("bedrock-agentcore:GetAgentRuntime",),
    remediation='Deploy again with the MCP protocol: `agentcore configure -p MCP`, or boto3 `protocolConfiguration={"serverProtocol": "MCP"}`.',
)
@aws_errors
def runtime_protocol(ctx: CheckContext, params: RuntimeParams) -> CheckResult:
    """GetAgentRuntime → protocolConfiguration (serverProtocol, port, path): MCP means 8000 /mcp unless set otherwise."""
    runtime = read_runtime(ctx, params)
    if isinstance(runtime, CheckResult):
        return runtime
    config = runtime.get("protocolConfiguration") or {}
    given = config.get("serverProtocol")
    protocol = str(given or "HTTP")
    port = int(config.get("port") or DEFAULT_PORTS.get(protocol, 8080))
    path = str(config.get("path") or DEFAULT_PATHS.get(protocol, "/invocations"))
    evidence = {
        "serverProtocol": given,
        "port": port,
        "path": path,
        "protocolConfiguration": config or None,
        "status": runtime.get("status"),
    }
    facts = {"runtime.server_protocol": protocol, "runtime.server_port": port, "runtime.server_path": path}
    if protocol != "MCP":
        why = (
            _("no protocolConfiguration, so HTTP")
            if given is None
            else _("serverProtocol is {protocol}").format(protocol=protocol)
        )
        return failed(
            _("{why}: AgentCore sends every request to port {port} {path}, where an MCP server does not listen").format(
                why=why, port=port, path=path
            ),
            details=_(
                "The runtime is READY and the container may be running, but the platform speaks its "
                "{protocol} contract to port {port} {path}; the MCP server listens on 8000 `/mcp`. Clients time out or "
                "get 5xx/424 and the container's log shows no request."
            ).format(protocol=protocol, port=port, path=f"`{path}`"),
            evidence=evidence,
            facts=facts,
        )
    if (port, path) != (8000, "/mcp"):
        return warned(
            _(
                "MCP on port {port}, path {path}: the server must listen exactly there (the SDK serves 8000 /mcp by "
                "default)"
            ).format(port=port, path=path),
            evidence=evidence,
            facts=facts,
            remediation=_("Run the server on port {port} with {setting}, or drop the custom port/path.").format(
                port=port, setting=f"`streamable_http_path={path!r}`"
            ),
        )
    return passed(_("serverProtocol MCP: AgentCore calls the container on 8000 /mcp"), evidence=evidence, facts=facts)


# (cause, pattern, what it means). The cause names are facts the playbook routes on; the patterns are the
# wordings of the build and start-up failures AgentCore puts into failureReason.
FAILURE_CAUSES: tuple[tuple[str, str, str], ...] = (
    ("exec-format", r"exec format error|exec user process caused", N_("the image is not linux/arm64")),
    (
        "ecr-access",
        r"Access denied while validating ECR URI",
        N_("the execution role may not pull the image from ECR"),
    ),
    (
        # Before base-image-pull: containerd words a missing tag of the runtime's own ECR image as "failed to
        # resolve reference …: not found", which that pattern read as a public registry refusing the base image.
        "image-missing",
        (
            r"(\.dkr\.ecr\.[^\s\"']+[^\n]{0,300}?\b(not found|manifest unknown|does not exist))"
            r"|ImageNotFoundException|RepositoryNotFoundException"
        ),
        N_("the runtime's image (its tag or repository) is not in ECR"),
    ),
    (
        "base-image-pull",
        (
            r"pull access denied|toomanyrequests|pull rate limit|CannotPullContainerError|failed to resolve reference"
            r"|403 Forbidden[^\n]{0,40}pull"
        ),
        N_("a public registry refused the base image"),
    ),
    (
        "too-many-layers",
        r"too many (image )?layers|max depth exceeded|failed to mount overlay|high-layer",
        N_("the image has too many layers"),
    ),
    (
        "non-numeric-user",
        r"non-numeric user|unable to find user|runAsNonRoot",
        N_("the Dockerfile's USER is not a numeric id, or does not exist in the image"),
    ),
    (
        "fastmcp-missing",
        r"No module named '?mcp\.server\.fastmcp|cannot import name '?FastMCP",
        N_("FastMCP code on mcp 2.x (or a pre-1.2 mcp)"),
    ),
)
MAX_REASON = 4000
"""failureReason is matched on its first characters only (bounded regex work on text AWS sends)."""


def classify_failure(reason: str) -> tuple[str, str] | None:
    """(cause, explanation) for a failureReason, or None when it names no cause agentcore-triage knows."""
    text = reason[:MAX_REASON]
    for cause, pattern, meaning in FAILURE_CAUSES:
        if re.search(pattern, text, re.IGNORECASE):
            return cause, meaning
    return None


@check(
    "runtime.failure_reason",
    title="What the runtime's failureReason says went wrong",
    severity=Severity.HIGH,
    params=RuntimeParams,
    publishes=("runtime.failure_cause",),
    needs=("aws",),
    aws_actions=("bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:GetAgentRuntimeEndpoint"),
    remediation="Fix the cause named in failureReason in the image or configuration, and deploy again.",
)
@aws_errors
def runtime_failure_reason(ctx: CheckContext, params: RuntimeParams) -> CheckResult:
    """failureReason of the runtime and its endpoint, parsed for image causes (exec format, pull denied, layers, USER)."""
    runtime = read_runtime(ctx, params)
    if isinstance(runtime, CheckResult):
        return runtime
    reason = str(runtime.get("failureReason") or "")
    where = "runtime"
    from tui.context import is_version_qualifier

    if not reason and not is_version_qualifier(params.endpoint_name):  # a version has no endpoint to read
        control = client(ctx, "bedrock-agentcore-control", params.region)
        try:
            endpoint = control.get_agent_runtime_endpoint(
                agentRuntimeId=params.runtime_id, endpointName=params.endpoint_name
            )
            reason, where = str(endpoint.get("failureReason") or ""), f"endpoint {params.endpoint_name}"
        except Exception as exc:  # noqa: BLE001 - a missing endpoint is runtime.status's finding
            if error_code(exc) != "ResourceNotFoundException":
                raise
    status = str(runtime.get("status") or "")
    if not reason:
        return passed(
            _("no failureReason (runtime {status})").format(status=status or _("status unknown")),
            evidence={"status": status},
        )
    evidence = {"status": status, "where": where, "failure_reason": reason[:MAX_REASON]}
    found = classify_failure(reason)
    if found is None:
        return warned(
            _("{where} failureReason names no cause agentcore-triage knows: {reason}").format(
                where=_shown_where(where), reason=reason[:200]
            ),
            evidence=evidence,
            facts={"runtime.failure_cause": "unknown"},
        )
    cause, meaning = found
    return failed(
        _("{where} failureReason: {meaning} ({reason})").format(
            where=_shown_where(where), meaning=_(meaning), reason=reason[:160]
        ),
        evidence=evidence | {"cause": cause},
        facts={"runtime.failure_cause": cause},
    )


def _shown_where(where: str) -> str:
    """``runtime`` / ``endpoint NAME`` (as in the evidence) in the current language."""
    if where == "runtime":
        return _("runtime")
    return _("endpoint {name}").format(name=where.removeprefix("endpoint "))


@check(
    "runtime.mmds",
    title="The runtime requires MMDSv2 (invocations need it since 30 June 2026)",
    severity=Severity.HIGH,
    params=RuntimeParams,
    publishes=("runtime.requires_mmdsv2",),
    needs=("aws",),
    aws_actions=("bedrock-agentcore:GetAgentRuntime",),
    remediation='Update the runtime with `metadataConfiguration={"requireMMDSV2": True}` (pass its other settings '
    "to `UpdateAgentRuntime` unchanged) and redeploy a container whose AWS SDK fetches credentials with MMDSv2 tokens.",
)
@aws_errors
def runtime_mmds(ctx: CheckContext, params: RuntimeParams) -> CheckResult:
    """GetAgentRuntime → metadataConfiguration.requireMMDSV2: false fails every InvokeAgentRuntime with
    "This runtime is not MMDSv2-enabled"; an answer without the member says nothing either way (skip)."""
    runtime = _get_runtime(ctx, params)
    if runtime is None:
        return skipped(
            _("runtime {runtime_id} does not exist (runtime.status says so)").format(runtime_id=params.runtime_id)
        )
    config = runtime.get("metadataConfiguration")
    required = config.get("requireMMDSV2") if isinstance(config, dict) else None
    evidence = {"metadataConfiguration": config, "status": runtime.get("status")}
    if not isinstance(required, bool):
        # Absent is not "false": this API answer (an older service version, or an emulator) does not report the
        # setting, so nothing is known about it.
        return skipped(
            _(
                "metadataConfiguration.requireMMDSV2 is not reported by this GetAgentRuntime answer: "
                "whether the runtime requires MMDSv2 is unknown"
            ),
            evidence=evidence,
        )
    facts = {"runtime.requires_mmdsv2": required}
    if not required:
        return failed(
            _("metadataConfiguration.requireMMDSV2 is false: every InvokeAgentRuntime fails with {error}").format(
                error='"This runtime is not MMDSv2-enabled"'
            ),
            details=_(
                "Since 30 June 2026 AgentCore invokes only runtimes that require the microVM metadata service "
                "v2 (session tokens, like IMDSv2)."
            ),
            evidence=evidence,
            facts=facts,
        )
    return passed(_("metadataConfiguration.requireMMDSV2 is true"), evidence=evidence, facts=facts)
