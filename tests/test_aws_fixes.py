"""AWS fixes against the sandbox: exact plans, `doctor --fix all`, idempotence, undo, prerequisites."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.context import build_context
from tui.engine.doctor import fix_all, run_doctor
from tui.engine.fixing import FixError, apply_plan, plan_fix, undo_record
from tui.fixes import audit
from tui.playbook.loader import load_playbook
from tui.sandbox.scenarios import get_scenario

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
)

GUIDE_FAULTS = get_scenario("seed-guide").aws_faults


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def snapshot(info: Any) -> dict[str, Any]:
    """Everything the AWS fixes could touch, read straight from the sandbox."""
    iam, logs, xray = boto3.client("iam"), boto3.client("logs"), boto3.client("xray")
    inline = {
        name: iam.get_role_policy(RoleName=info.role_name, PolicyName=name)["PolicyDocument"]
        for name in iam.list_role_policies(RoleName=info.role_name)["PolicyNames"]
    }
    return {
        "inline": inline,
        "attached": iam.list_attached_role_policies(RoleName=info.role_name)["AttachedPolicies"],
        "trust": iam.get_role(RoleName=info.role_name)["Role"]["AssumeRolePolicyDocument"],
        "log_groups": sorted(g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]),
        "resource_policies": {
            p["policyName"]: json.loads(p["policyDocument"])
            for p in logs.describe_resource_policies()["resourcePolicies"]
        },
        "xray": xray.get_trace_segment_destination()["Destination"],
    }


def settle_xray(aws_sandbox: Any) -> dict[str, str]:
    """The switch is done (AWS: 10-15 min later): the sandbox ends its PENDING period on request, not on a timer."""
    aws_sandbox.xray.settle()
    got = boto3.client("xray").get_trace_segment_destination()
    return {"Destination": got["Destination"], "Status": got["Status"]}


def doctor_cli(info: Any, *extra: str) -> tuple[int, dict[str, Any]]:
    only = [a for c in AWS_CHECKS for a in ("--only", c)]
    result = CliRunner().invoke(main, ["doctor", "--runtime", info.runtime_arn, "--format", "json", *only, *extra])
    assert result.stdout.strip().startswith("{"), result.output
    return result.exit_code, json.loads(result.stdout)


def aws_findings(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for f in report["findings"]:
        out.setdefault(f["check"], f)
    return out


# Slow (justified): four doctor runs and four undos against moto: idempotence and undo need the whole cycle.
@pytest.mark.slow
def test_fix_all_on_the_guides_faults_then_rerun_idempotence_and_undo(seeded_aws, aws_sandbox):
    info = seeded_aws(GUIDE_FAULTS)
    before = snapshot(info)
    sample_statements = before["inline"]["AgentCorePolicy"]["Statement"]

    code, report = doctor_cli(info)
    assert code == 1
    failing = {c for c, f in aws_findings(report).items() if f["status"] == "fail"}
    assert failing == {"iam.role.logs", "logs.group.otel", "logs.policy.xray", "xray.destination"}

    code, report = doctor_cli(info, "--fix", "all", "--yes")
    applied = [r.fix for r in audit.records() if r.outcome == "applied"]
    assert sorted(applied) == ["iam.role_policy", "logs.create_group", "logs.xray_resource_policy", "xray.destination"]
    assert applied.index("logs.xray_resource_policy") < applied.index("xray.destination")
    assert settle_xray(aws_sandbox) == {"Destination": "CloudWatchLogs", "Status": "ACTIVE"}

    # re-run: every AWS check passes
    code, report = doctor_cli(info)
    statuses = {c: (f["status"], f["summary"]) for c, f in aws_findings(report).items()}
    assert {c: s for c, (s, _) in statuses.items() if s != "pass"} == {}, statuses
    assert code == 0

    after = snapshot(info)
    # every statement the role had before is still there, untouched; the fix added one named policy
    assert after["inline"]["AgentCorePolicy"] == before["inline"]["AgentCorePolicy"]
    for stmt in sample_statements:
        assert stmt in after["inline"]["AgentCorePolicy"]["Statement"]
    assert set(after["inline"]) == {"AgentCorePolicy", "agentcore-triage-logs"}
    added = after["inline"]["agentcore-triage-logs"]["Statement"]
    granted = {(a, s["Resource"]) for s in added for a in s["Action"]}
    otel = f"arn:aws:logs:{info.region}:{info.account_id}:log-group:{info.otel_log_group}:log-stream:*"
    group = f"arn:aws:logs:{info.region}:{info.account_id}:log-group:{info.runtime_log_group}"
    assert granted == {  # exact group ARNs (streams of those groups only), nothing else
        ("logs:CreateLogGroup", group),
        ("logs:DescribeLogStreams", group),
        ("logs:CreateLogStream", f"{group}:log-stream:*"),
        ("logs:PutLogEvents", f"{group}:log-stream:*"),
        ("logs:CreateLogStream", otel),
        ("logs:PutLogEvents", otel),
    }
    assert after["attached"] == before["attached"] and after["trust"] == before["trust"]
    assert info.otel_log_group in after["log_groups"]
    spans = after["resource_policies"]["TransactionSearchXRayAccess"]["Statement"][0]
    assert spans["Condition"] == {
        "ArnLike": {"aws:SourceArn": f"arn:aws:xray:{info.region}:{info.account_id}:*"},
        "StringEquals": {"aws:SourceAccount": info.account_id},
    }
    assert f"arn:aws:logs:{info.region}:{info.account_id}:log-group:aws/spans:*" in spans["Resource"]

    # a second --fix all changes nothing
    records_before = len(audit.records())
    code, report = doctor_cli(info, "--fix", "all", "--yes")
    assert code == 0
    assert len(audit.records()) == records_before
    assert snapshot(info) == after

    # undo (latest first, until nothing is left) restores the before-state
    undone = 0
    while True:
        result = CliRunner().invoke(main, ["undo", "--yes"])
        if result.exit_code != 0:
            assert "nothing to undo" in result.output
            break
        undone += 1
    assert undone == 4
    settle_xray(aws_sandbox)
    assert snapshot(info) == before


def test_create_group_refuses_reserved_aws_names(seeded_aws):
    seeded_aws()
    with pytest.raises(FixError, match=r"reserved aws/ namespace.*X-Ray creates aws/spans"):
        plan_fix("logs.create_group", {"log_group": "aws/spans"}, build_context(), {})


def test_create_group_plan_is_exact_and_noop_when_present(seeded_aws):
    info = seeded_aws({"runtime-log-group-missing"})
    plan = plan_fix(
        "logs.create_group", {"log_group": info.runtime_log_group, "region": info.region}, build_context(), {}
    )
    assert [a.model_dump(include={"service", "operation", "params"}) for a in plan.actions] == [
        {"service": "logs", "operation": "create_log_group", "params": {"logGroupName": info.runtime_log_group}}
    ]
    assert plan.undo[0].operation == "delete_log_group" and "logs:CreateLogGroup" in plan.permissions
    apply_plan(plan, build_context())
    again = plan_fix("logs.create_group", {"log_group": info.runtime_log_group}, build_context(), {})
    assert again.noop and "already exists" in again.summary


def test_role_policy_merges_into_its_own_policy_and_undo_restores_it(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    iam = boto3.client("iam")
    mine = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "KeepMe", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"}],
    }
    iam.put_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs", PolicyDocument=json.dumps(mine))
    params = {
        "role_arn": info.role_arn,
        "scope": "logs",
        "region": info.region,
        "account": info.account_id,
        "log_groups": [info.runtime_log_group, info.otel_log_group],
    }
    plan = plan_fix("iam.role_policy", params, build_context(), {})
    assert plan.before["document"] == mine
    [call] = plan.actions
    assert call.operation == "put_role_policy" and call.params["PolicyName"] == "agentcore-triage-logs"
    new = json.loads(call.params["PolicyDocument"])
    assert new["Statement"][0] == mine["Statement"][0]  # kept, first, unchanged
    resources = {s["Resource"] for s in new["Statement"][1:]}
    group = f"arn:aws:logs:{info.region}:{info.account_id}:log-group:{info.runtime_log_group}"
    assert resources == {
        group,
        f"{group}:log-stream:*",
        f"arn:aws:logs:{info.region}:{info.account_id}:log-group:{info.otel_log_group}:log-stream:*",
    }
    assert not any("*" in r.split(":log-group:")[1].replace(":log-stream:*", "") for r in resources)
    assert json.loads(plan.undo[0].params["PolicyDocument"]) == mine
    record = apply_plan(plan, build_context())
    assert record.outcome == "applied"
    assert plan_fix("iam.role_policy", params, build_context(), {}).noop
    undo_record(None, build_context())
    assert iam.get_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs")["PolicyDocument"] == mine
    assert iam.get_role_policy(RoleName=info.role_name, PolicyName="AgentCorePolicy")["PolicyDocument"]["Statement"]


def test_role_policy_refuses_to_fight_an_explicit_deny(seeded_aws):
    info = seeded_aws({"logs-deny-putlogevents"})
    params = {
        "role_arn": info.role_arn,
        "scope": "logs",
        "region": info.region,
        "account": info.account_id,
        "log_groups": [info.runtime_log_group],
    }
    with pytest.raises(FixError, match=r"DenyLogWrites.*cannot override an explicit Deny"):
        plan_fix("iam.role_policy", params, build_context(), {})


def test_destination_fix_requires_the_resource_policy_first(seeded_aws):
    info = seeded_aws({"resource-policy-missing", "trace-destination-xray"})
    params = {"region": info.region, "account": info.account_id}
    plan = plan_fix("xray.destination", params, build_context(), {})
    assert plan.prerequisites == ["logs.xray_resource_policy"]
    assert plan.actions[0].params == {"Destination": "CloudWatchLogs"} and plan.undo[0].params == {
        "Destination": "XRay"
    }
    # applied alone, AWS refuses it (the sandbox answers like AWS)
    record = apply_plan(plan, build_context())
    assert record.outcome == "failed" and "PutLogEvents on the aws/spans" in (record.error or "")


def test_fix_all_applies_the_prerequisite_before_the_destination(seeded_aws):
    """Only the destination check runs, so only the prerequisite mechanism can bring the policy in."""
    info = seeded_aws({"resource-policy-missing", "trace-destination-xray"})
    pb = load_playbook(PLAYBOOK).playbook
    ctx = build_context(runtime=info.runtime_arn, inputs={"log_window_minutes": 60})

    async def go():
        run = await run_doctor(pb, ctx, only=("runtime.discover", "xray.destination"))
        seen = []
        outcomes = await fix_all(run, confirm=lambda title, preview: seen.append(title) or True)
        return run, seen, outcomes

    _run, seen, outcomes = asyncio.run(go())
    assert [o.id for o in outcomes] == ["logs.xray_resource_policy", "xray.destination"]
    assert all(o.applied for o in outcomes)
    assert "needed first by xray.destination" in seen[0]
    assert [r.fix for r in audit.records()] == ["logs.xray_resource_policy", "xray.destination"]
    assert boto3.client("xray").get_trace_segment_destination()["Destination"] == "CloudWatchLogs"


def test_spans_policy_fix_replaces_the_slash_statement_and_keeps_others(seeded_aws):
    info = seeded_aws({"resource-policy-slash"})
    logs = boto3.client("logs")
    doc = json.loads(logs.describe_resource_policies()["resourcePolicies"][0]["policyDocument"])
    doc["Statement"].append(
        {
            "Sid": "Other",
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": "logs:PutLogEvents",
            "Resource": "*",
        }
    )
    logs.put_resource_policy(policyName="TransactionSearchXRayAccess", policyDocument=json.dumps(doc))
    plan = plan_fix(
        "logs.xray_resource_policy", {"region": info.region, "account": info.account_id}, build_context(), {}
    )
    new = json.loads(plan.actions[0].params["policyDocument"])
    sids = [s["Sid"] for s in new["Statement"]]
    assert sorted(sids) == ["Other", "TransactionSearchXRayAccess"]
    assert "/aws/spans" not in json.dumps(new)
    apply_plan(plan, build_context())
    assert plan_fix(
        "logs.xray_resource_policy", {"region": info.region, "account": info.account_id}, build_context(), {}
    ).noop
    undo_record(None, build_context())
    restored = json.loads(logs.describe_resource_policies()["resourcePolicies"][0]["policyDocument"])
    assert restored == doc


def test_audit_line_has_principal_request_before_and_outcome(seeded_aws):
    info = seeded_aws({"otel-log-group-missing"})
    plan = plan_fix("logs.create_group", {"log_group": info.otel_log_group, "region": info.region}, build_context(), {})
    apply_plan(plan, build_context(), node="aws-logs")
    [rec] = audit.records()
    assert rec.fix == "logs.create_group" and rec.outcome == "applied" and rec.node == "aws-logs"
    assert rec.principal.startswith("arn:aws:")
    assert rec.request[0]["params"] == {"logGroupName": info.otel_log_group}
    assert rec.before == {"log_group": info.otel_log_group, "exists": False}
    assert rec.undo[0].operation == "delete_log_group"


# ---------------------------------------------------------------------------- issue 18 §3-§5


def test_transaction_search_fix_declares_what_aws_documents():
    """§3: enabling Transaction Search needs more than the X-Ray call (CloudWatch user guide prerequisites)."""
    from pathlib import Path

    from tui.registry import load_all

    declared = " ".join(load_all().fixes["xray.destination"].permissions)
    doc = Path("docs/permissions.md").read_text(encoding="utf-8")
    for action in (
        "xray:UpdateTraceSegmentDestination",
        "application-signals:StartDiscovery",
        "iam:CreateServiceLinkedRole",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutRetentionPolicy",
    ):
        assert action in declared, action
        assert action in doc, action
    assert "aws/spans" in declared


def test_undo_soon_after_the_destination_fix_says_wait_until_active(seeded_aws, aws_sandbox):
    """§3: AWS refuses updates while PENDING; the sandbox does too, and undo says what to do instead of failing."""
    aws_sandbox.xray_pending_seconds = 900.0  # it stays PENDING for this test, as on AWS for minutes
    info = seeded_aws({"trace-destination-xray"})
    params = {"region": info.region, "account": info.account_id}
    assert apply_plan(plan_fix("xray.destination", params, build_context(), {}), build_context()).outcome == "applied"
    assert boto3.client("xray").get_trace_segment_destination()["Status"] == "PENDING"
    record, _ = undo_record(None, build_context())
    assert record.outcome == "failed"
    assert "wait until ACTIVE (usually minutes)" in (record.error or ""), record.error
    # planning the fix again while it switches says the same, before anything is sent
    aws_sandbox.xray.set(info.account_id, info.region, "XRay", "PENDING", 900.0)
    with pytest.raises(FixError, match=r"wait until ACTIVE \(usually minutes\)"):
        plan_fix("xray.destination", params, build_context(), {})


def _logs_params(info: Any) -> dict[str, Any]:
    return {
        "role_arn": info.role_arn,
        "scope": "logs",
        "region": info.region,
        "account": info.account_id,
        "log_groups": [info.runtime_log_group, info.otel_log_group],
    }


def test_role_policy_plan_counts_every_inline_policy_of_the_role(seeded_aws):
    """§4: IAM's 10,240 characters are for all inline policies of a role together, checked at plan time."""
    info = seeded_aws({"logs-permission-missing"})
    filler = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": f"Filler{i}",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::bucket-{i:04d}/*",
            }
            for i in range(110)
        ],
    }
    iam = boto3.client("iam")
    iam.put_role_policy(RoleName=info.role_name, PolicyName="Filler", PolicyDocument=json.dumps(filler))
    with pytest.raises(FixError, match=r"inline policies would total \d+ characters.*10240-character quota"):
        plan_fix("iam.role_policy", _logs_params(info), build_context(), {})
    assert "agentcore-triage-logs" not in iam.list_role_policies(RoleName=info.role_name)["PolicyNames"]


