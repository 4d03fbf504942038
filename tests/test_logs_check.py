"""`logs.errors.recent` through the logs reader: both groups, noise last, and a "since the last fix" window that
only a fix still in force on this runtime's own targets (for that error's node) can close."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.fixes import audit
from tui.playbook.loader import load_playbook
from tui.results import Status
from tui.sandbox.logs_seed import seed_logs


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def recent(runtime: str) -> Any:
    pb = load_playbook("playbooks/agentcore-mcp.yaml").playbook
    context = build_context(runtime=runtime, inputs={"log_window_minutes": 60})
    run = asyncio.run(run_doctor(pb, context, only=("logs.errors.recent",)))
    return next(f for f in run.findings if f.check == "logs.errors.recent")


def record_fix(role: str, *, minutes_from_now: float = 0, outcome: str = "applied", undoes: str | None = None) -> str:
    when = datetime.now(UTC) + timedelta(minutes=minutes_from_now)
    rec = audit.AuditRecord(
        fix="iam.role_policy",
        time=when.isoformat(timespec="seconds"),
        outcome=outcome,
        undoes=undoes,
        request=[
            {
                "kind": "api",
                "service": "iam",
                "operation": "put_role_policy" if outcome == "applied" else "delete_role_policy",
                "params": {"RoleName": role, "PolicyName": "agentcore-triage-logs"},
            }
        ],
        undo=[{"kind": "api", "service": "iam", "operation": "delete_role_policy", "params": {"RoleName": role}}],
    )
    audit.append(rec)
    return rec.id


def test_scans_the_otel_group_too_and_ranks_noise_last(seeded_aws, aws_sandbox):
    info = seeded_aws({"logs-permission-missing"})
    seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    f = recent(info.runtime_arn)
    assert f.status is Status.WARN
    matches = f.evidence["matches"]
    by_node = {m["node"]: m for m in matches if m["node"]}
    assert info.otel_log_group in by_node["ep-closed-resource"]["log_groups"]  # the OTEL record
    assert f.evidence["log_groups"] == [info.runtime_log_group, info.otel_log_group]
    flags = [m["noise"] for m in matches]
    assert flags == sorted(flags) and flags[-1]  # actionable first, then noise
    assert "aws-role-logs" in f.summary and "log stream does not exist" not in f.summary


def test_a_fix_on_this_role_closes_the_window_for_its_node_only(seeded_aws, aws_sandbox):
    info = seeded_aws({"logs-permission-missing"})
    seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    record_fix(info.role_name, minutes_from_now=1)
    f = recent(info.runtime_arn)
    assert f.status is Status.WARN  # the trace-destination error is not what the role fix addresses
    assert [m["node"] for m in f.evidence["older_than_fix"]] == ["aws-role-logs"]
    assert "(aws-role-logs)" not in f.summary and "(aws-transaction-search-off)" in f.summary


def test_the_window_closes_when_every_error_predates_a_fix_for_it(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    record_fix(info.role_name, minutes_from_now=1)
    f = recent(info.runtime_arn)
    assert f.status is Status.PASS and "since the fixes" in f.summary


def test_a_fix_on_another_role_does_not_turn_it_green(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    record_fix("some-other-role", minutes_from_now=1)
    f = recent(info.runtime_arn)
    assert f.status is Status.WARN and "(aws-role-logs)" in f.summary


def test_an_undo_does_not_turn_it_green(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    applied = record_fix(info.role_name, minutes_from_now=1)
    record_fix(info.role_name, minutes_from_now=2, outcome="undone", undoes=applied)
    f = recent(info.runtime_arn)
    assert f.status is Status.WARN and "(aws-role-logs)" in f.summary
    assert f.evidence["older_than_fix"] == []
