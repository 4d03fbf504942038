"""The AWS branch tells bad credentials from an AWS API that does not answer (and a timeout is the latter)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from sandbox_fixtures import closed_port

from tui.cli import main


def _run(env: dict[str, str | None], *extra: str):  # type: ignore[no-untyped-def]
    args = [
        "run",
        "--format",
        "json",
        "--answer",
        "symptom=2",
        "--runtime",
        "mcp_server-AbCdEfGh12",
        "--region",
        "us-east-1",
        *extra,
    ]
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    return result, json.loads(result.stdout)


@pytest.fixture
def no_aws(tmp_path: Path) -> dict[str, str | None]:
    names = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AGENTCORE_TRIAGE_RUNTIME",
        "AGENTCORE_TRIAGE_ENDPOINT",
        "AGENTCORE_TRIAGE_PROJECT",
    ]
    env: dict[str, str | None] = {n: None for n in names}
    env |= {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path / "state"),
    }
    return env


def test_missing_credentials_lead_to_the_credentials_diagnosis(no_aws: dict[str, str | None]) -> None:
    result, data = _run(no_aws)
    assert result.exit_code == 1
    assert data["end"]["node"] == "aws-no-access"
    identity = data["results"]["aws-start"]["aws.identity"]
    assert identity["status"] == "error" and identity["evidence"]["cause"] == "no-credentials"


def test_an_aws_endpoint_that_refuses_leads_to_the_network_diagnosis(no_aws: dict[str, str | None]) -> None:
    env = no_aws | {
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00",
        "AWS_SECRET_ACCESS_KEY": "x" * 40,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
    }
    _, data = _run(env)
    assert data["end"]["node"] == "aws-unreachable"
    assert "could not reach the AWS endpoint" in data["results"]["aws-start"]["aws.identity"]["summary"]


def test_a_check_timeout_is_not_blamed_on_credentials(no_aws: dict[str, str | None]) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        env = no_aws | {
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00",
            "AWS_SECRET_ACCESS_KEY": "x" * 40,
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{silent.getsockname()[1]}",
        }
        _, data = _run(env, "--timeout", "0.5")
    finally:
        silent.close()
    assert data["end"]["node"] == "aws-unreachable"
    assert data["results"]["aws-start"]["aws.identity"]["status"] == "error"
