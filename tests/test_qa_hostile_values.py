"""QA regressions: hostile values in variables, flags and files give one clear line, never a hang, a traceback,
a leaked secret or a silently writable run.

Each test here failed on the code before its fix (the read-only words, the token's tail in a header, the FIFO
and /dev/zero token files, NaN timeouts, a deeply nested audit line or server file).
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
from test_qa_cli_inputs import BASE_ENV, closed_port, invoke, one_line_exit_2  # noqa: E402, F401 - shared helpers

from tui.context import Context, build_context

# 1. AGENTCORE_TRIAGE_READ_ONLY


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "True", "yes", "YES", "on", "On", "y", "Y", " yes "])
def test_read_only_variable_is_case_insensitive_and_knows_on_and_y(value: str) -> None:
    assert build_context(environ={"AGENTCORE_TRIAGE_READ_ONLY": value}).read_only is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "No", "off", "OFF", "n", "", "  "])
def test_read_only_variable_off_words_leave_fixes_on(value: str) -> None:
    assert build_context(environ={"AGENTCORE_TRIAGE_READ_ONLY": value}).read_only is False
    assert build_context(environ={}).read_only is False


@pytest.mark.parametrize("value", ["maybe", "2", "enable", "tru", "yes please", "\x01"])
def test_an_unknown_read_only_word_fails_closed_with_one_line_naming_the_variable(value: str) -> None:
    with pytest.raises(ValueError, match="AGENTCORE_TRIAGE_READ_ONLY"):
        build_context(environ={"AGENTCORE_TRIAGE_READ_ONLY": value})
    result = invoke("doctor", "--only", "project.layout", env={"AGENTCORE_TRIAGE_READ_ONLY": value})
    one_line_exit_2(result, "AGENTCORE_TRIAGE_READ_ONLY", "1, true, yes or on")


def test_the_read_only_variable_is_recorded_as_the_source_and_an_unknown_word_stops_logs_too() -> None:
    ctx = build_context(environ={"AGENTCORE_TRIAGE_READ_ONLY": "On"})
    assert ctx.sources["read_only"] == "env AGENTCORE_TRIAGE_READ_ONLY"
    assert build_context(read_only=True, environ={}).sources["read_only"] == "flag"
    assert "read_only" not in build_context(environ={}).sources
    result = invoke("logs", "--runtime", "rt-x", env={"AGENTCORE_TRIAGE_READ_ONLY": "maybe"})
    line = one_line_exit_2(result, "AGENTCORE_TRIAGE_READ_ONLY 'maybe'")
    assert "ValueError" not in line and "AGENTCORE_TRIAGE_DEBUG" not in line


SERVER = 'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("x")\n\nif __name__ == "__main__":\n    mcp.run(transport="streamable-http")\n'


@pytest.mark.parametrize("value", ["TRUE", "Yes", "on"])
def test_doctor_fix_all_never_changes_the_project_under_a_read_only_variable(tmp_path: Path, value: str) -> None:
    """Before: only lowercase 1/true/yes counted, and this run rewrote mcp_server.py (host, stateless_http)."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "mcp_server.py").write_text(SERVER)
    (project / "requirements.txt").write_text("mcp==1.9.0\n")
    env = {"AGENTCORE_TRIAGE_READ_ONLY": value, "AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path / "state")}
    args = ["doctor", "--project", str(project), "--fix", "all", "--yes", "--only", "project.server_host"]
    result = invoke(*args, env=env)
    one_line_exit_2(result, "--fix all and AGENTCORE_TRIAGE_READ_ONLY contradict each other")  # names the source
    assert (project / "mcp_server.py").read_text() == SERVER
    assert not (tmp_path / "state" / "audit.jsonl").exists()


def _unusable_state(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A state directory the audit log cannot be written in, and the reason the OS gives."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory\n")
    if kind == "a-file":
        return a_file, "File exists"
    if kind == "under-a-file":
        return a_file / "state", "Not a directory"
    state = tmp_path / "state"
    (state / "audit.jsonl").mkdir(parents=True)
    return state, "a directory, not the audit log"


@pytest.mark.parametrize("kind", ["a-file", "under-a-file", "log-is-a-directory"])
def test_doctor_fix_all_with_an_unwritable_audit_log_changes_nothing_and_says_so_in_one_line(
    tmp_path: Path, kind: str
) -> None:
    """Before: each fix printed "applying …", then a bare FileExistsError or NotADirectoryError ended the run."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "mcp_server.py").write_text(SERVER)
    state, reason = _unusable_state(tmp_path, kind)
    args = ["doctor", "--project", str(project), "--fix", "all", "--yes", "--only", "project.server_host"]
    result = invoke(*args, env={"AGENTCORE_TRIAGE_STATE_DIR": str(state)})
    line = one_line_exit_2(result, "cannot be written", reason, "AGENTCORE_TRIAGE_STATE_DIR", "nothing was changed")
    assert str(state) in line
    assert (project / "mcp_server.py").read_text() == SERVER


@pytest.mark.parametrize("kind", ["a-file", "under-a-file", "log-is-a-directory"])
def test_a_fix_whose_record_cannot_be_written_is_refused_before_it_changes_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The TUI's path (no CLI check first): the fix is refused with the reason, the file is untouched, no record.

    Before, an audit log that was a directory failed only when the record was written: after the change."""
    from tui.engine.fixing import FixError, apply_plan, plan_fix

    (tmp_path / "requirements.txt").write_text("mcp>=2.3,<3\n")
    state, reason = _unusable_state(tmp_path, kind)
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(state))
    ctx = Context(project=str(tmp_path))
    plan = plan_fix("project.otel_distro", {"dir": str(tmp_path)}, ctx, {})
    with pytest.raises(FixError, match="cannot be written") as refused:
        apply_plan(plan, ctx)
    assert reason in str(refused.value)
    assert (tmp_path / "requirements.txt").read_text() == "mcp>=2.3,<3\n"


