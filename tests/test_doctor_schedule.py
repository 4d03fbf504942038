"""``doctor`` schedules by data: independent branches overlap, dependants wait, output stays in playbook order."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from engine_support import book
from engine_support import make_registry as registry

from tui.context import Context, build_context
from tui.engine.doctor import node_dependencies, run_doctor
from tui.engine.state import check_node_order
from tui.results import CheckResult, Status, failed, passed

WAIT = 30.0
"""A ceiling, not a measurement: a check waiting for its partner gives up after this long (then it fails)."""


BRANCHES = """
id: branches
title: Branches
start: ask
nodes:
  ask:
    kind: question
    title: Which side?
    choices:
      - {key: "1", label: AWS, goto: aws}
      - {key: "2", label: Endpoint, goto: endpoint}
  aws:
    kind: check
    title: AWS
    checks: [{check: a.find}]
    default: aws-next
  aws-next:
    kind: check
    title: AWS, second level
    checks: [{check: a.use, params: {name: "{thing.name}"}}, {check: a.shared}]
    default: end
  endpoint:
    kind: check
    title: Endpoint
    checks: [{check: b.probe}, {check: a.shared}]
    default: end
  end: {kind: diagnosis, title: End}
"""


def test_a_node_waits_only_for_the_nodes_publishing_what_it_needs() -> None:
    reg = registry(
        a_find=(lambda c, p: passed("x"), ("thing.name",)),
        a_use=(lambda c, p: passed("x"), ()),
        a_shared=(lambda c, p: passed("x"), ()),
        b_probe=(lambda c, p: passed("x"), ()),
    )
    pb = book(BRANCHES)
    deps = node_dependencies(pb, reg, check_node_order(pb))
    assert deps == {"aws": [], "aws-next": ["aws"], "endpoint": []}


async def test_independent_branches_run_at_the_same_time_and_report_in_playbook_order() -> None:
    probe_running = threading.Event()
    find_done = threading.Event()
    shared_runs: list[str] = []

    def find(ctx: Any, params: Any) -> CheckResult:
        # Run in node order this would wait for b.probe, which only starts after this node: it would fail.
        if not probe_running.wait(WAIT):
            return failed("b.probe did not run alongside")
        return passed("found", facts={"thing.name": "widget"})

    def use(ctx: Any, params: Any) -> CheckResult:
        return passed(f"used {params.name}") if find_done.is_set() else failed("ran before a.find finished")

    def probe(ctx: Any, params: Any) -> CheckResult:
        probe_running.set()
        return passed("probed")

    def shared(ctx: Any, params: Any) -> CheckResult:
        shared_runs.append(ctx.node_id)
        return passed("shared")

    def on_event(event: Any) -> None:
        if getattr(event, "key", None) == "a.find":
            find_done.set()

    reg = registry(a_find=(find, ("thing.name",)), a_use=(use, ()), a_shared=(shared, ()), b_probe=(probe, ()))
    run = await run_doctor(book(BRANCHES), Context(), registry=reg, listener=on_event)
    assert check_node_order(run.playbook) == ["endpoint", "aws", "aws-next"]
    assert [(f.node, f.check, f.status) for f in run.findings] == [
        ("endpoint", "b.probe", Status.PASS),
        ("endpoint", "a.shared", Status.PASS),
        ("aws", "a.find", Status.PASS),
        ("aws-next", "a.use", Status.PASS),
    ]  # a.shared is reported once, at its first node in that order, whichever node ran it
    assert len(shared_runs) == 1  # the same check with the same params ran once for both nodes
    assert run.facts == {"thing.name": "widget"}
    assert set(run.node_times) == {"aws", "aws-next", "endpoint"}
    assert run.longest_chain() > 0


async def test_a_slow_dependency_does_not_hold_the_report_order() -> None:
    """Findings come out in dependency order (``check_node_order``) even when the last node finishes first."""
    aws_finished = threading.Event()

    def find(ctx: Any, params: Any) -> CheckResult:
        return passed("found", facts={"thing.name": "w"})

    def probe(ctx: Any, params: Any) -> CheckResult:
        # the endpoint node, first in order, finishes after the AWS branch (which waits for its a.shared)
        return failed("probe failed") if aws_finished.wait(WAIT) else passed("the AWS branch never finished")

    def on_event(event: Any) -> None:
        if getattr(event, "node", None) == "aws-next" and type(event).__name__ == "NodeFinished":
            aws_finished.set()

    reg = registry(
        a_find=(find, ("thing.name",)),
        a_use=(lambda c, p: passed("x"), ()),
        a_shared=(lambda c, p: passed("x"), ()),
        b_probe=(probe, ()),
    )
    run = await run_doctor(book(BRANCHES), Context(), registry=reg, listener=on_event)
    assert aws_finished.is_set()
    assert [(f.node, f.check) for f in run.findings] == [
        ("endpoint", "b.probe"),
        ("endpoint", "a.shared"),
        ("aws", "a.find"),
        ("aws-next", "a.use"),
    ]
    assert run.findings[0].summary == "probe failed"


@pytest.mark.waits
async def test_a_hung_endpoint_is_waited_on_once_and_the_rest_skip_as_blocked(isolated: Any) -> None:
    """initialize times out: the checks needing a handshake skip with a machine-readable reason, not green."""
    from tui.checks.endpoint._common import BLOCKED_BY
    from tui.engine.formats.outcome import could_not_run
    from tui.playbook.validate import resolve_playbook
    from tui.sandbox.misbehaving import misbehaving

    pb = resolve_playbook("agentcore-mcp").playbook
    with misbehaving("slow") as url:
        ctx = build_context(endpoint=url, timeout=1.5)  # the server never answers: the timeout is the outcome
        run = await run_doctor(pb, ctx, only=["endpoint.initialize", "endpoint.session", "endpoint.tools"])
    by_check = {f.check: f for f in run.findings}
    assert by_check["endpoint.initialize"].status is Status.FAIL
    assert run.facts["endpoint.failure"] == "timeout"
    for blocked in ("endpoint.session", "endpoint.tools"):
        finding = by_check[blocked]
        assert finding.status is Status.SKIP
        assert finding.evidence[BLOCKED_BY] == "endpoint.initialize"
        assert could_not_run(finding)  # counted as a check that could not run, never as green
        assert "no answer" in finding.summary
