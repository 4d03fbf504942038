"""QA regressions: bad --endpoint / token sources / --out give one clear line (exit 2), not misleading results."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from sandbox_fixtures import closed_port

from tui.cli import main
from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.playbook.loader import load_playbook, shipped_playbook_files
from tui.registry import load_all

BASE_ENV = {
    "AWS_PROFILE": "",
    "AWS_REGION": "",
    "AWS_DEFAULT_REGION": "",
    "AGENTCORE_TRIAGE_RUNTIME": "",
    "AGENTCORE_TRIAGE_ENDPOINT": "",
    "AGENTCORE_TRIAGE_PROJECT": "",
    "AGENTCORE_TRIAGE_TOKEN_FILE": "",
    "AGENTCORE_TRIAGE_TOKEN_ENV": "",
    "AGENTCORE_TRIAGE_READ_ONLY": "",
    "AGENTCORE_TRIAGE_TIMEOUT": "",
}
"""The machine's own settings cleared: each test states the environment it runs in (also used by
test_qa_hostile_values)."""


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=BASE_ENV | (env or {}), catch_exceptions=False)


def one_line_exit_2(result, *fragments: str) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("agentcore-triage: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    return str(lines[0])


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("notaurl", "http:// or https://"),
        ("ftp://x", "scheme 'ftp'"),
        ("http://", "no host"),
        ("http://host:notaport/mcp", "not a valid URL"),
    ],
)
def test_unusable_endpoint_url_is_a_usage_error_before_any_check(url: str, fragment: str) -> None:
    result = invoke("doctor", "--format", "json", "--endpoint", url)
    one_line_exit_2(result, f"--endpoint {url!r}", fragment)


def test_endpoint_from_the_environment_is_named_by_its_variable() -> None:
    result = invoke("doctor", env={"AGENTCORE_TRIAGE_ENDPOINT": "ftp://x"})
    one_line_exit_2(result, "AGENTCORE_TRIAGE_ENDPOINT 'ftp://x'")


def test_endpoint_checks_explain_an_unusable_url_instead_of_probing_it() -> None:
    """The TUI path (no CLI validation): reachable fails with the reason, the others point at it."""
    loaded = load_playbook(next(f for f in shipped_playbook_files() if f.stem == "agentcore-mcp"))
    ctx = build_context(endpoint="ftp://x", environ={})
    only = ["endpoint.reachable", "endpoint.initialize", "endpoint.sdk"]
    run = asyncio.run(run_doctor(loaded.playbook, ctx, registry=load_all(), only=only))
    by_check = {f.check: f for f in run.findings}
    assert by_check["endpoint.reachable"].status.value == "fail"
    assert "scheme 'ftp'" in by_check["endpoint.reachable"].summary
    for other in ("endpoint.initialize", "endpoint.sdk"):
        assert by_check[other].status.value == "skip"
        assert "see endpoint.reachable" in by_check[other].summary
    assert not any("DNS" in f.summary for f in run.findings)


def test_missing_empty_directory_and_binary_token_files_are_usage_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tok"
    empty.write_text("\n")
    binary = tmp_path / "bin.tok"
    binary.write_bytes(b"\xff\xfe\x00token")
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    cases = [
        (str(tmp_path / "missing.tok"), "no such file"),
        (str(empty), "empty"),
        (str(tmp_path), "is a directory"),
        (str(binary), "not UTF-8"),
    ]
    for path, fragment in cases:
        result = invoke("doctor", "--endpoint", endpoint, "--token-file", path)
        one_line_exit_2(result, f"--token-file {path}", fragment)
    result = invoke("doctor", "--endpoint", endpoint, env={"AGENTCORE_TRIAGE_TOKEN_FILE": str(tmp_path / "gone")})
    one_line_exit_2(result, "AGENTCORE_TRIAGE_TOKEN_FILE", "no such file")


def test_unset_or_empty_token_variable_is_a_usage_error() -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    result = invoke("run", "--endpoint", endpoint, "--token-env", "QA_SURELY_UNSET_VAR")
    one_line_exit_2(result, "--token-env QA_SURELY_UNSET_VAR", "not set")
    result = invoke("doctor", "--endpoint", endpoint, "--token-env", "QA_EMPTY_VAR", env={"QA_EMPTY_VAR": "  "})
    one_line_exit_2(result, "QA_EMPTY_VAR", "empty")


def test_a_readable_token_file_still_runs_the_checks(tmp_path: Path) -> None:
    token = tmp_path / "tok"
    token.write_text("opaque-qa-token-123456\n")
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    result = invoke(
        "doctor", "--format", "json", "--endpoint", endpoint, "--token-file", str(token), "--only", "endpoint.reachable"
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["findings"][0]["status"] == "fail"
    assert "opaque-qa-token-123456" not in result.output


def test_undo_does_not_need_a_valid_token_source(tmp_path: Path) -> None:
    result = invoke(
        "undo", "--yes", "--token-file", str(tmp_path / "gone"), env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)}
    )
    one_line_exit_2(result, "nothing to undo")


def test_password_in_the_endpoint_url_never_reaches_the_report() -> None:
    secret = "pa55w0rdQAsecret"
    endpoint = f"http://user:{secret}@127.0.0.1:{closed_port()}/mcp"
    for fmt in ("json", "text", "markdown"):
        result = invoke(
            "doctor",
            "--format",
            fmt,
            "--endpoint",
            endpoint,
            "--only",
            "endpoint.reachable",
            "--only",
            "endpoint.initialize",
        )
        assert result.exit_code == 1, result.output
        assert secret not in result.output


def test_out_into_a_missing_directory_fails_before_running_anything(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "report.json"
    result = invoke("doctor", "--runtime", "x", "--out", str(out), env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    one_line_exit_2(result, "--out", "does not exist", "nothing was run")
    assert not out.exists()


def test_only_accepts_the_names_the_report_shows_and_names_an_unknown_one_once() -> None:
    result = invoke(
        "doctor", "--format", "json", "--runtime", "rt-1", "--only", "have-runtime", "--only", "have-runtime"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(f["check"], f["status"]) for f in report["findings"]] == [("context.given", "pass")]
    result = invoke("doctor", "--only", "no.such", "--only", "no.such")
    one_line_exit_2(result, "--only: unknown check no.such (")
    assert result.stderr.count("no.such") == 1


def test_ipv6_endpoint_is_shown_with_brackets() -> None:
    with socket.socket(socket.AF_INET6) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(
        main, ["doctor", "--endpoint", f"http://[::1]:{port}/mcp", "--only", "endpoint.reachable", "--format", "json"]
    )
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["status"] == "fail"
    assert f"[::1]:{port}" in finding["summary"], finding["summary"]