# 2. The bearer token: a file or a variable holding more than one token


PART1, PART2 = "Part1SecretABC", "Part2SecretXYZ"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (f"{PART1}\x00{PART2}".encode(), "control character"),
        (f"{PART1}\r{PART2}\n".encode(), "more than one line"),
        (f"{PART1}\n{PART2}\n".encode(), "more than one line"),
        (f"{PART1} {PART2}".encode(), "space or tab"),
        (f"{PART1}\t{PART2}".encode(), "space or tab"),
        (f"{PART1}é{PART2}".encode(), "non-ASCII"),
    ],
)
def test_a_token_file_with_a_second_part_is_refused_without_showing_any_of_it(
    tmp_path: Path, content: bytes, fragment: str
) -> None:
    token = tmp_path / "tok"
    token.write_bytes(content)
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    result = invoke("doctor", "--endpoint", endpoint, "--token-file", str(token))
    line = one_line_exit_2(result, f"--token-file {token}", fragment)
    assert PART1 not in line and PART2 not in line and "Part" not in line
    ctx = Context(token_file=str(token))
    assert ctx.token() is None  # the TUI's path (no CLI check first) never sends it either
    assert ctx.token_problem() is not None


def test_a_token_file_keeps_working_with_surrounding_whitespace_and_a_bom(tmp_path: Path) -> None:
    token = tmp_path / "tok"
    token.write_bytes(b"\xef\xbb\xbf  opaque-token-123456\r\n\n")
    ctx = Context(token_file=str(token))
    assert ctx.token_problem() is None
    assert ctx.token() == "opaque-token-123456"


def test_a_token_file_larger_than_any_token_is_refused(tmp_path: Path) -> None:
    token = tmp_path / "tok"
    token.write_bytes(b"a" * (64 * 1024 + 1))
    result = invoke("doctor", "--endpoint", f"http://127.0.0.1:{closed_port()}/mcp", "--token-file", str(token))
    line = one_line_exit_2(result, f"--token-file {token}", "too large")
    assert "aaaaaaaa" not in line
    assert Context(token_file=str(token)).token() is None
    token.write_bytes(b"a" * (64 * 1024))  # the bound itself is accepted
    assert Context(token_file=str(token)).token_problem() is None


def test_a_device_is_not_read_as_a_token_file() -> None:
    """/dev/null used to read as "empty"; /dev/zero grew to gigabytes of memory."""
    for device in ("/dev/null", "/dev/zero"):
        ctx = Context(token_file=device)
        problem = ctx.token_problem()
        assert problem is not None and "not a regular file" in problem
        assert ctx.token() is None
    result = invoke("doctor", "--endpoint", f"http://127.0.0.1:{closed_port()}/mcp", "--token-file", "/dev/zero")
    one_line_exit_2(result, "--token-file /dev/zero", "not a regular file")


def test_a_fifo_without_a_writer_is_refused_instead_of_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "tok.fifo"
    os.mkfifo(fifo)
    ctx = Context(token_file=str(fifo))
    assert ctx.token() is None
    problem = ctx.token_problem()
    assert problem is not None and "not a regular file" in problem
    result = invoke("undo", "--yes", "--token-file", str(fifo), env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    one_line_exit_2(result, "nothing to undo")  # undo needs no token, and reading it no longer blocks


def test_a_directory_token_file_is_still_named_as_one(tmp_path: Path) -> None:
    problem = Context(token_file=str(tmp_path)).token_problem()
    assert problem is not None and "is a directory" in problem


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (f"{PART1}\x01{PART2}", "control character"),
        (f"{PART1}\n{PART2}", "more than one line"),
        (f"{PART1} {PART2}", "space or tab"),
        (f"{PART1}ü{PART2}", "non-ASCII"),
        ("a" * (64 * 1024 + 1), "too large"),
    ],
)
def test_a_token_variable_with_a_second_part_is_refused_without_showing_any_of_it(value: str, fragment: str) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    result = invoke("doctor", "--endpoint", endpoint, "--token-env", "QA_TOKEN_VAR", env={"QA_TOKEN_VAR": value})
    line = one_line_exit_2(result, "--token-env QA_TOKEN_VAR", fragment)
    assert "Part" not in line and "aaaaaaaa" not in line
    os.environ["QA_TOKEN_VAR"] = value
    try:
        ctx = Context(token_env="QA_TOKEN_VAR")
        assert ctx.token() is None
    finally:
        del os.environ["QA_TOKEN_VAR"]


def test_the_token_check_refuses_a_nul_and_never_quotes_the_token() -> None:
    """The environment cannot hold a NUL byte; the check the variable and the file share still names one."""
    from tui.context import token_text_problem

    problem = token_text_problem(f"{PART1}\x00{PART2}")
    assert problem is not None and "control character" in problem and "Part" not in problem
    assert token_text_problem("opaque-token-123456") is None


def test_a_token_variable_with_a_trailing_newline_still_works() -> None:
    os.environ["QA_TOKEN_VAR"] = "opaque-token-123456\n"
    try:
        ctx = Context(token_env="QA_TOKEN_VAR")
        assert ctx.token_problem() is None
        assert ctx.token() == "opaque-token-123456"
    finally:
        del os.environ["QA_TOKEN_VAR"]


