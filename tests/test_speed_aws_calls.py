"""Fewer AWS round trips: a runtime named by ARN or id is read directly (no listing), independent reads at once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tui.aws.runtimes import direct_id
from tui.aws.session import in_parallel, last_call
from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.playbook.loader import load_playbook
from tui.results import Status

PLAYBOOK = "playbooks/agentcore-mcp.yaml"


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def discover(runtime: str, recorder) -> tuple[object, list[str]]:
    """runtime.discover alone; the control-plane operations it made, in any order."""
    before = len(recorder.calls)
    pb = load_playbook(PLAYBOOK).playbook
    run = asyncio.run(run_doctor(pb, build_context(runtime=runtime), only=["runtime.discover"]))
    made = [c.operation for c in recorder.calls[before:] if c.service == "bedrock-agentcore-control"]
    finding = next(f for f in run.findings if f.check == "runtime.discover")
    return finding, sorted(made)


def test_id_on_its_face():
    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEf1234"
    assert direct_id(arn) == "mcp_server-AbCdEf1234"
    assert direct_id("mcp_server-AbCdEf1234") == "mcp_server-AbCdEf1234"
    assert direct_id("mcp_server") is None  # a name: runtime names have no hyphen, so it must be listed
    assert direct_id("mcp_server-short") is None


@pytest.mark.parametrize("how", ["arn", "id"])
def test_runtime_named_by_arn_or_id_is_read_without_listing(seeded_aws, aws_call_recorder, how):
    info = seeded_aws()
    finding, made = discover({"arn": info.runtime_arn, "id": info.runtime_id}[how], aws_call_recorder)
    assert finding.status is Status.PASS and finding.evidence["matched_by"] == how
    assert made == ["GetAgentRuntime", "GetAgentRuntimeEndpoint"]


def test_runtime_named_by_name_is_listed_first(seeded_aws, aws_call_recorder):
    info = seeded_aws()
    finding, made = discover(info.runtime_name, aws_call_recorder)
    assert finding.status is Status.PASS and finding.evidence["matched_by"] == "name"
    assert made == ["GetAgentRuntime", "GetAgentRuntimeEndpoint", "ListAgentRuntimes"]


def test_unknown_id_falls_back_to_listing_and_says_what_exists(seeded_aws, aws_call_recorder):
    seeded_aws()
    finding, made = discover("mcp_server-ZZZZZZZZZZ", aws_call_recorder)
    assert finding.status is Status.FAIL and "no runtime" in finding.summary and "mcp_server" in finding.summary
    assert "ListAgentRuntimes" in made


def test_in_parallel_keeps_order_and_reraises_the_first_failure_with_its_operation():
    started = threading.Barrier(3, timeout=30)

    def value(n: int):
        def call() -> int:
            started.wait()  # all three run at the same time, or this never passes
            return n

        return call

    assert in_parallel(value(1), value(2), value(3)) == [1, 2, 3]

    def failing() -> int:
        from tui.aws import session

        session._calls.last = ("iam", "GetRole")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        in_parallel(lambda: 1, failing)
    assert last_call() == ("iam", "GetRole")
