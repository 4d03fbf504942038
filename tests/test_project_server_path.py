"""project.server_host checks the path too: its title always said "0.0.0.0:8000/mcp", but a server answering on another
path (`streamable_http_path="/api"`, standalone FastMCP's `run(path=…)`, FASTMCP_STREAMABLE_HTTP_PATH in the Dockerfile)
passed, while AgentCore sends every MCP request to /mcp in the container (research/agentcore.md: "MCP 8000 `/mcp`")."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.results import CheckResult, Status

V1 = "from mcp.server.fastmcp import FastMCP\n\n"
STANDALONE = "from fastmcp import FastMCP\n\n"


def run(tmp_path: Path, server: str, dockerfile: str = "") -> CheckResult:
    (tmp_path / "server.py").write_text(server)
    (tmp_path / "requirements.txt").write_text("mcp>=1.23.2,<2\n")
    if dockerfile:
        (tmp_path / "Dockerfile").write_text(dockerfile)
    return run_check("project.server_host", tmp_path)


@pytest.mark.parametrize(
    ("server", "dockerfile", "status", "said"),
    [
        (V1 + 'mcp = FastMCP("s", host="0.0.0.0", streamable_http_path="/api")\nmcp.run("streamable-http")\n', "",
         Status.FAIL, "the MCP path is '/api', AgentCore calls /mcp"),
        (STANDALONE + 'mcp = FastMCP("s")\nmcp.run(transport="http", host="0.0.0.0", port=8000, path="/custom")\n', "",
         Status.FAIL, "'/custom'"),
        (V1 + 'mcp = FastMCP("s", host="0.0.0.0")\nmcp.run("streamable-http")\n',
         'FROM python:3.12-slim\nENV FASTMCP_STREAMABLE_HTTP_PATH=/v1/mcp\nCMD ["python", "server.py"]\n',
         Status.FAIL, "'/v1/mcp'"),
        (V1 + 'mcp = FastMCP("s", host="0.0.0.0")\nmcp.run("streamable-http")\n', "", Status.PASS, "0.0.0.0:8000/mcp"),
        (V1 + 'mcp = FastMCP("s", host="0.0.0.0", streamable_http_path="/mcp/")\nmcp.run("streamable-http")\n', "",
         Status.PASS, "0.0.0.0:8000/mcp/"),
        (V1 + 'import os\nmcp = FastMCP("s", host="0.0.0.0", streamable_http_path=os.environ["P"])\n'
         'mcp.run("streamable-http")\n', "", Status.PASS, "0.0.0.0:8000 "),
    ],
    ids=["v1-setting", "standalone-run-path", "dockerfile-env", "default", "trailing-slash", "computed"],
)  # fmt: skip
def test_the_path_agentcore_calls(tmp_path: Path, server: str, dockerfile: str, status: Status, said: str) -> None:
    result = run(tmp_path, server, dockerfile)
    assert result.status is status, result.summary
    assert said in result.summary, result.summary


def test_a_path_problem_explains_the_path_not_the_loopback(tmp_path: Path) -> None:
    result = run(
        tmp_path, V1 + 'mcp = FastMCP("s", host="0.0.0.0", streamable_http_path="/api")\nmcp.run("streamable-http")\n'
    )
    assert "/mcp" in (result.details or "") and "127.0.0.1" not in (result.details or "")
