"""project.start_environment and its fix project.venv_path, on Dockerfiles in tmp_path.

uv sync (and poetry install, pdm install, pipenv install) put the dependencies into a virtual environment the image's
PATH does not name: `CMD ["python", …]` then starts the image's own Python without them, and
`CMD ["opentelemetry-instrument", …]` is not found at all. aws/agentcore-cli#471 fixed its own container template for
exactly this ("Container builds using `uv sync` fail at runtime with `exec: "opentelemetry-instrument": executable
file not found in $PATH`"). Before this check nothing said so: project.otel_instrument_installed passed ("installed by
pyproject.toml"), and the project branch ended in "The project files look right".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.results import CheckResult, Status

SERVER = 'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("s")\nmcp.run(transport="streamable-http")\n'
PYPROJECT = (
    '[project]\nname = "s"\nversion = "0"\ndependencies = ["mcp>=1.23.2,<2", "aws-opentelemetry-distro>=0.18"]\n'
)
UV = "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n"
INSTRUMENTED = 'CMD ["opentelemetry-instrument", "python", "server.py"]\n'


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def project(tmp_path: Path, dockerfile: str) -> Path:
    root = tmp_path / "proj"
    root.mkdir(parents=True)
    (root / "server.py").write_text(SERVER)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "uv.lock").write_text("version = 1\n")
    (root / "Dockerfile").write_text(dockerfile)
    return root


def run(root: Path) -> CheckResult:
    return run_check("project.start_environment", root)


@pytest.mark.parametrize(
    ("dockerfile", "status", "said"),
    [
        pytest.param(
            UV + "RUN uv sync --frozen\nCOPY . .\n" + INSTRUMENTED,
            Status.FAIL,
            '`exec: "opentelemetry-instrument": executable file not found in $PATH`',
            id="agentcore-cli-471",
        ),
        pytest.param(
            UV + "RUN uv sync --frozen\nCOPY . .\nCMD python server.py\n",
            Status.FAIL,
            "starts the image's own Python",
            id="system-python-shell-form",
        ),
        pytest.param(
            "FROM python:3.12-slim AS build\nWORKDIR /build\nCOPY . .\nRUN uv sync --frozen\n"
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY --from=build /build/.venv /app/.venv\nCOPY . .\n"
            'CMD ["python", "server.py"]\n',
            Status.FAIL,
            "(/app/.venv/bin)",
            id="venv-copied-from-a-builder",
        ),
        pytest.param(
            UV + 'RUN uv sync --frozen\nENV PATH="/app/.venv/bin:$PATH"\nCOPY . .\n' + INSTRUMENTED,
            Status.PASS,
            "found in /app/.venv/bin",
            id="uv-docs-path",
        ),
        pytest.param(
            UV
            + "ENV VIRTUAL_ENV=/app/.venv\nENV PATH=$VIRTUAL_ENV/bin:$PATH\nRUN uv sync --frozen\nCOPY . .\n"
            + INSTRUMENTED,
            Status.PASS,
            "found in /app/.venv/bin",
            id="path-through-a-variable",
        ),
        pytest.param(
            UV
            + 'RUN uv sync --frozen\nCOPY . .\nCMD ["uv", "run", "--no-dev", "opentelemetry-instrument", "python", "s.py"]\n',
            Status.PASS,
            "`uv run`",
            id="uv-run",
        ),
        pytest.param(
            UV + 'RUN uv sync --frozen\nCOPY . .\nCMD [".venv/bin/python3", "server.py"]\n',
            Status.PASS,
            "from the environment",
            id="relative-venv-path",
        ),
        pytest.param(
            UV + "ENV UV_PROJECT_ENVIRONMENT=/usr/local\nRUN uv sync --frozen\nCOPY . .\n" + INSTRUMENTED,
            Status.SKIP,
            "its own Python",
            id="uv-into-the-system-python",
        ),
        pytest.param(
            "FROM python:3.12-slim\nWORKDIR /app\nRUN pip install poetry && poetry config virtualenvs.create false\n"
            "COPY . .\nRUN poetry install --no-root\n" + INSTRUMENTED,
            Status.SKIP,
            "its own Python",
            id="poetry-without-virtualenvs",
        ),
        pytest.param(
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install poetry && poetry install --no-root\n"
            + INSTRUMENTED,
            Status.FAIL,
            "Poetry's virtual environment",
            id="poetry-default",
        ),
        pytest.param(
            "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\nENV UV_SYSTEM_PYTHON=1\nCOPY . .\n"
            "RUN uv pip install -r requirements.txt\n" + INSTRUMENTED,
            Status.SKIP,
            "its own Python",
            id="toolkit-uv-pip-system",
        ),
        pytest.param(
            UV + "RUN uv sync --frozen\nCOPY . .\nCMD . .venv/bin/activate && python server.py\n",
            Status.SKIP,
            "shell script",
            id="activate-in-a-shell",
        ),
    ],
)
def test_the_start_command_and_the_environment(tmp_path: Path, dockerfile: str, status: Status, said: str) -> None:
    result = run(project(tmp_path, dockerfile))
    assert result.status is status, result.summary
    assert said in result.summary, result.summary


def test_the_fix_puts_the_environment_on_path_and_undo_gives_the_file_back(tmp_path: Path) -> None:
    before = UV + "RUN uv sync --frozen\nCOPY . .\nHEALTHCHECK CMD curl -f localhost:8000 || exit 1\n" + INSTRUMENTED
    root = project(tmp_path, before.replace("\n", "\r\n"))
    context = Context(project=str(root))
    plan = plan_fix("project.venv_path", {"dir": str(root)}, context, {})
    assert 'ENV PATH="/app/.venv/bin:$PATH"' in plan.preview()
    record = apply_plan(plan, context)
    assert record.outcome == "applied", record.error
    after = (root / "Dockerfile").read_bytes().decode()
    assert after.endswith('ENV PATH="/app/.venv/bin:$PATH"\r\n' + INSTRUMENTED.replace("\n", "\r\n"))
    assert after.count("\n") == after.count("\r\n")
    assert run(root).status is Status.PASS
    again = plan_fix("project.venv_path", {"dir": str(root)}, context, {})
    assert not again.actions  # idempotent: the environment is on PATH now
    undone, _ = undo_record(None, context)
    assert undone.outcome == "undone", undone.error
    assert (root / "Dockerfile").read_bytes() == before.replace("\n", "\r\n").encode()


def test_the_fix_does_not_guess_poetrys_cache_directory(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install poetry && poetry install\n" + INSTRUMENTED,
    )
    plan = plan_fix("project.venv_path", {"dir": str(root)}, Context(project=str(root)), {})
    assert not plan.actions and "poetry run" in plan.summary
