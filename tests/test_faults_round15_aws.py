"""Round 15's AWS-side single faults, each injected into the healthy sandbox (real moto state through boto3).

Each test asserts the verdict: the check meant for the fault names its cause, and no other check is reported
broken (or green when it could not run).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from test_aws_checks import by_check, doctor
from test_aws_enforcement import principal  # noqa: F401 - the fixture, used by name

from tui.registry import load_all
from tui.results import Status


def not_passing(found: dict[str, Any], *skip: str) -> dict[str, tuple[str, str]]:
    return {c: (f.status.value, f.summary) for c, f in found.items() if c not in skip and f.status is not Status.PASS}


# ---------------------------------------------------------------------------- 1. the role's trust policy


def _trust(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _allow(service: str | list[str], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return stmt


TRUST_FAULTS = {
    "ecs-tasks only": (
        lambda info: [_allow("ecs-tasks.amazonaws.com")],
        ["does not trust bedrock-agentcore.amazonaws.com", "ecs-tasks.amazonaws.com"],
    ),
    "lambda and ecs-tasks": (
        lambda info: [_allow(["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"])],
        ["does not trust bedrock-agentcore.amazonaws.com", "ecs-tasks.amazonaws.com, lambda.amazonaws.com"],
    ),
    "SourceAccount of another account": (
        lambda info: [
            _allow("bedrock-agentcore.amazonaws.com", {"StringEquals": {"aws:SourceAccount": "210987654321"}})
        ],
        [
            "names bedrock-agentcore.amazonaws.com, but its condition excludes this runtime",
            'aws:SourceAccount StringEquals "210987654321" (this runtime: {account})',
        ],
    ),
    "SourceArn of another region": (
        lambda info: [
            _allow(
                "bedrock-agentcore.amazonaws.com",
                {
                    "StringEquals": {"aws:SourceAccount": info.account_id},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock-agentcore:eu-west-1:{info.account_id}:*"},
                },
            )
        ],
        [
            "names bedrock-agentcore.amazonaws.com, but its condition excludes this runtime",
            'aws:SourceArn ArnLike "arn:aws:bedrock-agentcore:eu-west-1:{account}:*" (this runtime: {arn})',
        ],
    ),
}


@pytest.mark.parametrize("fault", sorted(TRUST_FAULTS))
def test_a_trust_policy_agentcore_cannot_use_fails_trust_alone(seeded_aws, fault):
    make, words = TRUST_FAULTS[fault]
    info = seeded_aws()
    boto3.client("iam").update_assume_role_policy(RoleName=info.role_name, PolicyDocument=_trust(make(info)))
    found = by_check(doctor(info.runtime_arn))
    f = found["iam.role.trust"]
    assert f.status is Status.FAIL, (f.status, f.summary)
    for word in words:
        assert word.format(account=info.account_id, arn=info.runtime_arn) in f.summary, f.summary
    assert "\n" not in f.summary and f.remediation
    assert not_passing(found, "iam.role.trust") == {}


# ---------------------------------------------------------------------------- 2. the caller may not read


def _policy_without(action: str) -> dict[str, Any]:
    policy = load_all().read_policy()
    for stmt in policy["Statement"]:
        stmt["Action"] = [a for a in stmt["Action"] if a != action]
    policy["Statement"] = [stmt for stmt in policy["Statement"] if stmt["Action"]]
    return policy


def test_no_get_agent_runtime_is_an_error_naming_it_and_nothing_about_the_runtime(seeded_aws, principal):  # noqa: F811
    info = seeded_aws()
    with principal(_policy_without("bedrock-agentcore:GetAgentRuntime")):
        found = by_check(doctor(info.runtime_arn))
    f = found["runtime.discover"]
    assert f.status is Status.ERROR, (f.status, f.summary)
    assert "lacks bedrock-agentcore:GetAgentRuntime" in f.summary
    # everything that needs the runtime's facts could not run: not green, not failed
    assert {c for c, g in found.items() if g.status is Status.FAIL} == set()
    for check in ("runtime.status", "iam.role.trust", "iam.role.logs", "logs.group.runtime"):
        assert found[check].status in (Status.SKIP, Status.ERROR), (check, found[check].summary)


def test_no_iam_get_role_is_an_error_on_every_role_check(seeded_aws, principal):  # noqa: F811
    info = seeded_aws()
    with principal(_policy_without("iam:GetRole")):
        found = by_check(doctor(info.runtime_arn))
    role_checks = ("iam.role.trust", "iam.role.logs", "iam.role.xray", "iam.role.metrics", "iam.role.ecr")
    for check in role_checks:
        f = found[check]
        assert f.status is Status.ERROR, (check, f.status, f.summary)
        assert "lacks iam:GetRole" in f.summary, f.summary
        assert f.evidence["missing_permission"] == "iam:GetRole"
    assert not_passing(found, *role_checks) == {}


def test_no_simulator_permission_falls_back_to_local_evaluation(seeded_aws, principal):  # noqa: F811
    info = seeded_aws()
    with principal(_policy_without("iam:SimulatePrincipalPolicy")):
        found = by_check(doctor(info.runtime_arn))
    assert not_passing(found) == {}
    for check in ("iam.role.logs", "iam.role.xray", "iam.role.metrics", "iam.role.ecr"):
        assert found[check].evidence["method"] == "local evaluation"


def test_no_describe_log_groups_is_an_error_on_each_check_reading_them(seeded_aws, principal):  # noqa: F811
    info = seeded_aws()
    with principal(_policy_without("logs:DescribeLogGroups")):
        found = by_check(doctor(info.runtime_arn))
    for check in ("logs.group.runtime", "logs.group.otel", "logs.errors.recent"):
        f = found[check]
        assert f.status is Status.ERROR, (check, f.status, f.summary)
        assert "logs:DescribeLogGroups" in f.summary, (check, f.summary)
    assert not_passing(found, "logs.group.runtime", "logs.group.otel", "logs.errors.recent") == {}


def test_no_filter_log_events_names_the_logs_action_and_only_the_scan_errs(seeded_aws, principal):  # noqa: F811
    """The scan reads in worker threads; its error named the bare operation ('lacks FilterLogEvents')."""
    info = seeded_aws()
    with principal(_policy_without("logs:FilterLogEvents")):
        found = by_check(doctor(info.runtime_arn))
    f = found["logs.errors.recent"]
    assert f.status is Status.ERROR, (f.status, f.summary)
    assert "lacks logs:FilterLogEvents (AccessDenied on a read)" in f.summary, f.summary
    assert not_passing(found, "logs.errors.recent") == {}


def test_an_access_denied_met_in_a_worker_thread_names_the_iam_action(seeded_aws, principal):  # noqa: F811
    """What the logs reader does: the call fails in its worker thread, which describes the error without knowing
    the service. (The doctor run above meets this path or not depending on how the reader schedules its reads.)"""
    import threading

    from tui.aws.errors import describe
    from tui.aws.session import read_only_client
    from tui.context import build_context

    info = seeded_aws()
    said: list[str] = []

    def read() -> None:
        logs = read_only_client(build_context(runtime=info.runtime_arn), "logs")
        try:
            logs.filter_log_events(logGroupName=info.runtime_log_group, limit=1)
        except Exception as exc:  # noqa: BLE001 - what the reader catches
            problem = describe(exc)
            said.append(problem.summary if problem else repr(exc))

    with principal(_policy_without("logs:FilterLogEvents")):
        worker = threading.Thread(target=read)
        worker.start()
        worker.join(timeout=60)
    assert said and "lacks logs:FilterLogEvents (AccessDenied on a read)" in said[0], said
