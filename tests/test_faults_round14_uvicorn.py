"""A server served as ``app = mcp.streamable_http_app(...)`` under uvicorn instead of ``mcp.run()``: round 14's
injected faults on the project side.

Before: ``project.server_host`` read only ``mcp.run()`` and the constructor, so every such project failed with "host
is not set, so the SDK binds 127.0.0.1; transport is None" (the healthy ones too), and ``project.stateless`` warned
"stateless_http not set" beside ``streamable_http_app(stateless_http=True)``. The three real faults of this layout
(uvicorn bound to 127.0.0.1 in code, uvicorn started from the Dockerfile without ``--host``, the app built without
``host="0.0.0.0"`` so the SDK's DNS-rebinding protection answers 421) all got that same wrong sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.results import Status

TOOL = '''

@mcp.tool()
def add_numbers(a: int, b: int) -> int:
    """Add two numbers together"""
    return a + b
'''
V2 = 'from mcp.server import MCPServer\n\nmcp = MCPServer("mcp_server")\n' + TOOL
V1 = (
    'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("mcp_server", host="0.0.0.0", stateless_http=True)\n'
    + TOOL
)
APP = '\napp = mcp.streamable_http_app(stateless_http=True, host="0.0.0.0")\n'
RUN = '\nif __name__ == "__main__":\n    import uvicorn\n\n    uvicorn.run(app, host="0.0.0.0", port=8000)\n'
UVICORN_CMD = 'CMD ["opentelemetry-instrument", "uvicorn", "mcp_server:app", "--host", "0.0.0.0", "--port", "8000"]'


def project(sample_project, server: str, cmd: str | None = None) -> Path:  # type: ignore[no-untyped-def]
    root: Path = sample_project()
    (root / "mcp_server.py").write_text(server)
    if cmd is not None:
        dockerfile = (root / "Dockerfile").read_text().splitlines()
        assert dockerfile[-1].startswith("CMD ")
        (root / "Dockerfile").write_text("\n".join([*dockerfile[:-1], cmd]) + "\n")
    return root


@pytest.mark.parametrize(
    ("server", "cmd", "served_by"),
    [
        (V2 + APP + RUN, None, "uvicorn.run() (line"),
        (V2 + APP, UVICORN_CMD, "Dockerfile CMD (line"),
        (V2 + APP + RUN.replace('host="0.0.0.0", port=8000', 'host="0.0.0.0"'), None, "uvicorn.run() (line"),
    ],
    ids=["uvicorn-run", "dockerfile-uvicorn", "uvicorn-default-port"],
)
def test_a_healthy_app_under_uvicorn_is_not_reported_broken(sample_project, server, cmd, served_by) -> None:  # type: ignore[no-untyped-def]
    root = project(sample_project, server, cmd)
    host, stateless = run_check("project.server_host", root), run_check("project.stateless", root)
    assert host.status is Status.PASS, host.summary
    assert served_by in host.summary and "0.0.0.0:8000" in host.summary
    assert stateless.status is Status.PASS, stateless.summary


def test_a_1x_app_takes_its_host_from_the_constructor(sample_project) -> None:  # type: ignore[no-untyped-def]
    root = project(sample_project, V1 + "\napp = mcp.streamable_http_app()\n" + RUN)
    result = run_check("project.server_host", root)
    assert result.status is Status.PASS, result.summary


@pytest.mark.parametrize(
    ("server", "cmd", "words"),
    [
        (V2 + APP + RUN.replace('host="0.0.0.0"', 'host="127.0.0.1"'), None, ("uvicorn.run()", "listens on 127.0.0.1")),
        (V2 + APP, UVICORN_CMD.replace('"--host", "0.0.0.0", ', ""), ("Dockerfile CMD", "gives no host", "127.0.0.1")),
        (V2 + APP, UVICORN_CMD.replace('"8000"', '"8080"'), ("Dockerfile CMD", "port 8080", "8000")),
        (V2 + APP.replace(', host="0.0.0.0"', "") + RUN, None, ("streamable_http_app()", "DNS-rebinding", "421")),
    ],
    ids=["uvicorn-run-loopback", "dockerfile-no-host", "dockerfile-port-8080", "app-without-host-421"],
)
def test_each_uvicorn_fault_is_named_for_what_it_is(sample_project, server, cmd, words) -> None:  # type: ignore[no-untyped-def]
    root = project(sample_project, server, cmd)
    result = run_check("project.server_host", root)
    assert result.status is Status.FAIL, result.summary
    for word in words:
        assert word in result.summary, (word, result.summary)
    assert "transport is None" not in result.summary and "the SDK binds" not in result.summary
    assert "0.0.0.0" in result.remediation
    # One fault, one problem: nothing else about the layout is reported with it.
    assert result.summary.count(";") == 0, result.summary
    assert run_check("project.stateless", root).status is Status.PASS


def test_an_app_nothing_in_the_project_starts_is_not_green(sample_project) -> None:  # type: ignore[no-untyped-def]
    root = project(
        sample_project, V2 + APP, 'CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "mcp_server:app"]'
    )
    result = run_check("project.server_host", root)
    assert result.status is Status.SKIP and "where it listens" in result.summary, result.summary


MCP_RUN_UNDER_MAIN = '\nif __name__ == "__main__":\n    mcp.run(transport="streamable-http")\n'


@pytest.mark.parametrize(
    ("cmd", "status"),
    [(UVICORN_CMD.replace('"--host", "0.0.0.0", ', ""), Status.FAIL), (UVICORN_CMD, Status.PASS)],
    ids=["uvicorn-without-host", "uvicorn-on-0.0.0.0"],
)
def test_the_images_uvicorn_is_judged_even_beside_an_mcp_run_under_main(sample_project, cmd, status) -> None:  # type: ignore[no-untyped-def]
    """Before: `FastMCP(host="0.0.0.0")` + `mcp.run()` under `__main__` passed on mcp.run()'s host, while the image ran
    `uvicorn mcp_server:app` without `--host`: uvicorn imports the module (that block never runs) and listens on
    127.0.0.1, unreachable from the runtime."""
    root = project(sample_project, V1 + "\napp = mcp.streamable_http_app()\n" + MCP_RUN_UNDER_MAIN, cmd)
    result = run_check("project.server_host", root)
    assert result.status is status, result.summary
    assert "Dockerfile CMD" in result.summary
    if status is Status.FAIL:
        assert "gives no host" in result.summary and "127.0.0.1" in result.summary
