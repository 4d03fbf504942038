"""The text report on a terminal: colour through rich and the conventions it honours, --quiet, the live
progress line (only on a terminal), and no TUI without one."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner

from tui.cli import main

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


@dataclass
class OnTerminal:
    """What ``main`` left when run in this process with some standard streams on a pseudo-terminal."""

    exit_code: int
    stdout: str
    stderr: str
    """stderr as the terminal showed it (escape sequences included), or as written when it was not the terminal."""


def run_on_a_terminal(*args: str, stdin: bool = False, stderr: bool = False) -> OnTerminal:
    """``main(args)`` in this process with stdin and/or stderr on a real pseudo-terminal and stdout piped.

    The CLI asks the streams themselves (``isatty()``, rich's ``Console.is_terminal``), so a real terminal on a swapped
    ``sys.stderr``/``sys.stdin`` is what it sees in a process started from a shell, without an interpreter start and
    the imports per run. The environment is a terminal's: ``TERM=xterm-256color``, no colour overrides, no AWS or
    agentcore-triage variables but the suite's language. An unexpected exception propagates and fails the test.
    """
    master, slave = pty.openpty()
    shown = bytearray()

    def read_terminal() -> None:  # the terminal must be read while the command writes: its buffer is bounded
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every slave end is closed, all is read
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read_terminal, name="terminal-reader", daemon=True)
    reader.start()
    out, piped_err = io.StringIO(), io.StringIO()
    tty_in = open(slave, encoding="utf-8", closefd=False)  # noqa: SIM115 - closed below, after the run
    tty_err = open(slave, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - closed below, after the run
    drop = ("AWS_", "AGENTCORE_TRIAGE_", "NO_COLOR", "FORCE_COLOR", "TTY_")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(drop) or k == "AGENTCORE_TRIAGE_LANG"}
    code: int | str | None = 0
    try:
        with (
            mock.patch.dict(os.environ, environment | {"TERM": "xterm-256color"}, clear=True),
            mock.patch.object(sys, "stdin", tty_in if stdin else io.StringIO()),
            mock.patch.object(sys, "stdout", out),
            mock.patch.object(sys, "stderr", tty_err if stderr else piped_err),
        ):
            try:
                main.main(list(args), prog_name="agentcore-triage")
            except SystemExit as exit_:
                code = exit_.code
    finally:
        tty_err.flush()
        tty_in.close()
        tty_err.close()
        os.close(slave)
        reader.join(timeout=30)  # a ceiling: the reader ends as soon as the last slave end is closed
        os.close(master)
    assert not reader.is_alive(), "the terminal was not closed"
    assert isinstance(code, int), code
    on_terminal = bytes(shown).decode("utf-8", "replace")
    return OnTerminal(code, out.getvalue(), on_terminal if stderr else piped_err.getvalue())


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_progress_line_on_a_terminal_and_none_when_piped(fmt: str) -> None:
    done = run_on_a_terminal("doctor", "--playbook", BOOK, "--format", fmt, stderr=True)
    assert done.exit_code == 1
    assert "1 check done" in done.stderr
    assert "check done" not in done.stdout and "context.required" in done.stdout  # the report itself is not touched
    if fmt == "json":
        assert json.loads(done.stdout)["totals"]["fail"] == 1
    piped = invoke("doctor", "--playbook", BOOK, "--format", fmt)
    assert piped.exit_code == 1
    assert "check done" not in piped.stderr and "\x1b[" not in piped.stderr + piped.stdout


def test_no_terminal_no_tui_one_line_exit_2() -> None:
    result = invoke()
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "`agentcore-triage doctor`" in line and "`agentcore-triage run`" in line


def test_a_terminal_on_stdin_but_stdout_piped_does_not_start_the_tui() -> None:
    done = run_on_a_terminal(stdin=True)
    assert done.exit_code == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "doctor" in done.stderr
