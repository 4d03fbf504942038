"""Engine behaviour: concurrency, timeouts, errors, back/forward, explanations, doctor."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from engine_support import book, make_registry

from tui.context import Context
from tui.engine.doctor import check_node_order, run_doctor
from tui.engine.events import CheckFinished, CheckStarted
from tui.engine.walk import Walk, WalkError
from tui.registry import Registry
from tui.results import CheckResult, Status, failed, passed

TWO_CHECKS = """
id: t
title: T
start: node
nodes:
  node:
    kind: check
    title: Two checks
    checks: [{check: a.one}, {check: a.two}]
    when:
      - {check: a.one, status: fail, goto: broken, because: "one is broken"}
    default: fine
  broken: {kind: diagnosis, title: Broken}
  fine: {kind: diagnosis, title: Fine}
"""


async def test_sync_checks_at_a_node_run_concurrently() -> None:
    barrier = threading.Barrier(2, timeout=60)  # a ceiling so a serial engine fails instead of hanging, not a budget

    def meet(ctx: Any, params: Any) -> CheckResult:
        barrier.wait()  # raises BrokenBarrierError if the other check is not running at the same time
        return passed("met")

    walk = Walk(book(TWO_CHECKS), Context(), registry=make_registry(a_one=(meet, ()), a_two=(meet, ())))
    results = await walk.run_node()
    assert [r.status for r in results.values()] == [Status.PASS, Status.PASS]


async def test_async_checks_at_a_node_run_concurrently() -> None:
    started: list[str] = []
    both = asyncio.Event()

    async def meet(ctx: Any, params: Any) -> CheckResult:
        started.append(ctx.node_id)
        if len(started) == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 60)  # a ceiling so a serial engine fails instead of hanging
        return passed("met")

    walk = Walk(book(TWO_CHECKS), Context(), registry=make_registry(a_one=(meet, ()), a_two=(meet, ())))
    results = await walk.run_node()
    assert all(r.status is Status.PASS for r in results.values())


async def test_hanging_check_ends_as_error_with_timeout_reason() -> None:
    async def hang(ctx: Any, params: Any) -> CheckResult:
        await asyncio.sleep(3600)
        return passed("never")

    def hang_sync(ctx: Any, params: Any) -> CheckResult:
        threading.Event().wait(30)
        return passed("never")

    walk = Walk(
        book(TWO_CHECKS), Context(), registry=make_registry(a_one=(hang, ()), a_two=(hang_sync, ())), timeout=0.3
    )
    results = await walk.run_node()
    for result in results.values():
        assert result.status is Status.ERROR
        assert result.summary == "timed out after 0.3 s"


async def test_exception_in_check_becomes_error_result() -> None:
    def boom(ctx: Any, params: Any) -> CheckResult:
        raise ValueError("the server said no\nsecond line")

    walk = Walk(
        book(TWO_CHECKS), Context(), registry=make_registry(a_one=(boom, ()), a_two=(lambda c, p: passed("ok"), ()))
    )
    results = await walk.run_node()
    assert results["a.one"].status is Status.ERROR
    assert results["a.one"].summary == "ValueError: the server said no"
    assert results["a.two"].status is Status.PASS


async def test_walk_explains_branch_choice_and_back_forward_restore_state() -> None:
    def one(ctx: Any, params: Any) -> CheckResult:
        return failed("port 8000 closed", facts={"x.port": 8000})

    reg = make_registry(a_one=(one, ("x.port",)), a_two=(lambda c, p: passed("ok"), ()))
    walk = Walk(book(TWO_CHECKS), Context(), registry=reg)
    await walk.advance()
    assert walk.current == "broken"
    assert walk.explain() == ["node (Two checks) -> broken: one is broken (port 8000 closed)"]
    assert walk.facts == {"x.port": 8000}
    assert walk.back() is True
    assert walk.current == "node" and walk.history == [] and walk.facts == {"x.port": 8000}
    assert walk.results["node"]["a.one"].status is Status.FAIL
    assert walk.back() is False
    assert walk.forward() is True
    assert walk.current == "broken" and len(walk.history) == 1
    assert walk.forward() is False


async def test_default_branch_reason_mentions_that_everything_passed() -> None:
    reg = make_registry(a_one=(lambda c, p: passed("ok"), ()), a_two=(lambda c, p: passed("ok"), ()))
    walk = Walk(book(TWO_CHECKS), Context(), registry=reg)
    await walk.advance()
    assert walk.current == "fine"
    assert walk.history[-1].reason == "no condition matched; every check passed"


QUESTION = """
id: q
title: Q
start: ask
nodes:
  ask:
    kind: question
    title: Ask
    choices:
      - {key: "1", label: Logs, goto: logs, because: logs come first}
      - {key: "2", label: Other, goto: other}
  logs: {kind: diagnosis, title: Logs}
  other: {kind: diagnosis, title: Other}