def test_the_parts_of_a_refused_token_are_still_redacted(tmp_path: Path) -> None:
    from tui.redact import redact_text

    token = tmp_path / "tok"
    token.write_bytes(f"{PART1}\x00{PART2}".encode())
    Context(token_file=str(token)).token()
    assert PART1 not in redact_text(f"x {PART1} y") and PART2 not in redact_text(f"x {PART2} y")


# 3. Timeouts and the poll interval


@pytest.mark.parametrize("value", ["-5", "0", "nan", "NaN", "inf", "-inf", "1e400", "abc", "600.5", "0.05", "1,5"])
def test_a_bad_timeout_variable_is_one_line_naming_it(value: str) -> None:
    with pytest.raises(ValueError, match="AGENTCORE_TRIAGE_TIMEOUT"):
        build_context(environ={"AGENTCORE_TRIAGE_TIMEOUT": value})
    result = invoke("doctor", "--only", "project.layout", env={"AGENTCORE_TRIAGE_TIMEOUT": value})
    one_line_exit_2(result, "AGENTCORE_TRIAGE_TIMEOUT", "from 0.1 to 600")


@pytest.mark.parametrize(("value", "seconds"), [("30", 30.0), (" 2.5 ", 2.5), ("0.1", 0.1), ("600", 600.0), ("", 10.0)])
def test_a_good_timeout_variable_is_used(value: str, seconds: float) -> None:
    assert build_context(environ={"AGENTCORE_TRIAGE_TIMEOUT": value}).timeout == seconds


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-1", "0", "abc"])
def test_a_bad_timeout_flag_is_one_line_naming_it(value: str) -> None:
    result = invoke("doctor", "--only", "project.layout", "--timeout", value)
    one_line_exit_2(result, "--timeout")
    result = invoke("--timeout", value, "doctor", "--only", "project.layout")
    one_line_exit_2(result, "--timeout")


def test_the_flag_wins_over_a_good_variable_and_a_programmatic_nan_is_refused() -> None:
    assert build_context(timeout=5, environ={"AGENTCORE_TRIAGE_TIMEOUT": "30"}).timeout == 5.0
    with pytest.raises(ValueError, match="--timeout"):
        build_context(timeout=float("nan"), environ={})


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "0", "-2", "301", "abc"])
def test_a_bad_poll_interval_is_one_line_naming_it(value: str) -> None:
    """Before: --poll-interval nan passed click's range (NaN compares false) and --follow never polled again."""
    result = invoke("logs", "--follow", "--poll-interval", value)
    one_line_exit_2(result, "--poll-interval")


def test_a_bad_timeout_variable_stops_logs_with_one_plain_line() -> None:
    result = invoke("logs", "--runtime", "rt-x", env={"AGENTCORE_TRIAGE_TIMEOUT": "nan"})
    line = one_line_exit_2(result, "AGENTCORE_TRIAGE_TIMEOUT: 'nan' is not a number of seconds from 0.1 to 600")
    assert "ValueError" not in line


# 4. The audit log: a line nested too deeply for the JSON reader


def audit_lines(tmp_path: Path) -> tuple[dict[str, str], str]:
    from tui.fixes.audit import AuditRecord

    record = AuditRecord(fix="project.otel_distro", outcome="applied", principal="qa")
    state = tmp_path / "state"
    state.mkdir()
    deep = "[" * 100_000 + "]" * 100_000
    (state / "audit.jsonl").write_text(record.model_dump_json() + "\n" + deep + "\n")
    return {"AGENTCORE_TRIAGE_STATE_DIR": str(state)}, record.id


def test_a_deeply_nested_audit_line_is_skipped_like_any_other_bad_line(tmp_path: Path) -> None:
    env, record_id = audit_lines(tmp_path)
    os.environ["AGENTCORE_TRIAGE_STATE_DIR"] = env["AGENTCORE_TRIAGE_STATE_DIR"]
    try:
        from tui.fixes.audit import read_log

        log = read_log()
    finally:
        del os.environ["AGENTCORE_TRIAGE_STATE_DIR"]
    assert [r.id for r in log.records] == [record_id]
    assert log.skipped == ["line 2: nested too deeply"]
    result = invoke("audit", env=env)
    assert result.exit_code == 0, result.output
    assert record_id in result.stdout
    assert "skipped 1 unreadable line(s): line 2: nested too deeply" in result.stderr
    assert "RecursionError" not in result.output and "Traceback" not in result.output
    result = invoke("audit", "--format", "json", env=env)
    assert [r["id"] for r in json.loads(result.stdout)] == [record_id]


def test_undo_reads_past_a_deeply_nested_audit_line(tmp_path: Path) -> None:
    env, _record_id = audit_lines(tmp_path)
    result = invoke("undo", "--yes", env=env)
    assert "RecursionError" not in result.output and "Traceback" not in result.output
    assert "skipped 1 unreadable line(s): line 2: nested too deeply" in result.stderr
    assert result.exit_code == 2  # the one record recorded no undo actions: nothing to undo, said in one line
    assert result.stderr.strip().splitlines()[-1].startswith("agentcore-triage: ")


