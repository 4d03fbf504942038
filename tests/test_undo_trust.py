"""Undo acts only on its own target, within its fix's definition, and never clobbers later changes (issue 11 §1, 12).

AWS against moto's server (``seeded_aws``); files in a temporary project.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.context import Context, build_context
from tui.engine.fixing import FixError, apply_plan, plan_fix, undo_record
from tui.fixes import audit
from tui.fixes.undo import UndoRefused, select_record, undo_plan


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("AGENTCORE_TRIAGE_SANDBOX_ID", raising=False)


def _role_params(info) -> dict:
    return {
        "role_arn": info.role_arn,
        "scope": "logs",
        "region": info.region,
        "account": info.account_id,
        "log_groups": [info.runtime_log_group],
    }


def _raw_policy(role: str, name: str) -> str:
    from tui.fixes.undo import read_role_policy_text

    return read_role_policy_text(boto3.client("iam"), role, name) or ""


# ---------------------------------------------------------------------------- target


def test_record_carries_its_aws_target(seeded_aws):
    info = seeded_aws({"otel-log-group-missing"})
    plan = plan_fix("logs.create_group", {"log_group": info.otel_log_group, "region": info.region}, build_context(), {})
    record = apply_plan(plan, build_context())
    assert record.target is not None
    assert (record.target.account, record.target.region, record.target.partition) == (
        info.account_id,
        info.region,
        "aws",
    )
    assert audit.records()[0].target == record.target


def test_undo_refuses_a_sandbox_record_outside_that_sandbox(seeded_aws, monkeypatch):
    """Seen: after a demo, `undo --yes` with no sandbox variables reversed the sandbox's fix against real AWS."""
    info = seeded_aws({"resource-policy-missing"})
    monkeypatch.setenv("AGENTCORE_TRIAGE_SANDBOX_ID", "demo123")
    plan = plan_fix(
        "logs.xray_resource_policy", {"region": info.region, "account": info.account_id}, build_context(), {}
    )
    assert apply_plan(plan, build_context()).outcome == "applied"
    monkeypatch.delenv("AGENTCORE_TRIAGE_SANDBOX_ID")
    result = CliRunner().invoke(main, ["undo", "--yes"])
    assert result.exit_code == 2
    assert "belongs to demo sandbox demo123" in result.output and "--print-env" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert [r.outcome for r in audit.records()] == ["applied"]


def test_undo_refuses_another_account(seeded_aws, monkeypatch):
    info = seeded_aws({"otel-log-group-missing"})
    plan = plan_fix("logs.create_group", {"log_group": info.otel_log_group, "region": info.region}, build_context(), {})
    record = apply_plan(plan, build_context())
    forged = record.model_copy(update={"target": record.target.model_copy(update={"account": "999999999999"})})
    with pytest.raises(UndoRefused, match=r"belongs to AWS account 999999999999.*--profile"):
        undo_plan(forged, build_context())
    other_region = record.target.model_copy(update={"region": "eu-west-3"})
    with pytest.raises(UndoRefused, match=r"region eu-west-3.*--region eu-west-3"):
        undo_plan(record.model_copy(update={"target": other_region}), build_context())


def test_undo_refuses_another_project(tmp_path: Path):
    project, other = tmp_path / "p", tmp_path / "q"
    for d in (project, other):
        d.mkdir()
        (d / "requirements.txt").write_text("mcp\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    with pytest.raises(FixError, match=f"belongs to project {project}.*--project {project}"):
        undo_record(record.id, Context(project=str(other)))
    assert "aws-opentelemetry-distro" in (project / "requirements.txt").read_text()


# ---------------------------------------------------------------------------- the fix's definition


def test_forged_record_cannot_delete_an_unrelated_log_group(seeded_aws):
    """Seen: a forged record deleted an unrelated log group."""
    info = seeded_aws({"otel-log-group-missing"})
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName="precious")
    plan = plan_fix("logs.create_group", {"log_group": info.otel_log_group, "region": info.region}, build_context(), {})
    record = apply_plan(plan, build_context())
    undo = record.undo[0].model_copy(update={"params": {"logGroupName": "precious"}})
    with pytest.raises(UndoRefused, match=r"log group precious .*which the fix did not touch"):
        undo_plan(record.model_copy(update={"undo": [undo]}), build_context())
    # forging the request too (a record dated a few minutes after the group was made): the group existed
    # before the fix, so it is not the fix's to delete
    from datetime import datetime, timedelta

    later = (datetime.fromisoformat(record.time) + timedelta(minutes=3)).isoformat(timespec="seconds")
    request = [{**record.request[0], "params": {"logGroupName": "precious"}}]
    both = record.model_copy(update={"undo": [undo], "request": request, "time": later})
    with pytest.raises(UndoRefused, match="existed before the fix"):
        undo_plan(both, build_context())
    wrong_op = record.undo[0].model_copy(update={"service": "iam", "operation": "delete_role"})
    with pytest.raises(UndoRefused, match=r"iam.delete_role, which fix logs.create_group never does"):
        undo_plan(record.model_copy(update={"undo": [wrong_op]}), build_context())
    assert "precious" in {g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]}


