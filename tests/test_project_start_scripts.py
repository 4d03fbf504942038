"""The start command read through the shell script the Dockerfile starts (``ENTRYPOINT ["/app/entrypoint.sh"]``,
``CMD ["./start.sh"]``, ``CMD sh /app/run.sh``, ``ENTRYPOINT ["bash", "-c", "…"]``), on projects in tmp_path.

Before: the checks judged the Dockerfile's words only. A script ending in ``exec opentelemetry-instrument python
server.py`` failed project.otel_instrument ("does not start under opentelemetry-instrument"), and its fix proposed
``opentelemetry-instrument /app/entrypoint.sh`` (instrumenting a shell, which loads nothing into the server);
project.otel_instrument_installed and project.start_environment reasoned about the script's name, not its command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.fixes.base import Plan
from tui.project.scan import scan_project
from tui.project.start_script import start_script
from tui.results import CheckResult, Status

SERVER = 'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("srv")\nmcp.run(transport="streamable-http")\n'
REQUIREMENTS = "mcp>=1.23.2,<2\naws-opentelemetry-distro>=0.10.0\n"
HEAD = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"

# atlanhq/agent-toolkit, modelcontextprotocol/entrypoint.sh (commit 3e94174f): the server started by `exec python`
# with its options on continuation lines, after `set -euo pipefail` and `: "${VAR:=default}"` lines.
ATLAN = """#!/usr/bin/env bash
# entrypoint.sh - Entrypoint for the Atlan MCP server container

set -euo pipefail

# Default values are provided for ease of local testing.
: "${MCP_TRANSPORT:=stdio}"
: "${MCP_HOST:=0.0.0.0}"
: "${MCP_PORT:=8000}"
: "${MCP_PATH:=/}"

exec python server.py --transport "${MCP_TRANSPORT}" \\
                      --host "${MCP_HOST}" \\
                      --port "${MCP_PORT}" \\
                      --path "${MCP_PATH}"
"""
# rajmohanram/ceph-mcp-server, entrypoint.sh (commit ac330a63), started by `ENTRYPOINT ["/app/entrypoint.sh"]` after
# `WORKDIR /app` and `COPY . .`: `exec uv run ${MCP_PACKAGE} \\` over several lines.
CEPH = """#!/bin/bash
set -e  # Crash fast and loud if anything fails

. .venv/bin/activate

exec uv run ${MCP_PACKAGE} \\
    -t "$MCP_TRANSPORT" \\
    -b "$MCP_HOST" \\
    -p "$MCP_PORT" \\
    -m "$MCP_MOUNT" \\
    -l "$MCP_LOG_LEVEL"
