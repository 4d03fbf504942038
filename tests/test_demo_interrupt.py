"""Ctrl-C during `agentcore-triage demo` start-up (issue 11 §5): exit 130, no traceback, the sandbox stopped.

The interrupt is delivered at a known point of the start-up, not after a guessed delay: a wrapper process
installs an import hook that sends the process SIGINT when a given module is first imported (in the main
thread, or in one of the start-up threads while the main thread waits for them), then runs the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

WRAPPER = """
import importlib.abc, os, signal, sys

TRIGGER = sys.argv[1]


class InterruptOnImport(importlib.abc.MetaPathFinder):
    fired = False

    def find_spec(self, name, path, target=None):
        if name == TRIGGER and not InterruptOnImport.fired:
            InterruptOnImport.fired = True
            sys.stderr.write("test: interrupt sent\\n")
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the terminal sends it
        return None


sys.meta_path.insert(0, InterruptOnImport())
sys.argv = ["agentcore-triage", "demo", "--scenario", "healthy", "--doctor"]
from tui.cli.entry import run

run()  # what `python -m tui` and the console script run
"""


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "trigger",
    [
        "tui.sandbox.runner",  # the first heavy import, on the main thread
        "uvicorn",  # the MCP server and the front door, on start-up threads (the AWS part is still importing moto)
        "jwt",  # the token, signed on the main thread while the servers start
    ],
)
# One process per point (a signal ends the process). These points replaced a test that sent SIGINT once the sandbox's
# work directory appeared: a guessed moment in the stretch the ``uvicorn`` and ``jwt`` points cover. A trigger in the AWS part's moto import (``moto.logs.models``)
# was dropped: it took the same path as ``uvicorn`` (the main thread is interrupted while it signs the token or waits
# for the start-up threads, then stops every part whatever state it is in) at twice the CPU, since moto is imported
# before the signal; the ``uvicorn`` trigger fires while that import is still running on the AWS thread.
def test_ctrl_c_at_any_point_of_demo_start_up_exits_130_cleanly(tmp_path: Path, trigger: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AGENTCORE_TRIAGE_"))}
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, trigger],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(Path(__file__).parent.parent),
        timeout=90,  # a hang (a process ignoring the interrupt) fails here
    )
    assert "test: interrupt sent" in done.stderr, f"{trigger} was not imported during start-up"
    assert done.returncode == 130, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr, done.stderr[-3000:]
    assert "interrupted; the sandbox is stopped" in done.stderr, done.stderr[-3000:]
    assert not list(tmp_path.glob("agentcore-triage-sandbox-*"))  # stopped: its work directory is gone
