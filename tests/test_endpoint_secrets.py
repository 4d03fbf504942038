"""The bearer token never appears: not in results, evidence, facts, reports, logs or the audit log."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest
from test_endpoint_harness import ENDPOINT_CHECKS, TOKEN_ENV, bounded_probes, make_context  # noqa: F401

from tui.checks.base import CheckContext
from tui.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def _needles(token: str) -> list[str]:
    _head, payload, signature = token.split(".")
    return [token, payload, signature]


def _assert_clean(text: str, token: str, where: str) -> None:
    for needle in _needles(token):
        assert needle not in text, f"token material found in {where}"


@pytest.mark.parametrize("faults", [(), ("host-protection",)], ids=["healthy", "failing"])
async def test_raw_check_output_never_holds_the_token(mcp_server, front_door, monkeypatch, caplog, faults) -> None:  # noqa: F811
    """Straight from the check functions, before the engine's redaction: clean by construction."""
    door = front_door(mcp_server(faults=set(faults)).url)
    token = door.issue_token("valid")
    monkeypatch.setenv(TOKEN_ENV, token)
    context = make_context(door.invocation_url, token_env=TOKEN_ENV)
    caplog.set_level(logging.DEBUG)
    for check_id in ENDPOINT_CHECKS:
        spec = REGISTRY.checks[check_id]
        params = spec.params.model_validate(
            {"call": "add_numbers", "arguments": {"a": 1, "b": 2}} if check_id == "endpoint.tools" else {}
        )
        result = await spec.func(CheckContext(context=context, timeout=context.timeout), params)
        _assert_clean(result.model_dump_json(), token, check_id)
        assert "***redacted***" not in result.summary + result.details, f"{check_id} needed redaction: {result.summary}"
    _assert_clean(caplog.text, token, "log records")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["valid", "expired", "wrong-client"])
def test_doctor_reports_never_hold_the_token(mcp_server, front_door, tmp_path, monkeypatch, caplog, kind: str) -> None:  # noqa: F811
    """The CLI, every report format, stdout and stderr, every log record and warning, and the audit log directory.

    In-process through click's runner (the same code as the installed command, without an interpreter start per run):
    what a real process adds on its stderr is Python's last-resort log handler (WARNING and up) and printed
    warnings, and this test reads more than that: every log record down to DEBUG and every warning raised.
    """
    from click.testing import CliRunner

    from tui.cli import main

    door = front_door(mcp_server(stateless=False).url, inject_session_id=False)
    token = door.issue_token(kind)
    for key, value in {
        TOKEN_ENV: token,
        "AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path / "state"),
        "NO_COLOR": "1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(ROOT)
    caplog.set_level(logging.DEBUG)
    only = [arg for check_id in ENDPOINT_CHECKS for arg in ("--only", check_id)]
    common = ["doctor", "--endpoint", door.invocation_url, "--token-env", TOKEN_ENV, "--timeout", "8", *only]
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        fixed = CliRunner().invoke(main, [*common, "--format", "text", "-v", "--fix", "all", "--yes"])
        assert fixed.exit_code in (0, 1), fixed.output
        assert "endpoint.initialize" in fixed.stdout
        _assert_clean(fixed.stdout + fixed.stderr, token, "doctor --fix all text report, stdout/stderr")
        for fmt in ("json", "markdown"):
            out = tmp_path / f"report.{fmt}"
            result = CliRunner().invoke(main, [*common, "--format", fmt, "--out", str(out), "-v"])
            assert result.exit_code in (0, 1), result.output
            report = out.read_text(encoding="utf-8")
            assert "endpoint.initialize" in report
            _assert_clean(report, token, f"{fmt} report")
            _assert_clean(result.stdout + result.stderr, token, f"{fmt} stdout/stderr")
    assert caplog.records, "the runs log (httpx logs every request): a capture that saw nothing proves nothing"
    _assert_clean(caplog.text, token, "log records")
    _assert_clean("\n".join(str(w.message) for w in raised), token, "warnings")
    for path in (tmp_path / "state").rglob("*"):
        if path.is_file():
            _assert_clean(path.read_text(encoding="utf-8", errors="replace"), token, str(path))
