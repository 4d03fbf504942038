"""QA round 19: what round 18 left (a --runtime no runtime has, logs' profile error, the fleet's English errors,
audit's unbounded values).

Each test says what was seen before; all run in-process (click's runner), on files in tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_i18n_chrome import english_words
from test_qa_cli_inputs import invoke, one_line_exit_2

import tui.context as context

NO_AWS = {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
ONE = ("--region", "us-east-1", "--only", "context.required")


# 1. --runtime: refused up front when it can be no runtime; the report's target line holds any value on one line


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every AWS API call botocore is asked to make (none is sent: each raises)."""
    import botocore.client

    calls: list[str] = []

    def record(_client: Any, operation: str, _params: Any) -> Any:
        calls.append(operation)
        raise RuntimeError("no AWS in this test")

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return calls


def test_a_runtime_with_a_newline_is_one_usage_line_not_a_split_target_line() -> None:
    """Seen: `doctor --runtime $'a\\nb'` printed "target: region=us-east-1, runtime=a" and "b, qualifier=DEFAULT" as
    two lines, and passed (exit 0)."""
    one_line_exit_2(invoke("doctor", "--runtime", "a\nb", *ONE, env=NO_AWS), "--runtime 'a\\nb'", "control")


def test_a_runtime_of_100000_characters_is_refused_in_a_short_line() -> None:
    """Seen: all 100,000 characters in the target line (and the checks ran on it)."""
    line = one_line_exit_2(invoke("doctor", "--runtime", "a" * 100_000, *ONE, env=NO_AWS), "--runtime", "100000")
    assert len(line) < 300 and str(context.MAX_RUNTIME_CHARS) in line, line


