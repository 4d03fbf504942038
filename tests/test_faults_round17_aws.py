"""Round 17's AWS-side observability faults: a log group CloudWatch Logs may not encrypt (its KMS key disabled,
pending deletion, or its key policy leaving out the Logs service principal), a runtime environment that switches
OpenTelemetry off or sends it to another region, and the account's 10 logs resource policies already used when
Transaction Search needs one more. Each is injected into the healthy sandbox (real moto state through boto3);
each has a healthy variation that must stay green.

Before this round a doctor walk on each KMS and environment fault ended at "The AWS side looks healthy"
(``aws-ok``); with 10 unrelated resource policies the walk named the missing aws/spans policy and offered fix
``p``, which cannot create an 11th policy.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from test_aws_enforcement import principal  # noqa: F401 - the fixture, used by name
from test_runtime_protocol import run, walk_aws

from tui.checks.base import CheckContext
from tui.context import build_context
from tui.registry import load_all
from tui.results import Status
from tui.sandbox.aws import RESOURCE_POLICY_NAME, otel_environment
from tui.sandbox.aws_variants import encrypt_log_group, reconfigure_runtime


def shown(result: Any) -> str:
    return " ".join(
        [result.summary, result.details or "", result.remediation or "", json.dumps(result.evidence, default=str)]
    )


def run_kms(info: Any) -> Any:
    spec = load_all().checks["logs.group.kms"]
    ctx = CheckContext(context=build_context(runtime=info.runtime_arn))
    params = spec.params(log_groups=[info.runtime_log_group, info.otel_log_group], region=info.region)
    return spec.func(ctx, params)


def run_spans_policy(info: Any) -> Any:
    spec = load_all().checks["logs.policy.xray"]
    ctx = CheckContext(context=build_context(runtime=info.runtime_arn))
    return spec.func(ctx, spec.params(region=info.region, account=info.account_id))


# ---------------------------------------------------------------------------- 1. the log group's KMS key


@pytest.mark.parametrize(
    ("which", "allow_logs", "state", "expected"),
    [
        (
            "runtime",
            False,
            "Enabled",
            "does not let logs.us-east-1.amazonaws.com use it (kms:GenerateDataKey, kms:Decrypt)",
        ),
        ("otel", True, "Disabled", "which is Disabled"),
        ("runtime", True, "PendingDeletion", "which is PendingDeletion"),
    ],
)
def test_a_log_group_key_logs_may_not_use_fails(seeded_aws, which, allow_logs, state, expected):
    info = seeded_aws()
    group = info.runtime_log_group if which == "runtime" else info.otel_log_group
    encrypt_log_group(info, group, allow_logs=allow_logs, key_state=state)
    result = run_kms(info)
    assert result.status is Status.FAIL, result.summary
    assert expected in result.summary and group in result.summary


def test_unencrypted_groups_and_a_key_with_the_logs_statement_pass(seeded_aws):
    info = seeded_aws()
    result = run_kms(info)
    assert result.status is Status.PASS and "not encrypted" in result.summary, result.summary
    encrypt_log_group(info, info.runtime_log_group)  # the guide's key policy: logs.REGION, scoped to the group
    result = run_kms(info)
    assert result.status is Status.PASS, result.summary
    assert info.runtime_log_group in result.summary


def test_a_key_policy_scoped_to_another_log_group_fails(seeded_aws):
    info = seeded_aws()
    arn = encrypt_log_group(info, info.otel_log_group)
    kms = boto3.client("kms")
    policy = json.loads(kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"])
    policy["Statement"][1]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] = (
        f"arn:aws:logs:{info.region}:{info.account_id}:log-group:/aws/lambda/*"
    )
    kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=json.dumps(policy))
    result = run_kms(info)
    assert result.status is Status.FAIL and info.otel_log_group in result.summary, result.summary


def test_the_declared_actions_suffice_for_the_kms_check(seeded_aws, principal):  # noqa: F811
    info = seeded_aws()
    encrypt_log_group(info, info.runtime_log_group, key_state="Disabled")
    with principal(load_all().read_policy()):
        result = run_kms(info)
    assert result.status is Status.FAIL and "Disabled" in result.summary, result.summary


# ---------------------------------------------------------------------------- 2. the runtime's OTEL environment

SECRET_HEADER = "Authorization=Basic cGstbGYtMTIzOnNrLWxmLTQ1Ng=="


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"OTEL_SDK_DISABLED": "true"}, "OTEL_SDK_DISABLED=true"),
        ({"OTEL_TRACES_EXPORTER": "none"}, "OTEL_TRACES_EXPORTER=none (no traces)"),
        ({"OTEL_LOGS_EXPORTER": "none"}, "OTEL_LOGS_EXPORTER=none (no OTEL logs)"),
        ({"AGENT_OBSERVABILITY_ENABLED": "false"}, "AGENT_OBSERVABILITY_ENABLED is set but not to true"),
    ],
)
def test_an_environment_that_switches_telemetry_off_fails(seeded_aws, extra, expected):
    info = seeded_aws()
    env = otel_environment(info.region) | extra | {"OTEL_EXPORTER_OTLP_TRACES_HEADERS": SECRET_HEADER}
    reconfigure_runtime(info, environment=env)
    result = run("runtime.otel_env", info)
    assert result.status is Status.FAIL, result.summary
    assert expected in result.summary and result.facts == {"otel.env_problem": "off"}
    assert "cGstbGYtMTIz" not in shown(result)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"AWS_REGION": "us-west-2"}, "AWS_REGION=us-west-2"),
        (
            {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://xray.eu-west-1.amazonaws.com/v1/traces"},
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT points at eu-west-1",
        ),
    ],
)
def test_an_environment_that_sends_telemetry_to_another_region_fails(seeded_aws, extra, expected):
    info = seeded_aws()
    reconfigure_runtime(info, environment=otel_environment(info.region) | extra)
    result = run("runtime.otel_env", info)
    assert result.status is Status.FAIL, result.summary
    assert "runtime in us-east-1 sends its telemetry to another region" in result.summary
    assert expected in result.summary and result.facts == {"otel.env_problem": "region"}


@pytest.mark.parametrize(
    "extra",
    [
        {},  # the sample's own environment
        {"AGENT_OBSERVABILITY_ENABLED": "TRUE", "OTEL_TRACES_EXPORTER": "otlp", "OTEL_LOGS_EXPORTER": "otlp"},
        {"OTEL_SDK_DISABLED": "false", "AWS_DEFAULT_REGION": "us-west-2"},  # AWS_REGION (us-east-1) wins
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example.com:4318"},  # a collector, not a region
    ],
)
def test_environments_that_keep_telemetry_on_and_here_pass(seeded_aws, extra):
    info = seeded_aws()
    if extra:
        reconfigure_runtime(info, environment=otel_environment(info.region) | extra)
    result = run("runtime.otel_env", info)
    assert result.status is Status.PASS, result.summary


# ---------------------------------------------------------------------------- 3. 10 logs resource policies

OTHER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "route53.amazonaws.com"},
            "Action": "logs:PutLogEvents",
            "Resource": "*",
        }
    ],
}


def _fill_policies(count: int) -> None:
    logs = boto3.client("logs")
    for i in range(count):
        logs.put_resource_policy(policyName=f"route53-query-logging-{i}", policyDocument=json.dumps(OTHER_POLICY))


def test_ten_unrelated_resource_policies_fail_and_withhold_the_fix(seeded_aws):
    info = seeded_aws()
    boto3.client("logs").delete_resource_policy(policyName=RESOURCE_POLICY_NAME)
    _fill_policies(10)
    result = run_spans_policy(info)
    assert result.status is Status.FAIL, result.summary
    assert "already has 10 resource policies" in result.summary and "LimitExceededException" in result.summary
    assert "logs.xray_resource_policy" in result.withheld_fixes


def test_nine_policies_leave_room_for_the_fix(seeded_aws):
    info = seeded_aws()
    boto3.client("logs").delete_resource_policy(policyName=RESOURCE_POLICY_NAME)
    _fill_policies(9)
    result = run_spans_policy(info)
    assert result.status is Status.FAIL and not result.withheld_fixes, result.summary
    assert "LimitExceeded" not in result.summary


def test_ten_policies_one_of_them_for_aws_spans_pass(seeded_aws):
    info = seeded_aws()
    _fill_policies(9)
    result = run_spans_policy(info)
    assert result.status is Status.PASS, result.summary


# ---------------------------------------------------------------------------- the walk reaches each diagnosis

WALKS = [
    ("kms-disabled", "aws-log-group-kms"),
    ("sdk-disabled", "aws-otel-env-off"),
    ("region", "aws-otel-env-region"),
]


# Slow (justified): one whole AWS-branch walk per fault against moto; the routes are YAML only, tested nowhere else.
@pytest.mark.parametrize(("fault", "node"), WALKS, ids=[w[0] for w in WALKS])
def test_the_aws_walk_names_each_fault_in_its_own_diagnosis(seeded_aws, fault: str, node: str) -> None:
    info = seeded_aws()
    env = otel_environment(info.region)
    if fault == "kms-disabled":
        encrypt_log_group(info, info.runtime_log_group, key_state="Disabled")
    elif fault == "sdk-disabled":
        reconfigure_runtime(info, environment=env | {"OTEL_SDK_DISABLED": "true"})
    else:
        reconfigure_runtime(info, environment=env | {"AWS_REGION": "us-west-2"})
    reached, explained = walk_aws(info)
    assert reached == node, (reached, explained)


@pytest.mark.parametrize(("policies", "offered"), [(10, False), (9, True)], ids=["quota-full", "room-left"])
def test_the_diagnosis_does_not_offer_a_fix_its_check_withheld(seeded_aws, policies: int, offered: bool):
    """Seen: with the quota of 10 resource policies full, logs.policy.xray withheld fix p, but the diagnosis
    aws-spans-policy still offered p (and its text still said "Press `p`"); pressing it could only be refused."""
    import asyncio

    from tui.app.node_pane import withheld_keys
    from tui.engine.walk import Walk
    from tui.playbook.model import DiagnosisNode
    from tui.playbook.validate import resolve_playbook

    info = seeded_aws()
    boto3.client("logs").delete_resource_policy(policyName=RESOURCE_POLICY_NAME)
    _fill_policies(policies)
    walk = Walk(resolve_playbook("agentcore-mcp").playbook, build_context(runtime=info.runtime_arn))
    walk.answer("2")
    for _ in range(12):
        if isinstance(walk.node, DiagnosisNode):
            break
        asyncio.run(walk.advance())
    assert walk.current == "aws-spans-policy", walk.current
    keys = [o.ref.key for o in walk.offered_fixes()]
    assert ("p" in keys) is offered, keys
    assert withheld_keys(walk) == ([] if offered else ["p"])
