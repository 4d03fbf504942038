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