def test_a_record_nested_too_deeply_to_show_is_skipped_and_audit_json_still_prints(tmp_path: Path) -> None:
    """Before: a record 300 levels deep was read, then `audit --format json` ended in pydantic's
    "ValueError: Maximum serialization depth exceeded" traceback."""
    from tui.fixes.audit import MAX_NESTING, AuditRecord

    good = AuditRecord(fix="project.otel_distro", outcome="applied")
    state = tmp_path / "state"
    state.mkdir()
    deep = {"fix": "x", "outcome": "applied", "before": {"k": json.loads("[" * 300 + "]" * 300)}}
    # the record, "before" and "k" are three levels: 62 lists make 64 in all (read), 63 make 65 (skipped)
    edge = {"fix": "x", "outcome": "applied", "id": "edge", "before": {"k": json.loads("[" * 62 + "]" * 62)}}
    over = {"fix": "x", "outcome": "applied", "id": "over", "before": {"k": json.loads("[" * 63 + "]" * 63)}}
    lines = [good.model_dump_json(), json.dumps(deep), json.dumps(edge), json.dumps(over)]
    (state / "audit.jsonl").write_text("\n".join(lines) + "\n")
    result = invoke("audit", "--format", "json", env={"AGENTCORE_TRIAGE_STATE_DIR": str(state)})
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == [good.id, "edge"]
    assert "skipped 2 unreadable line(s): line 2: nested too deeply; line 4: nested too deeply" in result.stderr
    assert "Traceback" not in result.output
    assert MAX_NESTING == 64


# 5. A server file nested too deeply for Python's parser
# Sizes: Python's parser gives up on each of these at 20,000 levels on 3.11, 3.12 and 3.13 alike (RecursionError;
# MemoryError for the `not` chain; 3.13 still parses a 3,000-term sum). The first reproducers were 5-10 times longer,
# which only made the tokenizer's pass longer (3.9 s of CPU for the five cases in a full run; 0.7 s now).

LEVELS = 20_000
TERMS = "+".join(["1"] * LEVELS)


def deep_project(tmp_path: Path, expression: str) -> Path:
    project = tmp_path / "p"
    project.mkdir()
    (project / "mcp_server.py").write_text(
        'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("x")\n\n# a comment\nx = ' + expression + "\ny = 2\n"
    )
    (project / "requirements.txt").write_text("mcp==1.9.0\n")
    return project


@pytest.mark.parametrize(
    "expression",
    [TERMS, "a" + ".b" * LEVELS, "not " * LEVELS + "1", "(\n" + TERMS + ")"],
    ids=["terms", "attribute-chain", "not-chain", "two-lines"],
)
def test_a_too_deeply_nested_server_file_is_a_parse_failure_with_its_line(tmp_path: Path, expression: str) -> None:
    from tui.project import pyparse
    from tui.project.scan import analyse_server

    project = deep_project(tmp_path, expression)
    with pytest.raises(SyntaxError) as raised:
        pyparse.parse((project / "mcp_server.py").read_text(), "mcp_server.py")
    assert raised.value.lineno == 6
    assert "too deeply nested" in str(raised.value.msg)
    code = analyse_server(project / "mcp_server.py")
    assert code.syntax_error is not None and code.syntax_error.startswith("line 6: too deeply nested")


def test_the_project_checks_say_the_deep_file_does_not_parse_instead_of_erroring(tmp_path: Path) -> None:
    """Before: nine project checks ended in ``error`` with "RecursionError: maximum recursion depth exceeded"."""
    project = deep_project(tmp_path, TERMS)
    result = invoke("doctor", "--project", str(project), "--format", "json", "--only", "project.layout")
    findings = {f["check"]: f for f in json.loads(result.stdout)["findings"] if f["check"].startswith("project.")}
    assert findings, result.output
    assert not [c for c, f in findings.items() if f["status"] == "error"], findings
    assert "RecursionError" not in result.output
    layout = findings["project.layout"]
    assert layout["status"] == "fail"
    assert "mcp_server.py does not parse: line 6: too deeply nested" in layout["summary"]


def test_a_statement_python_parses_but_too_deep_to_analyse_is_a_parse_failure_too(tmp_path: Path) -> None:
    """900 terms parse, then ``ast.unparse`` of the server's arguments raised RecursionError in project.layout."""
    from tui.project import pyparse

    project = tmp_path / "p"
    project.mkdir()
    deep = "+".join(['"a"'] * 900)
    (project / "mcp_server.py").write_text(
        f'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("x", host={deep})\n'
    )
    (project / "requirements.txt").write_text("mcp==1.9.0\n")
    result = invoke("doctor", "--project", str(project), "--format", "json", "--only", "project.layout")
    findings = {f["check"]: f for f in json.loads(result.stdout)["findings"] if f["check"].startswith("project.")}
    assert not [c for c, f in findings.items() if f["status"] == "error"], findings
    summary = findings["project.layout"]["summary"]
    assert (
        summary
        == "mcp_server.py does not parse: line 3: nested too deeply to analyse (more than 200 levels in one statement)"
    )
    shallow = "x = " + "+".join(["1"] * 150) + "\n"  # deep for code, not too deep: still a tree
    assert isinstance(pyparse.parse(shallow), ast.Module)
    assert isinstance(pyparse.parse(Path(pyparse.__file__).read_text()), ast.Module)


def test_a_nul_byte_in_a_server_file_names_its_line(tmp_path: Path) -> None:
    from tui.project import pyparse

    with pytest.raises(SyntaxError) as raised:
        pyparse.parse("x = 1\ny = 2\nz = '\x00'\n")
    assert raised.value.lineno == 3