"""


def test_answering_a_question_records_the_answer_and_why() -> None:
    walk = Walk(book(QUESTION), Context(), registry=Registry())
    with pytest.raises(WalkError, match="no choice '7'"):
        walk.answer("7")
    walk.answer("1")
    assert walk.current == "logs"
    assert walk.answers == {"ask": "1"}
    assert "you answered 'Logs': logs come first" in walk.explain()[0]
    walk.back()
    walk.answer("2")
    assert walk.current == "other"
    assert walk.forward() is False  # a new answer clears the forward history


async def test_listener_sees_every_check_start_and_finish() -> None:
    events: list[Any] = []
    reg = make_registry(a_one=(lambda c, p: passed("ok"), ()), a_two=(lambda c, p: passed("ok"), ()))
    walk = Walk(book(TWO_CHECKS), Context(), registry=reg, listener=events.append)
    await walk.run_node()
    started = {e.key for e in events if isinstance(e, CheckStarted)}
    finished = {e.key for e in events if isinstance(e, CheckFinished)}
    assert started == finished == {"a.one", "a.two"}


async def test_cancelling_a_node_cancels_its_checks() -> None:
    cancelled = asyncio.Event()
    running: list[str] = []
    both_running = asyncio.Event()

    async def slow(ctx: Any, params: Any) -> CheckResult:
        running.append(ctx.node_id)
        if len(running) == 2:
            both_running.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return passed("never")

    reg = make_registry(a_one=(slow, ()), a_two=(slow, ()))
    walk = Walk(book(TWO_CHECKS), Context(), registry=reg, timeout=60)
    task = asyncio.create_task(walk.run_node())
    await asyncio.wait_for(both_running.wait(), 60)  # cancel while the checks run (a ceiling, not a budget)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()
    assert "node" not in walk.results


CHAIN = """
id: chain
title: Chain
start: ask
nodes:
  ask:
    kind: question
    title: Ask
    choices:
      - {key: "1", label: A, goto: find}
      - {key: "2", label: B, goto: use}
  find:
    kind: check
    title: Find
    checks: [{check: a.find}]
    default: use
  use:
    kind: check
    title: Use
    checks: [{check: a.use, params: {name: "{thing.name}"}}]
    default: end
  end: {kind: diagnosis, title: End}
"""


async def test_doctor_explores_every_branch_in_dependency_order_and_runs_each_check_once() -> None:
    calls: list[str] = []

    def find(ctx: Any, params: Any) -> CheckResult:
        calls.append("find")
        return passed("found", facts={"thing.name": "widget"})

    def use(ctx: Any, params: Any) -> CheckResult:
        calls.append(f"use:{params.name}")
        return failed(f"{params.name} is broken")

    reg = make_registry(a_find=(find, ("thing.name",)), a_use=(use, ()))
    pb = book(CHAIN)
    assert check_node_order(pb) == ["find", "use"]
    run = await run_doctor(pb, Context(), registry=reg)
    assert calls == ["find", "use:widget"]
    assert [(f.check, f.status) for f in run.findings] == [("a.find", Status.PASS), ("a.use", Status.FAIL)]
    assert run.exit_code == 1
    report = run.report()
    assert report["totals"] == {"pass": 1, "warn": 0, "fail": 1, "error": 0, "skip": 0, "could_not_run": 0}


def test_a_run_is_shown_as_a_one_line_summary_whatever_it_holds() -> None:
    """``asyncio.run`` (3.11) builds a repr of the doctor run it returns as it ends (see ``RunState.__repr__``): it
    must stay a summary, not the playbook, context and every result (it was about 250 KB for the shipped playbook)."""
    import asyncio

    reg = make_registry(
        a_find=(lambda c, p: passed("found " + "x" * 5000, facts={"thing.name": "widget"}), ("thing.name",)),
        a_use=(lambda c, p: failed("broken " + "y" * 5000), ()),
    )
    run = asyncio.run(run_doctor(book(CHAIN), Context(), registry=reg))
    assert repr(run) == "<DoctorRun of 'chain': 2 nodes run, 2 results>"


async def test_missing_fact_makes_a_check_skip_with_the_reason() -> None:
    def find(ctx: Any, params: Any) -> CheckResult:
        return failed("nothing found")

    reg = make_registry(a_find=(find, ("thing.name",)), a_use=(lambda c, p: passed("x"), ()))
    run = await run_doctor(book(CHAIN), Context(), registry=reg)
    use = next(f for f in run.findings if f.check == "a.use")
    assert use.status is Status.SKIP
    assert "{thing.name}" in use.summary


async def test_only_pulls_in_the_checks_that_publish_what_the_selected_check_needs() -> None:
    calls: list[str] = []

    def find(ctx: Any, params: Any) -> CheckResult:
        calls.append("find")
        return passed("found", facts={"thing.name": "widget"})

    def use(ctx: Any, params: Any) -> CheckResult:
        calls.append(f"use:{params.name}")
        return failed("broken")

    reg = make_registry(a_find=(find, ("thing.name",)), a_use=(use, ()))
    run = await run_doctor(book(CHAIN), Context(), registry=reg, only=["a.use"])
    assert calls == ["find", "use:widget"]  # not a skip for want of {thing.name}
    assert [f.check for f in run.findings] == ["a.find", "a.use"]
    calls.clear()
    await run_doctor(book(CHAIN), Context(), registry=reg, only=["a.find"])
    assert calls == ["find"]  # nothing extra when nothing is needed
