"""`logs --follow` as a user runs it (a real process against the sandbox's moto): events written while it follows
appear within two polls, and ctrl-c (SIGINT) ends it with exit 130 and no traceback. Waits on output, never on
the clock."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tui.sandbox.logs_seed import put

CLI = str(Path(sys.executable).parent / "agentcore-triage")
POLL = re.compile(r"^poll (\d+): (\d+) new")


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _next(lines: queue.Queue, what: str) -> str:
    line = lines.get(timeout=120)  # a bound so a broken build fails instead of hanging, not a timing assertion
    assert line is not None, f"the process ended while waiting for {what}"
    return line


def test_follow_shows_new_events_within_two_polls_and_sigint_exits_130(seeded_aws):
    import boto3

    info = seeded_aws({"logs-permission-missing"})
    proc = subprocess.Popen(
        [CLI, "logs", "--runtime", info.runtime_arn, "--follow", "--since", "10m", "--poll-interval", "0.2"]
        + ["--format", "jsonl", "-v"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out: queue.Queue = queue.Queue()
    err: queue.Queue = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, out), daemon=True).start()
    threading.Thread(target=_pump, args=(proc.stderr, err), daemon=True).start()
    stderr_seen: list[str] = []
    try:
        # the seeded AccessDenied line arrives with the first poll
        first = json.loads(_next(out, "the seeded event"))
        assert first["node"] == "aws-role-logs"
        while True:
            line = _next(err, "the first poll line")
            stderr_seen.append(line)
            if POLL.match(line):
                break
        polls_before = int(POLL.match(line).group(1))
        marker = f"Invalid Host header marker-{time.monotonic_ns()}"
        logs = boto3.client("logs")
        put(logs, info.runtime_log_group, "follow-test", [(int(time.time() * 1000), marker)])
        while True:
            event = json.loads(_next(out, "the new event"))
            if marker in event["message"]:
                break
        assert event["node"] == "ep-host-protection"
        while True:  # the poll that delivered it reports after printing it
            line = _next(err, "the poll that found the new event")
            stderr_seen.append(line)
            m = POLL.match(line)
            if m and int(m.group(2)) > 0 and int(m.group(1)) > polls_before:
                break
        assert int(m.group(1)) <= polls_before + 2, stderr_seen
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rest = []
    while True:
        line = err.get(timeout=120)
        if line is None:
            break
        rest.append(line)
    assert code == 130, rest
    text = "\n".join(stderr_seen + rest)
    assert "Traceback" not in text and "stopped following" in text