def test_a_host_name_longer_than_dns_allows_is_refused_in_one_line() -> None:
    """Seen: `--endpoint http://<300 letters>.com/` made endpoint.reachable end in "UnicodeError: encoding with 'idna'
    codec failed (label empty or too long)"."""
    from tui.context import endpoint_url_problem

    assert "too long for DNS" in (endpoint_url_problem("http://" + "a" * 300 + ".com/mcp") or "")
    assert "too long for DNS" in (endpoint_url_problem("http://" + ("b" * 60 + ".") * 5 + "com/mcp") or "")
    assert endpoint_url_problem("http://" + "a" * 63 + ".example.com/mcp") is None


@pytest.mark.parametrize("region", ["🔥", "us-east-1\nevil", "12345", "-bad", "x" * 300])
def test_a_region_that_cannot_be_a_region_name_is_one_line(region: str) -> None:
    """Seen: `--region 🔥` gave 2 errors and 16 "could not run" results, each repeating botocore's message; with a
    newline the message was cut at it."""
    one_line_exit_2(invoke("doctor", "--region", region, "--runtime", "x"), "--region", "not a region name")


def test_an_unknown_but_well_formed_region_is_left_to_aws() -> None:
    """A region this machine's botocore does not know yet may exist: only the shape is checked here."""
    assert build_context(region="xx-newregion-9").region_problem() is None


@pytest.mark.parametrize(
    "args",
    [("--since", "99999999999d"), ("--since", "9" * 300 + "h"), ("--start", "9" * 300)],
    ids=["years", "300-digit-duration", "300-digit-epoch"],
)
def test_a_time_range_beyond_what_cloudwatch_keeps_is_one_line(args: tuple[str, ...]) -> None:
    """Seen: `logs --since 99999999999d` showed a start in the year -273788674 and a cut botocore error; 300 digits
    ended in "OverflowError: timestamp out of range for platform time_t"."""
    result = invoke("logs", "--runtime", "x", "--region", "us-east-1", *args)
    one_line_exit_2(result)
    assert "10 years" in result.stderr


@pytest.mark.parametrize("flag", ["bundle --out", "doctor --bundle"])
def test_a_bundle_path_longer_than_a_file_name_is_one_line(flag: str, tmp_path: Path) -> None:
    """Seen: a 300-character bundle name ended in "OSError: [Errno 36] File name too long"."""
    command, option = flag.split()
    result = invoke(command, option, str(tmp_path / ("o" * 300 + ".zip")), "--runtime", "x")
    one_line_exit_2(result, option, "cannot be written there")


def test_validating_a_playbook_path_longer_than_a_file_name_reports_it_as_unreadable() -> None:
    """Seen: `playbooks validate <300 characters>.yaml` ended in a bare OSError (Errno 36)."""
    result = invoke("playbooks", "validate", "/tmp/" + "p" * 300 + ".yaml")
    assert result.exit_code != 0 and "cannot read playbook" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "value"), [("AGENTCORE_TRIAGE_READ_ONLY", "maybe"), ("AGENTCORE_TRIAGE_TIMEOUT", "abc")]
)
def test_demo_refuses_a_bad_switch_before_it_starts_a_sandbox(name: str, value: str) -> None:
    """Seen: `demo` started the whole sandbox, then ended in "ValueError: …" about the variable."""
    result = invoke("demo", "--doctor", env={name: value})
    one_line_exit_2(result, name)
    assert "sandbox ready" not in result.output


# A path starting with ~name for a user this machine does not know

NO_SUCH_USER = "~agentcore-triage-no-such-user"


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["doctor", "--project", f"{NO_SUCH_USER}/p", "--only", "project.layout"], {}),
        (["doctor", "--endpoint", "http://127.0.0.1:9/mcp", "--token-file", f"{NO_SUCH_USER}/t"], {}),
        (["doctor", "--only", "project.layout", "--out", f"{NO_SUCH_USER}/r.json"], {}),
        (["doctor", "--only", "project.layout"], {"AGENTCORE_TRIAGE_PROJECT": NO_SUCH_USER}),
        (["audit"], {"AGENTCORE_TRIAGE_STATE_DIR": NO_SUCH_USER}),
        (["bundle", "--out", f"{NO_SUCH_USER}/b.zip"], {}),
        (["playbooks", "validate", f"{NO_SUCH_USER}/x.yaml"], {}),
    ],
    ids=["project", "token-file", "out", "project-variable", "audit-state-dir", "bundle-out", "playbook"],
)
def test_a_tilde_user_that_does_not_exist_is_one_line_naming_the_path(args: list[str], env: dict[str, str]) -> None:
    """Before: "RuntimeError: Could not determine home directory." without the path, and a traceback from audit."""
    one_line_exit_2(invoke(*args, env=env), NO_SUCH_USER, "cannot be expanded", "write the path in full")


def test_user_path_expands_like_a_shell_and_names_what_it_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.files import UnknownHome, user_path

    monkeypatch.setenv("HOME", "/home/someone")
    assert user_path("~/x") == Path("/home/someone/x")
    assert user_path("a/~b") == Path("a/~b")
    with pytest.raises(UnknownHome, match=r"~agentcore-triage-no-such-user cannot be expanded: no user"):
        user_path(f"{NO_SUCH_USER}/x")


