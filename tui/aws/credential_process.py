"""A profile's ``credential_process`` bounded by the run's timeout, and ended when agentcore-triage ends.

botocore runs the command and reads its output with no time limit. One that waits forever (a helper stuck on a
network call, a prompt nobody can see behind the TUI) held ``logs`` and ``doctor --all-runtimes`` forever, and in
``doctor`` the check timed out while the process ran on after the tool had exited. Here the command gets a little
less than the run's timeout (``--timeout``, ``AGENTCORE_TRIAGE_TIMEOUT``), so the check can say why it failed: then it
is killed and the AWS call fails with a reason that names it. Whatever still runs when the tool exits is killed too.

Not covered: a ``credential_process`` of a ``source_profile`` behind ``role_arn`` (botocore builds that provider
inside its assume-role provider, out of reach here); the check's own timeout still bounds the check.
"""

from __future__ import annotations

import atexit
import subprocess
import threading
from typing import Any

_running: set[subprocess.Popen[bytes]] = set()
_lock = threading.Lock()
"""Held while a process starts, so the exit never misses one that is starting, and while ``_running`` changes."""
_ending = False


class CredentialProcessTimedOut(Exception):
    """The profile's credential_process did not finish within the run's timeout (it was stopped)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"credential_process did not finish within {seconds:g} s")
        self.seconds = seconds


def _bounded_popen(seconds: float) -> Any:
    """``subprocess.Popen`` for botocore's ``ProcessProvider`` whose ``communicate()`` gives up after ``seconds``.

    Each new client asks for credentials again while none are loaded, and runs the command again: a later run (the
    user fixed the helper, then ran the checks again) may succeed. The checks that need AWS run at the same time, so
    in one run they wait out the timeout together, not one after another.
    """

    class BoundedProcess(subprocess.Popen[bytes]):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            with _lock:
                if _ending:
                    raise CredentialProcessTimedOut(seconds)
                super().__init__(*args, **kwargs)
                _running.add(self)

        def communicate(self, input: Any = None, timeout: float | None = None) -> tuple[Any, Any]:  # noqa: A002
            try:
                return super().communicate(input, timeout=seconds if timeout is None else timeout)
            except subprocess.TimeoutExpired:
                _end(self)
                raise CredentialProcessTimedOut(seconds) from None
            finally:
                with _lock:
                    _running.discard(self)

    return BoundedProcess


def _end(process: subprocess.Popen[bytes]) -> None:
    """Kill the process and reap it. Its pipes are closed, not read to their end: a child it started may hold them
    open for as long as it runs."""
    try:
        process.kill()
    except OSError:
        pass  # it ended meanwhile
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass  # unkillable (stopped in the kernel): nothing more to do from here


def end_credential_processes() -> None:
    """Kill every credential process still running, and start none after this (run at exit: the tool's threads are
    daemons and may still be waiting on one)."""
    global _ending
    with _lock:
        _ending = True
        running = list(_running)
        _running.clear()
    for process in running:
        if process.poll() is None:
            _end(process)


atexit.register(end_credential_processes)  # the CLI's exit runs the exit callbacks too (tui/cli/entry.py)


SHARE_OF_THE_CHECK_TIMEOUT = 0.9
"""The command's time limit as a share of the check timeout: it is stopped just before the check would time out, so
the check reports why ("the profile's credential_process did not finish…") rather than a bare "timed out"."""


def bound_credential_process(core: Any, check_timeout: float) -> None:
    """Give the botocore session ``core`` a ``credential_process`` provider stopped after ``SHARE_OF_THE_CHECK_TIMEOUT``
    of ``check_timeout`` seconds.

    Built as botocore builds its own (``ProfileProviderBuilder``: the session's profile, its full config read when
    the provider first needs it), with only the ``popen`` its constructor takes replaced; same place in the chain.
    """
    from botocore.credentials import ProcessProvider

    resolver = core.get_component("credential_provider")
    profile = core.get_config_variable("profile") or "default"
    for index, provider in enumerate(resolver.providers):
        if isinstance(provider, ProcessProvider):
            resolver.providers[index] = ProcessProvider(
                profile_name=profile,
                load_config=lambda: core.full_config,
                popen=_bounded_popen(round(check_timeout * SHARE_OF_THE_CHECK_TIMEOUT, 2)),
            )
