""".bedrock_agentcore.yaml as the starter toolkit writes it: agents, default, legacy layout, current directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.context import agentcore_agent, build_context
from tui.project.agentcore_config import AgentChoiceError, AgentcoreConfigError, read_agent
from tui.sandbox.project import make_project

ARN_A = "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/alpha-AbCdEf1234"
ARN_B = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/beta-ZyXwVu9876"

# The shape `agentcore configure` writes (toolkit 0.1.x-0.2.x), trimmed of fields agentcore-triage ignores.
TWO_AGENTS = f"""
default_agent: alpha
agents:
  alpha:
    name: alpha
    language: python
    entrypoint: src/alpha.py:app
    deployment_type: container
    platform: linux/arm64
    container_runtime: docker
    source_path: null
    aws:
      execution_role: arn:aws:iam::123456789012:role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-abc
      execution_role_auto_create: false
      account: '123456789012'
      region: us-west-2
      ecr_repository: 123456789012.dkr.ecr.us-west-2.amazonaws.com/bedrock-agentcore-alpha
      ecr_auto_create: false
      network_configuration:
        network_mode: PUBLIC
      protocol_configuration:
        server_protocol: MCP
      observability:
        enabled: true
    bedrock_agentcore:
      agent_id: alpha-AbCdEf1234
      agent_arn: {ARN_A}
      agent_session_id: null
    codebuild:
      project_name: null
    memory:
      mode: NO_MEMORY
    authorizer_configuration:
      customJWTAuthorizer:
        discoveryUrl: https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbC/.well-known/openid-configuration
        allowedClients:
        - 1example23456789
        allowedAudience:
        - my-api
    request_header_configuration:
      requestHeaderAllowlist:
      - Authorization
      - X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant
    oauth_configuration: null
    some_field_from_a_newer_toolkit: {{nested: true}}
  beta:
    name: beta
    entrypoint: beta.py
    aws:
      region: eu-west-1
      protocol_configuration:
        server_protocol: HTTP
    bedrock_agentcore:
      agent_id: beta-ZyXwVu9876
      agent_arn: {ARN_B}
"""

LEGACY = f"""
name: alpha
entrypoint: alpha.py
platform: linux/arm64
aws:
  region: us-west-2
  account: '123456789012'
bedrock_agentcore:
  agent_arn: {ARN_A}
