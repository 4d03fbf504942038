"""project.otel_instrument (check and fix) on the start commands real Dockerfiles write, on files in tmp_path.

Before: the fix put opentelemetry-instrument in front of whatever the last line starting with ``CMD`` held. On a uv
project (``CMD ["uv", "run", "python", …]``, tests/real_projects/rveuna_salesforce_uv) that gave
``opentelemetry-instrument uv run …``: the command is looked up on the image's PATH, where ``uv sync`` did not put it
(it is in the project's .venv, which only ``uv run`` puts on PATH), so the fix turned a container that started into
one that exits. A HEALTHCHECK's ``CMD curl …`` continuation after the real CMD was taken for the start command by the
check and edited by the fix; a CMD after an exec-form ENTRYPOINT (``ENTRYPOINT ["opentelemetry-instrument"]``) was
read alone, a false failure; and the remediation always proposed ``python -m mcp_server``, whatever the project runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.fixes.base import Plan
from tui.project.dockerfile import instrumented
from tui.results import CheckResult, Status

SERVER = 'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("srv")\nmcp.run(transport="streamable-http")\n'
HEAD = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def project(tmp_path: Path, dockerfile: str) -> Path:
    root = tmp_path / "proj"
    root.mkdir(parents=True)
    (root / "server.py").write_text(SERVER)
    (root / "requirements.txt").write_text("mcp>=1.23.2,<2\naws-opentelemetry-distro>=0.10.0\n")
    (root / "Dockerfile").write_text(dockerfile)
    return root


def run(root: Path) -> CheckResult:
    return run_check("project.otel_instrument", root)


def plan(root: Path) -> Plan:
    return plan_fix("project.otel_instrument", {"dir": str(root)}, Context(project=str(root)), {})


def fixed(tmp_path: Path, dockerfile: str) -> str:
    """The Dockerfile after the fix, which the check then passes; undo gives the original back."""
    root = project(tmp_path, dockerfile)
    assert run(root).status is Status.FAIL
    record = apply_plan(plan(root), Context(project=str(root)))
    assert record.outcome == "applied", record.error
    after = (root / "Dockerfile").read_text()
    assert run(root).status is Status.PASS, run(root).summary
    undone, _ = undo_record(None, Context(project=str(root)))
    assert undone.outcome == "undone", undone.error
    assert (root / "Dockerfile").read_text() == dockerfile
    return after


@pytest.mark.parametrize(
    ("cmd", "want"),
    [
        pytest.param(
            'CMD ["uv", "run", "python", "-m", "mcp_server.server"]',
            'CMD ["uv", "run", "opentelemetry-instrument", "python", "-m", "mcp_server.server"]',
            id="uv-run",
        ),
        pytest.param(
            'CMD ["uv", "run", "--no-dev", "--python", "3.12", "server.py"]',
            'CMD ["uv", "run", "--no-dev", "--python", "3.12", "opentelemetry-instrument", "server.py"]',
            id="uv-run-options-with-a-value",
        ),
        pytest.param(
            'CMD ["uv", "run", "-m", "server"]',
            'CMD ["uv", "run", "opentelemetry-instrument", "python", "-m", "server"]',
            id="uv-run-module",
        ),
        pytest.param(
            "CMD poetry run python server.py",
            "CMD poetry run opentelemetry-instrument python server.py",
            id="poetry-shell-form",
        ),
        pytest.param(
            'CMD ["/app/.venv/bin/python", "server.py"]',
            'CMD ["/app/.venv/bin/opentelemetry-instrument", "/app/.venv/bin/python", "server.py"]',
            id="venv-path",
        ),
        pytest.param(
            'CMD ["python","server.py"]',
            'CMD ["opentelemetry-instrument","python","server.py"]',
            id="compact-exec-form-kept",
        ),
        pytest.param(
            'CMD exec python server.py --port "$PORT"',
            'CMD exec opentelemetry-instrument python server.py --port "$PORT"',
            id="shell-form-quotes-and-variables-kept",
        ),
    ],
)
def test_the_command_goes_in_front_of_the_program(tmp_path: Path, cmd: str, want: str) -> None:
    assert fixed(tmp_path, HEAD + cmd + "\n") == HEAD + want + "\n"


def test_the_remediation_proposes_the_projects_own_command(tmp_path: Path) -> None:
    result = run(project(tmp_path, HEAD + 'CMD ["uv", "run", "python", "-m", "mcp_server.server"]\n'))
    assert result.status is Status.FAIL
    assert "`uv run opentelemetry-instrument python -m mcp_server.server`" in (result.remediation or "")
    assert "mcp_server`" not in (result.remediation or "").replace("mcp_server.server`", "")


def test_a_healthcheck_after_the_cmd_is_not_the_start_command(tmp_path: Path) -> None:
    healthcheck = "HEALTHCHECK --interval=30s \\\n  CMD curl -f http://localhost:8000/health || exit 1\n"
    instrumented_cmd = HEAD + 'CMD ["opentelemetry-instrument", "python", "server.py"]\n' + healthcheck
    assert run(project(tmp_path, instrumented_cmd)).status is Status.PASS  # before: fail, quoting `CMD curl …`
    after = fixed(tmp_path / "b", HEAD + 'CMD ["python", "server.py"]\n' + healthcheck)
    assert after == HEAD + 'CMD ["opentelemetry-instrument", "python", "server.py"]\n' + healthcheck


def test_an_exec_form_entrypoint_and_its_cmd_are_one_command(tmp_path: Path) -> None:
    wrapped = HEAD + 'ENTRYPOINT ["opentelemetry-instrument"]\nCMD ["python", "server.py"]\n'
    assert run(project(tmp_path, wrapped)).status is Status.PASS  # before: fail on the CMD alone
    runner = HEAD + 'ENTRYPOINT ["uv", "run"]\nCMD ["python", "server.py"]\n'
    assert (
        fixed(tmp_path / "b", runner)
        == HEAD + 'ENTRYPOINT ["uv", "run"]\nCMD ["opentelemetry-instrument", "python", "server.py"]\n'
    )


def test_a_cmd_over_several_lines_becomes_one(tmp_path: Path) -> None:
    cmd = 'CMD ["uv", "run", \\\n     # the server\n     "python", "server.py"]\n'
    assert (
        fixed(tmp_path, HEAD + cmd) == HEAD + 'CMD ["uv", "run", "opentelemetry-instrument", "python", "server.py"]\n'
    )


def test_a_shell_script_is_left_to_the_user_with_the_reason(tmp_path: Path) -> None:
    root = project(tmp_path, HEAD + 'CMD ["sh", "-c", "python server.py --port $PORT"]\n')
    result = run(root)
    assert result.status is Status.FAIL and "runs a shell" in (result.remediation or "")
    planned = plan(root)
    assert not planned.actions and "by hand" in planned.summary
    assert (root / "Dockerfile").read_text().endswith('CMD ["sh", "-c", "python server.py --port $PORT"]\n')


@pytest.mark.parametrize(
    ("words", "want"),
    [
        (["tini", "--", "python", "x.py"], ["tini", "--", "opentelemetry-instrument", "python", "x.py"]),
        (["/usr/local/bin/python", "x.py"], ["opentelemetry-instrument", "/usr/local/bin/python", "x.py"]),
        (["pipenv", "run", "uvicorn", "a:app"], ["pipenv", "run", "opentelemetry-instrument", "uvicorn", "a:app"]),
        (["uv", "run", "--", "python", "x.py"], ["uv", "run", "--", "opentelemetry-instrument", "python", "x.py"]),
        (["uv", "run"], None),
        (["bash", "-lc", "python x.py"], None),
        ([], None),
    ],
)
def test_where_the_command_goes(words: list[str], want: list[str] | None) -> None:
    change = instrumented(words)
    assert (change.apply(words) if change else None) == want