def test_forged_record_cannot_write_outside_the_project(tmp_path: Path):
    """Seen: a forged record wrote a file outside the project."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("mcp\n")
    outside = tmp_path / "victim.txt"
    outside.write_text("mine\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    forged_undo = record.undo[0].model_copy(update={"path": str(outside), "after": "pwned\n"})
    forged = record.model_copy(update={"undo": [forged_undo]})
    with pytest.raises(UndoRefused, match="outside the recorded project"):
        undo_plan(forged, ctx)
    dotdot = record.undo[0].model_copy(update={"path": str(project / ".." / "victim.txt")})
    with pytest.raises(UndoRefused, match="outside the recorded project"):
        undo_plan(record.model_copy(update={"undo": [dotdot]}), ctx)
    assert outside.read_text() == "mine\n"


# ---------------------------------------------------------------------------- drift


def test_an_edit_to_the_role_policy_between_fix_and_undo_survives(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    iam = boto3.client("iam")
    params = _role_params(info)
    record = apply_plan(plan_fix("iam.role_policy", params, build_context(), {}), build_context())
    assert record.outcome == "applied"
    doc = iam.get_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs")["PolicyDocument"]
    theirs = {"Sid": "TheirEdit", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"}
    doc["Statement"].append(theirs)
    iam.put_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs", PolicyDocument=json.dumps(doc))
    plan = undo_plan(select_record(None, audit.records()), build_context())
    assert plan.drift and "TheirEdit" in plan.preview()
    assert [a.operation for a in plan.actions] == ["put_role_policy"]  # not delete: their statement stays
    done, _ = undo_record(record.id, build_context(), confirmed=plan)
    assert done.outcome == "undone", done.error
    left = iam.get_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs")["PolicyDocument"]
    assert left["Statement"] == [theirs]
    # Seen in the dialog: "permissions: none beyond file access" over an IAM call
    assert plan.as_plan().permissions == ["iam:PutRolePolicy"]


def test_an_edited_statement_of_the_fix_refuses_with_a_three_way_diff(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    iam = boto3.client("iam")
    record = apply_plan(plan_fix("iam.role_policy", _role_params(info), build_context(), {}), build_context())
    doc = iam.get_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs")["PolicyDocument"]
    doc["Statement"][0]["Action"] = ["logs:*"]
    iam.put_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs", PolicyDocument=json.dumps(doc))
    with pytest.raises(UndoRefused) as refused:
        undo_plan(record, build_context())
    text = str(refused.value)
    assert "that the fix added was edited" in text and "what changed since:" in text and '"logs:*"' in text
    failed, _ = undo_record(record.id, build_context())
    assert failed.outcome == "failed" and "changed since the fix" in (failed.error or "")
    assert iam.get_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs")["PolicyDocument"] == doc


def test_undo_restores_a_pre_existing_policy_byte_for_byte(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    iam = boto3.client("iam")
    original = '{ "Version": "2012-10-17",\n  "Statement": [ {"Sid": "KeepMe", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"} ] }'
    iam.put_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs", PolicyDocument=original)
    record = apply_plan(plan_fix("iam.role_policy", _role_params(info), build_context(), {}), build_context())
    assert record.outcome == "applied"
    assert _raw_policy(info.role_name, "agentcore-triage-logs") != original
    done, _ = undo_record(None, build_context())
    assert done.outcome == "undone", done.error
    assert _raw_policy(info.role_name, "agentcore-triage-logs") == original


def test_deleting_a_log_group_with_later_events_asks_separately_naming_the_count(seeded_aws):
    info = seeded_aws({"otel-log-group-missing"})
    plan = plan_fix("logs.create_group", {"log_group": info.otel_log_group, "region": info.region}, build_context(), {})
    record = apply_plan(plan, build_context())
    logs = boto3.client("logs")
    logs.create_log_stream(logGroupName=info.otel_log_group, logStreamName="s")
    import time

    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=info.otel_log_group,
        logStreamName="s",
        logEvents=[{"timestamp": now + i, "message": f"event {i}"} for i in range(3)],
    )
    up = undo_plan(record, build_context())
    assert up.questions == [
        f"log group {info.otel_log_group} holds 3 events written after the fix ({record.time}); "
        "deleting the group deletes them too"
    ]
    with pytest.raises(FixError, match=r"needs a separate confirmation: log group .* holds 3 event"):
        undo_record(record.id, build_context())
    result = CliRunner().invoke(main, ["undo", "--yes"])  # not a terminal: --yes alone does not delete events
    assert result.exit_code == 2 and "holds 3 events" in result.output
    assert info.otel_log_group in {g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]}
    done, _ = undo_record(record.id, build_context(), confirmed=up)
    assert done.outcome == "undone"
    assert info.otel_log_group not in {g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]}


def test_file_drift_says_why_in_the_records_terms(tmp_path: Path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("mcp\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    (project / "requirements.txt").write_text("mcp\naws-opentelemetry-distro>=0.10.0\nrequests\n")
    with pytest.raises(UndoRefused) as refused:
        undo_plan(record, ctx)
    text = str(refused.value)
    assert text.startswith(f"record {record.id}: {project / 'requirements.txt'} changed since the fix")
    assert "+requests" in text and "StaleFileError" not in text


# ---------------------------------------------------------------------------- the log itself


def _write_log(lines: list[bytes]) -> Path:
    path = audit.audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines))
    return path


def test_broken_lines_are_skipped_and_named_and_valid_records_still_undo(tmp_path: Path):
    """Seen: one bad line gave a traceback and made every valid record unusable."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("mcp\n")
    ctx = Context(project=str(project))
    apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    good = audit.audit_path().read_bytes().rstrip(b"\n")
    _write_log([b"\xff\xfe not utf-8", good, b'{"id": "abc", "fix": "x", "outc'])
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 0, result.output
    assert "skipped 2 unreadable line(s): line 1: not valid UTF-8; line 3: not complete JSON (truncated?)" in (
        result.output
    )
    assert "project.otel_distro" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["undo", "--yes", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert (project / "requirements.txt").read_text() == "mcp\n"
    # the next line written after a truncated one still starts a line of its own
    assert [r.outcome for r in audit.records()] == ["applied", "undone"]


def test_a_directory_in_place_of_the_log_is_one_line():
    audit.audit_path().mkdir(parents=True)
    result = CliRunner().invoke(main, ["audit"])  # exit 2: the log is there and cannot be read (not "no fixes yet")
    assert result.exit_code == 2 and "is a directory" in result.output and "Traceback" not in result.output
    assert "No fixes applied yet" not in result.output
    result = CliRunner().invoke(main, ["undo", "--yes"])
    assert result.exit_code == 2 and "is a directory" in result.output
    assert len([line for line in result.output.splitlines() if "is a directory" in line]) >= 1


APPEND_MANY = """
import os, sys

os.environ["AGENTCORE_TRIAGE_STATE_DIR"], worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
from tui.fixes import audit

sys.stdin.read(1)  # the parent releases every writer at once, once all of them are up
for i in range(count):
    audit.append(audit.AuditRecord(fix=f"w{worker}", title="x" * 5000, outcome=f"n{i}"))
"""


@pytest.mark.slow
def test_concurrent_writers_never_interleave_lines(tmp_path: Path):
    """Three processes append at the same moment: each is started, imports only the audit module (a spawned
    ``multiprocessing`` child imported this whole test module, boto3 and the CLI included), then waits on its stdin
    until the parent releases all of them together."""
    import subprocess
    import sys

    state = str(tmp_path / "state")
    procs = [
        subprocess.Popen([sys.executable, "-c", APPEND_MANY, state, str(w), "40"], stdin=subprocess.PIPE)
        for w in range(3)
    ]
    for p in procs:
        assert p.stdin is not None
        p.stdin.write(b"g")
    for p in procs:
        assert p.stdin is not None
        p.stdin.close()  # flushes: every writer starts now
    for p in procs:
        assert p.wait(60) == 0
    log = audit.read_log()
    assert not log.skipped and len(log.records) == 120
    assert sorted(r.outcome for r in log.records if r.fix == "w2") == sorted(f"n{i}" for i in range(40))


@pytest.mark.slow
def test_the_same_fix_planned_twice_is_applied_once(seeded_aws):
    """Two runs plan the same merge; the second re-reads the policy inside the lock and does not re-apply it."""
    info = seeded_aws({"logs-permission-missing"})
    first = plan_fix("iam.role_policy", _role_params(info), build_context(), {})
    second = plan_fix("iam.role_policy", _role_params(info), build_context(), {})
    assert apply_plan(first, build_context()).outcome == "applied"
    again = apply_plan(second, build_context())
    assert again.outcome == "noop" and "applied by another run" in (again.error or "")
    # a change made after a run's preview is not overwritten by that run
    iam = boto3.client("iam")
    iam.delete_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs")
    third = plan_fix("iam.role_policy", _role_params(info), build_context(), {})
    theirs = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Theirs", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }
    iam.put_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs", PolicyDocument=json.dumps(theirs))
    stale = apply_plan(third, build_context())
    assert stale.outcome == "failed" and "changed since the preview" in (stale.error or "")
    assert iam.get_role_policy(RoleName=info.role_name, PolicyName="agentcore-triage-logs")["PolicyDocument"] == theirs


def test_a_recreated_role_is_not_touched(seeded_aws):
    info = seeded_aws({"logs-permission-missing"})
    iam = boto3.client("iam")
    record = apply_plan(plan_fix("iam.role_policy", _role_params(info), build_context(), {}), build_context())
    assert record.before["role_id"]
    role = iam.get_role(RoleName=info.role_name)["Role"]
    for name in iam.list_role_policies(RoleName=info.role_name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=info.role_name, PolicyName=name)
    for att in iam.list_attached_role_policies(RoleName=info.role_name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=info.role_name, PolicyArn=att["PolicyArn"])
    iam.delete_role(RoleName=info.role_name)
    iam.create_role(RoleName=info.role_name, AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"]))
    iam.put_role_policy(
        RoleName=info.role_name,
        PolicyName="agentcore-triage-logs",
        PolicyDocument=record.request[0]["params"]["PolicyDocument"],
    )
    with pytest.raises(UndoRefused, match="deleted and recreated since the fix"):
        undo_plan(record, build_context())
    assert "agentcore-triage-logs" in iam.list_role_policies(RoleName=info.role_name)["PolicyNames"]


def test_the_undo_dialog_never_says_cannot_be_undone(tmp_path: Path):
    """Seen: 'Cannot be undone automatically' on the preview of an undoable record's undo."""
    from tui.app.fix_modal import FixModal  # noqa: F401 - the dialog renders as_plan()

    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("mcp\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    plan = undo_plan(record, ctx).as_plan()
    assert plan.title.startswith("Undo:") and plan.actions and "aws-opentelemetry-distro" in plan.preview()


def test_an_edit_away_from_the_fixs_lines_is_kept_by_the_undo(tmp_path: Path):
    """Seen in tmux: undoing the mcp pin was refused because the distro fix (and a colleague) added lines at the end."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("mcp\nboto3\nhttpx\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    fixed = (project / "requirements.txt").read_text()
    assert fixed.endswith("aws-opentelemetry-distro>=0.10.0\n")
    (project / "requirements.txt").write_text(fixed.replace("mcp\n", "mcp>=2.3,<3\n"))  # their edit, far away
    plan = undo_plan(record, ctx)
    assert plan.drift and "reverses only the fix's lines" in plan.drift[0]
    assert plan.as_plan().permissions == [f"write {(project / 'requirements.txt').resolve()}"]
    done, _ = undo_record(record.id, ctx, confirmed=plan)
    assert done.outcome == "undone", done.error
    assert (project / "requirements.txt").read_text() == "mcp>=2.3,<3\nboto3\nhttpx\n"  # theirs kept, the fix's gone


@pytest.mark.parametrize(
    ("now", "merged"),
    [
        ("a\nB\nc\nd\n+\n", "a\nB\nc\nd\n"),  # their edit two lines away from the fix's: both kept
        ("a\nb\nc\nD\n+\n", None),  # the line right before the fix's: adjacent, refused
        ("a\nb\nc\nd\n+\nmore\n", None),  # a line right after it: refused
        ("a\nb\nc\nd\n+changed\n", None),  # the fix's own line edited: refused
        ("a\nb\nc\nd\n", None),  # already reverted by hand: not merged (undo_plan says "nothing to undo")
    ],
)
def test_merge_undo_keeps_only_edits_that_do_not_touch_the_fix(now: str, merged: str | None):
    from tui.fixes.undo import merge_undo

    assert merge_undo("a\nb\nc\nd\n", "a\nb\nc\nd\n+\n", now) == merged
