"""The AWS sandbox: X-Ray trace-destination emulation and seed() per fault, against the real moto server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.sandbox._net import SandboxError
from tui.sandbox.aws import (
    AWS_FAULTS,
    OTEL_LOG_GROUP,
    RESOURCE_POLICY_NAME,
    ROLE_NAME,
    ROLE_POLICY_NAME,
    XRAY_ACCESS_DENIED,
    AwsSandbox,
    SeedInfo,
    seed,
    spans_policy_allows_xray,
    transaction_search_policy,
)

CFG = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1})


def client(name: str) -> Any:
    """A plain boto3 client: the env set by the fixtures is all that points it at the sandbox."""
    return boto3.client(name, config=CFG)


def role_policy() -> dict[str, Any]:
    doc = client("iam").get_role_policy(RoleName=ROLE_NAME, PolicyName=ROLE_POLICY_NAME)["PolicyDocument"]
    return json.loads(doc) if isinstance(doc, str) else doc


def logs_statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    def actions(s: dict[str, Any]) -> list[str]:
        a = s["Action"]
        return [a] if isinstance(a, str) else a

    return [s for s in policy["Statement"] if any(a.startswith("logs:") for a in actions(s))]


def group_names() -> set[str]:
    return {g["logGroupName"] for g in client("logs").describe_log_groups()["logGroups"]}


# ------------------------------------------------------------------------------------------- X-Ray


def test_fresh_account_trace_destination_is_xray_active(
    seeded_aws: Callable[..., SeedInfo], aws_sandbox: AwsSandbox
) -> None:
    aws_sandbox.reset()
    got = client("xray").get_trace_segment_destination()
    assert (got["Destination"], got["Status"]) == ("XRay", "ACTIVE")


def test_update_goes_pending_then_active(seeded_aws: Callable[..., SeedInfo], aws_sandbox: AwsSandbox) -> None:
    seeded_aws({"trace-destination-xray"})
    xray = client("xray")
    assert xray.get_trace_segment_destination()["Destination"] == "XRay"
    updated = xray.update_trace_segment_destination(Destination="CloudWatchLogs")
    assert (updated["Destination"], updated["Status"]) == ("CloudWatchLogs", "PENDING")
    assert xray.get_trace_segment_destination()["Status"] == "PENDING"
    aws_sandbox.xray.settle()  # the 10-15 minutes are over
    got = xray.get_trace_segment_destination()
    assert (got["Destination"], got["Status"]) == ("CloudWatchLogs", "ACTIVE")
    # Same destination again: no new PENDING period.
    assert xray.update_trace_segment_destination(Destination="CloudWatchLogs")["Status"] == "ACTIVE"


def test_pending_period_ends_on_its_own(seeded_aws: Callable[..., SeedInfo], aws_sandbox: AwsSandbox) -> None:
    """The timer itself: with a zero period the switch reads ACTIVE at once (no sleep races a short period)."""
    seeded_aws({"trace-destination-xray"})
    aws_sandbox.xray_pending_seconds = 0.0
    xray = client("xray")
    assert xray.update_trace_segment_destination(Destination="CloudWatchLogs")["Status"] == "ACTIVE"
    got = xray.get_trace_segment_destination()
    assert (got["Destination"], got["Status"]) == ("CloudWatchLogs", "ACTIVE")


def test_update_to_cloudwatch_denied_without_spans_policy(seeded_aws: Callable[..., SeedInfo]) -> None:
    seeded_aws({"trace-destination-xray", "resource-policy-missing"})
    with pytest.raises(ClientError) as exc:
        client("xray").update_trace_segment_destination(Destination="CloudWatchLogs")
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert exc.value.response["Error"]["Message"] == XRAY_ACCESS_DENIED
    assert client("xray").get_trace_segment_destination()["Destination"] == "XRay"


def test_slash_policy_denied_until_fixed(seeded_aws: Callable[..., SeedInfo]) -> None:
    info = seeded_aws({"trace-destination-xray", "resource-policy-slash"})
    xray, logs = client("xray"), client("logs")
    with pytest.raises(ClientError, match="aws/spans"):
        xray.update_trace_segment_destination(Destination="CloudWatchLogs")
    # The fix a check would offer: put the right policy. The emulation reads moto's logs backend.
    logs.put_resource_policy(
        policyName=RESOURCE_POLICY_NAME,
        policyDocument=json.dumps(transaction_search_policy(info.account_id, info.region)),
    )
    assert xray.update_trace_segment_destination(Destination="CloudWatchLogs")["Status"] == "PENDING"


def test_update_back_to_xray_allowed_and_invalid_destination_rejected(
    seeded_aws: Callable[..., SeedInfo], aws_call_recorder: Any
) -> None:
    aws_call_recorder.allow("Destination: 'S3' is not one of the model's values")  # sent on purpose
    seeded_aws({"resource-policy-missing"})
    xray = client("xray")
    assert xray.update_trace_segment_destination(Destination="XRay")["Destination"] == "XRay"
    with pytest.raises(ClientError) as exc:
        xray.update_trace_segment_destination(Destination="S3")
    assert exc.value.response["Error"]["Code"] == "InvalidRequestException"


def test_moto_reset_also_resets_xray(seeded_aws: Callable[..., SeedInfo], aws_sandbox: AwsSandbox) -> None:
    seeded_aws()
    assert client("xray").get_trace_segment_destination()["Destination"] == "CloudWatchLogs"
    aws_sandbox.reset()
    assert client("xray").get_trace_segment_destination()["Destination"] == "XRay"
    assert client("iam").list_roles()["Roles"] == []


@pytest.mark.parametrize(
    ("resource", "allowed"),
    [
        ("arn:aws:logs:us-east-1:123456789012:log-group:aws/spans:*", True),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/spans:*", False),
        ("*", True),
        ("arn:aws:logs:us-east-1:999999999999:log-group:aws/spans:*", False),
    ],
)
def test_spans_policy_judged_by_content(resource: str, allowed: bool) -> None:
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "xray.amazonaws.com"},
                "Action": "logs:PutLogEvents",
                "Resource": resource,
            }
        ]
    }
    assert spans_policy_allows_xray([json.dumps(doc)], "123456789012", "us-east-1") is allowed


# ------------------------------------------------------------------------------------------- seed


def test_healthy_seed_state(seeded_aws: Callable[..., SeedInfo]) -> None:
    info = seeded_aws()
    iam = client("iam")
    role = iam.get_role(RoleName=ROLE_NAME)["Role"]
    assert role["Arn"] == info.role_arn
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    stmt = trust["Statement"][0]
    assert stmt["Sid"] == "AssumeRolePolicy" and stmt["Principal"] == {"Service": "bedrock-agentcore.amazonaws.com"}
    assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": info.account_id}
    assert iam.list_role_policies(RoleName=ROLE_NAME)["PolicyNames"] == [ROLE_POLICY_NAME]
    policy = role_policy()
    sids = {s.get("Sid") for s in policy["Statement"]}
    assert {
        "BedrockPermissions",
        "ECRImageAccess",
        "ECRTokenAccess",
        "GetAgentAccessToken",
        "OtelLogGroupAccess",
    } <= sids
    resources = json.dumps(logs_statements(policy))
    assert "/aws/bedrock-agentcore/runtimes/*:log-stream:*" in resources and OTEL_LOG_GROUP in resources
    assert not any(s["Effect"] == "Deny" for s in policy["Statement"])

    control = client("bedrock-agentcore-control")
    runtime = control.get_agent_runtime(agentRuntimeId=info.runtime_id)
    assert (
        runtime["agentRuntimeArn"]
        == info.runtime_arn
        == (f"arn:aws:bedrock-agentcore:{info.region}:{info.account_id}:runtime/{info.runtime_id}")
    )
    assert info.runtime_id.startswith("mcp_server-") and len(info.runtime_id) == len("mcp_server-") + 10
    assert runtime["status"] == "READY" and "failureReason" not in runtime
    assert runtime["protocolConfiguration"] == {"serverProtocol": "MCP"}
    assert runtime["roleArn"] == info.role_arn
    jwt = runtime["authorizerConfiguration"]["customJWTAuthorizer"]
    assert jwt["discoveryUrl"].endswith("/.well-known/openid-configuration") and jwt["allowedClients"]
    assert (
        "x-aws-log-group=agents/mcp-server-logs" in runtime["environmentVariables"]["OTEL_EXPORTER_OTLP_LOGS_HEADERS"]
    )
    endpoint = control.get_agent_runtime_endpoint(agentRuntimeId=info.runtime_id, endpointName="DEFAULT")
    assert endpoint["status"] == "READY"
    assert [r["agentRuntimeName"] for r in control.list_agent_runtimes()["agentRuntimes"]] == ["mcp_server"]

    logs = client("logs")
    assert {info.runtime_log_group, OTEL_LOG_GROUP} <= group_names()
    assert info.runtime_log_group == f"/aws/bedrock-agentcore/runtimes/{info.runtime_id}-DEFAULT"
    streams = {s["logStreamName"] for s in logs.describe_log_streams(logGroupName=info.runtime_log_group)["logStreams"]}
    assert "otel-rt-logs" in streams and any("[runtime-logs]" in s for s in streams)
    messages = [e["message"] for e in logs.filter_log_events(logGroupName=info.runtime_log_group)["events"]]
    assert any("Uvicorn running" in m for m in messages)
    assert not any("not authorized" in m or "Failed to export" in m for m in messages)
    policies = logs.describe_resource_policies()["resourcePolicies"]
    assert [p["policyName"] for p in policies] == [RESOURCE_POLICY_NAME]
    assert spans_policy_allows_xray([p["policyDocument"] for p in policies], info.account_id, info.region)
    got = client("xray").get_trace_segment_destination()
    assert (got["Destination"], got["Status"]) == ("CloudWatchLogs", "ACTIVE")


def _runtime_messages(info: SeedInfo) -> str:
    return "\n".join(
        e["message"] for e in client("logs").filter_log_events(logGroupName=info.runtime_log_group)["events"]
    )


def _check_logs_missing(info: SeedInfo) -> None:
    assert logs_statements(role_policy()) == []
    assert "is not authorized to perform: logs:PutLogEvents" in _runtime_messages(info)


def _check_wrong_prefix(info: SeedInfo) -> None:
    text = json.dumps(logs_statements(role_policy()))
    assert "/aws/bedrock/agentcore/*" in text and "/aws/bedrock-agentcore/runtimes/" not in text


def _check_deny(info: SeedInfo) -> None:
    denies = [s for s in role_policy()["Statement"] if s["Effect"] == "Deny"]
    assert denies == [{"Sid": "DenyLogWrites", "Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"}]


def _check_runtime_group_missing(info: SeedInfo) -> None:
    assert info.runtime_log_group not in group_names() and OTEL_LOG_GROUP in group_names()


def _check_otel_group_missing(info: SeedInfo) -> None:
    assert OTEL_LOG_GROUP not in group_names() and info.runtime_log_group in group_names()
    assert "The specified log group does not exist" in _runtime_messages(info)


def _check_policy_missing(info: SeedInfo) -> None:
    assert client("logs").describe_resource_policies()["resourcePolicies"] == []


def _check_policy_slash(info: SeedInfo) -> None:
    (policy,) = client("logs").describe_resource_policies()["resourcePolicies"]
    assert ":log-group:/aws/spans:*" in policy["policyDocument"]
    assert not spans_policy_allows_xray([policy["policyDocument"]], info.account_id, info.region)


def _check_xray(info: SeedInfo) -> None:
    got = client("xray").get_trace_segment_destination()
    assert (got["Destination"], got["Status"]) == ("XRay", "ACTIVE")
    assert "Trace Segment Destination" in _runtime_messages(info)


def _check_pending(info: SeedInfo) -> None:
    got = client("xray").get_trace_segment_destination()
    assert (got["Destination"], got["Status"]) == ("CloudWatchLogs", "PENDING")


def _check_update_failed(info: SeedInfo) -> None:
    control = client("bedrock-agentcore-control")
    runtime = control.get_agent_runtime(agentRuntimeId=info.runtime_id)
    assert runtime["status"] == "UPDATE_FAILED" and "mcp.server.fastmcp" in runtime["failureReason"]
    endpoint = control.get_agent_runtime_endpoint(agentRuntimeId=info.runtime_id, endpointName="DEFAULT")
    assert endpoint["status"] == "UPDATE_FAILED" and endpoint["failureReason"]


def _check_trust(info: SeedInfo) -> None:
    trust = client("iam").get_role(RoleName=ROLE_NAME)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"Service": "bedrock.amazonaws.com"}


def _check_boundary(info: SeedInfo) -> None:
    from tui.sandbox.aws import BOUNDARY_POLICY_NAME

    iam = client("iam")
    boundary = iam.get_role(RoleName=ROLE_NAME)["Role"]["PermissionsBoundary"]
    assert boundary["PermissionsBoundaryArn"].endswith(f":policy/{BOUNDARY_POLICY_NAME}")
    assert boundary["PermissionsBoundaryType"] == "PermissionsBoundaryPolicy"
    assert "logs:PutLogEvents" in json.dumps(role_policy())  # the grants are there; the boundary caps them
    assert "because no permissions boundary allows the logs:PutLogEvents action" in _runtime_messages(info)


FAULT_CHECKS: dict[str, Callable[[SeedInfo], None]] = {
    "permissions-boundary": _check_boundary,
    "logs-permission-missing": _check_logs_missing,
    "logs-permission-wrong-prefix": _check_wrong_prefix,
    "logs-deny-putlogevents": _check_deny,
    "runtime-log-group-missing": _check_runtime_group_missing,
    "otel-log-group-missing": _check_otel_group_missing,
    "resource-policy-missing": _check_policy_missing,
    "resource-policy-slash": _check_policy_slash,
    "trace-destination-xray": _check_xray,
    "trace-destination-pending": _check_pending,
    "runtime-update-failed": _check_update_failed,
    "trust-policy-wrong": _check_trust,
}


def test_every_fault_has_a_test() -> None:
    assert set(FAULT_CHECKS) == AWS_FAULTS


@pytest.mark.parametrize("fault", sorted(AWS_FAULTS))
def test_seed_fault(fault: str, seeded_aws: Callable[..., SeedInfo]) -> None:
    info = seeded_aws({fault})
    FAULT_CHECKS[fault](info)
    # Everything else stays healthy: the runtime exists in the real ARN format.
    assert (
        client("bedrock-agentcore-control").get_agent_runtime(agentRuntimeId=info.runtime_id)["agentRuntimeArn"]
        == info.runtime_arn
    )


def test_seed_unknown_fault_rejected(aws_sandbox: AwsSandbox) -> None:
    assert aws_sandbox.url
    with pytest.raises(ValueError, match="unknown AWS fault"):
        seed(aws_sandbox.url, frozenset({"no-such-fault"}))


@pytest.mark.parametrize(
    "url",
    [
        "https://iam.amazonaws.com",
        "https://logs.us-east-1.amazonaws.com",
        "http://10.0.0.5:5000",
        "http://127.0.0.1.nip.io:5000",
    ],
)
def test_seed_refuses_non_local_endpoint(url: str) -> None:
    with pytest.raises(SandboxError, match="refusing"):
        seed(url)


def test_seed_refuses_before_any_network_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusal happens before boto3 is even asked for a session."""

    def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("boto3 used")

    monkeypatch.setattr(boto3.session, "Session", boom)
    with pytest.raises(SandboxError):
        seed("https://bedrock-agentcore-control.us-east-1.amazonaws.com")


