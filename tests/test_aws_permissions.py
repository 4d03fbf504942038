"""docs/permissions.md is checked against the declarations, and the declarations against what the checks call."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tui.aws.errors import iam_action
from tui.aws.permissions import NO_PERMISSION_NEEDED, action_of
from tui.registry import check, load_all

DOC = Path("docs/permissions.md")


def doc_blocks() -> list[dict[str, Any]]:
    return [json.loads(m) for m in re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)]


def actions_in(policy: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for stmt in policy["Statement"]:
        value = stmt["Action"]
        out.update([value] if isinstance(value, str) else value)
    return out


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def test_the_documented_read_policy_is_the_declared_one():
    assert doc_blocks()[0] == load_all().read_policy()


def test_every_check_that_calls_aws_declares_its_actions():
    declared = load_all().aws_actions()
    assert declared, "no check declares needs=('aws',)"
    for cid, actions in declared.items():
        assert actions, f"{cid} needs aws but declares no aws_actions"
        bad = [a for a in actions if not re.fullmatch(r"[a-z0-9-]+:[A-Z][A-Za-z0-9]+", a)]
        assert not bad, f"{cid} declares {bad}: not IAM actions (service:Action)"


def documented_checks() -> dict[str, set[str]]:
    """The table of docs/permissions.md's checks section: check id → the actions its row names."""
    section = DOC.read_text(encoding="utf-8").split("## For the checks", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9_.]+)` \|(.*)\|$", section, re.MULTILINE)
    return {cid: set(re.findall(r"`([a-z0-9-]+:[A-Za-z0-9]+)`", calls)) for cid, calls in rows}


def test_the_checks_table_names_every_aws_check_and_what_it_calls():
    declared = {cid: set(actions) for cid, actions in load_all().aws_actions().items()}
    documented = documented_checks()
    assert set(documented) == set(declared), f"rows missing: {sorted(set(declared) - set(documented))}, " + (
        f"rows for no AWS check: {sorted(set(documented) - set(declared))}"
    )
    wrong = {
        cid: (sorted(documented[cid]), sorted(actions))
        for cid, actions in declared.items()
        if documented[cid] != actions
    }
    assert not wrong, f"docs/permissions.md row (documented, declared): {wrong}"


def test_aws_actions_belong_to_aws_checks():
    with pytest.raises(ValueError, match="aws_actions but not needs"):
        check("test.not_aws", title="t", aws_actions=("logs:DescribeLogGroups",))(lambda ctx, params: None)


def test_every_fix_permission_is_documented():
    documented = actions_in(doc_blocks()[0]) | actions_in(doc_blocks()[1]) | NO_PERMISSION_NEEDED
    registry = load_all()
    for fid, spec in registry.fixes.items():
        if spec.cls.__module__.startswith("tui.fixes.aws"):
            missing = {action_of(p) for p in spec.permissions} - documented
            assert not missing, f"{fid} declares {sorted(missing)}, which docs/permissions.md does not list"
            assert f"`{fid}`" in DOC.read_text(encoding="utf-8"), f"{fid} has no row in the fixes table"


@pytest.mark.parametrize(
    "faults", [(), ("logs-permission-missing", "resource-policy-missing", "otel-log-group-missing")]
)
def test_checks_call_only_what_they_declare(seeded_aws, aws_call_recorder, faults):
    """The recorder sees every call a doctor run makes: each one's IAM action is in the declared read policy."""
    from tui.context import build_context
    from tui.engine.doctor import run_doctor
    from tui.playbook.loader import load_playbook

    info = seeded_aws(set(faults))
    start = len(aws_call_recorder.calls)
    pb = load_playbook("playbooks/agentcore-mcp.yaml").playbook
    declared = load_all().aws_actions()
    asyncio.run(run_doctor(pb, build_context(runtime=info.runtime_arn), only=tuple(declared)))
    called = {iam_action(c.service, c.operation) for c in aws_call_recorder.calls[start:]}
    assert called, "the doctor run made no AWS call"
    undeclared = called - {a for actions in declared.values() for a in actions} - NO_PERMISSION_NEEDED
    assert not undeclared, f"checks called {sorted(undeclared)}, not in the declared read policy"


def operation_action(service: str, operation: str) -> str:
    """``("iam", "put_role_policy")`` → ``iam:PutRolePolicy`` (boto3 method name → IAM action)."""
    return iam_action(service, "".join(part.title() for part in operation.split("_")))


def test_every_fix_declares_what_its_undo_needs():
    """``undo`` allows a record only the calls its fix class declares (``undo_operations``) or file writes
    (``changes_files``): an undoable fix that declares neither could never be undone, and each undo call's
    IAM action must be among the fix's ``permissions``."""
    for fid, spec in load_all().fixes.items():
        cls = spec.cls
        aws_fix = cls.__module__.startswith("tui.fixes.aws")
        if spec.undoable:
            assert cls.undo_operations or cls.changes_files, f"{fid} is undoable but declares no undo operation"
        assert not (aws_fix and cls.changes_files), f"{fid}: an AWS fix writes no project file"
        assert aws_fix or not cls.undo_operations, f"{fid}: a project fix makes no API call"
        declared = {action_of(p) for p in spec.permissions}
        for op in cls.undo_operations:
            service, _, operation = op.partition(".")
            action = operation_action(service, operation)
            assert action in declared, f"{fid} may undo with {op} but its permissions lack {action}"
