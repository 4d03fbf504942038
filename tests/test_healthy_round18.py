"""Round 18: healthy set-ups users really run must come out green; a false alarm costs trust as much as a miss.

Endpoint side: real ``mcp`` 2.x ``MCPServer`` apps under uvicorn (``healthy_round18_support``), every endpoint
check at once:

* the server mounted under a path prefix in a bigger Starlette app, ``/api/v1/mcp`` (python-sdk README, "Mounting
  to an existing ASGI server", with the lifespan running the session manager: python-sdk #1467 / #1669), stateful
  with JSON replies, so the ``Mcp-Session-Id`` is issued and required;
* DNS-rebinding protection ON with the right ``allowed_hosts`` / ``allowed_origins`` (``TransportSecuritySettings``,
  stateful SSE);
* 200 tools, each with a ~1.8 KB description (an OpenAPI bridge's tool set), stateless JSON;
* prompts and a resource, no tool (tools are optional in MCP; round 14 did resources only).

AWS side (moto through ``seeded_aws``, every AWS check of the playbook at once, as ``tests/test_aws_checks.py``):

* a SigV4 runtime (no JWT authorizer): AgentCore's default inbound auth;
* the invocation through a custom endpoint (``prod``) that is READY on the latest version;
* the execution role's permissions in customer-managed policies instead of one inline policy
  (AgentCore "IAM Permissions for AgentCore Runtime": the same statements, attached however the user likes);
* the role's statements carrying conditions that hold (``aws:ResourceAccount``, ``aws:RequestedRegion``);
* the runtime's and OTEL log groups with a retention policy;
* VPC network mode, private subnets without internet, and the interface/gateway endpoints AgentCore's VPC guide
  lists.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from healthy_round18_support import many_tools_app, prefixed_app, prompts_only_app, protected_app, serving
from sandbox_fixtures import on_the_vpc_worker
from test_aws_checks import AWS_CHECKS, by_check, doctor
from test_endpoint_harness import ENDPOINT_CHECKS, bounded_probes, describe, make_context, run_all  # noqa: F401

from tui.endpoint.probe import ProbeResult, add_probe_listener
from tui.results import CheckResult, Status
from tui.sandbox.aws import ROLE_POLICY_NAME, role_policy
from tui.sandbox.aws_variants import ENDPOINTS_WITHOUT_INTERNET, add_runtime_endpoint, build_vpc, reconfigure_runtime
from tui.sandbox.mcp_server import SAMPLE_TOOLS


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def seen() -> Any:
    probes: list[ProbeResult] = []
    remove = add_probe_listener(probes.append)
    yield probes
    remove()


def not_green(results: dict[str, CheckResult]) -> dict[str, str]:
    return {k: f"{r.status.value}: {r.summary}" for k, r in results.items() if r.status is not Status.PASS}


# ------------------------------------------------------------------------------------------- endpoint side


async def test_a_server_mounted_under_a_path_prefix_is_green(seen: list[ProbeResult]) -> None:
    with serving(prefixed_app("/api/v1"), "/api/v1/mcp") as url:
        results = await run_all(make_context(url))
    assert not_green(results) == {}, describe(results)
    assert results["endpoint.tools"].facts["endpoint.tools"] == list(SAMPLE_TOOLS)
    assert results["endpoint.session"].facts["endpoint.mode"] == "stateful"
    # the server really is stateful behind the prefix: it issued a session id
    assert any(p.headers.get("mcp-session-id") for p in seen if p.label == "initialize"), [p.line() for p in seen]


@pytest.mark.parametrize("stateless", [False, True], ids=["stateful-sse", "stateless-sse"])
async def test_host_protection_with_the_right_allowed_hosts_is_green(stateless: bool, seen: list[ProbeResult]) -> None:
    with serving(protected_app(stateless=stateless)) as url:
        results = await run_all(make_context(url))
    # The one true warning: reached on loopback, the server refuses any other Host (endpoint.headers' own probe with
    # ``Host: mcp.example.com``), which is what AgentCore or a proxy would send. Nothing else may complain.
    assert set(not_green(results)) == {"endpoint.headers"}, describe(results)
    assert results["endpoint.headers"].status is Status.WARN and "421" in results["endpoint.headers"].summary
    refused = [p.label for p in seen if p.status in (421, 403)]
    assert refused and all("foreign" in label for label in refused), refused  # only our deliberate foreign probes


async def test_two_hundred_tools_with_long_descriptions_are_green(seen: list[ProbeResult]) -> None:
    with serving(many_tools_app(200)) as url:
        results = await run_all(make_context(url))
    assert not_green(results) == {}, describe(results)
    tools = results["endpoint.tools"]
    assert tools.facts["endpoint.tool_count"] == 200, tools.summary
    listed = next(p for p in seen if p.label.startswith("tools/list") and p.ok)
    assert listed.body.count("Look up one record") > 200 * 12 or "characters)" in listed.body  # it is large


async def test_prompts_and_resources_without_tools_are_green() -> None:
    with serving(prompts_only_app()) as url:
        results = await run_all(make_context(url))
    assert not_green(results) == {}, describe(results)
    assert results["endpoint.tools"].summary.startswith("no tools listed;"), results["endpoint.tools"].summary


# ------------------------------------------------------------------------------------------------ AWS side


def aws_not_green(run: Any, allowed: dict[str, Status] | None = None) -> dict[str, str]:
    found = by_check(run)
    assert set(found) == set(AWS_CHECKS)
    allowed = allowed or {}
    return {
        c: f"{f.status.value}: {f.summary}" for c, f in found.items() if f.status is not allowed.get(c, Status.PASS)
    }


def test_a_sigv4_runtime_is_green(seeded_aws) -> None:
    info = seeded_aws()
    reconfigure_runtime(info, authorizer=None)
    assert aws_not_green(doctor(info.runtime_arn), {"runtime.authorizer": Status.SKIP}) == {}


def test_a_ready_custom_endpoint_is_green(seeded_aws) -> None:
    info = seeded_aws()
    add_runtime_endpoint(info, "prod")
    # AgentCore writes an endpoint's logs to /aws/bedrock-agentcore/runtimes/<id>-<endpoint>: the prod endpoint,
    # invoked, has its own group with the same streams
    logs = boto3.client("logs")
    prod_group = info.runtime_log_group.replace("-DEFAULT", "-prod")
    assert prod_group != info.runtime_log_group
    logs.create_log_group(logGroupName=prod_group)
    for stream in logs.describe_log_streams(logGroupName=info.runtime_log_group)["logStreams"]:
        logs.create_log_stream(logGroupName=prod_group, logStreamName=stream["logStreamName"])
    assert aws_not_green(doctor(info.runtime_arn, qualifier="prod")) == {}


def _split_into_managed_policies(info: Any) -> None:
    """The inline AgentCorePolicy becomes three customer-managed policies (logs, X-Ray, the rest), attached."""
    iam = boto3.client("iam")
    statements = role_policy(info.account_id, info.region)["Statement"]
    xray = [s for s in statements if any(str(a).startswith("xray:") for a in _actions(s))]
    logs = [s for s in statements if all(str(a).startswith("logs:") for a in _actions(s))]
    rest = [s for s in statements if s not in xray and s not in logs]
    iam.delete_role_policy(RoleName=info.role_name, PolicyName=ROLE_POLICY_NAME)
    for name, part in (("AgentCoreRuntimeLogs", logs), ("AgentCoreRuntimeXRay", xray), ("AgentCoreRuntimeBase", rest)):
        arn = iam.create_policy(
            PolicyName=name, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": part})
        )["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=info.role_name, PolicyArn=arn)


def _actions(statement: dict[str, Any]) -> list[Any]:
    action = statement.get("Action", [])
    return action if isinstance(action, list) else [action]


def test_an_execution_role_with_managed_policies_is_green(seeded_aws) -> None:
    info = seeded_aws()
    _split_into_managed_policies(info)
    attached = boto3.client("iam").list_attached_role_policies(RoleName=info.role_name)["AttachedPolicies"]
    assert len(attached) == 3 and not boto3.client("iam").list_role_policies(RoleName=info.role_name)["PolicyNames"]
    assert aws_not_green(doctor(info.runtime_arn)) == {}


def test_an_execution_role_whose_conditions_hold_is_green(seeded_aws) -> None:
    info = seeded_aws()
    document = role_policy(info.account_id, info.region)
    for statement in document["Statement"]:
        if any(str(a).startswith(("logs:", "ecr:BatchGet")) for a in _actions(statement)):
            statement.setdefault("Condition", {})["StringEquals"] = {"aws:ResourceAccount": info.account_id}
        elif any(str(a).startswith("xray:") for a in _actions(statement)):
            statement["Condition"] = {"StringEquals": {"aws:RequestedRegion": info.region}}
    boto3.client("iam").put_role_policy(
        RoleName=info.role_name, PolicyName=ROLE_POLICY_NAME, PolicyDocument=json.dumps(document)
    )
    assert aws_not_green(doctor(info.runtime_arn)) == {}


def test_log_groups_with_retention_are_green(seeded_aws) -> None:
    info = seeded_aws()
    logs = boto3.client("logs")
    for group in (info.runtime_log_group, info.otel_log_group):
        logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    assert logs.describe_log_groups(logGroupNamePrefix=info.runtime_log_group)["logGroups"][0]["retentionInDays"] == 30
    assert aws_not_green(doctor(info.runtime_arn)) == {}


@on_the_vpc_worker
def test_vpc_mode_with_the_endpoints_it_needs_is_green(seeded_aws) -> None:
    info = seeded_aws()
    reconfigure_runtime(info, network=build_vpc(info, egress="none", endpoints=ENDPOINTS_WITHOUT_INTERNET))
    assert aws_not_green(doctor(info.runtime_arn)) == {}


def test_a_condition_naming_another_account_still_fails(seeded_aws) -> None:
    """The fault next to the healthy conditions: the same data-perimeter condition with another account's id denies
    the runtime its log writes, and is named, not passed (the keys are now evaluated, not guessed)."""
    info = seeded_aws()
    document = role_policy(info.account_id, info.region)
    for statement in document["Statement"]:
        if any(str(a).startswith("logs:") for a in _actions(statement)):
            statement["Condition"] = {"StringEquals": {"aws:ResourceAccount": "210987654321"}}
    boto3.client("iam").put_role_policy(
        RoleName=info.role_name, PolicyName=ROLE_POLICY_NAME, PolicyDocument=json.dumps(document)
    )
    found = by_check(doctor(info.runtime_arn))
    assert found["iam.role.logs"].status is Status.FAIL, found["iam.role.logs"].summary
    assert "may not logs:" in found["iam.role.logs"].summary