def test_aws_sandbox_lifecycle_leaves_no_port() -> None:
    import socket

    with AwsSandbox() as aws:
        assert aws.url and aws.url.startswith("http://127.0.0.1:")
        port = int(aws.url.rsplit(":", 1)[1])
        client_ = boto3.client(
            "sts",
            endpoint_url=aws.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="y",
            config=CFG,
        )
        assert client_.get_caller_identity()["Account"] == "123456789012"
        client_.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_the_dispatcher_answers_as_moto_does_and_remembers_a_bounded_number_of_hosts() -> None:
    """The sandbox remembers which moto backend serves a host name (moto looks it up afresh, 0.6 ms a request);
    it must give moto's own answer, for unknown and odd host names too, and keep no more than its bound."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from tui.sandbox import aws

    moto = DomainDispatcherApplication(create_backend_app)
    ours = aws._moto_dispatcher()
    hosts = [
        None,
        "moto_api",
        "iam",
        "logs.us-east-1.amazonaws.com",
        "bedrock-agentcore-control.eu-west-1.amazonaws.com",
        "sts.amazonaws.com",
        "no-such-service.us-east-1.amazonaws.com",
        "",
    ]
    for _ in range(2):  # the second round answers from what was remembered
        assert [ours.get_backend_for_host(h) for h in hosts] == [moto.get_backend_for_host(h) for h in hosts]
    for i in range(aws.HOSTS_REMEMBERED + 50):
        assert ours.get_backend_for_host(f"logs.r{i}.amazonaws.com") == "logs"
    assert len(ours._backend_of) == aws.HOSTS_REMEMBERED