@pytest.mark.parametrize("project", ["/dev/null", "file"])
def test_a_project_that_is_not_a_directory_is_called_that_not_missing(tmp_path: Path, project: str) -> None:
    """Before: "project directory /dev/null does not exist" (it exists: it is a device)."""
    if project == "file":
        project = str(tmp_path / "mcp_server.py")
        Path(project).write_text(SERVER)
    args = ["doctor", "--project", project, "--only", "project.layout", "--only", "project.role_helper"]
    result = invoke(*args, env={"AGENTCORE_TRIAGE_PROJECT": ""})
    if result.exit_code == 2:  # click's own check of --project (a regular file): one line, also right
        one_line_exit_2(result, "is a file")
        return
    assert f"project directory {project} is not a directory" in result.stdout
    assert "does not exist" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--endpoint", "http://" + "x" * 5000],
        ["--agent", "x" * 5000],
        ["--token-env", "X" * 5000],
        ["--lang", "x" * 5000],
        ["--playbook", "x" * 5000],
        ["--only", "x" * 5000],
        ["--input", "x" * 5000],
    ],
    ids=["endpoint", "agent", "token-env", "lang", "playbook", "only", "input"],
)
def test_a_huge_value_is_cut_in_its_error_line_with_its_length(args: list[str]) -> None:
    """Before: the error line quoted all 5000 characters back (a pasted file became a screenful per error)."""
    line = one_line_exit_2(invoke("doctor", *args), "characters]")
    assert len(line) < 700, len(line)


def test_a_real_endpoint_url_is_quoted_whole() -> None:
    from tui.cli.base import shown_values

    url = (
        "https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A"
        "123456789012%3Aruntime%2Fmy_mcp_server_with_a_long_name-AbCdEfGhIj/invocations?qualifier=DEFAULT"
    )
    assert shown_values(f"--endpoint {url}: refused") == f"--endpoint {url}: refused"


@pytest.mark.parametrize("where", ["flag", "variable"])
def test_a_project_name_too_long_to_look_up_is_one_line_not_a_dozen_check_errors(where: str) -> None:
    """Before: every project check ended in "OSError: [Errno 36] File name too long" (error results, exit 1)."""
    project = "/tmp/" + "p" * 300
    args = ["doctor", "--project", project] if where == "flag" else ["doctor"]
    env = {"AGENTCORE_TRIAGE_PROJECT": project} if where == "variable" else {}
    name = "--project" if where == "flag" else "AGENTCORE_TRIAGE_PROJECT"
    one_line_exit_2(invoke(*args, env=env), name, "File name too long")


# The audit log: a pipe in its place, an ambiguous or empty id, a log larger than what is read


