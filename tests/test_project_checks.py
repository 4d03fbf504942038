"""Project-file checks and fixes on real files: detect the guide's defects, patch them, undo the patches."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tui.checks.base import CheckContext
from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.registry import load_all
from tui.results import Status

GUIDE_SERVER = '''\
import logging
from mcp.server.fastmcp import FastMCP

logger = logging.getLogger(__name__)

mcp = FastMCP(
    host="127.0.0.1",
    stateless_http=False,  # stateful, as the guide suggests
    connection_timeout=120,  # longer timeout
    keep_alive=True,
    default_headers={
        "Content-Type": "application/json",
        "content-type": "application/json"
    }
)

@mcp.middleware
async def add_content_type_header(request, call_next):
    if "content-type" not in request.headers:
        request.headers["content-type"] = "application/json"
    return await call_next(request)


@mcp.tool()
def add_numbers(a: int, b: int) -> int:
    """Add two numbers together"""
    return a + b


if __name__ == "__main__":
    mcp.run(transport="streamable-http")
'''

HEALTHY_SERVER = '''\
from mcp.server import MCPServer

mcp = MCPServer("mcp-server")


@mcp.tool()
def add_numbers(a: int, b: int) -> int:
    """Add two numbers together"""
    return a + b


if __name__ == "__main__":
    mcp.run("streamable-http", host="0.0.0.0", port=8000, stateless_http=True)
'''

GUIDE_DOCKERFILE = (
    'FROM python:3.12-slim\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "-m", "mcp_server"]\n'
)


def make(tmp_path: Path, server: str, requirements: str, dockerfile: str | None) -> Path:
    (tmp_path / "mcp_server.py").write_text(server)
    (tmp_path / "requirements.txt").write_text(requirements)
    if dockerfile is not None:
        (tmp_path / "Dockerfile").write_text(dockerfile)
    return tmp_path


def run_check(check_id: str, project: Path):  # type: ignore[no-untyped-def]
    spec = load_all().checks[check_id]
    return spec.func(CheckContext(context=Context(project=str(project))), spec.params(dir=str(project)))


PROJECT_CHECKS = [
    "project.layout",
    "project.mcp_version",
    "project.server_api",
    "project.server_host",
    "project.stateless",
    "project.otel_distro",
    "project.otel_instrument",
]


def test_guide_shaped_project_fails_exactly_where_the_guide_is_wrong(tmp_path: Path) -> None:
    project = make(tmp_path, GUIDE_SERVER, "mcp\nboto3\nfastmcp\n", GUIDE_DOCKERFILE)
    got = {c: run_check(c, project) for c in PROJECT_CHECKS}
    assert {c: r.status for c, r in got.items()} == {
        "project.layout": Status.PASS,
        "project.mcp_version": Status.FAIL,
        "project.server_api": Status.FAIL,
        "project.server_host": Status.FAIL,
        "project.stateless": Status.WARN,
        "project.otel_distro": Status.FAIL,
        "project.otel_instrument": Status.FAIL,
    }
    assert "installs mcp 2.x" in got["project.mcp_version"].summary
    assert "ModuleNotFoundError" in got["project.mcp_version"].summary
    api = got["project.server_api"]
    assert "4 calls to APIs that do not exist" in api.summary
    assert {"@mcp.middleware", "connection_timeout=", "keep_alive=", "default_headers="} <= {
        f.split("`")[1] for f in api.evidence["findings"]
    }
    assert "host is '127.0.0.1'" in got["project.server_host"].summary
    assert 'line 4: `CMD ["python", "-m", "mcp_server"]`' in got["project.otel_instrument"].summary


def test_healthy_v2_project_passes_everything(tmp_path: Path) -> None:
    project = make(
        tmp_path,
        HEALTHY_SERVER,
        "mcp>=2.3,<3\naws-opentelemetry-distro>=0.10.0\n",
        'FROM python:3.12-slim\nCMD ["opentelemetry-instrument", "python", "-m", "mcp_server"]\n',
    )
    statuses = {c: run_check(c, project).status for c in PROJECT_CHECKS}
    assert set(statuses.values()) == {Status.PASS}, statuses


def test_v2_constructor_options_are_flagged(tmp_path: Path) -> None:
    server = HEALTHY_SERVER.replace(
        'MCPServer("mcp-server")', 'MCPServer("mcp-server", host="0.0.0.0", stateless_http=True)'
    )
    project = make(tmp_path, server, "mcp>=2.3,<3\n", None)
    result = run_check("project.server_api", project)
    assert result.status is Status.FAIL
    assert "MCPServer(host=…)" in result.summary


def test_missing_project_dir_fails_and_no_dockerfile_only_warns(tmp_path: Path) -> None:
    assert run_check("project.layout", tmp_path / "nope").status is Status.FAIL
    project = make(tmp_path, HEALTHY_SERVER, "mcp>=2.3,<3\n", None)
    layout = run_check("project.layout", project)
    assert layout.status is Status.WARN and "no Dockerfile" in layout.summary
    assert layout.facts["project.era"] == "v2"
    assert run_check("project.otel_instrument", project).status is Status.SKIP


def test_fixes_patch_the_files_then_the_checks_pass_and_undo_restores_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    project = (
        make(tmp_path / "proj", GUIDE_SERVER, "mcp\nboto3\n", GUIDE_DOCKERFILE)
        if (tmp_path / "proj").mkdir() is None
        else None
    )
    assert project is not None
    before = {p.name: p.read_text() for p in project.iterdir()}
    ctx = Context(project=str(project))
    applied = []
    for fix_id in ["project.pin_mcp", "project.server_code", "project.otel_distro", "project.otel_instrument"]:
        plan = plan_fix(fix_id, {"dir": str(project)}, ctx, {})
        assert not plan.noop, fix_id
        assert plan.actions[0].diff.startswith("--- a/"), plan.preview()
        record = apply_plan(plan, ctx)
        assert record.outcome == "applied", record.error
        applied.append(record)
    server = (project / "mcp_server.py").read_text()
    ast.parse(server)
    assert "@mcp.middleware" not in server and "connection_timeout" not in server
    assert 'host="0.0.0.0"' in server
    assert "def add_numbers" in server  # tools are untouched
    assert (project / "requirements.txt").read_text() == "mcp>=1.23.2,<2\nboto3\naws-opentelemetry-distro>=0.10.0\n"
    assert "opentelemetry-instrument" in (project / "Dockerfile").read_text()
    statuses = {c: run_check(c, project).status for c in PROJECT_CHECKS}
    assert statuses["project.mcp_version"] is Status.PASS
    assert statuses["project.server_api"] is Status.PASS
    assert statuses["project.server_host"] is Status.PASS
    assert statuses["project.otel_distro"] is Status.PASS
    assert statuses["project.otel_instrument"] is Status.PASS
    # a second round has nothing to do
    for fix_id in ["project.pin_mcp", "project.server_code", "project.otel_distro", "project.otel_instrument"]:
        assert plan_fix(fix_id, {"dir": str(project)}, ctx, {}).noop, fix_id
    # undo everything, newest first
    for _ in applied:
        record, _ = undo_record(None, ctx)
        assert record.outcome == "undone", record.error
    assert {p.name: p.read_text() for p in project.iterdir()} == before


def test_file_fix_refuses_when_the_file_changed_after_planning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    project = make(tmp_path, GUIDE_SERVER, "mcp\n", GUIDE_DOCKERFILE)
    ctx = Context(project=str(project))
    plan = plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {})
    (project / "requirements.txt").write_text("mcp\nrequests\n")
    record = apply_plan(plan, ctx)
    assert record.outcome == "failed"
    assert "changed since the fix was planned" in (record.error or "")
    assert (project / "requirements.txt").read_text() == "mcp\nrequests\n"


def test_read_only_context_refuses_to_apply(tmp_path: Path) -> None:
    from tui.fixes.base import FixError

    project = make(tmp_path, GUIDE_SERVER, "mcp\n", GUIDE_DOCKERFILE)
    ctx = Context(project=str(project), read_only=True)
    plan = plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {})
    with pytest.raises(FixError, match="read-only"):
        apply_plan(plan, ctx)
    assert (project / "requirements.txt").read_text() == "mcp\n"


def test_a_failed_undo_leaves_the_fix_undoable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    project = make(tmp_path, HEALTHY_SERVER, "mcp>=2.3,<3\n", None)
    ctx = Context(project=str(project))
    applied = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    patched = (project / "requirements.txt").read_text()
    (project / "requirements.txt").write_text(patched + "requests\n")  # edited since: the undo must refuse
    failed, _ = undo_record(applied.id, ctx)
    assert failed.outcome == "failed" and "changed since" in (failed.error or "")
    (project / "requirements.txt").write_text(patched)
    done, _ = undo_record(applied.id, ctx)
    assert done.outcome == "undone"
    assert (project / "requirements.txt").read_text() == "mcp>=2.3,<3\n"
