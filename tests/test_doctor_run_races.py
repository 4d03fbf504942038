"""The two races that made one seed-guide doctor run of many differ from the others (issue 11 §4), each forced.

1. A project check ``error``: ``SystemError: AST constructor recursion depth mismatch``. CPython (3.11/3.12) keeps
   the AST constructor's recursion counter per interpreter; a parse in another thread while one is building its
   tree resets it. The project checks parse in worker threads at once.
2. An endpoint check seeing ``500 Internal Server Error`` from the front door (the SDK's "-32603 Server returned an
   error response"): the door reused an idle connection to the container just as the container's keep-alive
   closed it (ReadError before any answer). Seen in a trail of both sides: every failure was a reuse after
   1.8-2.05 s idle, with the server's keep-alive (2 s) firing between send and answer.
"""

from __future__ import annotations

import ast
import gc
import sys
import threading
from pathlib import Path

from gc_support import only_new_garbage

from tui.project.client_scan import client_files
from tui.project.scan import scan_project


class _ParseInside:
    """Garbage with a finalizer: when the collector runs it inside ``ast.parse`` on ``thread`` (the GIL can change
    hands there), it lets ``interleave()`` run, then re-arms itself until that happened ``times`` times, and then
    calls ``done()`` (which gives the collector its thresholds back: a collection at every allocation made the rest
    of the scan cost about a second of CPU)."""

    def __init__(self, thread: threading.Thread, interleave, times: int, done) -> None:  # type: ignore[no-untyped-def]
        self.cycle = self  # only the cyclic collector frees it, so its finalizer runs mid-allocation
        self.thread, self.interleave, self.times, self.done = thread, interleave, times, done

    def __del__(self) -> None:
        caller = sys._getframe(1)
        inside_parse = caller.f_code is ast.parse.__code__ and "/tui/project/" in caller.f_back.f_code.co_filename
        if threading.current_thread() is self.thread and inside_parse:
            self.interleave()
            self.times -= 1
        if self.times > 0:
            _ParseInside(self.thread, self.interleave, self.times, self.done)
        else:
            self.done()


def test_project_files_parsed_in_two_threads_at_once_do_not_break_each_other(sample_project):
    """A check parses the server code while another check's parse is forced into the middle of it (from a
    finalizer that the collector runs inside ``ast.parse``). Before the fix: SystemError in one of them."""
    project = sample_project({"fastmcp-import", "middleware-decorator", "stateful", "no-otel-distro"})
    errors: list[BaseException] = []

    def other_check() -> None:
        try:
            client_files(project)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            errors.append(exc)

    def interleave() -> None:
        """Run the other check's parse now; wait until it finished, or is parked until this parse ends."""
        other = threading.Thread(target=other_check)
        other.start()
        while other.is_alive():
            frame = sys._current_frames().get(other.ident or 0)
            if frame is not None and Path(frame.f_code.co_filename).name == "pyparse.py":
                break  # parked on the one-at-a-time guard: it parses after this one
            other.join(0.001)
        interleaves.append(other)

    interleaves: list[threading.Thread] = []
    scan_project(project), client_files(project)  # modules imported (their imports parse too), files cached
    thresholds = gc.get_threshold()
    with only_new_garbage():  # the collections forced below walk only this test's objects, not the worker's heap
        gc.set_threshold(1)  # collect at the first allocations inside the parse
        try:
            this = threading.current_thread()
            _ParseInside(this, interleave, times=5, done=lambda: gc.set_threshold(*thresholds))
            scan = scan_project(project)
        except SystemError as exc:
            errors.append(exc)
            scan = None
        finally:
            gc.set_threshold(*thresholds)
            gc.collect()
    for other in interleaves:
        other.join(30)
    assert interleaves, "the other parse was never forced into this one (the test did not test anything)"
    assert not errors, errors
    assert scan is not None and scan.server is not None


def test_no_client_reuses_a_connection_the_sandbox_server_may_be_closing(mcp_server, front_door):
    """The running servers keep an idle connection well past the time any client reuses one: the probes' pool
    (tool → door) and the door's own (door → container). Before the fix: 2 s on the servers, 2 s for the probes
    and httpx's 5 s for the door, so a reuse at ~2 s met the server's close (a 500 from the door, in a trail of
    both sides: every failure a reuse after 1.8-2.05 s idle, the keep-alive close between send and answer)."""
    from tui.endpoint.probe import KEEPALIVE_EXPIRY
    from tui.sandbox.frontdoor import UPSTREAM_KEEPALIVE_EXPIRY

    server = mcp_server()
    door = front_door(server.url)
    for running in (server._thread, door._thread):  # the uvicorn config the server really runs with
        keep_alive = running._server.config.timeout_keep_alive
        assert keep_alive >= 2 * KEEPALIVE_EXPIRY, (running.name, keep_alive)
        assert keep_alive >= 2 * UPSTREAM_KEEPALIVE_EXPIRY, (running.name, keep_alive)