def test_spans_policy_plan_refuses_above_the_logs_policy_limit(seeded_aws):
    """§4: one logs resource policy holds at most 5,120 characters; the merge says so at plan time."""
    info = seeded_aws({"resource-policy-missing"})
    logs = boto3.client("logs")
    doc: dict[str, Any] = {"Version": "2012-10-17", "Statement": []}
    doc["Statement"] += [
        {
            "Sid": f"Delivery{i}",
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": "logs:PutLogEvents",
            "Resource": f"arn:aws:logs:{info.region}:{info.account_id}:log-group:/vendedlogs/app-{i:03d}:*",
        }
        for i in range(24)
    ]
    text = json.dumps(doc, separators=(",", ":"))
    assert 4700 < len(text) <= 5120, len(text)
    logs.put_resource_policy(policyName="TransactionSearchXRayAccess", policyDocument=text)
    with pytest.raises(FixError, match=r"5120-character limit"):
        plan_fix("logs.xray_resource_policy", {"region": info.region, "account": info.account_id}, build_context(), {})


def test_a_policy_on_the_spans_group_itself_is_seen(seeded_aws):
    """§5: DescribeResourcePolicies defaults to the account scope; the group's own policy is read too."""
    from tui.sandbox.aws import transaction_search_policy

    info = seeded_aws({"resource-policy-missing", "trace-destination-xray"})
    group = f"arn:aws:logs:{info.region}:{info.account_id}:log-group:aws/spans"
    boto3.client("logs").put_resource_policy(
        policyName="SpansGroupPolicy",
        policyDocument=json.dumps(transaction_search_policy(info.account_id, info.region)),
        resourceArn=group,
    )
    assert boto3.client("logs").describe_resource_policies()["resourcePolicies"] == []  # account scope: nothing
    found = aws_findings(doctor_cli(info)[1])
    assert found["logs.policy.xray"]["status"] == "pass", found["logs.policy.xray"]["summary"]
    assert "SpansGroupPolicy" in found["logs.policy.xray"]["summary"]
    plan = plan_fix("xray.destination", {"region": info.region, "account": info.account_id}, build_context(), {})
    assert plan.prerequisites == []  # no account-scoped policy is put on top of it


