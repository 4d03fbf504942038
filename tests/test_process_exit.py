"""The ``agentcore-triage`` process ends without the interpreter's teardown, and loses nothing by it (``tui.cli.entry``).

Real processes for what only a real exit shows (the status, the last buffered output, the exit callbacks); the
decisions themselves in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui.cli import entry

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import atexit, sys
atexit.register(print, "exit callback ran")  # registered first: runs last, as in a normal exit


class TornDown:  # the interpreter's teardown would print this; the process ends before it
    def __del__(self):
        print("torn down", flush=True)


kept = TornDown()
sys.argv = ["agentcore-triage", *sys.argv[1:]]
from tui.cli.entry import run
run()
"""


def run_child(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )


def test_the_process_keeps_its_status_output_and_exit_callbacks() -> None:
    listed = run_child("checks", "list", "--format", "json")  # tens of kilobytes, still buffered when it ends
    assert listed.returncode == 0, listed.stderr
    report, _, rest = listed.stdout.rpartition("]\n")
    assert {c["id"] for c in json.loads(report + "]")} >= {"aws.identity", "endpoint.initialize"}
    assert rest == "exit callback ran\n"  # and not "torn down": no teardown

    refused = run_child("doctor", "--no-such-flag")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "--no-such-flag" in refused.stderr
    assert refused.stdout == "exit callback ran\n"


def test_exit_status_is_pythons(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.exit_status(None) == 0
    assert entry.exit_status(130) == 130
    assert entry.exit_status("agentcore-triage: stopped") == 1
    assert capsys.readouterr().err == "agentcore-triage: stopped\n"


def test_a_running_non_daemon_thread_gets_the_normal_exit() -> None:
    """The normal exit joins it (and the work it is doing) before the process ends; so does an exit off the main
    thread."""
    release = threading.Event()
    worker = threading.Thread(target=release.wait, name="still-working", daemon=False)
    worker.start()
    try:
        assert entry._other_threads_to_join()
    finally:
        release.set()
        worker.join()
    seen: list[bool] = []
    off_main = threading.Thread(target=lambda: seen.append(entry._other_threads_to_join()), daemon=True)
    off_main.start()
    off_main.join()
    assert seen == [True]


def test_a_closed_stdout_and_a_narrow_encoding_still_end_cleanly(tmp_path: Path) -> None:
    """QA sweep 2: with stdout closed (``>&-``) every command ended in AttributeError tracebacks, and a stdout whose
    encoding cannot hold ``·``/``✓`` (ascii; cp932 for ``✓``) ended the report with a UnicodeEncodeError."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCORE_TRIAGE_")}
    closed = subprocess.run(
        ["/bin/sh", "-c", f"exec '{sys.executable}' -m tui --version >&-"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert (closed.returncode, closed.stderr) == (0, "")
    narrow = subprocess.run(
        [sys.executable, "-m", "tui", "doctor", "--project", str(tmp_path), "--only", "project.layout"],
        capture_output=True,
        timeout=120,
        env=env | {"PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert narrow.returncode == 1, narrow.stderr  # the check's finding, not a crash
    assert b"project.layout" in narrow.stdout and b"UnicodeEncodeError" not in narrow.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_output_to_a_full_device_is_one_line_naming_it() -> None:
    """QA sweep 2 F17 (the rest): `doctor > /dev/full` ended in "OSError: [Errno 28] No space left on device" with the
    hint for a traceback, as an unexpected error would."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCORE_TRIAGE_")}
    with open("/dev/full", "w") as full:  # noqa: PTH123 - a device, handed over as the child's stdout
        ended = subprocess.run(
            [sys.executable, "-m", "tui", "checks", "list", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
    assert ended.returncode == 2
    assert ended.stderr == "agentcore-triage: could not write the output: No space left on device\n"