def _real_fix(project: Path, state: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Apply project.otel_distro for real (its record goes to ``state``); the record's id."""
    from tui.engine.fixing import apply_plan, plan_fix

    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(state))
    (project / "requirements.txt").write_text("mcp>=2.3,<3\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    assert record.outcome == "applied"
    return record.id


@pytest.mark.parametrize(
    "args",
    [["audit"], ["undo", "--yes"], ["doctor", "--project", "P", "--only", "project.layout", "--fix", "all", "--yes"]],
    ids=["audit", "undo", "fix-all"],
)
def test_an_audit_log_that_is_a_pipe_is_refused_at_once(tmp_path: Path, args: list[str]) -> None:
    """Before: each of these waited for ever for a writer or a reader of the pipe."""
    state = tmp_path / "state"
    state.mkdir()
    os.mkfifo(state / "audit.jsonl")
    (tmp_path / "p").mkdir()
    args = [str(tmp_path / "p") if a == "P" else a for a in args]
    line = one_line_exit_2(invoke(*args, env={"AGENTCORE_TRIAGE_STATE_DIR": str(state)}), str(state / "audit.jsonl"))
    assert "pipe" in line or "cannot be written" in line, line


def test_an_empty_or_ambiguous_record_id_undoes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: `undo ''` reversed the newest fix, and a prefix of two ids reversed the newer one, --yes or not."""
    state = tmp_path / "state"
    first = _real_fix(tmp_path, state, monkeypatch)
    log = state / "audit.jsonl"
    record = json.loads(log.read_text().splitlines()[0])
    record["id"] = first[:4] + ("0" if first[4] != "0" else "1") + first[5:]  # another fix, sharing 4 characters
    log.write_text(log.read_text() + json.dumps(record) + "\n")
    env = {"AGENTCORE_TRIAGE_STATE_DIR": str(state)}
    one_line_exit_2(invoke("undo", "", "--yes", env=env), "an empty record id")
    one_line_exit_2(invoke("undo", first[:4], "--yes", env=env), "names 2 fixes", first, "nothing was changed")
    assert "aws-opentelemetry-distro" in (tmp_path / "requirements.txt").read_text()


def test_a_log_larger_than_what_is_read_keeps_its_newest_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the first MAX_LOG_BYTES were read, so the newest records, the ones undo needs, were left out."""
    from tui.fixes import audit

    newest = _real_fix(tmp_path, tmp_path / "state", monkeypatch)
    log = tmp_path / "state" / "audit.jsonl"
    line = log.read_text()
    old = json.loads(line)
    old["id"] = "0" * 12
    log.write_text((json.dumps(old) + "\n") * 50 + line)
    monkeypatch.setattr(audit, "MAX_LOG_BYTES", len(line) * 3 + 10)
    read = audit.read_log()
    assert read.records[-1].id == newest
    assert read.problem is None and "too large" in read.skipped[0]


@pytest.mark.parametrize(
    "endpoint",
    ["user:Pw1LeakQa@localhost:8000/mcp", "http//u:Pw3LeakQa@x/mcp", "http:/u:Pw4LeakQa@x"],
    ids=["no-scheme", "no-colon", "one-slash"],
)
def test_the_password_of_a_url_without_its_slashes_is_never_shown(endpoint: str) -> None:
    """QA sweep 2 F5: urlsplit saw no user part in these, so the error refusing the URL quoted the password."""
    line = one_line_exit_2(invoke("doctor", "--endpoint", endpoint), "***redacted***")
    assert "LeakQa" not in line


def test_a_report_to_a_named_pipe_nothing_reads_is_printed_instead_of_waiting(tmp_path: Path) -> None:
    """QA sweep 2 F3: `doctor --out FIFO` waited for ever for a reader."""
    fifo = tmp_path / "report"
    os.mkfifo(fifo)
    args = ["doctor", "--project", str(tmp_path), "--only", "project.layout", "--format", "json", "--out", str(fifo)]
    result = invoke(*args)
    assert result.exit_code == 2
    assert "a named pipe that nothing reads" in result.stderr and "printed above instead" in result.stderr
    assert json.loads(result.stdout)["findings"]


def test_columns_zero_still_prints_the_report(tmp_path: Path) -> None:
    """QA sweep 2 F6: rich took COLUMNS=0 as the width and the text report came out empty (exit 1 all the same)."""
    result = invoke("doctor", "--project", str(tmp_path), "--only", "project.layout", env={"COLUMNS": "0"})
    assert result.exit_code == 1 and "project.layout" in result.stdout


def test_an_empty_runtimes_file_is_not_a_green_sweep(tmp_path: Path) -> None:
    """QA sweep 2 F15: an empty (or comments-only) fleet file swept 0 runtimes and exited 0."""
    listed = tmp_path / "runtimes.txt"
    listed.write_text("# none yet\n\n")
    one_line_exit_2(invoke("doctor", "--runtimes-file", str(listed)), "no runtime in it")


def test_a_bundle_never_replaces_a_file_that_is_not_a_bundle_nor_takes_a_directory_for_a_file(tmp_path: Path) -> None:
    """QA sweep 2 F16: `bundle --out notes.txt` replaced the file with a zip, unasked; `--out missing/` wrote a file
    named `missing`; the replay hint dropped the directory and did not quote the path."""
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n")
    args = ["bundle", "--project", str(tmp_path)]
    one_line_exit_2(invoke(*args, "--out", str(notes)), "not a support bundle")
    assert notes.read_text() == "precious\n"
    one_line_exit_2(invoke(*args, "--out", f"{tmp_path}/missing/"), "does not exist")
    assert not (tmp_path / "missing").exists()
    spaced = tmp_path / "with space.zip"
    first = invoke(*args, "--out", str(spaced))
    assert f"agentcore-triage open '{spaced}'" in first.stderr
    assert invoke(*args, "--out", str(spaced)).exit_code == first.exit_code  # an earlier bundle may be replaced


@pytest.mark.parametrize(
    ("content", "said"),
    [("default_agent: [\n  - : :", "not valid YAML"), ("aws: {account: " + "9" * 5000 + "}\n", "4300 digits")],
    ids=["broken-yaml", "huge-integer"],
)
def test_a_project_file_that_cannot_be_used_is_said_in_the_text_report(tmp_path: Path, content: str, said: str) -> None:
    """QA sweep 2 F10/F11: a broken .bedrock_agentcore.yaml was said only in JSON (the text report just asked for a
    runtime), and an integer of 5,000 digits stopped every command with Python's own message, naming no file.
    project.layout fails on it: the `agentcore` CLI cannot deploy or invoke with that file either."""
    (tmp_path / ".bedrock_agentcore.yaml").write_text(content)
    result = invoke("doctor", "--project", str(tmp_path), "--only", "project.layout", "-q")
    assert result.exit_code == 1, result.output
    assert f"project file not used: {tmp_path / '.bedrock_agentcore.yaml'}" in result.stdout
    layout = next(line for line in result.stdout.splitlines() if "project.layout" in line)
    assert "the AgentCore project file cannot be used" in layout and said in layout


def test_fleet_regions_are_checked_like_region_and_a_huge_file_is_not_miscounted(tmp_path: Path) -> None:
    """QA sweep 2 F14/F15: --regions and a runtimes file's REGION reached botocore unchecked (its message, or an
    error row per runtime), and a file of 100,000 runtimes was reported as 6000."""
    one_line_exit_2(invoke("doctor", "--all-runtimes", "--regions", "us_east_1"), "'us_east_1' is not a region name")
    listed = tmp_path / "runtimes.txt"
    listed.write_text("mcp_server us_east_1\n")
    one_line_exit_2(invoke("doctor", "--runtimes-file", str(listed)), ":1: 'us_east_1' is not a region name")
    listed.write_text("".join(f"rt-{i}\n" for i in range(20_000)))
    line = one_line_exit_2(invoke("doctor", "--runtimes-file", str(listed)), "more than 5000 runtimes")
    assert "6000" not in line


@pytest.mark.parametrize("name", ["x\ny", "g" * 20_000, ""], ids=["newline", "huge", "empty"])
def test_a_log_group_that_cannot_be_one_is_one_short_line(name: str) -> None:
    """QA sweep 2 F13: --log-group went to CloudWatch as given: a newline split the error line, 20,000 characters
    came back whole."""
    line = one_line_exit_2(invoke("logs", "--log-group", name), "not a log group name")
    assert len(line) < 300


def test_a_report_path_in_a_symbolic_link_loop_is_one_line_before_anything_runs(tmp_path: Path) -> None:
    """QA sweep 2 F17: "RuntimeError: Symlink loop from …" with the generic debug hint."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    one_line_exit_2(invoke("doctor", "--only", "project.layout", "--out", str(tmp_path / "a")), "symbolic link loop")


def test_a_blank_runtime_counts_as_not_given() -> None:
    """QA sweep 2 F18: `--runtime '   '` passed have-runtime ("set: runtime") and reached AWS as a runtime."""
    ctx = build_context(runtime="   ", environ={"AGENTCORE_TRIAGE_RUNTIME": " \t"})
    assert ctx.runtime is None and "runtime" not in ctx.sources
    assert build_context(runtime=" ", environ={"AGENTCORE_TRIAGE_RUNTIME": "rt-1"}).runtime == "rt-1"


def test_a_credential_process_that_prints_no_json_is_named(tmp_path: Path) -> None:
    """QA sweep 2 F2 (its message): botocore's json.loads of the process's output surfaced as a bare
    "JSONDecodeError: Expecting value" in doctor, logs and --all-runtimes."""
    config = tmp_path / "config"
    config.write_text("[profile p]\ncredential_process = /bin/echo notjson\n")
    env: dict[str, str | None] = {"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "p", "AWS_REGION": "us-east-1"}
    env |= {name: None for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    result = invoke("doctor", "--runtime", "rt-x", "--only", "aws.identity", env=env)
    assert "credential_process did not print JSON credentials" in result.stdout, result.stdout
    swept = invoke("doctor", "--all-runtimes", env=env)
    one_line_exit_2(swept, "credential_process did not print JSON credentials")


@pytest.mark.waits  # three commands each wait out a one-second timeout
def test_a_credential_process_that_never_finishes_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    """QA sweep 2 F2: a credential_process that never ends held `logs` and `doctor --all-runtimes` forever, and in
    `doctor` (whose check timed out) the process ran on after the command had ended."""
    import sys
    import time

    script = tmp_path / "hang.py"
    script.write_text(
        "import os, sys, time\nprint(os.getpid(), file=open(sys.argv[1], 'a'), flush=True)\ntime.sleep(3600)\n"
    )
    started = tmp_path / "pids"
    config = tmp_path / "config"
    config.write_text(f"[profile p]\ncredential_process = {sys.executable} {script} {started}\n")
    env: dict[str, str | None] = {"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "p", "AWS_REGION": "us-east-1"}
    env |= {name: None for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    env |= {"AGENTCORE_TRIAGE_TIMEOUT": "1"}

    def running() -> list[int]:
        alive = []
        for pid in map(int, started.read_text().split() if started.exists() else []):
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                pass
        return alive

    one_line_exit_2(
        invoke("doctor", "--all-runtimes", env=env), "credential_process", "did not finish within 0.9 s and was stopped"
    )
    assert running() == []
    logs = invoke("logs", "--runtime", "rt-x", env=env)
    assert logs.exit_code != 0 and "did not finish within 0.9 s" in logs.output, logs.output
    assert running() == []
    doctor = invoke("doctor", "--runtime", "rt-x", "--only", "aws.identity", "--format", "json", env=env)
    (identity,) = [f for f in json.loads(doctor.stdout)["findings"] if f["check"] == "aws.identity"]
    assert identity["status"] == "error" and "credential_process did not finish within 0.9 s" in identity["summary"]
    deadline = time.monotonic() + 30  # a hang guard: the check gave up at its timeout, the process ends at the same
    while running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running() == [] and len(started.read_text().split()) >= 3  # each command ran it


def test_the_token_is_read_from_one_place_and_a_flag_wins_over_the_variables() -> None:
    """QA sweep 2 F18 (the rest): the two token settings were read on their own and the variable won: `--token-file
    F` with AGENTCORE_TRIAGE_TOKEN_ENV set in the shell read the variable's token, and `--token-env V --token-file F`
    read V, without a word."""
    shell = {"AGENTCORE_TRIAGE_TOKEN_ENV": "MY_TOKEN", "MY_TOKEN": "from-the-variable"}
    ctx = build_context(token_file="/run/secrets/token", environ=shell)
    assert (ctx.token_env, ctx.token_file, ctx.token_source) == (None, "/run/secrets/token", "file:/run/secrets/token")
    assert ctx.sources["token_file"] == "flag" and "token_env" not in ctx.sources
    ctx = build_context(environ=shell)  # no flag: the variable, as before
    assert (ctx.token_env, ctx.token_file, ctx.sources["token_env"]) == (
        "MY_TOKEN",
        None,
        "env AGENTCORE_TRIAGE_TOKEN_ENV",
    )
    with pytest.raises(ValueError, match="AGENTCORE_TRIAGE_TOKEN_ENV and AGENTCORE_TRIAGE_TOKEN_FILE are both set"):
        build_context(environ=shell | {"AGENTCORE_TRIAGE_TOKEN_FILE": "/run/secrets/token"})
    both = invoke("doctor", "--only", "project.layout", "--token-env", "MY_TOKEN", "--token-file", "/run/secrets/token")
    one_line_exit_2(both, "--token-env and --token-file both given", "give one")


def test_yes_without_fix_all_says_the_run_changes_nothing() -> None:
    """QA sweep 2 F18 (the rest): `doctor --yes` reads like "fix everything" and changed nothing, without a word."""
    result = invoke("doctor", "--yes", "--only", "project.layout")
    assert result.exit_code == 0, result.output
    assert "--yes applies fixes only with --fix all: this run changes nothing" in result.stderr
    assert "--yes" not in invoke("doctor", "--only", "project.layout").stderr