def test_principal_aws_star_is_uncertain_not_denied(seeded_aws):
    """§5: whether {"AWS": "*"} covers xray.amazonaws.com depends on the service: warn, do not fail."""
    from tui.sandbox.aws import transaction_search_policy

    info = seeded_aws({"resource-policy-missing"})
    doc = transaction_search_policy(info.account_id, info.region)
    doc["Statement"][0]["Principal"] = {"AWS": "*"}
    boto3.client("logs").put_resource_policy(policyName="OpenSpans", policyDocument=json.dumps(doc))
    found = aws_findings(doctor_cli(info)[1])
    f = found["logs.policy.xray"]
    assert f["status"] == "warn", f["summary"]
    assert "OpenSpans" in f["summary"]


def test_boundary_fix_is_its_own_previewed_change_and_undo_restores_the_version(seeded_aws):
    """§1: where the caller may edit the boundary, the change is a separate, exact, undoable plan."""
    from tui.sandbox.aws import BOUNDARY_POLICY_NAME

    info = seeded_aws({"permissions-boundary"})
    params = {
        "role_arn": info.role_arn,
        "region": info.region,
        "account": info.account_id,
        "log_groups": [info.runtime_log_group, info.otel_log_group],
    }
    plan = plan_fix("iam.boundary_policy", params, build_context(), {})
    [call] = plan.actions
    assert call.operation == "create_policy_version" and call.params["SetAsDefault"] is True
    assert call.params["PolicyArn"].endswith(f":policy/{BOUNDARY_POLICY_NAME}")
    doc = json.loads(call.params["PolicyDocument"])
    assert doc["Statement"][0]["Sid"] == "NoTelemetryWrites"  # the guard rail itself stays
    added = {a for s in doc["Statement"][1:] for a in s["Action"]}
    assert "cloudwatch:PutMetricData" in added and "logs:PutLogEvents" in added
    assert all(s["Resource"] != "*" or s["Action"] == ["cloudwatch:PutMetricData"] for s in doc["Statement"][1:])
    assert any("Could not verify" in n for n in plan.notes)  # moto has no simulator to ask about the caller
    assert plan.undo[0].operation == "set_default_policy_version" and plan.undo[0].params["VersionId"] == "v1"
    assert apply_plan(plan, build_context()).outcome == "applied"
    found = aws_findings(doctor_cli(info)[1])
    assert found["iam.role.metrics"]["status"] == "pass" and found["iam.role.logs"]["status"] == "pass"
    assert plan_fix("iam.boundary_policy", params, build_context(), {}).noop
    undone, _ = undo_record(None, build_context())
    assert undone.outcome == "undone", undone.error
    found = aws_findings(doctor_cli(info)[1])
    assert found["iam.role.metrics"]["status"] == "fail" and found["iam.role.metrics"]["fix"] is None


def test_boundary_fix_refuses_an_aws_managed_boundary(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    iam = boto3.client("iam")
    arn = iam.create_policy(
        PolicyName="ReadOnlyAccessLike",
        Path="/",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=info.role_name, PermissionsBoundary=arn)
    # moto cannot hold an AWS managed boundary of ours; the rule is on the ARN's account field
    from tui.aws.policy_eval import PolicyDoc
    from tui.aws.roles import RolePolicies, boundary_owner_hint

    role = RolePolicies(
        info.role_name,
        info.role_arn,
        [],
        [PolicyDoc("ReadOnlyAccess", {}, "boundary", "arn:aws:iam::aws:policy/ReadOnlyAccess")],
        [],
        {},
    )
    assert "AWS managed policy, which nobody can edit" in boundary_owner_hint(role)
