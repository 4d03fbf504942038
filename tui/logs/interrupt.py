"""Ctrl-c as a request to stop, acted on where a long command can stop cleanly.

Python turns SIGINT into a KeyboardInterrupt raised at whatever bytecode the main thread is at, the threading
module's own code included, and that code is not safe against it (CPython 3.11): raised as ``Condition.__enter__``
returns, the lock stays taken with no ``with`` to release it; raised inside ``Condition.wait`` between releasing its
lock and the ``try`` that takes it back, the caller's ``with`` releases an unlocked lock (RuntimeError). `logs
--follow`, interrupted while entering its wait between polls, then hung for good in its own ctrl-c handler
(``stop.set()`` waited for the lock it had just left taken), or left its reader threads blocked on the page queue's
lock. So while a long command runs, the first ctrl-c only sets a ``StopRequest`` (the handler runs on the main
thread, possibly inside the very code whose lock it would need: it takes none) and the command stops at its next
check; a second ctrl-c raises KeyboardInterrupt at once, as usual (for a call stuck on the network).
"""

from __future__ import annotations

import _thread
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

WAIT_SLICE = 0.5
"""Longest single block of ``StopRequest.wait``: a signal the kernel hands to another thread is only handled once
the main thread runs Python again."""


class StopRequest:
    """A stop flag that a signal handler may set: no Python-level lock anywhere, a raw lock as the wake-up.

    Duck-compatible with the ``threading.Event`` uses of the readers (``is_set``, ``wait``, ``set``)."""

    def __init__(self) -> None:
        self._set = False
        self._wake = _thread.allocate_lock()
        self._wake.acquire()  # released once, by ``set``: waiters pass it on

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        try:
            self._wake.release()
        except RuntimeError:  # released already (a handler's ``set`` ran inside this one)
            pass

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float | None = None) -> bool:
        """True once set; False when ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._set:
            left = WAIT_SLICE if deadline is None else min(WAIT_SLICE, deadline - time.monotonic())
            if left <= 0:
                break
            if self._wake.acquire(True, left):
                try:
                    self._wake.release()  # the next waiter's turn
                except RuntimeError:
                    pass
        return self._set


@contextmanager
def ctrl_c_requests(stop: StopRequest) -> Iterator[StopRequest]:
    """While the block runs, the first ctrl-c sets ``stop`` (and nothing else); a second one raises
    KeyboardInterrupt as usual. Only on the main thread and only over Python's own handler: a process started
    with SIGINT ignored (a shell's background job) or an embedding program's handler is left alone."""
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield stop
        return

    def requested(signum: int, frame: Any) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the next ctrl-c interrupts whatever runs

    signal.signal(signal.SIGINT, requested)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextmanager
def interruptible() -> Iterator[StopRequest]:
    """``ctrl_c_requests`` over a new ``StopRequest`` for a read that checks it; once the block has ended (its threads
    done), a ctrl-c that came meanwhile is raised as KeyboardInterrupt (the command's guard: "interrupted", 130)."""
    with ctrl_c_requests(StopRequest()) as stop:
        yield stop
    if stop.is_set():
        raise KeyboardInterrupt
