"""``tui.logs.interrupt``: the first ctrl-c only sets the stop request, the second interrupts; the handler is put back."""

from __future__ import annotations

import signal
import threading

import pytest

from tui.logs.interrupt import StopRequest, ctrl_c_requests


def ctrl_c() -> None:
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)  # handled before this returns


def test_first_ctrl_c_sets_the_request_second_interrupts_then_the_handler_is_restored() -> None:
    stop = StopRequest()
    with pytest.raises(KeyboardInterrupt), ctrl_c_requests(stop):
        ctrl_c()
        assert stop.is_set() and stop.wait(0)
        ctrl_c()
        pytest.fail("the second ctrl-c did not interrupt")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_process_that_ignores_sigint_keeps_ignoring_it() -> None:
    """A shell's background job starts with SIGINT ignored: `logs --follow &` stays deaf to it, as before."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        stop = StopRequest()
        with ctrl_c_requests(stop):
            ctrl_c()
        assert not stop.is_set() and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_wait_returns_when_another_thread_sets_it_and_every_waiter_wakes() -> None:
    stop = StopRequest()
    woke: list[bool] = []
    waiters = [threading.Thread(target=lambda: woke.append(stop.wait(120))) for _ in range(3)]
    for waiter in waiters:
        waiter.start()
    assert not stop.wait(0)
    stop.set()
    stop.set()  # twice: still one release
    for waiter in waiters:
        waiter.join(120)  # a bound so a lost wake-up fails instead of hanging
    assert woke == [True, True, True] and stop.wait()
