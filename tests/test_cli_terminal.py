"""The text report on a terminal: colour through rich and the conventions it honours, --quiet, the live
progress line (only on a terminal), and no TUI without one."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
BOOK = str(Path(__file__).parent / "playbooks" / "cli" / "needs-runtime.yaml")
ESCAPE = "\x1b["
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|38|9[0-7])[0-9;]*m")
"""An SGR sequence that sets a foreground colour (bold alone is not colour)."""
QUIET_ENV = {"AWS_PROFILE": "", "AWS_REGION": "", "AGENTCORE_TRIAGE_RUNTIME": "", "AGENTCORE_TRIAGE_ENDPOINT": ""}


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    unset: dict[str, str | None] = {"NO_COLOR": None, "FORCE_COLOR": None, "TTY_COMPATIBLE": None}
    base = QUIET_ENV | unset | {"TERM": "xterm-256color"}
    return CliRunner().invoke(main, list(args), env=base | (env or {}), catch_exceptions=False)


def test_piped_text_is_plain() -> None:
    result = invoke("doctor", "--playbook", BOOK)
    assert result.exit_code == 1
    assert "[✗] context.required" in result.stdout
    assert ESCAPE not in result.stdout and ESCAPE not in result.stderr


def test_force_color_colours_the_statuses() -> None:
    result = invoke("doctor", "--playbook", BOOK, env={"FORCE_COLOR": "1"})
    assert COLOUR.search(result.stdout), result.stdout
    assert "context.required" in result.stdout


def test_no_color_wins_over_force_color() -> None:
    result = invoke("doctor", "--playbook", BOOK, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not COLOUR.search(result.stdout), result.stdout
    assert "[✗]" in result.stdout  # bold stays: NO_COLOR is about colour


def test_a_dumb_terminal_gets_no_escapes_at_all() -> None:
    result = invoke("doctor", "--playbook", BOOK, env={"FORCE_COLOR": "1", "TERM": "dumb"})
    assert ESCAPE not in result.stdout


async def test_quiet_shows_only_problems_and_the_totals_line() -> None:
    from tests.test_report_formats import CHECKS, EVERY_OUTCOME, _registry
    from tui.context import Context
    from tui.engine.doctor import run_doctor
    from tui.engine.report import render_text
    from tui.playbook.loader import parse_yaml
    from tui.playbook.model import Playbook

    assert "t.fail" in CHECKS
    data, _ = parse_yaml(EVERY_OUTCOME, "<test>")
    run = await run_doctor(Playbook.model_validate(data), Context(), registry=_registry())
    quiet = render_text(run, quiet=True).splitlines()
    shown = [line.split()[1] for line in quiet if line.startswith("[")]
    assert shown == ["t.fail", "t.error", "t.needs"]  # not pass, warn or a skip that does not apply
    at = next(i for i, line in enumerate(quiet) if line.startswith("7 checks: "))
    assert quiet[at].startswith("7 checks: 1 fail, 1 error, 1 warn, 2 pass, 2 skip")
    assert "could not run" in "\n".join(quiet[at:])  # the totals say how many could not run
    assert "doctor · playbook" not in "\n".join(quiet)
    full = render_text(run)
    assert "[-] t.needs" in full and "could not run: needs {thing.name}" in full
    assert "No problems found" not in full


def test_quiet_flag_from_the_command_line() -> None:
    result = invoke("doctor", "--playbook", BOOK, "--quiet")
    assert result.stdout.splitlines() == [
        "[✗] context.required         not set: runtime",
        "      Give the missing values as flags, environment variables, or in the start screen's form.",
        "",
        "1 check: 1 fail",
    ]
    passing = invoke("doctor", "--playbook", BOOK, "-q", "--runtime", "rt")
    assert passing.exit_code == 0
    assert passing.stdout.splitlines() == ["1 check: 1 pass", "No problems found."]


def _read_all(fd: int) -> bytes:
    data = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            return data
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its end
            return data
        if not chunk:
            return data
        data += chunk


def run_with_stderr_on_a_terminal(command: list[str]) -> tuple[str, str]:
    """Run ``command`` with stderr on a pseudo-terminal and stdout piped: (stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=_env(), cwd=ROOT
    )
    os.close(slave)
    try:
        stdout, _ = proc.communicate(timeout=45)
        on_terminal = _read_all(master).decode("utf-8", "replace")
    finally:
        os.close(master)
    return stdout.decode("utf-8", "replace"), on_terminal


def _env() -> dict[str, str]:
    # rich reads an empty FORCE_COLOR as "not a terminal": leave both out rather than empty
    drop = ("AWS_", "AGENTCORE_TRIAGE_", "NO_COLOR", "FORCE_COLOR", "TTY_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)} | {"TERM": "xterm-256color"}


@pytest.mark.timeout(90)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_progress_line_on_a_terminal_and_none_when_piped(fmt: str) -> None:
    command = [sys.executable, "-m", "tui", "doctor", "--playbook", BOOK, "--format", fmt]
    stdout, on_terminal = run_with_stderr_on_a_terminal(command)
    assert "1 check done" in on_terminal
    assert "check done" not in stdout and "context.required" in stdout  # the report itself is not touched
    if fmt == "json":
        assert json.loads(stdout)["totals"]["fail"] == 1
    piped = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, env=_env(), cwd=ROOT, timeout=45)
    assert piped.returncode == 1
    assert b"check done" not in piped.stderr and b"\x1b[" not in piped.stderr + piped.stdout


def test_no_terminal_no_tui_one_line_exit_2() -> None:
    result = invoke()
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "`agentcore-triage doctor`" in line and "`agentcore-triage run`" in line


@pytest.mark.timeout(60)
def test_a_terminal_on_stdin_but_stdout_piped_does_not_start_the_tui() -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=ROOT
    )
    os.close(slave)
    try:
        stdout, stderr = proc.communicate(timeout=45)
    finally:
        os.close(master)
    assert proc.returncode == 2
    assert stdout == b""
    assert stderr.decode().count("\n") == 1 and b"doctor" in stderr