"""
INSTRUMENTED = "#!/bin/sh\nset -e\necho starting\nexec opentelemetry-instrument python server.py\n"
PLAIN = '#!/bin/sh\nset -e\n# start the server\nexec python server.py "$@"\n'


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def project(tmp_path: Path, dockerfile: str, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    root.mkdir(parents=True)
    (root / "server.py").write_text(SERVER)
    (root / "requirements.txt").write_text(REQUIREMENTS)
    (root / "Dockerfile").write_text(dockerfile)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def run(root: Path, check: str = "project.otel_instrument") -> CheckResult:
    return run_check(check, root)


def plan(root: Path) -> Plan:
    return plan_fix("project.otel_instrument", {"dir": str(root)}, Context(project=str(root)), {})


@pytest.mark.parametrize(
    ("tail", "files"),
    [
        pytest.param('COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {}, id="exec-form-entrypoint"),
        pytest.param("COPY . .\nENTRYPOINT /app/entrypoint.sh\n", {}, id="shell-form-entrypoint"),
        pytest.param('COPY . .\nCMD ["./entrypoint.sh"]\n', {}, id="relative-cmd"),
        pytest.param("COPY . .\nCMD sh entrypoint.sh\n", {}, id="sh-script"),
        pytest.param('COPY . .\nENTRYPOINT ["bash", "-c", "/app/entrypoint.sh"]\n', {}, id="bash-c"),
        pytest.param(
            'COPY docker/entrypoint.sh /usr/local/bin/start\nCOPY . .\nCMD ["start"]\n',
            {"docker/entrypoint.sh": INSTRUMENTED},
            id="copied-elsewhere",
        ),
    ],
)
def test_a_script_starting_under_opentelemetry_instrument_passes(tmp_path: Path, tail: str, files: dict) -> None:
    root = project(tmp_path, HEAD + tail, {"entrypoint.sh": INSTRUMENTED, **files})
    result = run(root)
    assert result.status is Status.PASS, result.summary
    assert "line 4" in result.summary and "exec opentelemetry-instrument python server.py" in result.summary
    assert "entrypoint.sh" in result.summary
    installed = run(root, "project.otel_instrument_installed")
    assert installed.status is Status.PASS, installed.summary
    assert "entrypoint.sh" in installed.summary


def test_the_script_is_found_through_a_multi_stage_copy(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12-slim AS build\nWORKDIR /src\nCOPY . .\n"
        'FROM python:3.12-slim\nCOPY --from=build /src/scripts /opt/scripts\nENTRYPOINT ["/opt/scripts/run.sh"]\n'
    )
    root = project(tmp_path, dockerfile, {"scripts/run.sh": INSTRUMENTED})
    found = start_script(scan_project(root))
    assert found is not None and found.path == root / "scripts" / "run.sh"
    assert run(root).status is Status.PASS


def test_a_script_ending_in_exec_python_fails_and_the_fix_edits_the_script(tmp_path: Path) -> None:
    root = project(tmp_path, HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {"entrypoint.sh": PLAIN})
    dockerfile = (root / "Dockerfile").read_text()
    result = run(root)
    assert result.status is Status.FAIL
    assert "entrypoint.sh line 4" in result.summary and 'exec python server.py "$@"' in result.summary
    assert "opentelemetry-instrument /app/entrypoint.sh" not in (result.remediation or "")
    fix = plan(root)
    assert [a.path for a in fix.actions] == [str(root / "entrypoint.sh")]
    assert '+exec opentelemetry-instrument python server.py "$@"' in fix.actions[0].diff
    record = apply_plan(fix, Context(project=str(root)))
    assert record.outcome == "applied", record.error
    assert (root / "entrypoint.sh").read_text() == PLAIN.replace("exec python", "exec opentelemetry-instrument python")
    assert (root / "Dockerfile").read_text() == dockerfile
    assert run(root).status is Status.PASS
    undone, _ = undo_record(None, Context(project=str(root)))
    assert undone.outcome == "undone", undone.error
    assert (root / "entrypoint.sh").read_text() == PLAIN


def test_the_fix_refuses_when_the_script_changed_since_the_preview(tmp_path: Path) -> None:
    root = project(tmp_path, HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {"entrypoint.sh": PLAIN})
    fix = plan(root)
    (root / "entrypoint.sh").write_text(PLAIN + "# edited meanwhile\n")
    record = apply_plan(fix, Context(project=str(root)))
    assert record.outcome != "applied"
    assert "changed since" in (record.error or "")
    assert (root / "entrypoint.sh").read_text() == PLAIN + "# edited meanwhile\n"


def test_a_real_script_with_continuations_is_fixed_on_its_first_line(tmp_path: Path) -> None:
    root = project(tmp_path, HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {"entrypoint.sh": ATLAN})
    result = run(root)
    assert result.status is Status.FAIL
    assert "entrypoint.sh line 12" in result.summary
    record = apply_plan(plan(root), Context(project=str(root)))
    assert record.outcome == "applied", record.error
    want = ATLAN.replace("exec python server.py", "exec opentelemetry-instrument python server.py")
    assert (root / "entrypoint.sh").read_text() == want
    assert run(root).status is Status.PASS


def test_uv_run_in_a_real_script_gets_the_command_after_run(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.13-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.7.21 /uv /uvx /bin/\nWORKDIR /app\n"
        "RUN uv venv .venv && . /app/.venv/bin/activate && uv sync --active\n"
        'ENV PATH="/app/.venv/bin:$PATH"\nCOPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n'
    )
    root = project(tmp_path, dockerfile, {"entrypoint.sh": CEPH})
    assert run(root).status is Status.FAIL
    environment = run(root, "project.start_environment")
    assert environment.status is Status.PASS, environment.summary
    assert "entrypoint.sh line 6" in environment.summary
    record = apply_plan(plan(root), Context(project=str(root)))
    assert record.outcome == "applied", record.error
    assert "exec uv run opentelemetry-instrument ${MCP_PACKAGE} \\\n" in (root / "entrypoint.sh").read_text()


def test_start_environment_judges_the_scripts_python(tmp_path: Path) -> None:
    dockerfile = (
        "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen\n"
        'ENTRYPOINT ["/app/entrypoint.sh"]\n'
    )
    root = project(tmp_path, dockerfile, {"entrypoint.sh": PLAIN})
    result = run(root, "project.start_environment")
    assert result.status is Status.FAIL, result.summary
    assert "entrypoint.sh line 4" in result.summary and "image's own Python" in result.summary


def test_a_script_from_the_base_image_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path, HEAD + 'ENTRYPOINT ["/docker-entrypoint.sh"]\n', {})
    for check in ("project.otel_instrument", "project.otel_instrument_installed"):
        result = run(root, check)
        assert result.status is Status.SKIP and result.could_not_run, (check, result.summary)
        assert "/docker-entrypoint.sh" in result.summary and "not in the project" in result.summary
    assert plan(root).actions == []


def test_a_script_without_a_recognisable_command_says_it_could_not_tell(tmp_path: Path) -> None:
    script = "#!/bin/sh\nset -e\necho hello\nsleep 1\n"
    root = project(tmp_path, HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {"entrypoint.sh": script})
    result = run(root)
    assert result.status is Status.SKIP and result.could_not_run, result.summary
    assert "could not" in result.summary and "entrypoint.sh" in result.summary
    assert plan(root).actions == []


def test_a_pipeline_is_judged_but_not_edited(tmp_path: Path) -> None:
    script = "#!/bin/sh\nexec python server.py 2>&1 | tee /tmp/log\n"
    root = project(tmp_path, HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {"entrypoint.sh": script})
    assert run(root).status is Status.FAIL
    fix = plan(root)
    assert fix.actions == [] and "entrypoint.sh line 2" in fix.summary
    assert (root / "entrypoint.sh").read_text() == script


def test_branches_that_disagree_are_not_judged(tmp_path: Path) -> None:
    script = (
        '#!/bin/sh\nset -eu\nif [ -n "${TRACE:-}" ]; then\n  exec opentelemetry-instrument python server.py\n'
        "else\n  exec python server.py\nfi\n"
    )
    root = project(tmp_path, HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {"entrypoint.sh": script})
    result = run(root)
    assert result.status is Status.SKIP and result.could_not_run, result.summary
    assert plan(root).actions == []


def test_exec_dollar_at_runs_the_cmd(tmp_path: Path) -> None:
    script = '#!/bin/sh\nset -e\nexport PYTHONPATH=/app\nexec "$@"\n'
    dockerfile = HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\nCMD ["python", "server.py"]\n'
    root = project(tmp_path, dockerfile, {"entrypoint.sh": script})
    assert run(root).status is Status.FAIL
    record = apply_plan(plan(root), Context(project=str(root)))
    assert record.outcome == "applied", record.error
    assert 'CMD ["opentelemetry-instrument", "python", "server.py"]' in (root / "Dockerfile").read_text()
    assert (root / "entrypoint.sh").read_text() == script
    assert run(root).status is Status.PASS


def test_a_script_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    from tui.project.start_script import MAX_SCRIPT_BYTES

    big = "#!/bin/sh\n" + "# padding\n" * (MAX_SCRIPT_BYTES // 10) + "exec opentelemetry-instrument python server.py\n"
    root = project(tmp_path, HEAD + 'COPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n', {"entrypoint.sh": big})
    result = run(root)
    assert result.status is Status.SKIP and result.could_not_run, result.summary
