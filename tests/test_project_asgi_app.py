"""project.asgi_app: the app an ASGI server is told to serve (`uvicorn server:app`) must be defined by the module, on
projects in tmp_path.

Before, nothing read the `module:app` word: a FastMCP server started by `mcp.run()` under `if __name__ == "__main__":`
and deployed with `CMD ["uvicorn", "server:app", …]` passed every project check, and the container exited at once.
The real texts: `uvicorn server:app --factory …` → `ERROR:    Error loading ASGI app. Attribute "app" not found in
module "server".` (https://github.com/nim444/mcp-android-server-python/issues/4, an MCP server's README), and
`Error loading ASGI app. Attribute "mcp.app" not found in module "mcp_metatrader5_server.server".`
(https://github.com/Qoyyuum/mcp-metatrader5-server/issues/4).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check
from test_project_diagnoses import walk

from tui.results import CheckResult, Status

REQUIREMENTS = "mcp>=1.23.2,<2\naws-opentelemetry-distro>=0.18.0\nuvicorn\n"
HEAD = "FROM --platform=linux/arm64 python:3.13-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
RUN_ONLY = (
    "from mcp.server.fastmcp import FastMCP\n"
    'mcp = FastMCP("s", host="0.0.0.0", stateless_http=True)\n\n'
    'if __name__ == "__main__":\n    mcp.run(transport="streamable-http")\n'
)
WITH_APP = RUN_ONLY.replace("\n\nif __name__", "\napp = mcp.streamable_http_app()\n\nif __name__")
UVICORN = 'CMD ["opentelemetry-instrument", "uvicorn", "server:app", "--host", "0.0.0.0", "--port", "8000"]\n'


def project(root: Path, server: str = RUN_ONLY, cmd: str = UVICORN, **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "requirements.txt").write_text(REQUIREMENTS)
    (root / "Dockerfile").write_text(HEAD + cmd)
    (root / "server.py").write_text(server)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def run(root: Path) -> CheckResult:
    return run_check("project.asgi_app", root)


def test_uvicorn_serving_an_app_the_module_does_not_define_fails_with_uvicorns_words(tmp_path: Path) -> None:
    result = run(project(tmp_path))
    assert result.status is Status.FAIL, result.summary
    assert "line 5" in result.summary and "server.py defines no `app`" in result.summary
    assert 'Error loading ASGI app. Attribute "app" not found in module "server".' in result.summary
    assert result.evidence["app"] == "server:app" and result.evidence["file"] == "server.py"


def test_gunicorn_with_a_uvicorn_worker_names_gunicorns_error(tmp_path: Path) -> None:
    cmd = 'CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-b", "0.0.0.0:8000", "server:app"]\n'
    result = run(project(tmp_path, cmd=cmd))
    assert result.status is Status.FAIL and "Failed to find attribute 'app' in 'server'." in result.summary


def test_the_command_a_start_script_runs_is_the_one_judged(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        cmd='RUN chmod +x /app/entrypoint.sh\nENTRYPOINT ["/app/entrypoint.sh"]\n',
        **{"entrypoint.sh": "#!/bin/sh\nset -e\nexec uvicorn server:app --host 0.0.0.0 --port 8000\n"},
    )
    result = run(root)
    assert result.status is Status.FAIL and "entrypoint.sh line 3" in result.summary


@pytest.mark.parametrize(
    ("server", "cmd"),
    [
        (WITH_APP, UVICORN),
        (
            RUN_ONLY + "\ndef create_app():\n    return mcp.streamable_http_app()\n",
            UVICORN.replace('"server:app"', '"server:create_app", "--factory"'),
        ),
        ("from mcp_app import build as app\n", UVICORN),
        ("try:\n    from fast import app\nexcept ImportError:\n    app = None\n", UVICORN),
        (RUN_ONLY, UVICORN.replace("server:app", "server:mcp.app")),  # `mcp` is defined; its attribute not judged
    ],
    ids=["assigned", "factory", "imported-as", "in-try", "dotted"],
)
def test_an_app_the_module_defines_passes(tmp_path: Path, server: str, cmd: str) -> None:
    result = run(project(tmp_path, server, cmd))
    assert result.status is Status.PASS, result.summary


@pytest.mark.parametrize(
    ("server", "kind"),
    [(RUN_ONLY, "FastMCP"), ("from mcp.server import MCPServer\n\nmcp = MCPServer('s')\n", "MCPServer")],
    ids=["v1", "v2"],
)
def test_serving_the_server_object_itself_fails_as_no_asgi_app(tmp_path: Path, server: str, kind: str) -> None:
    """`uvicorn server:mcp` (a Dockerfile seen in public MCP repositories): uvicorn starts, then each request fails
    with 500 (the server object is not callable: ASGI2Middleware calls it). Before, `mcp` being defined passed."""
    result = run(project(tmp_path, server, UVICORN.replace("server:app", "server:mcp")))
    assert result.status is Status.FAIL, result.summary
    assert f"TypeError: '{kind}' object is not callable" in result.summary and "HTTP 500" in result.summary
    assert "app = mcp.streamable_http_app()" in (result.remediation or "")


def test_the_app_dir_is_where_the_module_is_looked_up(tmp_path: Path) -> None:
    cmd = UVICORN.replace('"server:app"', '"--app-dir", "src", "server:app"')
    root = project(tmp_path, WITH_APP, cmd, **{"src/server.py": RUN_ONLY})
    result = run(root)
    assert result.status is Status.FAIL and "src/server.py" in result.summary


@pytest.mark.parametrize(
    ("server", "cmd"),
    [
        (RUN_ONLY, 'CMD ["opentelemetry-instrument", "python", "server.py"]\n'),  # no ASGI server
        (RUN_ONLY, UVICORN.replace("server:app", "installed_pkg.main:app")),  # not a project file
        ("from mcp_app import *\n", UVICORN),  # names no reader can list
        ("def __getattr__(name):\n    return make(name)\n", UVICORN),
        ("globals()['app'] = make()\n", UVICORN),
    ],
    ids=["python", "installed", "star-import", "module-getattr", "globals"],
)
def test_what_cannot_be_told_is_not_judged(tmp_path: Path, server: str, cmd: str) -> None:
    result = run(project(tmp_path, server, cmd))
    assert result.status is Status.SKIP, result.summary


def test_a_module_that_does_not_parse_could_not_be_judged(tmp_path: Path) -> None:
    result = run(project(tmp_path, "def broken(:\n"))
    assert result.status is Status.SKIP and result.could_not_run and "server.py" in result.summary


def test_the_walk_reaches_the_asgi_app_diagnosis(tmp_path: Path) -> None:
    report = walk(project(tmp_path))
    assert report["results"]["project-start"]["project.asgi_app"]["status"] == "fail"
    assert report["end"]["node"] == "image-asgi-app"
