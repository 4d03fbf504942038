"""A closed terminal ends the app (and `agentcore-triage demo`'s sandbox), whether or not SIGHUP arrives."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")

CHILD = r"""
import fcntl, os, sys, termios
os.setsid()
fcntl.ioctl(0, termios.TIOCSCTTY, 0)
from tui.app.main import _terminal_alive
print("before", _terminal_alive(0), flush=True)
sys.stdin.readline()                 # the parent closes the master after this line
print("read", flush=True)
os.read(int(sys.argv[1]), 1)         # the parent says the master is closed (an event, not a sleep)
print("after", _terminal_alive(0), file=sys.stderr, flush=True)
"""


def test_terminal_alive_turns_false_when_the_terminal_hangs_up() -> None:
    master, slave = pty.openpty()
    closed_r, closed_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(closed_r)],
        pass_fds=(closed_r,),
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: __import__("signal").signal(__import__("signal").SIGHUP, __import__("signal").SIG_IGN),
    )
    os.close(slave)
    os.close(closed_r)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "before True"
        os.write(master, b"go\n")
        assert proc.stdout.readline().strip() == "read"  # the child has its line: closing now loses nothing
        os.close(master)  # hang up: the child ignores SIGHUP, like a process under `make run`
        os.write(closed_w, b"x")
        _, err = proc.communicate(timeout=60)  # a ceiling so a stuck child fails the test, not a budget
        assert "after False" in err, err
    finally:
        os.close(closed_w)
        if proc.poll() is None:
            proc.kill()


def _ports_of(pid: int) -> set[int]:
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
    return {
        int(m.group(1))
        for line in out.splitlines()
        if f"pid={pid}," in line
        for m in [re.search(r":(\d+)\s", line)]
        if m
    }


# Like `make run`: the terminal's session leader survives the hang-up (make ignores SIGHUP), so the
# kernel never sends SIGHUP to the app; its terminal just goes dead.
LIKE_MAKE = "import signal, subprocess, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN); sys.exit(subprocess.call(sys.argv[1:]))"


# Slow (justified): must be a real process on a real pty (the terminal going away cannot be simulated in-process).
@pytest.mark.slow
@pytest.mark.timeout(90)
def test_demo_stops_its_sandbox_when_the_terminal_closes() -> None:
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AGENTCORE_TRIAGE_"))} | {
        "TERM": "xterm-256color"
    }

    def controlling_tty() -> None:
        import fcntl
        import termios

        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, "-c", LIKE_MAKE, sys.executable, "-m", "tui", "demo", "--scenario", "healthy"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        preexec_fn=controlling_tty,
    )
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + 60
        while b"Project dir" not in ANSI.sub(b"", seen) and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                seen += os.read(master, 65536)
        assert b"Project dir" in ANSI.sub(b"", seen), "the start form never appeared"
        app_pid = int(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()[0])
        assert _ports_of(app_pid), "the sandbox should be listening"
        os.close(master)
        proc.wait(timeout=30)  # the wrapper returns when the app has exited
        assert not _ports_of(app_pid)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
