"""Session factory, read-only guard and the error translator."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from botocore.exceptions import ClientError, NoCredentialsError
from botocore.stub import Stubber

import tui.aws.session as session
from tui.aws.errors import describe
from tui.checks.base import CheckContext
from tui.context import Context, build_context
from tui.engine.runner import Planned, run_one
from tui.registry import CheckSpec, NoParams
from tui.results import Severity, Status, passed


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def test_client_uses_endpoint_region_and_short_timeouts(aws_sandbox):
    client = session.read_only_client(build_context(region="eu-west-1"), "logs")
    assert client.meta.endpoint_url == aws_sandbox.url
    assert client.meta.region_name == "eu-west-1"
    cfg = client.meta.config
    assert cfg.connect_timeout == 3.0 and cfg.read_timeout == 10.0
    assert cfg.retries["mode"] == "standard"


def test_region_falls_back_to_the_runtime_arn(monkeypatch, tmp_path):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    ctx = Context(runtime="arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/mcp_server-AbCdEfGhIj")
    assert session.read_only_client(ctx, "logs").meta.region_name == "ap-northeast-1"
    with pytest.raises(session.NoRegion, match="--region"):
        session.read_only_client(Context(runtime="mcp_server"), "logs")


def test_changed_endpoint_is_not_served_from_a_stale_session(aws_sandbox, monkeypatch):
    ctx = build_context()
    assert session.read_only_client(ctx, "sts").meta.endpoint_url == aws_sandbox.url
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert session.read_only_client(ctx, "sts").meta.endpoint_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("operation", "is_read"),
    [
        ("GetRole", True),
        ("ListAgentRuntimes", True),
        ("FilterLogEvents", True),
        ("SimulatePrincipalPolicy", True),
        ("PutRolePolicy", False),
        ("CreateLogGroup", False),
        ("UpdateTraceSegmentDestination", False),
        ("DeleteRolePolicy", False),
        ("GetSecretValue", False),
        ("GetWorkloadAccessTokenForJWT", False),
        ("GetAuthorizationToken", False),
        ("InvokeAgentRuntime", False),
    ],
)
def test_what_counts_as_a_read(operation, is_read):
    assert session.is_read_operation(operation) is is_read


def test_guard_refuses_a_write_before_it_is_sent(seeded_aws):
    info = seeded_aws({"otel-log-group-missing"})
    logs = session.read_only_client(build_context(), "logs")
    with pytest.raises(session.ReadOnlyViolation, match="logs:CreateLogGroup is not a read"):
        logs.create_log_group(logGroupName=info.otel_log_group)
    groups = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="agents/")["logGroups"]]
    assert groups == []  # nothing reached the server


def test_guard_blocks_a_write_during_the_check_phase(seeded_aws):
    """A (buggy) check that tries to write: the runner reports an error, and the role is unchanged."""
    info = seeded_aws()

    def sneaky(ctx: CheckContext, params: Any):
        ctx.aws("iam").put_role_policy(
            RoleName=info.role_name, PolicyName="sneaky", PolicyDocument='{"Version":"2012-10-17","Statement":[]}'
        )
        return passed("wrote it")

    from tui.aws.errors import aws_errors

    spec = CheckSpec(id="test.sneaky", title="sneaky", severity=Severity.LOW, params=NoParams, func=aws_errors(sneaky))
    ctx = CheckContext(context=build_context())
    result = asyncio.run(run_one(Planned("test.sneaky", spec, NoParams()), ctx, 10.0))
    assert result.status is Status.ERROR
    assert "read-only guard" in result.summary and "iam:PutRolePolicy" in result.summary
    import boto3

    names = boto3.client("iam").list_role_policies(RoleName=info.role_name)["PolicyNames"]
    assert names == ["AgentCorePolicy"]


def _client_error(code: str, operation: str, status: int = 400, message: str = "") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, operation
    )


@pytest.mark.parametrize(
    ("exc", "service", "kind", "words"),
    [
        (NoCredentialsError(), None, "no-credentials", ["no AWS credentials", "aws sso login"]),
        (
            _client_error(
                "ExpiredToken", "GetCallerIdentity", 403, "The security token included in the request is expired"
            ),
            "sts",
            "expired",
            ["expired", "refresh"],
        ),
        (
            _client_error("ExpiredTokenException", "ListAgentRuntimes", 403),
            "bedrock-agentcore-control",
            "expired",
            ["expired"],
        ),
        (
            _client_error(
                "AccessDeniedException",
                "DescribeResourcePolicies",
                400,
                "User: arn:aws:sts::1:assumed-role/dev is not authorized",
            ),
            "logs",
            "access-denied",
            ["logs:DescribeResourcePolicies", "agentcore-triage's own", "docs/permissions.md"],
        ),
        (
            _client_error("AccessDeniedException", "ListAgentRuntimes", 403),
            "bedrock-agentcore-control",
            "access-denied",
            ["bedrock-agentcore:ListAgentRuntimes"],
        ),
        (
            _client_error("ThrottlingException", "FilterLogEvents", 400, "Rate exceeded"),
            "logs",
            "throttled",
            ["throttled", "logs:FilterLogEvents", "after retries"],
        ),
        (
            _client_error("404", "GetTraceSegmentDestination", 404, "<html>Not Found</html>"),
            "xray",
            "unsupported",
            ["does not support", "xray:GetTraceSegmentDestination"],
        ),
        (
            _client_error("UnknownOperationException", "GetTraceSegmentDestination", 400),
            "xray",
            "unsupported",
            ["does not support"],
        ),
        (
            _client_error("InvalidClientTokenId", "GetCallerIdentity", 403),
            "sts",
            "bad-credentials",
            ["rejected the credentials"],
        ),
    ],
)
def test_translator_gives_actionable_causes(exc, service, kind, words):
    problem = describe(exc, service=service)
    assert problem is not None and problem.kind == kind
    for word in words:
        assert word in problem.summary
    assert "\n" not in problem.summary
    assert problem.result().status is Status.ERROR


def test_translator_ignores_non_aws_errors():
    assert describe(ValueError("x")) is None


def test_access_denied_in_a_check_names_the_tools_missing_permission(seeded_aws, monkeypatch):
    """Stubbed AccessDenied on a read: the check ends as error naming logs:DescribeResourcePolicies."""
    from tui.checks.aws.logs import SpansPolicyParams, spans_policy

    info = seeded_aws()
    real = session._client
    session.reset_sessions()  # a fresh client, stubbed for this test only
    monkeypatch.setattr(session, "_clients", {})

    def denying(context: Any, service: str, timeout: float, *, read_only: bool) -> Any:
        client = real(context, service, timeout, read_only=read_only)
        if service == "logs":
            stub = Stubber(client)
            stub.add_client_error("describe_resource_policies", "AccessDeniedException", "not authorized", 400)
            stub.activate()
        return client

    monkeypatch.setattr(session, "_client", denying)
    ctx = CheckContext(context=build_context())
    result = spans_policy(ctx, SpansPolicyParams(region=info.region, account=info.account_id))
    assert result.status is Status.ERROR
    assert (
        "logs:DescribeResourcePolicies" in result.summary and "agentcore-triage's own AWS principal" in result.summary
    )
    assert result.evidence["missing_permission"] == "logs:DescribeResourcePolicies"


def test_no_credentials_is_one_line_not_a_traceback(aws_sandbox, monkeypatch, tmp_path):
    from tui.checks.aws.identity import IdentityParams, identity

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in (
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    session.reset_sessions()
    result = identity(CheckContext(context=build_context()), IdentityParams())
    assert result.status is Status.ERROR
    assert result.summary.startswith("no AWS credentials")


def test_unsupported_operation_is_an_error_result_not_a_crash(monkeypatch, tmp_path):
    """A plain moto server (no X-Ray emulation) answers 404 for GetTraceSegmentDestination."""
    from moto.server import ThreadedMotoServer

    from tui.checks.aws.xray import DestinationParams, destination

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        _host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        result = destination(CheckContext(context=build_context()), DestinationParams(region="us-east-1"))
    finally:
        server.stop()
    assert result.status is Status.ERROR
    assert "does not support xray:GetTraceSegmentDestination" in result.summary


def test_unknown_profile_is_an_actionable_error(aws_sandbox):
    from tui.checks.aws.identity import IdentityParams, identity

    result = identity(
        CheckContext(context=Context(profile="no-such-profile-xyz", region="us-east-1")), IdentityParams()
    )
    assert result.status is Status.ERROR
    assert "AWS profile not found: 'no-such-profile-xyz'" in result.summary


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{}", "application/json"),  # parses: an empty answer, "no runtimes" unless checked
        (b'{"message": "welcome to the proxy"}', "application/json"),
        (b"<html><body>Sign in to the Wi-Fi</body></html>", "text/html"),
    ],
)
def test_a_garbage_200_is_an_error_never_a_no_runtime_finding(monkeypatch, aws_call_recorder, body, content_type):
    """Issue 12: an endpoint answering 200 with something that is not AWS's answer proves nothing."""
    aws_call_recorder.allow("agentRuntimes: required member missing")  # the garbage, on purpose
    import http.server
    import threading

    from tui.checks.aws.runtime import DiscoverParams, discover

    class Garbage(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        result = discover(CheckContext(context=build_context()), DiscoverParams(runtime="mcp_server"))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert result.status is Status.ERROR, (result.status, result.summary)
    assert "the endpoint did not answer like AWS" in result.summary


def test_one_client_per_service_and_region_per_run(aws_sandbox):
    """Issue 17 §1: checks share a client per service/region; read-only and writable ones never mix."""
    session.reset_sessions()
    ctx = build_context()
    a = session.read_only_client(ctx, "logs")
    assert session.read_only_client(ctx, "logs") is a
    assert session.read_only_client(ctx.model_copy(update={"region": "eu-west-1"}), "logs") is not a
    w = session.writable_client(ctx, "logs")
    assert w is not a and session.writable_client(ctx, "logs") is w
    with pytest.raises(session.ReadOnlyViolation):
        a.create_log_group(logGroupName="x")  # the shared read-only client keeps its guard
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        clients = set(pool.map(lambda _: id(session.read_only_client(ctx, "xray")), range(32)))
    assert len(clients) == 1
    session.reset_sessions()
    assert session.read_only_client(ctx, "logs") is not a