"""


def write(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".bedrock_agentcore.yaml").write_text(text)
    return directory


def invoke(*args: str) -> object:
    env = {"AWS_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AGENTCORE_TRIAGE_RUNTIME": ""}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_the_default_agent_and_everything_it_holds(tmp_path: Path) -> None:
    selected = read_agent(write(tmp_path, TWO_AGENTS))
    assert selected is not None and selected.agent.name == "alpha"
    assert selected.context_values() == {
        "runtime": ARN_A,
        "region": "us-west-2",
        "execution_role": "arn:aws:iam::123456789012:role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-abc",
    }
    assert selected.entrypoint_path() == tmp_path / "src" / "alpha.py"  # the toolkit's ":app" suffix dropped
    summary = selected.summary()
    assert summary["server_protocol"] == "MCP"
    assert summary["authorizer"] == "jwt"
    assert summary["jwt_discovery_url"].endswith("/.well-known/openid-configuration")
    assert summary["jwt_allowed_clients"] == ["1example23456789"]
    assert summary["jwt_allowed_audience"] == ["my-api"]
    assert summary["request_header_allowlist"] == ["Authorization", "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant"]
    assert summary["account"] == "123456789012"
    assert summary["ecr_repository"].endswith("/bedrock-agentcore-alpha")
    assert summary["agent_arn"] == ARN_A


def test_agent_selects_another_agent_and_an_unknown_one_lists_them(tmp_path: Path) -> None:
    write(tmp_path, TWO_AGENTS)
    ctx = build_context(project=str(tmp_path), agent="beta", environ={})
    assert (ctx.agent, ctx.runtime, ctx.region) == ("beta", ARN_B, "eu-west-1")
    assert ctx.agentcore["server_protocol"] == "HTTP" and ctx.agentcore["authorizer"] == "sigv4"
    with pytest.raises(AgentChoiceError, match=r"^--agent gamma: no such agent in .*\(agents: alpha, beta\)$"):
        build_context(project=str(tmp_path), agent="gamma", environ={})


def test_several_agents_and_no_default_is_one_line_listing_them(tmp_path: Path) -> None:
    write(tmp_path, TWO_AGENTS.replace("default_agent: alpha", "default_agent: null"))
    with pytest.raises(AgentChoiceError) as caught:
        build_context(project=str(tmp_path), environ={})
    message = str(caught.value)
    assert "\n" not in message and "--agent NAME (alpha, beta)" in message
    result = invoke("doctor", "--project", str(tmp_path), "--format", "json")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert result.stderr.strip().splitlines() == [f"agentcore-triage: {message}"]  # type: ignore[attr-defined]


def test_agent_from_the_command_line_reaches_the_report(tmp_path: Path) -> None:
    write(tmp_path, TWO_AGENTS.replace("default_agent: alpha", "default_agent: null"))
    result = invoke(
        "doctor", "--project", str(tmp_path), "--agent", "beta", "--only", "have-runtime", "--format", "json"
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    context = json.loads(result.stdout)["context"]  # type: ignore[attr-defined]
    assert context["runtime"] == ARN_B and context["agent"] == "beta"
    assert context["agentcore"]["file"] == str(tmp_path / ".bedrock_agentcore.yaml")


def test_legacy_single_agent_layout(tmp_path: Path) -> None:
    ctx = build_context(project=str(write(tmp_path, LEGACY)), environ={})
    assert (ctx.agent, ctx.runtime, ctx.region) == ("alpha", ARN_A, "us-west-2")
    assert ctx.agentcore["server_protocol"] == "HTTP"  # the toolkit's default when the file says nothing


def test_the_current_directory_is_read_by_default_and_becomes_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write(tmp_path, TWO_AGENTS))
    ctx = build_context(environ={})
    assert ctx.project == str(tmp_path) and ctx.sources["project"] == ".bedrock_agentcore.yaml in the current directory"
    assert ctx.runtime == ARN_A and ctx.sources["runtime"] == ".bedrock_agentcore.yaml"
    other = write(tmp_path / "elsewhere", LEGACY.replace(ARN_A, ARN_B))
    ctx = build_context(project=str(other), environ={})
    assert ctx.project == str(other) and ctx.runtime == ARN_B


def test_no_file_means_no_project_and_agent_without_a_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ctx = build_context(environ={})
    assert ctx.project is None and ctx.agentcore == {} and ctx.agent is None
    with pytest.raises(AgentChoiceError, match=r"there is no \.bedrock_agentcore\.yaml in"):
        build_context(agent="alpha", environ={})


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("agents: [unclosed", ":1:"),
        ("- just\n- a list\n", "expected a mapping"),
        ("agents:\n  a:\n    entrypoint: a.py\n", "agents.a.name"),
    ],
)
def test_a_broken_file_is_reported_not_fatal(tmp_path: Path, text: str, where: str) -> None:
    write(tmp_path, text)
    with pytest.raises(AgentcoreConfigError, match=where):
        read_agent(tmp_path)
    ctx = build_context(project=str(tmp_path), environ={})
    assert ctx.runtime is None
    assert where in ctx.agentcore["error"] and "\n" not in ctx.agentcore["error"]
    assert agentcore_agent(tmp_path) == {}


def test_the_sandbox_sample_project_file(tmp_path: Path) -> None:
    arn = "arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/mcp_server-AbCdEfGhIj"
    project = make_project(tmp_path / "p", runtime_arn=arn, region="eu-west-1", account_id="111122223333")
    ctx = build_context(project=str(project), environ={})
    assert ctx.agent == "mcp_server" and ctx.runtime == arn
    assert ctx.agentcore["server_protocol"] == "MCP" and ctx.agentcore["authorizer"] == "jwt"
    assert agentcore_agent(project)["entrypoint"] == "mcp_server.py"


def test_runtime_arn_means_the_endpoint_is_known() -> None:
    result = invoke("doctor", "--runtime", ARN_A, "--only", "have-endpoint", "--format", "json")
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["node"] == "context")  # type: ignore[attr-defined]
    assert finding["status"] == "pass", finding
    assert finding["summary"] == "set: endpoint (from the runtime ARN)"
    assert finding["evidence"]["endpoint"].startswith(
        "https://bedrock-agentcore.us-west-2.amazonaws.com/runtimes/arn%3A"
    )
    result = invoke("doctor", "--runtime", "alpha-AbCdEf1234", "--only", "have-endpoint", "--format", "json")
    finding = json.loads(result.stdout)["findings"][0]  # type: ignore[attr-defined]
    assert finding["status"] == "pass"  # an id alone builds no URL: the ARN runtime.discover finds does
    assert finding["summary"] == "set: endpoint (from the runtime's ARN, once AWS finds the runtime)"
