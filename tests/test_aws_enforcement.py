"""IAM enforcement in the sandbox: the checks and each fix with exactly the permissions they declare.

moto's server checks each request's SigV4 signature and the caller's identity policies once its
``INITIAL_NO_AUTH_ACTION_COUNT`` is reached (``moto.core.authorization.enable_iam_authentication``
sets it to 0 for a block); the sandbox's own X-Ray and resource-scoped logs emulation enforce the
same way. The sample is seeded first (no enforcement), then a user with exactly the declared
policy runs agentcore-triage: proof that the declaration suffices, and that one missing action
ends as the clear AccessDenied finding naming it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

from tests.test_aws_permissions import operation_action
from tui.aws.permissions import action_of
from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.engine.fixing import apply_plan, plan_fix
from tui.fixes.base import ApiCall
from tui.playbook.loader import load_playbook
from tui.registry import load_all
from tui.results import Status

PLAYBOOK = "playbooks/agentcore-mcp.yaml"
NOT_REPORTED = "not reported by this"
"""How a check says the API answer lacked the member it reads (``runtime.mmds`` against moto)."""


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def policy_of(actions: list[str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": sorted(set(actions)), "Resource": "*"}],
    }


@pytest.fixture
def principal(aws_sandbox, monkeypatch) -> Iterator[Callable[[dict[str, Any]], Any]]:
    """Factory: ``principal(policy)`` creates an IAM user with exactly that inline policy and returns a context
    manager under which enforcement is on and this test's AWS credentials are the user's."""
    from tui.aws import session

    made: list[str] = []

    def factory(policy: dict[str, Any]) -> Any:
        iam = boto3.client("iam")
        name = f"triage-{len(made)}"
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="exactly-declared", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        made.append(name)

        @contextmanager
        def enforced() -> Iterator[None]:
            from moto.core.authorization import enable_iam_authentication

            with monkeypatch.context() as m:
                m.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
                m.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
                session.reset_sessions()
                try:
                    with enable_iam_authentication():
                        yield
                finally:
                    session.reset_sessions()

        return enforced()

    yield factory


def doctor(runtime: str) -> dict[str, Any]:
    pb = load_playbook(PLAYBOOK).playbook
    run = asyncio.run(run_doctor(pb, build_context(runtime=runtime), only=tuple(load_all().aws_actions())))
    out: dict[str, Any] = {}
    for f in run.findings:
        out.setdefault(f.check, f)
    return out


# Slow (justified): moto's IAM enforcement evaluates every call's policy; the proof the declaration suffices.
def test_checks_run_with_exactly_the_documented_read_policy(seeded_aws, principal):
    info = seeded_aws()
    with principal(load_all().read_policy()):
        found = doctor(info.runtime_arn)
    # every check passes, except one whose answer from the sandbox lacks what it reads (moto does not model every
    # member): that is an honest skip saying so, never a permission problem
    bad = {
        c: (f.status.value, f.summary)
        for c, f in found.items()
        if f.status is not Status.PASS and not (f.status is Status.SKIP and NOT_REPORTED in f.summary)
    }
    assert bad == {}, bad
    assert found["aws.identity"].evidence["principal"].endswith(":user/triage-0")


# Slow (justified): one enforced doctor run per declared action (moto evaluates IAM on every call).
@pytest.mark.parametrize(
    ("missing", "check"),
    [
        ("logs:DescribeResourcePolicies", "logs.policy.xray"),
        ("xray:GetTraceSegmentDestination", "xray.destination"),
        ("logs:DescribeLogGroups", "logs.group.runtime"),
    ],
)
def test_one_missing_read_is_the_access_denied_finding_naming_it(seeded_aws, principal, missing, check):
    info = seeded_aws()
    policy = load_all().read_policy()
    for stmt in policy["Statement"]:
        stmt["Action"] = [a for a in stmt["Action"] if a != missing]
    policy["Statement"] = [stmt for stmt in policy["Statement"] if stmt["Action"]]
    with principal(policy):
        found = doctor(info.runtime_arn)
    f = found[check]
    assert f.status is Status.ERROR, (f.status, f.summary)
    assert f"agentcore-triage's own AWS principal lacks {missing}" in f.summary
    assert f.evidence["missing_permission"] == missing
    # only checks that declare the missing action may fail for it: a declaration that leaves out a call shows here
    others = {c: g.summary for c, g in found.items() if g.status is Status.ERROR and c != check}
    declaring = {c for c, actions in load_all().aws_actions().items() if missing in actions}
    assert set(others) <= declaring, others


def _fix_params(fix: str, info: Any) -> dict[str, Any]:
    return {
        "logs.create_group": {"log_group": info.otel_log_group, "region": info.region, "log_stream": "otel-exporter"},
        "logs.xray_resource_policy": {"region": info.region, "account": info.account_id},
        "xray.destination": {"region": info.region, "account": info.account_id},
        "iam.boundary_policy": {
            "role_arn": info.role_arn,
            "region": info.region,
            "account": info.account_id,
            "log_groups": [info.runtime_log_group, info.otel_log_group],
        },
        "iam.role_policy": {
            "role_arn": info.role_arn,
            "scope": "logs",
            "region": info.region,
            "account": info.account_id,
            "log_groups": [info.runtime_log_group, info.otel_log_group],
        },
    }[fix]


FIX_FAULTS = {
    "logs.create_group": {"otel-log-group-missing"},
    "logs.xray_resource_policy": {"resource-policy-missing"},
    "xray.destination": {"trace-destination-xray"},
    "iam.role_policy": {"logs-permission-missing"},
    "iam.boundary_policy": {"permissions-boundary"},
}


@pytest.mark.parametrize("fix", sorted(FIX_FAULTS))
def test_each_fix_plans_and_applies_with_exactly_its_declared_permissions(seeded_aws, principal, fix):
    info = seeded_aws(FIX_FAULTS[fix])
    declared = [action_of(p) for p in load_all().fixes[fix].permissions]
    with principal(policy_of(declared)):
        plan = plan_fix(fix, _fix_params(fix, info), build_context(), {})
        assert not plan.noop and plan.prerequisites == []
        calls = [a for a in plan.actions + plan.undo if isinstance(a, ApiCall)]
        assert {operation_action(a.service, a.operation) for a in calls} <= set(declared), "a call not declared"
        undo_ops = {f"{a.service}.{a.operation}" for a in plan.undo if isinstance(a, ApiCall)}
        assert undo_ops <= load_all().fixes[fix].cls.undo_operations, "undo would refuse this plan's own undo"
        record = apply_plan(plan, build_context())
    assert record.outcome == "applied", record.error
