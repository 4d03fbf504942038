"""AWS checks against the sandbox's moto server: each seeded fault is caught by exactly the check meant for it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.playbook.loader import load_playbook
from tui.registry import load_all
from tui.results import Status

PLAYBOOK = "playbooks/agentcore-mcp.yaml"
AWS_CHECKS = (
    "aws.identity",
    "runtime.discover",
    "aws.region",
    "runtime.status",
    "iam.role.trust",
    "iam.role.logs",
    "iam.role.xray",
    "iam.role.metrics",
    "iam.role.ecr",
    "logs.group.runtime",
    "logs.group.otel",
    "logs.policy.xray",
    "xray.destination",
    "logs.errors.recent",
    "runtime.env",
    "runtime.authorizer",
    "runtime.network",
)


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def doctor(runtime: str, **ctx: Any):
    pb = load_playbook(PLAYBOOK).playbook
    context = build_context(runtime=runtime, inputs={"log_window_minutes": 60}, **ctx)
    return asyncio.run(run_doctor(pb, context, only=AWS_CHECKS))


def by_check(run) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in run.findings:
        out.setdefault(f.check, f)
    return out


def test_healthy_sample_passes_every_aws_check(seeded_aws):
    info = seeded_aws()
    found = by_check(doctor(info.runtime_arn))
    assert set(found) == set(AWS_CHECKS)
    bad = {c: (f.status.value, f.summary) for c, f in found.items() if f.status is not Status.PASS}
    assert bad == {}
    assert "local evaluation" in found["iam.role.logs"].summary  # moto has no SimulatePrincipalPolicy
    assert found["iam.role.logs"].evidence["method"] == "local evaluation"


# fault -> (the check that must fail, words its one-line summary must contain, fix offered, the node the logs lead to)
FAULTS = {
    "logs-permission-missing": (
        "iam.role.logs",
        ["may not", "logs:", "no statement allows it"],
        "iam.role_policy",
        "aws-role-logs",
    ),
    "logs-permission-wrong-prefix": (
        "iam.role.logs",
        ["/aws/bedrock/agentcore/*", "wrong prefix"],
        "iam.role_policy",
        "aws-role-logs",
    ),
    "logs-deny-putlogevents": (
        "iam.role.logs",
        ["logs:PutLogEvents", "denied by", "DenyLogWrites"],
        "iam.role_policy",
        "aws-role-logs",
    ),
    "runtime-log-group-missing": ("logs.group.runtime", ["does not exist"], "logs.create_group", None),
    "otel-log-group-missing": (
        "logs.group.otel",
        ["agents/mcp-server-logs", "does not exist"],
        "logs.create_group",
        "aws-otel-group-missing",
    ),
    "resource-policy-missing": (
        "logs.policy.xray",
        ["no logs resource policy", "aws/spans"],
        "logs.xray_resource_policy",
        "aws-transaction-search-off",
    ),
    "resource-policy-slash": (
        "logs.policy.xray",
        ["/aws/spans", "leading slash"],
        "logs.xray_resource_policy",
        "aws-transaction-search-off",
    ),
    "trace-destination-xray": (
        "xray.destination",
        ["Transaction Search is off", "XRay", "ACTIVE"],
        "xray.destination",
        "aws-transaction-search-off",
    ),
    "runtime-update-failed": ("runtime.status", ["UPDATE_FAILED", "mcp.server.fastmcp"], None, "project-mcp-2x"),
    "trust-policy-wrong": (
        "iam.role.trust",
        ["does not trust bedrock-agentcore.amazonaws.com", "bedrock.amazonaws.com"],
        None,
        None,
    ),
}


# Slow (justified): one doctor run of every AWS check per seeded fault (fresh moto state each), the fault matrix.
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_fails_exactly_its_check(seeded_aws, fault):
    check_id, words, fix, log_node = FAULTS[fault]
    info = seeded_aws({fault})
    found = by_check(doctor(info.runtime_arn))
    target = found[check_id]
    assert target.status is Status.FAIL, (target.status, target.summary)
    assert "\n" not in target.summary and len(target.summary) < 400
    for word in words:
        assert word in target.summary, target.summary
    assert target.remediation
    if fix:
        assert target.fix is not None and target.fix.id == fix
    others = {c: (f.status.value, f.summary) for c, f in found.items() if c != check_id and f.status is not Status.PASS}
    recent = others.pop("logs.errors.recent", None)
    if log_node:  # the seeded runtime log carries the guide's error line: the scan names the node that explains it
        assert recent is not None and recent[0] == "warn" and f"({log_node})" in recent[1]
    elif recent is not None:
        assert recent[0] in ("skip", "warn")
    assert others == {}


def test_pending_destination_warns(seeded_aws):
    info = seeded_aws({"trace-destination-pending"})
    found = by_check(doctor(info.runtime_arn))
    assert found["xray.destination"].status is Status.WARN
    assert "PENDING" in found["xray.destination"].summary and "10-15 min" in found["xray.destination"].summary
    assert {c for c, f in found.items() if f.status in (Status.FAIL, Status.ERROR)} == set()
    # the switch is made: the trace fix is not offered again while it settles (its plan would have nothing to do)
    assert found["xray.destination"].fix is None


@pytest.mark.parametrize("how", ["arn", "id", "name"])
def test_discover_by_arn_id_or_name_publishes_facts(seeded_aws, how):
    info = seeded_aws()
    runtime = {"arn": info.runtime_arn, "id": info.runtime_id, "name": info.runtime_name}[how]
    run = doctor(runtime)
    f = by_check(run)["runtime.discover"]
    assert f.status is Status.PASS and f.evidence["matched_by"] == how
    facts = run.facts
    assert facts["runtime.id"] == info.runtime_id
    assert facts["runtime.arn"] == info.runtime_arn
    assert facts["runtime.role_arn"] == info.role_arn and facts["runtime.role_name"] == info.role_name
    assert facts["runtime.log_group"] == info.runtime_log_group
    assert facts["runtime.otel_log_group"] == info.otel_log_group and facts["runtime.otel_log_stream"] == "default"
    assert facts["runtime.protocol"] == "MCP" and facts["runtime.auth"] == "jwt"
    assert facts["runtime.status"] == "READY" and facts["runtime.endpoint_status"] == "READY"
    assert facts["runtime.region"] == info.region and facts["runtime.account"] == info.account_id
    assert (
        facts["runtime.ecr_repository_arn"]
        == f"arn:aws:ecr:{info.region}:{info.account_id}:repository/bedrock-agentcore-mcp_server"
    )
    spec = load_all().checks["runtime.discover"]
    assert set(facts) >= set(spec.publishes) - {"logs.errors.node", "logs.errors.nodes"}


def test_unknown_runtime_fails_and_lists_what_exists(seeded_aws):
    seeded_aws()
    run = doctor("no_such_runtime")
    f = by_check(run)["runtime.discover"]
    assert f.status is Status.FAIL
    assert "no runtime 'no_such_runtime' in us-east-1" in f.summary and "mcp_server" in f.summary
    # everything that needs the runtime's facts is skipped, not failed
    assert by_check(run)["iam.role.logs"].status is Status.SKIP


def test_arn_from_another_region_says_so(seeded_aws):
    info = seeded_aws()
    arn = info.runtime_arn.replace(":us-east-1:", ":eu-west-1:")
    f = by_check(doctor(arn, region="us-east-1"))["runtime.discover"]
    assert f.status is Status.FAIL and "--region eu-west-1" in f.summary


def test_region_check_fails_when_endpoint_url_is_elsewhere(seeded_aws):
    info = seeded_aws()
    url = "https://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/x/invocations?qualifier=DEFAULT"
    f = by_check(doctor(info.runtime_arn, endpoint=url))["aws.region"]
    assert f.status is Status.FAIL
    assert "endpoint url eu-west-1" in f.summary and "runtime arn us-east-1" in f.summary


def test_recent_errors_counts_and_samples_per_node(seeded_aws):
    info = seeded_aws(
        {"logs-permission-missing", "otel-log-group-missing"},
        extra_runtime_log_lines=[
            "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlc2lnbmF0dXJl and "
            "is not authorized to perform: logs:PutLogEvents on resource: x",
        ],
    )
    run = doctor(info.runtime_arn)
    f = by_check(run)["logs.errors.recent"]
    assert f.status is Status.WARN
    matches = {m["node"]: m for m in f.evidence["matches"]}
    assert matches["aws-role-logs"]["count"] == 2 and matches["aws-otel-group-missing"]["count"] == 1
    assert "is not authorized to perform: logs:PutLogEvents" in matches["aws-role-logs"]["first"]["message"]
    last = matches["aws-role-logs"]["last"]["message"]
    assert "eyJhbGciOiJSUzI1NiJ9" not in last and "redacted" in last
    assert run.facts["logs.errors.node"] == "aws-role-logs"
    assert run.facts["logs.errors.nodes"] == ["aws-role-logs", "aws-otel-group-missing"]
    assert "eyJhbGci" not in json.dumps(run.report())


def _walk(runtime: str) -> str:
    from click.testing import CliRunner

    from tui.cli import main

    # moto has no AgentCore data plane; the invocation URL botocore builds would hit moto (AWS_ENDPOINT_URL)
    no_data_plane = {"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE": "http://127.0.0.1:9"}
    result = CliRunner().invoke(main, ["run", "--runtime", runtime, "--answer", "symptom=2"], env=no_data_plane)
    return result.output


def test_walk_through_the_guides_faults_visits_each_diagnosis_once_and_ends(seeded_aws):
    from tui.sandbox.scenarios import get_scenario

    info = seeded_aws(get_scenario("seed-guide").aws_faults)
    out = _walk(info.runtime_arn)
    assert "round in circles" not in out
    steps, _, verdict = out.partition("Found on the way:")
    for node in ("[aws-role-logs]", "[aws-otel-group-missing]", "[aws-spans-policy]", "[aws-transaction-search-off]"):
        assert steps.count(node) == 1 and verdict.count(node) == 1, node
    # the log scan leads to the node that explains the first known error; the verdict names it, then the walk
    # goes on to the endpoint branch
    assert steps.count("[aws-log-shows-role-logs]") == 1
    assert "(high) The runtime logs show: the role may not write its logs  [aws-log-shows-role-logs]" in verdict


def test_walk_on_a_healthy_sample_reaches_aws_ok(seeded_aws):
    info = seeded_aws()
    out = _walk(info.runtime_arn)
    assert "[aws-ok]" in out and "round in circles" not in out
    assert "[aws-role-logs]" not in out and "[aws-transaction-search-off]" not in out


def test_simulator_is_asked_once_per_endpoint_that_lacks_it(seeded_aws, monkeypatch):
    import tui.aws.roles as roles

    monkeypatch.setattr(roles, "_NO_SIMULATOR", {})
    monkeypatch.setattr(roles, "_SIMULATOR_OK", set())
    calls = []
    real = roles.simulate
    monkeypatch.setattr(roles, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    info = seeded_aws()
    found = by_check(doctor(info.runtime_arn))
    assert len(calls) == 1  # the first iam.role.* check learnt that moto lacks it; the others went local at once
    for check in ("iam.role.logs", "iam.role.xray", "iam.role.metrics", "iam.role.ecr"):
        assert found[check].evidence["method"] == "local evaluation"
        assert (
            "does not support" in found[check].evidence["simulator_not_used"]
            or "did not answer like AWS" in found[check].evidence["simulator_not_used"]
        )


def test_a_permissions_boundary_is_named_and_no_grant_is_offered(seeded_aws):
    """Issue 18 §1: the inline grants exist, the boundary caps them: say so, and do not offer another grant."""
    from tui.sandbox.aws import BOUNDARY_POLICY_NAME

    info = seeded_aws({"permissions-boundary"})
    run = doctor(info.runtime_arn)
    found = by_check(run)
    for check, action in (("iam.role.metrics", "cloudwatch:PutMetricData"), ("iam.role.logs", "logs:")):
        f = found[check]
        assert f.status is Status.FAIL, (check, f.summary)
        assert action in f.summary and f"permissions boundary {BOUNDARY_POLICY_NAME}" in f.summary, f.summary
        assert "no statement allows it" not in f.summary
        assert "cannot help" in f.summary
        assert f.fix is None, f"{check}: a grant cannot help, yet {f.fix.id} is offered"
        assert "iam:CreatePolicyVersion" in f.details and BOUNDARY_POLICY_NAME in f.details
        # What to do is the boundary's owner's change, not the check's usual "add an inline policy".
        assert "inline policy" not in f.remediation and "iam:CreatePolicyVersion" in f.remediation, f.remediation
        assert f.evidence["blocked_by"] == f"permissions boundary {BOUNDARY_POLICY_NAME}"
        assert "an SCP may deny: not visible from here" in f.evidence["not_evaluated"]
    assert found["iam.role.xray"].status is Status.PASS  # the boundary allows everything else
    assert run.facts["iam.role.blocked_by"] == f"permissions boundary {BOUNDARY_POLICY_NAME}"


def test_fix_all_does_not_grant_what_a_boundary_blocks(seeded_aws):
    from tui.engine.doctor import fix_all
    from tui.playbook.loader import load_playbook

    info = seeded_aws({"permissions-boundary"})
    pb = load_playbook(PLAYBOOK).playbook
    context = build_context(runtime=info.runtime_arn, inputs={"log_window_minutes": 60})
    run = asyncio.run(run_doctor(pb, context, only=AWS_CHECKS))
    asyncio.run(fix_all(run, confirm=lambda title, preview: True))
    import boto3

    names = boto3.client("iam").list_role_policies(RoleName=info.role_name)["PolicyNames"]
    assert names == ["AgentCorePolicy"]  # nothing added: another grant would change nothing


def test_walk_on_a_boundary_reaches_the_boundary_diagnosis_without_a_grant(seeded_aws):
    info = seeded_aws({"permissions-boundary"})
    out = _walk(info.runtime_arn)
    assert "[aws-role-boundary]" in out and "round in circles" not in out
    assert "[aws-role-logs]" not in out and "[aws-role-telemetry]" not in out
