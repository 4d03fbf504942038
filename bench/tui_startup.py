"""Time to first frame: ``agentcore-triage`` (start screen) vs a bare Textual app showing one line.

Both run as fresh processes on a pseudo-terminal (80×24, the real Linux driver), alternately,
in the same run. The clock runs from spawning the process (interpreter start-up and every
import included) until the app's text is on the terminal: "hello…" for the bare app, the start
screen's intro line for agentcore-triage (run exactly as ``agentcore-triage``: ``python -m tui``), and then
its filled-in form ("Project dir"), which mounts right after the first frame. Reported as
ratios of medians (target ≤ 1.3× for the first frame); no asserts.

    python -m bench.tui_startup [--runs 15] [--json]

Where the time went (2 cores, shared machine; bare ≈ 180–220 ms): the first frame used to be
≈ 1.65–1.75× (≈ 1.85–2.2× while agentcore-triage's modules were compiled from source on every run,
see ``PYTHONDONTWRITEBYTECODE`` below), with the form in that same frame: the start screen was
pushed inside Textual's mount batch, whose frames are discarded and where ``call_after_refresh``
runs at once, so nothing was painted until the form (≈ 20 widgets, each class's DEFAULT_CSS parsed
on first use) and the threads listing playbooks and importing the engine had run. Now the app
pushes the start screen after that batch, so its first layout is painted in full at once; the form
is mounted after that paint, and the threads start after the form's. What is left, ≈ 1.15–1.2×
(≈ 30 ms): importing click and our modules (≈ 15 ms), parsing the command line and building the
context, and Header/Footer (their CSS and a few more widgets to lay out). The form fills in
≈ 100 ms after the first frame.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello from a bare app")
Bare().run()
"""

OURS = [sys.executable, "-m", "tui", "--playbook", "agentcore-mcp"]
"""Exactly what ``agentcore-triage`` runs (the console script calls ``tui.cli:main``)."""

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


def first_frame(argv: list[str], markers: list[bytes], timeout: float = 30.0) -> list[float]:
    """Seconds from spawning ``argv`` on an 80x24 pty until each marker text is on the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    # PYTHONDONTWRITEBYTECODE (set in some dev shells and CI) would make agentcore-triage compile its
    # own modules from source on every run (~15 ms), while Textual's come from bytecode written
    # at install time, as an installed agentcore-triage's do: let the warm-up runs write the caches.
    for name in ("TEXTUAL", "AGENTCORE_TRIAGE_SANDBOX", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=str(ROOT), start_new_session=True
    )
    os.close(slave)
    seen: dict[bytes, float] = {}
    raw = b""
    try:
        deadline = started + timeout
        while len(seen) < len(markers) and time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            now = time.perf_counter()
            raw += chunk
            text = ANSI.sub(b"", raw)
            for marker in markers:
                if marker not in seen and marker in text:
                    seen[marker] = now - started
        if len(seen) < len(markers):
            raise RuntimeError(f"markers not seen: {[m for m in markers if m not in seen]}")
        return [seen[m] for m in markers]
    finally:
        proc.kill()
        proc.wait()
        os.close(master)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    bare_argv = [sys.executable, "-c", BARE]
    bare_markers = [b"hello from a bare app"]
    our_markers = [b"What should agentcore-triage look at", b"Project dir"]
    first_frame(bare_argv, bare_markers)  # warm the file-system and bytecode caches for both
    first_frame(OURS, our_markers)
    bare: list[float] = []
    ours: list[float] = []
    form: list[float] = []
    for _ in range(args.runs):
        bare.append(first_frame(bare_argv, bare_markers)[0])
        frame, filled = first_frame(OURS, our_markers)
        ours.append(frame)
        form.append(filled)
    b, o, f = statistics.median(bare), statistics.median(ours), statistics.median(form)
    result = {
        "runs": args.runs,
        "bare_textual_ms": round(b * 1000, 1),
        "agentcore_triage_ms": round(o * 1000, 1),
        "ratio": round(o / b, 3),
        "agentcore_triage_form_ms": round(f * 1000, 1),
        "form_ratio": round(f / b, 3),
        "target": 1.3,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"first frame, median of {args.runs} alternating runs on an 80x24 pty:")
        print(f"  bare Textual app (one line)   {result['bare_textual_ms']:7.1f} ms")
        print(f"  agentcore-triage (start screen)     {result['agentcore_triage_ms']:7.1f} ms")
        print(f"  ratio                         {result['ratio']:7.2f}x  (target <= 1.3x)")
        print(
            f"  agentcore-triage, form filled in    {result['agentcore_triage_form_ms']:7.1f} ms  ({result['form_ratio']:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
