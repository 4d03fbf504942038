"""Secrets in the endpoint URL (userinfo, ?api_key=) never reach any output; evidence files are written 0600."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tui.private_files import write_private

SECRETS = ("hunter2pw", "K3YVALUE99", "T0K3NVALUE")
UNREACHABLE = "http://alice:hunter2pw@127.0.0.1:9/mcp?api_key=K3YVALUE99&token=T0K3NVALUE"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AGENTCORE_TRIAGE_"))}
    env.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y", AWS_DEFAULT_REGION="us-east-1")
    return env


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``cli(*args, cwd=...)``: the command in-process through click's runner (no interpreter start and imports per
    run), with a clean environment: exit code, stdout and stderr as a terminal or CI log gets them, click's own usage
    errors included; an exception escaping the command fails the test (a process would print its traceback)."""
    from click.testing import CliRunner

    from tui.cli import main

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        for name in list(os.environ):
            if name.startswith(("AWS_", "AGENTCORE_TRIAGE_")):
                monkeypatch.delenv(name)
        for name, value in _clean_env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)

    return run


def _assert_clean(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, text


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://alice:hunter2pw@host:notaport/mcp?api_key=K3YVALUE99",  # not a valid URL
        "ftp://alice:hunter2pw@host/mcp?api_key=K3YVALUE99&token=T0K3NVALUE",  # wrong scheme
    ],
)
def test_usage_error_does_not_echo_the_password_or_query_secrets(endpoint: str, tmp_path: Path, cli: Any) -> None:
    proc = cli("doctor", "--endpoint", endpoint, "--only", "endpoint.reachable", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--endpoint" in proc.stderr and "***redacted***" in proc.stderr
    _assert_clean(proc.stdout, proc.stderr)


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_doctor_out_file_is_private_and_clean(fmt: str, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / f"report.{fmt}"
    proc = cli(
        "doctor", "--endpoint", UNREACHABLE, "--only", "endpoint.reachable", "--format", fmt, "--out", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert out.exists(), proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    _assert_clean(out.read_text(), proc.stdout, proc.stderr)
    assert "***redacted***" in out.read_text()


def test_run_json_is_clean(tmp_path: Path, cli: Any) -> None:
    proc = cli("run", "--endpoint", UNREACHABLE, "--start", "endpoint-start", "--format", "json", cwd=tmp_path)
    _assert_clean(proc.stdout, proc.stderr)
    assert json.loads(proc.stdout)["playbook"] == "agentcore-mcp", proc.stderr


def test_write_private_creates_and_narrows_to_0600(tmp_path: Path) -> None:
    fresh = write_private(tmp_path / "new.json", "{}\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600 and fresh.read_text() == "{}\n"
    existing = tmp_path / "old.md"
    existing.write_text("old and longer")
    existing.chmod(0o644)
    write_private(existing, "new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600 and existing.read_text() == "new"
