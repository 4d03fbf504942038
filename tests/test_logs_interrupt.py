"""Ctrl-c at a known point of `logs`: exit 130, the reader's threads gone, no hang (in-process, a real SIGINT).

Python raises KeyboardInterrupt at whatever bytecode the main thread is at when the signal is handled, including
inside the threading module's own code: after ``Condition.__enter__`` has taken its lock but before the caller's
``with`` owns it, or inside ``Condition.wait`` between releasing its lock and the ``try`` that takes it back. A
ctrl-c there used to leave a lock taken for good: `logs --follow` then hung in its own ctrl-c handler (the stop
event's lock) or left its reader threads blocked on the page queue's lock, or ended with "release unlocked lock"
(exit 2). Here the signal is sent to the main thread exactly at such a point, chosen by a trace function (no
guessed delay): ``pthread_kill`` to the calling thread is delivered before it returns, so the handler runs right
there, as the real signal's does when it arrives at that moment.
"""

from __future__ import annotations

import linecache
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

import pytest
from click.testing import CliRunner

from tui.cli import main


@dataclass(frozen=True)
class Point:
    """The ``nth`` ``event`` (``call``, ``line``, ``return``) of a function ``name`` of ``module`` (a file name)
    whose source line contains ``text``, counted once the main thread has called a function ``armed_by`` or, with
    ``armed_at``, run a line containing that text."""

    module: str
    name: str
    event: str
    nth: int = 1
    text: str = ""
    armed_by: str = "on_poll"
    armed_at: str = ""
    caller: str = ""
    """Only when called from a function of this name."""


POINTS = {
    # the first lock-guarded block the main thread enters after the first poll's line: its lock just taken
    "condition-entered": Point("threading.py", "__enter__", "return"),
    # a wait that has released its lock and not yet reached the ``try`` that takes it back
    "condition-wait-released": Point("threading.py", "wait", "line", text="gotit = False"),
}


@contextmanager
def interrupt_at(point: Point) -> Iterator[Callable[[], bool]]:
    """SIGINT to the main thread at ``point``; yields whether it was sent."""
    main_thread = threading.main_thread().ident
    assert main_thread == threading.get_ident()
    state = {"armed": False, "seen": 0, "sent": False}
    previous = sys.gettrace()  # coverage's or a debugger's, put back after

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if state["sent"]:
            return None
        code = frame.f_code
        if not state["armed"]:
            if point.armed_at:
                state["armed"] = event == "line" and point.armed_at in linecache.getline(
                    code.co_filename, frame.f_lineno
                )
            else:
                state["armed"] = event == "call" and code.co_name == point.armed_by
            return trace
        if event == point.event and code.co_name == point.name and code.co_filename.endswith(point.module):
            if point.text and point.text not in linecache.getline(code.co_filename, frame.f_lineno):
                return trace
            if point.caller and not (frame.f_back and frame.f_back.f_code.co_name == point.caller):
                return trace
            state["seen"] += 1
            if state["seen"] == point.nth:
                state["sent"] = True
                sys.settrace(previous)
                signal.pthread_kill(main_thread, signal.SIGINT)  # delivered before this returns: handled here
                return None
        return trace

    sys.settrace(trace)
    try:
        yield lambda: bool(state["sent"])
    finally:
        sys.settrace(previous)


def run_interrupted(args: list[str], point: Point) -> tuple[Any, list[str]]:
    """``agentcore-triage ARGS`` in-process with SIGINT at ``point``: (its result, the threads it left running)."""
    before = set(threading.enumerate())
    with interrupt_at(point) as sent:
        result = CliRunner().invoke(main, args)
    assert sent(), "the point was never reached"
    started = [t for t in threading.enumerate() if t not in before]
    for thread in started:
        thread.join(timeout=30)  # a bound so a stuck reader fails the test instead of hanging it
    return result, [t.name for t in started if t.is_alive()]


@pytest.mark.timeout(90)  # the old code hung here for good; the bound turns that into a failure
@pytest.mark.parametrize("where", list(POINTS))
def test_ctrl_c_at_a_lock_boundary_ends_follow_with_130_and_no_thread_left(seeded_aws, where: str) -> None:
    info = seeded_aws({"logs-permission-missing"})
    args = ["logs", "--runtime", info.runtime_arn, "--follow", "--since", "10m", "--poll-interval", "0.1", "-v"]
    result, left = run_interrupted(args, POINTS[where])
    assert result.exit_code == 130, (result.exception, result.stderr)
    assert "stopped following" in result.stderr and "Traceback" not in result.stderr
    assert not left


READ_POINTS = {
    # the page queue's lock, taken by the main thread's first wait for a page (the readers then wait on it)
    "page-queue-entered": Point("threading.py", "__enter__", "return", armed_at="pages.get(timeout="),
    "page-wait-released": Point("threading.py", "wait", "line", text="gotit = False", armed_at="pages.get(timeout="),
}


@pytest.mark.timeout(90)
@pytest.mark.parametrize("where", list(READ_POINTS))
def test_ctrl_c_at_a_lock_boundary_of_a_read_ends_it_with_130_and_no_thread_left(seeded_aws, where: str) -> None:
    info = seeded_aws({"logs-permission-missing"})
    result, left = run_interrupted(["logs", "--runtime", info.runtime_arn, "--since", "10m"], READ_POINTS[where])
    assert result.exit_code == 130, (result.exception, result.stderr)
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert not left


@pytest.mark.timeout(90)
def test_ctrl_c_while_all_runtimes_hands_out_work_ends_with_130_and_no_thread_left(seeded_aws) -> None:
    """``--all-runtimes`` reads in a thread pool whose threads are joined when it closes (and at exit): ctrl-c as the
    main thread hands the second runtime to the pool (the idle-thread semaphore's lock just taken) used to leave the
    first runtime's thread blocked on that lock for good, and the pool's close waited for it."""
    from sandbox_fixtures import add_second_runtime

    info = seeded_aws({"logs-permission-missing"})
    add_second_runtime(info.role_arn)
    point = Point("threading.py", "__enter__", "return", nth=2, armed_by="map", caller="acquire")
    result, left = run_interrupted(["logs", "--all-runtimes", "--since", "10m"], point)
    assert result.exit_code == 130, (result.exception, result.stderr)
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert not left
