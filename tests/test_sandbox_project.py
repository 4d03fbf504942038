"""The sample project and its seeded defects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tui.context import read_agentcore_config
from tui.sandbox.project import PROJECT_DEFECTS, PROJECT_FILES, make_project


def read(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def test_healthy_project_is_mcp2_done_right(sample_project: Callable[..., Path]) -> None:
    project = sample_project()
    assert sorted(p.name for p in project.iterdir()) == sorted(PROJECT_FILES)
    server = read(project, "mcp_server.py")
    assert "from mcp.server import MCPServer" in server and "fastmcp" not in server
    assert 'mcp.run("streamable-http", host="0.0.0.0", port=8000, stateless_http=True)' in server
    for tool in ("def add_numbers", "def multiply_numbers", "def greet_user"):
        assert tool in server
    assert "@mcp.middleware" not in server
    requirements = read(project, "requirements.txt").splitlines()
    assert "mcp>=2.3,<3" in requirements and "aws-opentelemetry-distro>=0.10.0" in requirements
    assert 'CMD ["opentelemetry-instrument", "python", "-m", "mcp_server"]' in read(project, "Dockerfile")
    client = read(project, "my_mcp_client_remote.py")
    assert "streamable_http_client" in client and 'quote(agent_arn, safe="")' in client
    for name in ("mcp_server.py", "my_mcp_client_remote.py"):
        compile(read(project, name), name, "exec")


def test_agentcore_yaml_is_understood_by_the_context(tmp_path: Path) -> None:
    arn = "arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/mcp_server-AbCdEfGhIj"
    project = make_project(tmp_path / "p", runtime_arn=arn, region="eu-west-1", account_id="111122223333")
    data = yaml.safe_load(read(project, ".bedrock_agentcore.yaml"))
    assert data["agents"]["mcp_server"]["bedrock_agentcore"]["agent_id"] == "mcp_server-AbCdEfGhIj"
    assert read_agentcore_config(project) == {
        "runtime": arn,
        "region": "eu-west-1",
        "execution_role": "arn:aws:iam::111122223333:role/agentcore-mcp_server-role",
    }


def _fastmcp(p: Path) -> None:
    server = read(p, "mcp_server.py")
    assert "from mcp.server.fastmcp import FastMCP" in server and "FastMCP(host=" in server
    assert 'mcp.run(transport="streamable-http")' in server
    requirements = read(p, "requirements.txt").splitlines()
    assert "mcp" in requirements and not any(r.startswith("mcp>") for r in requirements)


CHECKS: dict[str, Callable[[Path], None]] = {
    "fastmcp-import": _fastmcp,
    "host-localhost": lambda p: (
        None
        if 'host="127.0.0.1"' in read(p, "mcp_server.py") and 'host="0.0.0.0"' not in read(p, "mcp_server.py")
        else pytest.fail("host")
    ),
    "no-otel-distro": lambda p: (
        None if "aws-opentelemetry-distro" not in read(p, "requirements.txt") else pytest.fail("distro")
    ),
    "no-otel-instrument": lambda p: (
        None
        if 'CMD ["python", "-m", "mcp_server"]' in read(p, "Dockerfile")
        and "opentelemetry-instrument" not in read(p, "Dockerfile")
        else pytest.fail("instrument")
    ),
    "middleware-decorator": lambda p: (
        None
        if "@mcp.middleware\nasync def add_content_type_header" in read(p, "mcp_server.py")
        else pytest.fail("middleware")
    ),
    "stateful": lambda p: (
        None
        if "stateless_http=False" in read(p, "mcp_server.py") and "stateless_http=True" not in read(p, "mcp_server.py")
        else pytest.fail("stateful")
    ),
    "platform-amd64": lambda p: (
        None
        if "FROM --platform=linux/amd64 ghcr.io/astral-sh/uv:python3.11-bookworm-slim" in read(p, "Dockerfile")
        else pytest.fail("platform")
    ),
    "user-by-name": lambda p: (
        None
        if "USER appuser\n" in read(p, "Dockerfile") and "useradd" not in read(p, "Dockerfile")
        else pytest.fail("user")
    ),
    "client-session-id": lambda p: (
        None
        if '"Mcp-Session-Id": f"session-{int(time.time())}"' in read(p, "my_mcp_client_remote.py")
        else pytest.fail("session id")
    ),
    "client-uuid-patch": lambda p: (
        None
        if "JSONRPCMessage.model_validate_json = patched_model_validate_json" in read(p, "my_mcp_client_remote.py")
        else pytest.fail("uuid patch")
    ),
    "client-initialize-params": lambda p: (
        None
        if '"method": "initialize", "params": {}' in read(p, "my_mcp_client_remote.py")
        else pytest.fail("initialize params")
    ),
    "client-v1-api": lambda p: (
        None
        if "from mcp.client.streamable_http import streamablehttp_client" in read(p, "my_mcp_client_remote.py")
        and "timeout=180" in read(p, "my_mcp_client_remote.py")
        else pytest.fail("v1 api")
    ),
    "otel-env-in-dockerfile": lambda p: (
        None
        if "OTEL_EXPORTER_OTLP_LOGS_HEADERS=x-aws-log-group=agents/mcp-server-logs" in read(p, "Dockerfile")
        else pytest.fail("otel env")
    ),
    "role-helper": lambda p: (
        None
        if "iam_client.delete_role(RoleName=agentcore_role_name)" in read(p, "utils.py")
        else pytest.fail("role helper")
    ),
}


def test_every_defect_has_a_test() -> None:
    assert set(CHECKS) == PROJECT_DEFECTS


@pytest.mark.parametrize("defect", sorted(PROJECT_DEFECTS))
def test_each_defect(defect: str, sample_project: Callable[..., Path]) -> None:
    project = sample_project({defect})
    CHECKS[defect](project)
    for name in ("mcp_server.py", "my_mcp_client_remote.py"):
        compile(read(project, name), name, "exec")  # defects are semantic, not syntax errors


def test_all_defects_combine(sample_project: Callable[..., Path]) -> None:
    project = sample_project(PROJECT_DEFECTS)
    for check in CHECKS.values():
        check(project)


def test_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown project defect"):
        make_project(tmp_path / "a", frozenset({"nope"}))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("x")
    with pytest.raises(FileExistsError):
        make_project(tmp_path / "b")
