"""Round 18: five more real AgentCore MCP projects, and the lock file a locked install needs in the image.

The expected outcome of each check was written down before the checks were run on the folder (SOURCE.md there
names the repository and commit); the module's docstrings below say where the first run disagreed and who was right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.results import Status

REAL = Path(__file__).with_name("real_projects")
P, W, F, S = Status.PASS, Status.WARN, Status.FAIL, Status.SKIP
CHECKS = (
    "project.layout",
    "project.mcp_version",
    "project.server_api",
    "project.server_host",
    "project.stateless",
    "project.otel_distro",
    "project.otel_instrument",
    "project.otel_instrument_installed",
    "project.docker_platform",
    "project.docker_user",
    "project.docker_lock",
    "project.start_environment",  # labelled when the check came (a later round), before running it
    "project.dockerfile_syntax",  # the same (round 20)
)
EXPECTED = {
    # healthy: arm64 pinned, mcp==1.27.0, host 0.0.0.0, stateless; only the telemetry is missing
    "kankekarsaurabh_mcp_demo": (P, P, P, P, P, F, F, S, P, P, S, S, P),
    # toolkit yaml without its Dockerfile, `mcp` unpinned, FastMCP without host/stateless_http
    "kyopark2014_mcp_runtime": (W, F, P, F, W, P, S, S, S, S, S, S, S),
    # a TypeScript server: the Python server and telemetry checks do not apply (requirements.txt is the notebook's);
    # node:20-alpine without a platform pin; line 9 `npm install typescript -g` has no RUN (unknown instruction: npm)
    "zhan9san_agentcore_samples_ts": (S, S, S, S, S, S, S, S, W, P, S, S, F),
    # toolkit-generated uv Dockerfile; the server module and requirements.txt are not committed; the distro's
    # `>=0.10.1` is unquoted in RUN (a redirection: warned)
    "tecracer_m2m_deploy_mcp": (F, S, S, S, S, S, P, P, P, P, S, S, W),
    # toolkit-generated pip Dockerfile; the server module is not committed
    "kyopark2014_mcp_server_cli": (F, S, S, S, S, P, P, P, P, P, S, S, W),
    # round 17's project: `uv sync --frozen` with uv.lock never copied into the image: the build stops
    "rveuna_salesforce_uv": (P, F, P, P, S, F, F, S, W, P, F, P, P),
}


run = run_check


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_project_gets_the_labelled_outcome(name: str) -> None:
    got = {c: run(c, REAL / name).status for c in CHECKS}
    assert got == dict(zip(CHECKS, EXPECTED[name], strict=True))


def test_real_typescript_server_is_not_judged_by_the_python_checks() -> None:
    """First run: layout failed ('no server entry point'), otel_distro failed on the notebook's requirements.txt and
    otel_instrument failed on `node dist/index.js`: three false alarms on a working TypeScript server."""
    result = run("project.layout", REAL / "zhan9san_agentcore_samples_ts")
    assert "node dist/index.js" in result.summary


SERVER = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("s", host="0.0.0.0", stateless_http=True)\n'
PYPROJECT = '[project]\nname = "s"\nversion = "0"\ndependencies = ["mcp>=1.23.0"]\n'
UV_LOCK = 'version = 1\n\n[[package]]\nname = "mcp"\nversion = "1.24.0"\n'
POETRY = '[tool.poetry]\nname = "s"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nmcp = ">=1.23.0"\n'


def project(tmp_path: Path, dockerfile: str, **files: str) -> Path:
    files = {"server.py": SERVER, "Dockerfile": "FROM --platform=linux/arm64 python:3.13-slim\n" + dockerfile} | files
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def lock(root: Path):  # type: ignore[no-untyped-def]
    return run("project.docker_lock", root)


def test_uv_frozen_without_the_lock_in_the_image_fails_the_build(tmp_path: Path) -> None:
    """uv 0.13.9, offline, a project with pyproject.toml only: `uv sync --frozen` and `--locked` and `UV_FROZEN=1
    uv sync` exit 1 with 'Unable to find lockfile at `uv.lock`'; `uv export --frozen` too; plain `uv sync` locks."""
    root = project(
        tmp_path, "COPY pyproject.toml ./\nRUN uv sync --frozen\nCOPY . .\n", **{"pyproject.toml": PYPROJECT}
    )
    (root / "uv.lock").write_text(UV_LOCK)
    result = lock(root)
    assert result.status is Status.FAIL and "line 3" in result.summary and "not copied" in result.summary
    assert "COPY pyproject.toml uv.lock" in (result.remediation or "")
    # The lock is not what the image gets: the version check reads the range, not uv.lock's 1.24.0.
    assert "uv.lock" not in run("project.mcp_version", root).summary
    (root / "uv.lock").unlink()
    assert "has no uv.lock" in lock(root).summary
    # ENV UV_FROZEN=1 makes a plain `uv sync` strict too.
    env = project(tmp_path / "env", "ENV UV_FROZEN=1\nCOPY pyproject.toml ./\nRUN uv sync --no-dev\n")
    assert lock(env).status is Status.FAIL


def test_uv_lock_copied_or_bind_mounted_passes(tmp_path: Path) -> None:
    copied = project(tmp_path / "a", "COPY pyproject.toml uv.lock ./\nRUN uv sync --locked\n")
    assert lock(copied).status is Status.PASS
    # thomasgtaylor/deepagent-amazon-bedrock-agentcore's builder: uv.lock bind-mounted into `uv export --frozen`.
    mounted = project(
        tmp_path / "b",
        "RUN --mount=type=bind,source=uv.lock,target=uv.lock \\\n"
        "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n"
        "    uv export --frozen --no-dev -o requirements.txt && uv pip install -r requirements.txt --system\n",
    )
    assert lock(mounted).status is Status.PASS
    whole = project(tmp_path / "c", "WORKDIR /app\nADD . /app\nRUN uv sync --frozen --no-dev\n")
    assert lock(whole).status is Status.PASS
    # A COPY after the install is too late.
    late = project(tmp_path / "d", "COPY pyproject.toml ./\nRUN uv sync --frozen\nCOPY uv.lock ./\n")
    assert lock(late).status is Status.FAIL
    # Installed in a named stage another stage builds FROM.
    staged = "FROM python:3.13-slim AS base\nCOPY uv.lock pyproject.toml ./\nFROM base AS deps\nRUN uv sync --frozen\n"
    assert lock(project(tmp_path / "e", staged)).status is Status.PASS


def test_poetry_install_without_the_lock_resolves_again(tmp_path: Path) -> None:
    """Poetry 2.5.1 with pyproject.toml only: `poetry install --no-root` prints 'Updating dependencies / Resolving
    dependencies... / Writing lock file' and exits 0: the build works, the versions are whatever resolves today."""
    root = project(
        tmp_path,
        "RUN pip install poetry\nCOPY pyproject.toml ./\nRUN poetry install --no-root --only main\n",
        **{"pyproject.toml": POETRY, "poetry.lock": UV_LOCK},
    )
    result = lock(root)
    assert result.status is Status.WARN and "poetry.lock" in result.summary and "Poetry" in result.summary
    assert run("project.mcp_version", root).status is Status.FAIL  # `>=1.23.0` resolves to 2.x
    (root / "Dockerfile").write_text(
        (root / "Dockerfile").read_text().replace("pyproject.toml ./", "pyproject.toml poetry.lock* ./")
    )
    assert lock(root).status is Status.PASS
    version = run("project.mcp_version", root)
    assert version.status is Status.PASS and "poetry.lock: 1.24.0" in version.summary
    # No lock in the project at all: nothing is left behind; Poetry resolving is the only way.
    (root / "poetry.lock").unlink()
    assert lock(root).status is Status.PASS


def test_a_python_server_with_a_package_json_is_still_checked(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        'CMD ["python", "server.py"]\n',
        **{"package.json": '{"dependencies": {"@modelcontextprotocol/sdk": "^1"}}', "requirements.txt": "mcp\n"},
    )
    assert run("project.layout", root).status is Status.PASS
    assert run("project.otel_instrument", root).status is Status.FAIL
    assert run("project.mcp_version", root).status is Status.FAIL
