"""docs/permissions.md is checked against the declarations, and the declarations against what the checks call."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tui.aws.errors import iam_action
from tui.aws.permissions import CHECK_ACTIONS, NO_PERMISSION_NEEDED, action_of, read_actions, read_policy
from tui.registry import load_all

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
    assert doc_blocks()[0] == read_policy()


def test_every_check_that_calls_aws_declares_its_actions():
    registry = load_all()
    aws_checks = {cid for cid, spec in registry.checks.items() if "aws" in spec.needs}
    assert aws_checks == set(CHECK_ACTIONS), aws_checks ^ set(CHECK_ACTIONS)


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
    asyncio.run(run_doctor(pb, build_context(runtime=info.runtime_arn), only=tuple(CHECK_ACTIONS)))
    called = {iam_action(c.service, c.operation) for c in aws_call_recorder.calls[start:]}
    assert called, "the doctor run made no AWS call"
    undeclared = called - set(read_actions()) - NO_PERMISSION_NEEDED
    assert not undeclared, f"checks called {sorted(undeclared)}, not in the declared read policy"
