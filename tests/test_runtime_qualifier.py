"""The runtime endpoint a qualifier names (``?qualifier=prod`` in the endpoint URL, or ``--qualifier prod``).

Before: only the DEFAULT endpoint was ever looked at. A user calling ``…/invocations?qualifier=prod`` had DEFAULT
checked and reported READY, whatever ``prod`` was: missing (every call a 404), UPDATE_FAILED, or still on the
version before their fix ("I redeployed but nothing changed"). Against real moto state: custom endpoints through
CreateAgentRuntimeEndpoint, new versions and failed states through the sandbox helpers (moto cannot set those).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from click.testing import CliRunner

from tui import i18n
from tui.checks.base import CheckContext
from tui.cli import main
from tui.context import build_context
from tui.engine.walk import Walk
from tui.playbook.model import DiagnosisNode
from tui.playbook.validate import resolve_playbook
from tui.registry import load_all
from tui.results import Status
from tui.sandbox.aws_variants import add_runtime_endpoint, deploy_new_version, set_endpoint_state

HOST = "https://bedrock-agentcore.us-east-1.amazonaws.com"


def invocation_url(arn: str, query: str = "?qualifier=DEFAULT") -> str:
    return f"{HOST}/runtimes/{quote(arn, safe='')}/invocations{query}"


def status(info: Any, qualifier: str | None = None) -> Any:
    """runtime.status as the playbook runs it (``endpoint_name`` is the context's qualifier)."""
    spec = load_all().checks["runtime.status"]
    context = build_context(runtime=info.runtime_arn, qualifier=qualifier)
    params = spec.params(runtime_id=info.runtime_id, region=info.region, endpoint_name=context.endpoint_name)
    return spec.func(CheckContext(context=context), params)


def walk_aws(info: Any, **context: Any) -> tuple[str, Walk]:
    walk = Walk(resolve_playbook("agentcore-mcp").playbook, build_context(runtime=info.runtime_arn, **context))
    walk.answer("2")
    for _ in range(12):
        if isinstance(walk.node, DiagnosisNode):
            return walk.current, walk
        asyncio.run(walk.advance())
    raise AssertionError(f"no diagnosis reached; at {walk.current}")


# ---------------------------------------------------------------------------- where the qualifier comes from


@pytest.mark.parametrize(
    ("endpoint", "qualifier", "expected"),
    [
        (None, None, "DEFAULT"),
        (invocation_url("arn:aws:bedrock-agentcore:us-east-1:1:runtime/a-1234567890"), None, "DEFAULT"),
        (invocation_url("arn:aws:bedrock-agentcore:us-east-1:1:runtime/a-1234567890", "?qualifier=prod"), None, "prod"),
        # URL-decoded, as AgentCore reads it
        (
            invocation_url("arn:aws:bedrock-agentcore:us-east-1:1:runtime/a-1234567890", "?qualifier=pro%64"),
            None,
            "prod",
        ),
        (None, "staging", "staging"),
        ("http://localhost:8000/mcp?qualifier=prod", None, "DEFAULT"),  # not an invocation URL: no endpoint named
        ("http://localhost:8000/mcp", "prod", "prod"),
        (invocation_url("arn:aws:bedrock-agentcore:us-east-1:1:runtime/a-1234567890", ""), "DEFAULT", "DEFAULT"),
    ],
)
def test_the_qualifier_comes_from_the_flag_else_the_invocation_url(
    endpoint: str | None, qualifier: str | None, expected: str
) -> None:
    context = build_context(endpoint=endpoint, qualifier=qualifier, environ={})
    assert context.endpoint_name == expected
    assert context.values()["qualifier"] == expected
    assert context.qualifier_problem() is None
    assert context.public().get("qualifier") == (None if expected == "DEFAULT" and not qualifier else expected)


ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEfGhIj"


@pytest.mark.parametrize(
    ("endpoint", "qualifier", "said"),
    [
        (invocation_url(ARN, "?qualifier=DEFAULT"), "prod", "--qualifier 'prod' but --endpoint calls the endpoint"),
        (invocation_url(ARN, ""), "prod", "DEFAULT (the URL has no ?qualifier=)"),
        (invocation_url(ARN, "?qualifier=a&qualifier=b"), None, "the URL has 2 qualifier parameters"),
        (invocation_url(ARN, "?qualifier=pr%20od"), None, "?qualifier='pr od': not a runtime endpoint name"),
        (invocation_url(ARN, "?qualifier="), None, "empty: name the runtime endpoint"),
        (None, "prod-1", "--qualifier 'prod-1': not a runtime endpoint name"),
        (None, "x" * 500, "--qualifier 'xxxxxxxx"),
    ],
)
def test_a_qualifier_that_cannot_be_or_two_that_disagree_are_one_line(
    endpoint: str | None, qualifier: str | None, said: str
) -> None:
    problem = build_context(endpoint=endpoint, qualifier=qualifier, environ={}).qualifier_problem()
    assert problem is not None and said in problem
    assert "\n" not in problem and len(problem) < 300


def test_the_cli_refuses_disagreeing_qualifiers_before_anything_runs() -> None:
    url = invocation_url(ARN, "?qualifier=DEFAULT")
    result = CliRunner().invoke(
        main,
        ["doctor", "--endpoint", url, "--qualifier", "prod", "--format", "json"],
        env={"AWS_PROFILE": "", "AGENTCORE_TRIAGE_RUNTIME": "", "AGENTCORE_TRIAGE_ENDPOINT": ""},
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--qualifier 'prod' but --endpoint calls the endpoint 'DEFAULT'" in lines[0]
    assert result.stdout == ""


# ---------------------------------------------------------------------------- runtime.status on that endpoint


def test_default_is_unchanged_and_green(seeded_aws) -> None:
    info = seeded_aws()
    result = status(info)
    assert result.status is Status.PASS, result.summary
    assert result.summary.startswith("runtime and DEFAULT endpoint READY, protocol MCP")
    assert result.facts == {}
    node, _walk = walk_aws(info)
    assert node == "aws-ok", node  # the whole AWS branch green, as before


def test_a_custom_endpoint_on_the_latest_version_is_green(seeded_aws) -> None:
    info = seeded_aws()
    assert deploy_new_version(info) == "2"
    add_runtime_endpoint(info, "prod")  # on the latest, 2
    result = status(info, "prod")
    assert result.status is Status.PASS, result.summary
    assert "endpoint prod READY on the latest version (2)" in result.summary
    assert result.evidence["endpoint"] == "prod" and result.evidence["endpoint_live_version"] == "2"


def test_a_custom_endpoint_on_an_older_version_warns_naming_both_and_the_command(seeded_aws) -> None:
    info = seeded_aws()
    add_runtime_endpoint(info, "prod")  # version 1
    deploy_new_version(info)  # the fix: version 2; DEFAULT moves, prod does not
    assert status(info).status is Status.PASS  # DEFAULT is fine: checking it was the over-claim
    result = status(info, "prod")
    assert result.status is Status.WARN, result.summary
    assert "endpoint prod serves runtime version 1, but the latest version is 2" in result.summary
    assert (
        f"update-agent-runtime-endpoint --agent-runtime-id {info.runtime_id} --endpoint-name prod "
        "--agent-runtime-version 2" in result.remediation  # what the text report prints under the finding
    )
    assert result.facts == {"runtime.endpoint_problem": "older-version"}
    # the walk from an invocation URL with ?qualifier=prod reaches the diagnosis (no --qualifier needed)
    node, walk = walk_aws(info, endpoint=invocation_url(info.runtime_arn, "?qualifier=prod"))
    assert node == "aws-runtime-endpoint", walk.explain()


def test_a_qualifier_that_names_no_endpoint_fails_and_lists_those_that_exist(seeded_aws) -> None:
    info = seeded_aws()
    add_runtime_endpoint(info, "staging")
    result = status(info, "prod")
    assert result.status is Status.FAIL, result.summary
    assert "the runtime has no endpoint prod" in result.summary
    assert "ResourceNotFoundException (HTTP 404)" in result.summary
    assert "its endpoints: DEFAULT, staging" in result.summary
    assert f"create-agent-runtime-endpoint --agent-runtime-id {info.runtime_id} --name prod" in result.remediation
    assert result.facts == {"runtime.endpoint_problem": "missing"}
    node, walk = walk_aws(info, qualifier="prod")
    assert node == "aws-runtime-endpoint", walk.explain()


def test_a_failed_custom_endpoint_fails_with_its_reason(seeded_aws) -> None:
    info = seeded_aws()
    add_runtime_endpoint(info, "prod")
    set_endpoint_state(info, "prod", "UPDATE_FAILED", failure_reason="Endpoint update failed: version 7 not found")
    result = status(info, "prod")
    assert result.status is Status.FAIL, result.summary
    assert result.summary == "endpoint prod is UPDATE_FAILED: Endpoint update failed: version 7 not found"
    assert result.facts == {"runtime.endpoint_problem": "failed"}
    assert status(info).status is Status.PASS  # DEFAULT said nothing of it


def test_an_updating_custom_endpoint_says_what_it_serves_meanwhile(seeded_aws) -> None:
    info = seeded_aws()
    add_runtime_endpoint(info, "prod")
    deploy_new_version(info)
    control = boto3.client("bedrock-agentcore-control")
    control.update_agent_runtime_endpoint(agentRuntimeId=info.runtime_id, endpointName="prod", agentRuntimeVersion="2")
    result = status(info, "prod")
    assert result.status is Status.WARN, result.summary
    assert "endpoint prod UPDATING" in result.summary
    assert "it serves version 1 while it moves to version 2" in result.summary
    assert result.facts == {"runtime.endpoint_problem": "not-ready"}


def test_a_version_number_qualifier_is_compared_with_the_latest(seeded_aws) -> None:
    info = seeded_aws()
    deploy_new_version(info)
    older = status(info, "1")
    assert older.status is Status.WARN and "?qualifier=1 calls runtime version 1" in older.summary
    assert status(info, "2").status is Status.PASS
    none = status(info, "9")
    assert none.status is Status.FAIL and "names no version of the runtime: its latest version is 2" in none.summary


def test_the_qualifier_is_in_the_report_and_the_findings_in_japanese(seeded_aws, tmp_path) -> None:
    info = seeded_aws()
    add_runtime_endpoint(info, "prod")
    deploy_new_version(info)
    out = tmp_path / "report.json"
    env = {"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path / "state"), "AGENTCORE_TRIAGE_ENDPOINT": ""}
    args = ["doctor", "--runtime", info.runtime_arn, "--qualifier", "prod", "--only", "runtime.status"]
    result = CliRunner().invoke(main, [*args, "--format", "json", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output  # a warning: exit 0
    report = json.loads(out.read_text())
    assert report["context"]["qualifier"] == "prod"
    (finding,) = [f for f in report["findings"] if f["check"] == "runtime.status"]
    assert finding["status"] == "warn" and "endpoint prod serves runtime version 1" in finding["summary"]
    i18n.set_language("ja")
    try:
        warned = status(info, "prod")
        missing = status(info, "nothere")
    finally:
        i18n.set_language("en")
    assert "エンドポイント prod" in warned.summary and "最新バージョンは 2" in warned.summary, warned.summary
    assert "update-agent-runtime-endpoint" in warned.remediation and "最新" in warned.remediation
    assert "エンドポイント nothere がありません" in missing.summary, missing.summary


def test_the_endpoint_probes_call_the_runtime_endpoint_the_qualifier_names() -> None:
    """Before: with --qualifier prod and a runtime ARN (no --endpoint), the AWS checks looked at prod but the endpoint
    checks called ?qualifier=DEFAULT (the URL built from the ARN ignored the flag)."""
    from tui.endpoint.target import resolve_target

    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEf1234"
    prod = resolve_target(build_context(runtime=arn, qualifier="prod"))
    default = resolve_target(build_context(runtime=arn))
    assert prod is not None and prod.url.endswith("/invocations?qualifier=prod"), prod
    assert default is not None and default.url.endswith("/invocations?qualifier=DEFAULT"), default
