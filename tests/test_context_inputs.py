"""An input left out is not a fault of the target: ``doctor --endpoint URL`` on a healthy server is green and exits 0,
and says which flags would run the other branches; only a run given nothing at all fails (it checked nothing). The
walk still stops where a branch's input is missing and says which option to give."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_qa_cli_inputs import BASE_ENV

from tui.cli import main


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory without a project file, no AWS configuration, the audit log in tmp."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


def doctor_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["doctor", "--format", "json", *args], env=BASE_ENV, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def test_a_healthy_endpoint_given_alone_is_green(mcp_server: Any, elsewhere: Path) -> None:
    server = mcp_server()
    code, report = doctor_json("--endpoint", server.url, "--timeout", "20")
    problems = [(f["key"], f["status"], f["summary"]) for f in report["findings"] if f["status"] in ("fail", "error")]
    assert problems == [] and code == 0, problems
    by_key = {f["key"]: f for f in report["findings"]}
    assert by_key["endpoint.initialize"]["status"] == "pass"  # it did check the server
    for key, flag in (("have-runtime", "--runtime ARN|ID|NAME"), ("have-project", "--project DIR")):
        left_out = by_key[key]
        assert (left_out["status"], left_out["skip_reason"]) == ("skip", "not_applicable"), left_out
        assert left_out["summary"].startswith(f"not given: {key.removeprefix('have-')} (give {flag}")
    assert (by_key["have-target"]["status"], by_key["have-endpoint"]["status"]) == ("pass", "pass")
    assert report["totals"]["fail"] == 0 and report["totals"]["could_not_run"] == 0


def test_a_run_given_nothing_fails_once_and_names_every_flag(elsewhere: Path) -> None:
    code, report = doctor_json()
    assert code == 1
    failing = [f for f in report["findings"] if f["status"] in ("fail", "error")]
    assert [(f["key"], f["summary"]) for f in failing] == [("have-target", "none of runtime, endpoint, project is set")]
    assert all(flag in failing[0]["details"] for flag in ("--runtime", "--endpoint URL", "--project DIR"))
    text = CliRunner().invoke(main, ["doctor"], env=BASE_ENV, catch_exceptions=False)
    assert text.exit_code == 1
    assert "No problems found" not in text.stdout


def test_the_walk_still_stops_at_a_missing_input_and_says_which_option(mcp_server: Any, elsewhere: Path) -> None:
    server = mcp_server()
    args = ["run", "--endpoint", server.url, "--timeout", "20", "--answer", "symptom=1", "--format", "json"]
    result = CliRunner().invoke(main, args, env=BASE_ENV, catch_exceptions=False)
    walked = json.loads(result.stdout)
    nodes = [step["node"] for step in walked["path"]]
    assert nodes[:3] == ["symptom", "context", "endpoint-start"]  # the endpoint branch first: it was given
    assert [d["node"] for d in walked["diagnoses"]] == ["ep-ok", "need-target"]  # then it stops: no project
    assert nodes[-1] == "project-start" and walked["end"]["node"] == "need-target"
    assert result.exit_code == 0


def test_a_runtime_named_by_id_gives_the_endpoint_from_the_arn_it_is_found_under(elsewhere: Path) -> None:
    """With ``--runtime ID`` (or a name) the endpoint checks probe the URL built from the ARN ``runtime.discover``
    finds; the context row said "not given: endpoint (give --endpoint URL ...)" above their results."""
    code, report = doctor_json("--runtime", "mcp_server-AbCdEf1234", "--region", "us-east-1", "--only", "have-endpoint")
    endpoint = next(f for f in report["findings"] if f["key"] == "have-endpoint")
    assert (endpoint["status"], code) == ("pass", 0)
    assert endpoint["summary"] == "set: endpoint (from the runtime's ARN, once AWS finds the runtime)"
    assert endpoint["evidence"]["endpoint"] == "(not known yet)"