def test_an_arn_holding_an_escape_is_never_sent_to_aws(aws_calls: list[str]) -> None:
    """Seen: `--runtime 'arn:…:runtime/<ESC>[2J'` went to GetAgentRuntime as the id '<ESC>[2J'."""
    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/\x1b[2J"
    env = NO_AWS | {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s" * 40}
    line = one_line_exit_2(invoke("doctor", "--runtime", arn, "--only", "runtime.discover", env=env), "\\x1b[2J")
    assert "\x1b" not in line and aws_calls == []


def test_the_variable_that_gave_the_runtime_is_named() -> None:
    result = invoke("doctor", *ONE, env=NO_AWS | {"AGENTCORE_TRIAGE_RUNTIME": "my runtime"})
    one_line_exit_2(result, "AGENTCORE_TRIAGE_RUNTIME 'my runtime'", "spaces")


@pytest.mark.parametrize(
    "runtime",
    [
        "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEf1234",
        "arn:aws-cn:bedrock-agentcore:cn-north-1:123456789012:runtime/mcp_server-AbCdEf1234",
        "arn:aws-us-gov:bedrock-agentcore:us-gov-west-1:123456789012:runtime/mcp_server-AbCdEf1234",
        "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEf1234/runtime-endpoint/DEFAULT",
        "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-EXAMPLE",  # a project file's placeholder
        "mcp_server-AbCdEf1234",
        "mcp_server",
        "no-such-runtime",  # no AWS name has a dash: the listing says "not found", which says more
    ],
)
def test_runtime_arns_ids_and_names_are_accepted(runtime: str) -> None:
    assert context.runtime_text_problem(runtime) is None


@pytest.mark.parametrize(
    ("runtime", "why"),
    [
        ("arn:aws:s3:::bucket", "not a runtime ARN ("),
        ("arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/g-1", "not a runtime ARN ("),
        ("my.runtime", "not a runtime ARN, id or name"),
        ("runtime/x", "not a runtime ARN, id or name"),
        ("caf\u00e9", "not a runtime ARN, id or name"),
        ("\u202eevil", "control"),
        ("a\u00a0b", "spaces"),
        ("x" * 257, "257 characters"),  # MAX_RUNTIME_CHARS is 256
    ],
)
def test_what_no_runtime_holds_is_refused_with_why(runtime: str, why: str) -> None:
    problem = context.runtime_text_problem(runtime)
    assert problem is not None and why in problem, problem
    assert problem.isprintable() and len(problem) < 250


def test_each_runtime_of_a_sweep_is_checked_before_it_starts() -> None:
    """Seen: `doctor --runtime rt-x --runtime $'b\\nc'` swept both (the label showed U+FFFD, the lookup sent it)."""
    result = invoke("doctor", "--runtime", "rt-x", "--runtime", "b\nc", *ONE, env=NO_AWS)
    one_line_exit_2(result, "--runtime 'b\\nc'")


def test_a_runtimes_file_line_that_is_no_runtime_is_refused_naming_the_line(tmp_path: Path) -> None:
    listed = tmp_path / "fleet.txt"
    listed.write_text("rt-a\narn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/x.y us-east-1\n")
    result = invoke("doctor", "--runtimes-file", str(listed), *ONE, env=NO_AWS)
    one_line_exit_2(result, f"{listed}:2:", "not a runtime ARN (")


def test_logs_refuses_a_runtime_with_an_escape_before_any_call(aws_calls: list[str]) -> None:
    """Seen: `logs --runtime $'a\\e[2J'` was looked up (ListAgentRuntimes) before "no runtime" came back."""
    env = NO_AWS | {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s" * 40}
    line = one_line_exit_2(invoke("logs", "--runtime", "a\x1b[2J", "--region", "us-east-1", env=env), "--runtime")
    assert "\\x1b[2J" in line and aws_calls == []


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_target_line_holds_each_value_on_one_line_and_cut(fmt: str, tmp_path: Path) -> None:
    """Seen (defence in depth: a --runtime like this is refused now, a --project or an endpoint's path is not): a
    newline in a value split the target line, and a 100,000-character value was printed whole."""
    # not "a" * 100_000: a test before this one in the same worker may have registered a run of one letter as a secret,
    # and the report then rightly redacts part of the path (its length changes)
    endpoint = "http://h/" + "path-" * 20_000
    args = ("doctor", "--project", "a\nb", "--endpoint", endpoint, "--only", "context.required", "--format", fmt)
    result = invoke(*args, env=NO_AWS | {"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    target = [line for line in result.stdout.splitlines() if "a\ufffdb" in line]
    assert len(result.stdout) < 5000, len(result.stdout)
    assert target and "[100009 characters]" in result.stdout, result.stdout[:2000]
    assert "\nb" not in result.stdout


# 2. logs: a profile that does not exist is the one line doctor gives


@pytest.mark.parametrize("profile", ["", "nope"])
@pytest.mark.parametrize("target", [("--runtime", "x"), ("--all-runtimes",)], ids=["runtime", "all"])
def test_logs_with_a_missing_profile_says_so_in_one_clean_line(profile: str, target: tuple[str, ...]) -> None:
    """Seen: "AWS profile not found: '' (check --profile / AWS_PROFILE and ~/.aws/config) (set
    AGENTCORE_TRIAGE_DEBUG=1 for a traceback)": the error fell through to the catch-all."""
    result = invoke("logs", *target, "--region", "us-east-1", env=NO_AWS | {"AWS_PROFILE": profile})
    line = one_line_exit_2(result)
    assert line == (
        f"agentcore-triage: AWS profile not found: {profile!r} (check --profile / AWS_PROFILE and ~/.aws/config)"
    )


def test_logs_still_offers_the_traceback_for_what_it_does_not_expect(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.logs.command as command

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(command, "run_logs", broken)
    one_line_exit_2(invoke("logs", "--runtime", "x"), "RuntimeError: a bug", "AGENTCORE_TRIAGE_DEBUG=1")


# 3. The fleet's errors in Japanese


def _fleet_ja(tmp_path: Path, content: str, *extra: str) -> str:
    listed = tmp_path / "fleet.txt"
    listed.write_text(content)
    result = invoke("--lang", "ja", "doctor", "--runtimes-file", str(listed), *extra, *ONE, env=NO_AWS)
    return one_line_exit_2(result, f"{listed}")


@pytest.mark.parametrize(
    ("content", "kept"),
    [
        ("rt-a us_east_1\n", ["us_east_1", "us-east-1"]),  # not a region name
        ("rt-a us-east-1 extra\n", ["rt-a us-east-1 extra", "RUNTIME", "REGION"]),  # not "RUNTIME [REGION]"
        ("rt\x01a\n", ["rt\ufffda"]),  # a control character
        ("my.runtime\n", ["my.runtime", "XXXXXXXXXX"]),  # no runtime
        ("arn:aws:s3:::b\n", ["arn:aws:s3:::b", "arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/ID"]),
    ],
    ids=["region", "shape", "control", "name", "arn"],
)
def test_runtimes_file_errors_are_japanese(tmp_path: Path, content: str, kept: list[str]) -> None:
    """Seen: under --lang ja these were English sentences (plain f-strings in tui/engine/fleet.py)."""
    line = _fleet_ja(tmp_path, content)
    listed = str(tmp_path / "fleet.txt")
    assert english_words(line, ["agentcore-triage", "runtimes-file", listed, "ARN", "MiB", *kept]) == [], line


def test_the_fleet_size_errors_are_japanese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.engine.fleet as fleet

    monkeypatch.setattr(fleet, "MAX_FLEET", 1)
    line = _fleet_ja(tmp_path, "rt-a\nrt-b\n")
    assert (
        english_words(line, ["agentcore-triage", "runtimes-file", str(tmp_path / "fleet.txt"), "docs/scale.md"]) == []
    )
    result = invoke("--lang", "ja", "doctor", "--runtime", "rt-a", "--runtime", "rt-b", *ONE, env=NO_AWS)
    line = one_line_exit_2(result, "2")
    assert english_words(line, ["agentcore-triage", "docs/scale.md"]) == [], line


# 4. audit: a record's free text is cut, and on its line


def test_audit_cuts_a_huge_fix_and_error_and_keeps_each_on_its_line(tmp_path: Path) -> None:
    """Seen: a record whose fix held 2,000,000 characters printed them all (2 MB for one line of the listing)."""
    record = {
        "id": "abc123def456",
        "time": "2026-01-01T00:00:00+00:00",
        "principal": "arn:aws:iam::123456789012:user/me\nforged line",
        "fix": "f" * 2_000_000,
        "outcome": "failed",
        "error": "boom\n" + "e" * 5000,
    }
    (tmp_path / "audit.jsonl").write_text(json.dumps(record) + "\n")
    result = invoke("audit", env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output[:500]
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(len(line) < 400 for line in lines), [len(line) for line in lines]
    assert "[2000000 characters]" in lines[0] and "me\ufffdforged line" in lines[0]
    assert "boom\ufffd" in lines[1] and "[5005 characters]" in lines[1]
    whole = invoke("audit", "--format", "json", env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    assert json.loads(whole.stdout)[0]["fix"] == "f" * 2_000_000  # the machine format keeps the record as written


ENCODED_ARN = "arn%3Aaws%3Abedrock-agentcore%3Aus-west-2%3A123456789012%3Aruntime%2Fmcp_server-AbCdEf1234"


def test_a_runtime_arn_copied_url_encoded_from_the_invocation_url_is_given_back_decoded() -> None:
    """The invocation URL writes the ARN URL-encoded (`…/runtimes/arn%3Aaws%3A…/invocations`) and users copy it from
    there: refused as "not a runtime ARN, id or name", the line did not say what to give instead."""
    line = one_line_exit_2(invoke("doctor", "--runtime", ENCODED_ARN, *ONE, env=NO_AWS), "--runtime", "URL-encoded")
    assert "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/mcp_server-AbCdEf1234" in line
    url = f"https://bedrock-agentcore.us-west-2.amazonaws.com/runtimes/{ENCODED_ARN}/invocations?qualifier=DEFAULT"
    one_line_exit_2(invoke("doctor", "--runtime", url, *ONE, env=NO_AWS), "--runtime", "--endpoint")
    assert context.runtime_text_problem("a%zz") is not None  # a % that decodes to nothing valid: refused as before
