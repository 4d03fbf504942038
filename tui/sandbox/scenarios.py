"""Named demo scenarios: which faults the sandbox seeds into AWS, the MCP server, the token and the project.

``expect`` maps check id → expected status (``pass``/``warn``/``fail``/``error``/``skip``)
for a doctor run against the scenario. It grows as checks land; the scenario tests
assert every entry, and ``healthy`` must always come out all-pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.i18n import N_
from tui.sandbox.aws import AWS_FAULTS
from tui.sandbox.mcp_server import MCP_FAULTS
from tui.sandbox.project import PROJECT_DEFECTS

CLOSED_RESOURCE_LINES = (
    '{"severityText": "ERROR", "body": "Error in message router", "attributes": {"exception.type": "ClosedResourceError", '
    '"code.file.path": "/usr/local/lib/python3.10/site-packages/mcp/server/streamable_http.py", '
    '"code.function.name": "message_router"}}',
    "anyio.ClosedResourceError",
)
CRASH_LINES = (
    "Traceback (most recent call last):",
    '  File "/app/mcp_server.py", line 1, in <module>',
    "    from mcp.server.fastmcp import FastMCP",
    "ModuleNotFoundError: No module named 'mcp.server.fastmcp'",
)


@dataclass(frozen=True)
class Scenario:
    """One demo scenario: the faults to seed, and what the checks should find."""

    name: str
    title: str
    description: str
    """English, marked ``N_()``: ``--list`` and the banner show them through ``_()``."""
    aws_faults: frozenset[str] = frozenset()
    stateless: bool = True
    json_response: bool = False
    server_faults: frozenset[str] = frozenset()
    token_kind: str = "valid"
    project_defects: frozenset[str] = frozenset()
    extra_log_lines: tuple[str, ...] = ()
    """Extra lines for the runtime log group (what the container would have logged)."""
    expect: dict[str, str] = field(default_factory=dict)
    """Check id → expected status in a doctor run; empty until the checks exist."""

    def __post_init__(self) -> None:
        # A typo in a fault name would silently seed the healthy state.
        for label, names, known in (
            ("AWS fault", self.aws_faults, AWS_FAULTS),
            ("server fault", self.server_faults, MCP_FAULTS),
            ("project defect", self.project_defects, PROJECT_DEFECTS),
        ):
            unknown = set(names) - known
            if unknown:
                raise ValueError(f"scenario {self.name}: unknown {label}(s) {sorted(unknown)}")

    @property
    def faults(self) -> list[str]:
        """Every seeded fault, labelled by where it lives (for ``--list`` and the banner)."""
        out = [f"aws:{f}" for f in sorted(self.aws_faults)]
        out += [f"server:{f}" for f in sorted(self.server_faults)]
        if not self.stateless:
            out.append("server:stateful")
        if self.token_kind != "valid":
            out.append(f"token:{self.token_kind}")
        out += [f"project:{d}" for d in sorted(self.project_defects)]
        return out


_ALL = [
    Scenario(
        name="healthy",
        title=N_("Everything right"),
        description=N_(
            "The sample deployed correctly: role with logs grants, both log groups, Transaction Search "
            "on (policy + CloudWatchLogs/ACTIVE), stateless MCP server behind the JWT front door, mcp 2.x project."
        ),
    ),
    Scenario(
        name="seed-guide",
        title=N_("The troubleshooting guide's faults at once"),
        description=N_(
            "What a user following the guide ends up with: no logs permissions for the execution role, "
            "the OTEL log group missing, trace segments still going to X-Ray with no resource policy for aws/spans, "
            "streams dropped mid-response (ClosedResourceError in the logs), and a project with FastMCP on unpinned "
            "mcp, the bogus @mcp.middleware, stateful mode and no OTEL distro."
        ),
        aws_faults=frozenset(
            {"logs-permission-missing", "otel-log-group-missing", "trace-destination-xray", "resource-policy-missing"}
        ),
        server_faults=frozenset({"drop-mid-stream"}),
        project_defects=frozenset({"fastmcp-import", "middleware-decorator", "stateful", "no-otel-distro"}),
        extra_log_lines=CLOSED_RESOURCE_LINES,
        expect={
            "iam.role.logs": "fail",
            "logs.group.otel": "fail",
            "logs.policy.xray": "fail",
            "xray.destination": "fail",
            "project.mcp_version": "fail",
            "project.server_api": "fail",
            "project.stateless": "warn",
            "project.otel_distro": "fail",
            "endpoint.stream": "fail",
            "endpoint.tools": "pass",
        },
    ),
    Scenario(
        name="logs-permissions",
        title=N_("Execution role cannot write its logs"),
        description=N_(
            "The role's logs statements name /aws/bedrock/agentcore/* instead of "
            "/aws/bedrock-agentcore/runtimes/*, and an explicit Deny on logs:PutLogEvents overrides the rest."
        ),
        aws_faults=frozenset({"logs-permission-wrong-prefix", "logs-deny-putlogevents"}),
        expect={
            "iam.role.logs": "fail",
            "logs.errors.recent": "warn",
            "xray.destination": "pass",
            "logs.group.runtime": "pass",
        },
    ),
    Scenario(
        name="missing-log-group",
        title=N_("Log groups missing"),
        description=N_(
            "Neither the runtime log group /aws/bedrock-agentcore/runtimes/<id>-DEFAULT nor the OTEL "
            "log group agents/mcp-server-logs exists."
        ),
        aws_faults=frozenset({"runtime-log-group-missing", "otel-log-group-missing"}),
        expect={"logs.group.runtime": "fail", "logs.group.otel": "fail", "iam.role.logs": "pass"},
    ),
    Scenario(
        name="trace-destination",
        title=N_("Transaction Search off"),
        description=N_("The trace segment destination is still XRay (ACTIVE = off); OTLP trace exports fail with 400."),
        aws_faults=frozenset({"trace-destination-xray"}),
        expect={"xray.destination": "fail", "logs.policy.xray": "pass", "iam.role.logs": "pass"},
    ),
    Scenario(
        name="resource-policy",
        title=N_("Logs resource policy names /aws/spans"),
        description=N_(
            "The policy for X-Ray names /aws/spans (leading slash), so switching the trace destination "
            "to CloudWatchLogs fails with AccessDenied and it stays on XRay."
        ),
        aws_faults=frozenset({"resource-policy-slash", "trace-destination-xray"}),
        expect={"logs.policy.xray": "fail", "xray.destination": "fail"},
    ),
    Scenario(
        name="boundary",
        title=N_("A permissions boundary blocks metrics and logs"),
        description=N_(
            "The execution role grants logs and metrics inline, but its permissions boundary "
            "agentcore-runtime-boundary allows everything except cloudwatch:* and logs:*: the grants do nothing, "
            "and adding another grant would not help either."
        ),
        aws_faults=frozenset({"permissions-boundary"}),
        expect={
            "iam.role.logs": "fail",
            "iam.role.metrics": "fail",
            "iam.role.xray": "pass",
            "iam.role.trust": "pass",
            "logs.errors.recent": "warn",
        },
    ),
    Scenario(
        name="headers",
        title=N_("Host header rejected (421)"),
        description=N_(
            "The server keeps the SDK's default DNS-rebinding protection, so requests forwarded by the "
            "runtime get 421 Invalid Host header; the project carries the guide's bogus @mcp.middleware header fix."
        ),
        server_faults=frozenset({"host-protection"}),
        project_defects=frozenset({"middleware-decorator"}),
        expect={"endpoint.initialize": "fail", "project.server_api": "fail", "endpoint.auth": "pass"},
    ),
    Scenario(
        name="session-stream",
        title=N_("Streams dropped mid-response"),
        description=N_(
            "tools/call responses are cut mid-stream (ClosedResourceError in the runtime logs); the "
            "project about to be redeployed switched to stateless_http=False as the guide suggests."
        ),
        server_faults=frozenset({"drop-mid-stream"}),
        project_defects=frozenset({"stateful"}),
        extra_log_lines=CLOSED_RESOURCE_LINES,
        expect={
            "project.stateless": "warn",
            "logs.errors.recent": "pass",  # ClosedResourceError alone is known noise (noise: true)
            "endpoint.stream": "fail",
            "endpoint.tools": "pass",
        },
    ),
    Scenario(
        name="auth-token",
        title=N_("Expired bearer token"),
        description=N_(
            "The Cognito access token in the token file expired an hour ago; the runtime answers 401 "
            "Token has expired (clients show 'unhandled errors in a TaskGroup')."
        ),
        token_kind="expired",
        expect={"endpoint.auth": "fail", "iam.role.logs": "pass", "xray.destination": "pass"},
    ),
    Scenario(
        name="server-crashed",
        title=N_("Server crashed on start (READY but not serving)"),
        description=N_(
            "The runtime reports READY but the container died importing mcp.server.fastmcp, so every "
            "call returns HTTP 200 with JSON-RPC error -32010 'Runtime initialization time exceeded'."
        ),
        server_faults=frozenset({"server-down"}),
        project_defects=frozenset({"fastmcp-import"}),
        extra_log_lines=CRASH_LINES,
        expect={
            "endpoint.initialize": "fail",
            "project.mcp_version": "fail",
            "logs.errors.recent": "warn",
            "endpoint.auth": "pass",
        },
    ),
]

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _ALL}
DEFAULT_SCENARIO = "seed-guide"


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name``; ``KeyError`` with the valid names otherwise."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r} (valid: {', '.join(SCENARIOS)})") from None


__all__ = ["DEFAULT_SCENARIO", "SCENARIOS", "Scenario", "get_scenario"]
