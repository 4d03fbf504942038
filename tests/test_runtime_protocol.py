"""A READY runtime that never reaches the server (wrong protocol) and image failures in failureReason,
against the sandbox's moto server, plus the AWS-branch walks that end at their diagnoses."""

from __future__ import annotations

import asyncio

import pytest

from tui.checks.aws.protocol import classify_failure
from tui.checks.base import CheckContext
from tui.cli import resolve_playbook
from tui.context import build_context
from tui.engine.walk import Walk
from tui.playbook.model import DiagnosisNode
from tui.registry import load_all
from tui.results import Status
from tui.sandbox.runtime_faults import IMAGE_FAILURES, apply_runtime_fault


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def run(check_id: str, info):  # type: ignore[no-untyped-def]
    spec = load_all().checks[check_id]
    ctx = CheckContext(context=build_context(runtime=info.runtime_arn))
    return spec.func(ctx, spec.params(runtime_id=info.runtime_id, region=info.region))


def walk_aws(info) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    walk = Walk(resolve_playbook("agentcore-mcp").playbook, build_context(runtime=info.runtime_arn))
    walk.answer("2")
    for _ in range(12):
        if isinstance(walk.node, DiagnosisNode):
            return walk.current, walk.explain()
        asyncio.run(walk.advance())
    raise AssertionError(f"no diagnosis reached; at {walk.current}")


def test_healthy_runtime_speaks_mcp_and_has_no_failure(seeded_aws) -> None:
    info = seeded_aws()
    protocol = run("runtime.protocol", info)
    assert protocol.status is Status.PASS, protocol.summary
    assert protocol.facts == {
        "runtime.server_protocol": "MCP",
        "runtime.server_port": 8000,
        "runtime.server_path": "/mcp",
    }
    assert run("runtime.failure_reason", info).status is Status.PASS


# Slow (justified): the check alone and then a whole AWS-branch walk against moto.
def test_http_protocol_runtime_fails_and_the_walk_names_it(seeded_aws) -> None:
    info = seeded_aws()
    apply_runtime_fault(info, "protocol-http")
    result = run("runtime.protocol", info)
    assert result.status is Status.FAIL
    assert "serverProtocol is HTTP" in result.summary and "8080 /invocations" in result.summary
    assert result.evidence["serverProtocol"] == "HTTP"
    node, why = walk_aws(info)
    assert node == "aws-runtime-not-mcp", why
    assert any("not deployed with the MCP protocol" in line for line in why)


@pytest.mark.parametrize(
    ("fault", "cause", "node"),
    [
        ("image-exec-format", "exec-format", "image-arch"),
        ("image-pull-denied", "base-image-pull", "image-base-pull"),
        ("image-too-many-layers", "too-many-layers", "image-layers"),
        ("image-user", "non-numeric-user", "image-user"),
    ],
)
def test_image_failure_reasons_lead_to_their_nodes(seeded_aws, fault, cause, node) -> None:
    info = seeded_aws()
    apply_runtime_fault(info, fault)
    result = run("runtime.failure_reason", info)
    assert result.status is Status.FAIL, result.summary
    assert result.facts == {"runtime.failure_cause": cause}
    assert IMAGE_FAILURES[fault][:60] in result.evidence["failure_reason"]
    assert walk_aws(info)[0] == node


def test_the_seeded_fastmcp_crash_leads_to_the_mcp_2x_node(seeded_aws) -> None:
    info = seeded_aws({"runtime-update-failed"})
    assert run("runtime.failure_reason", info).facts == {"runtime.failure_cause": "fastmcp-missing"}
    assert walk_aws(info)[0] == "project-mcp-2x"


def test_unknown_failure_reason_warns_without_claiming_a_cause() -> None:
    assert classify_failure("Runtime update failed: quota exceeded for account") is None
    assert classify_failure("x" * 100_000 + "exec format error") is None  # only the bounded head is read
    assert classify_failure('standard_init_linux.go:178: exec user process caused "exec format error"') == (
        "exec-format",
        "the image is not linux/arm64",
    )


def test_unknown_runtime_is_skipped_not_green(seeded_aws) -> None:
    info = seeded_aws()
    spec = load_all().checks["runtime.protocol"]
    ctx = CheckContext(context=build_context(runtime=info.runtime_arn))
    result = spec.func(ctx, spec.params(runtime_id="mcp_server-Nope000000", region=info.region))
    assert result.status is Status.SKIP


def test_the_installed_botocore_model_has_the_fields_the_checks_read() -> None:
    """runtime.protocol and runtime.failure_reason read these GetAgentRuntime fields; a model change must show here."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("bedrock-agentcore-control")
    output = model.operation_model("GetAgentRuntime").output_shape
    protocol = output.members["protocolConfiguration"]
    assert set(protocol.members) >= {"serverProtocol", "port", "path"}
    assert set(protocol.members["serverProtocol"].enum) >= {"MCP", "HTTP", "A2A"}
    assert "failureReason" in output.members
    assert "failureReason" in model.operation_model("GetAgentRuntimeEndpoint").output_shape.members
    assert output.members["metadataConfiguration"].members["requireMMDSV2"].type_name == "boolean"  # runtime.mmds


def test_mmds_requirement_not_in_the_answer_is_a_skip_saying_so(seeded_aws) -> None:
    """moto's GetAgentRuntime does not report metadataConfiguration (as an older service would not): unknown,
    so neither green nor red, and the walk goes on past it."""
    info = seeded_aws()
    result = run("runtime.mmds", info)
    assert result.status is Status.SKIP, result.summary
    assert "not reported by this GetAgentRuntime answer" in result.summary
    assert result.facts == {}
    assert walk_aws(info)[0] != "runtime-mmds"


@pytest.mark.parametrize(("required", "status"), [(False, Status.FAIL), (True, Status.PASS)])
def test_mmds_requirement_as_reported(seeded_aws, required, status) -> None:
    """The answers moto cannot give: the sandbox's real GetAgentRuntime answer plus the member, through a
    Stubber on the check's own read-only client (the after-call answer check still runs)."""
    from botocore.stub import Stubber

    from tui.checks.aws._common import client

    info = seeded_aws()
    spec = load_all().checks["runtime.mmds"]
    ctx = CheckContext(context=build_context(runtime=info.runtime_arn))
    control = client(ctx, "bedrock-agentcore-control", info.region)
    answer = control.get_agent_runtime(agentRuntimeId=info.runtime_id)
    answer.pop("ResponseMetadata", None)
    with Stubber(control) as stub:
        stub.add_response(
            "get_agent_runtime",
            {**answer, "metadataConfiguration": {"requireMMDSV2": required}},
            {"agentRuntimeId": info.runtime_id},
        )
        result = spec.func(ctx, spec.params(runtime_id=info.runtime_id, region=info.region))
        stub.assert_no_pending_responses()
    assert result.status is status, result.summary
    assert result.facts == {"runtime.requires_mmdsv2": required}
    if not required:
        assert "This runtime is not MMDSv2-enabled" in result.summary
