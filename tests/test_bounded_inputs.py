"""Files and streams the user names are read bounded, and only when they are regular files.

Seen in a QA sweep: `--runtimes-file /dev/zero` and `open /dev/zero` grew to gigabytes of memory; a named pipe with
no writer given as a playbook or runtimes file blocked for ever; `yes … | match -` ran until memory ran out; and
`match big.log` looked only at the first 20,000 characters, so the newest error at the end of a log was missed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.files import NotARegularFile, read_regular, read_regular_tail
from tui.playbook.matching import MATCH_STDIN_MAX, MATCH_TAIL_CHARS, read_stdin_tail
from tui.playbook.search import MAX_QUERY


def invoke(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input, env={"NO_COLOR": "1"}, catch_exceptions=False)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def test_a_pipe_a_device_and_a_directory_are_refused_without_reading(fifo: Path, tmp_path: Path) -> None:
    for path in (fifo, Path("/dev/zero"), tmp_path):
        if not path.exists():
            continue
        with pytest.raises(NotARegularFile):
            read_regular(path, 10)
        with pytest.raises(NotARegularFile):
            read_regular_tail(path, 10)


def test_a_regular_file_is_read_up_to_one_byte_past_the_limit_and_its_tail_alone(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789" * 100)
    assert read_regular(path, 10) == b"01234567890"
    assert read_regular(path, 5000) == path.read_bytes()
    assert read_regular_tail(path, 15) == (b"567890123456789", 1000)


@pytest.mark.parametrize(
    "command",
    [
        ("match", "{fifo}"),
        ("playbooks", "validate", "{fifo}"),
        ("doctor", "--runtimes-file", "{fifo}"),
        ("match", "{dir}"),
    ],
    ids=["match-pipe", "validate-pipe", "runtimes-file-pipe", "match-directory"],
)
def test_the_cli_names_what_it_refuses_in_one_line(fifo: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    args = [a.format(fifo=fifo, dir=tmp_path) for a in command]
    result = invoke(*args)
    assert result.exit_code != 0, result.output
    assert "not a file" in result.output and "Traceback" not in result.output, result.output


def test_match_reads_the_end_of_a_long_log_and_says_so(tmp_path: Path) -> None:
    log = tmp_path / "runtime.log"
    with log.open("w", encoding="utf-8") as f:
        for i in range(5000):
            f.write(f"2026-12-01 INFO request {i} handled\n")
        f.write("botocore.exceptions.NoCredentialsError: Unable to locate credentials\n")
    result = invoke("match", str(log))
    assert result.exit_code == 0, result.output
    assert "aws-no-access" in result.output
    assert f"matched the end of {log.stat().st_size:,} bytes" in result.output


def test_an_endless_stdin_is_read_to_a_bound_and_its_end_matched() -> None:
    class Endless:
        """A stream that never ends, like `yes Unable to locate credentials |`."""

        def __init__(self) -> None:
            self.sent = 0

        def read(self, size: int) -> bytes:
            self.sent += size
            return (b"Unable to locate credentials\n" * (size // 29 + 1))[:size]

    stream = Endless()
    found = read_stdin_tail(stream)
    assert found.stopped and found.read_bytes >= MATCH_STDIN_MAX
    assert stream.sent <= MATCH_STDIN_MAX + (1 << 20) + 1
    assert len(found.text) <= MATCH_TAIL_CHARS and "Unable to locate credentials" in found.text


def test_the_matched_tail_is_what_the_search_reads() -> None:
    assert MATCH_TAIL_CHARS == MAX_QUERY


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_control_characters_in_a_value_never_reach_the_reader(fmt: str, tmp_path: Path) -> None:
    """Seen: `--runtime` with ESC[2J and BEL cleared the reader's terminal from the "target:" line, and BEL stood raw
    in the markdown report. They are shown as U+FFFD. (Such a --runtime is refused before anything runs since QA
    round 19; a --project path, which may hold anything, still reaches the target line.)"""
    result = CliRunner().invoke(
        main,
        ["doctor", "--project", "evil\x1b[2J\x07name", "--only", "context.required", "--format", fmt],
        env={"NO_COLOR": "1", "AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)},
    )
    assert "evil\ufffd[2J\ufffdname" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_a_report_that_cannot_be_written_is_printed_instead_and_the_file_named(tmp_path: Path) -> None:
    """Seen: `doctor --out /dev/full` ran every check, then ended in "OSError: [Errno 28] No space left on device"
    without naming the file, and the report was lost."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    result = CliRunner().invoke(
        main,
        ["doctor", "--runtime", "x", "--only", "context.required", "--format", "json", "--out", "/dev/full"],
        env={"NO_COLOR": "1", "AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)},
    )
    assert result.exit_code == 2
    assert '"totals"' in result.output and "--out /dev/full: the report could not be written" in result.output


def test_quiet_doctor_does_not_point_at_warnings_it_left_out(tmp_path: Path) -> None:
    """Seen: `doctor -q` hid the warnings, then ended with "No failures; look at the warnings above."."""
    (tmp_path / "requirements.txt").write_text("mcp>=1.23.2,<2\nfastmcp\n")  # warns: fastmcp is unused
    (tmp_path / "mcp_server.py").write_text(
        'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(host="0.0.0.0", stateless_http=True)\n'
    )
    args = ["doctor", "--project", str(tmp_path), "--only", "project.mcp_version"]
    env = {"NO_COLOR": "1", "AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path / "state")}
    quiet = CliRunner().invoke(main, [*args, "-q"], env=env)
    assert quiet.exit_code == 0 and "1 warn" in quiet.output
    assert "above" not in quiet.output and "run without -q to see them" in quiet.output
    assert "look at the warnings above" in CliRunner().invoke(main, args, env=env).output
