"""Round 17: the project checks on real projects that deploy MCP servers to AgentCore Runtime.

Each folder under tests/real_projects/ is a public repository's layout, cut down to the files the checks read
(SOURCE.md there names the repository and commits). The expected outcome of every check was written down before the
checks were run; a red row is a real fault of that project (or a justified finding), not a false alarm. The smaller
projects below reproduce the layouts the brief lists that no public AgentCore MCP project of the round showed
(hashes, Poetry, a uv lock installed with --frozen, direct code deploy, FASTMCP_HOST, multi-stage builds).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.checks.base import CheckContext
from tui.context import Context
from tui.registry import load_all
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
    "project.dockerfile_syntax",  # labelled when the check came (a later round), before running it
)
EXPECTED = {
    # toolkit configure+launch output; `mcp` unpinned installs 2.x, where `mcp.server.fastmcp` is gone; the generated
    # `RUN pip install aws-opentelemetry-distro>=0.10.0` is a shell redirection (dockerfile_syntax warns)
    "yanivh_starter_toolkit": (P, F, P, P, P, P, P, P, P, P, W),
    # uv/pyproject, entry point src/ via `python -m src.mcp_server`, genai-beta distro, mcp==1.11.0 (< 1.23.2),
    # nothing pins arm64 in the repository (the yaml is not committed); `…genai_beta>=0.1.2` unquoted in RUN
    "ren8k_uv_pyproject": (P, W, P, P, P, P, P, P, W, P, W),
    # `mcp>=1.0.0` with FastMCP code; `@mcp.get` does not exist; host/port/stateless from a config object
    "worsnoptr_template": (P, F, F, P, S, P, P, P, P, P, P),
    # standalone fastmcp without host binds 127.0.0.1; no Dockerfile but observability on (toolkit installs the distro)
    "arc_mcp_fastmcp": (W, P, P, F, W, P, S, S, S, S, S),
    # pyproject `mcp>=1.23.0` with uv.lock left out of the image (`uv sync --frozen` then stops the build: round 18
    # project.docker_lock); no OpenTelemetry at all; nothing pins arm64
    "rveuna_salesforce_uv": (P, F, P, P, S, F, F, S, W, P, P),
    # absolute Windows entrypoint, Dockerfile under .bedrock_agentcore/<agent>/, fastmcp without host
    "spandana_fastmcp_toolkit": (P, P, P, F, P, P, P, P, P, P, P),
    # absolute macOS entrypoint, hand-written Dockerfile without OpenTelemetry, `mcp` unpinned
    "adhavle_ict_mcp": (P, F, P, P, P, F, F, S, P, P, P),
}


def run(check_id: str, project: Path):  # type: ignore[no-untyped-def]
    spec = load_all().checks[check_id]
    return spec.func(CheckContext(context=Context(project=str(project))), spec.params(dir=str(project)))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_project_gets_the_labelled_outcome(name: str) -> None:
    got = {c: run(c, REAL / name).status for c in CHECKS}
    assert got == dict(zip(CHECKS, EXPECTED[name], strict=True))


def test_every_fixture_names_its_source() -> None:
    for folder in REAL.iterdir():
        assert "https://github.com/" in (folder / "SOURCE.md").read_text(), folder.name


def test_findings_on_real_projects_name_the_real_file_and_line() -> None:
    ren8k = run("project.layout", REAL / "ren8k_uv_pyproject")
    assert ren8k.evidence["entrypoint"] == "src/mcp_server.py"
    assert ren8k.evidence["entrypoint_from"] == "Dockerfile line 25"
    assert ren8k.evidence["requirements"] == "pyproject.toml"
    spandana = run("project.layout", REAL / "spandana_fastmcp_toolkit")
    assert spandana.evidence["entrypoint"] == "src/mcp_server.py"
    assert spandana.evidence["dockerfile"] == ".bedrock_agentcore/spa_mcp_sever/Dockerfile"
    rveuna = run("project.mcp_version", REAL / "rveuna_salesforce_uv")
    assert rveuna.evidence["file"] == "pyproject.toml" and rveuna.evidence["line"] == 12
    assert "project.pin_mcp" not in rveuna.withheld_fixes  # the fix edits pyproject.toml, the file this build reads
    assert "@mcp.get" in run("project.server_api", REAL / "worsnoptr_template").summary
    assert "pyproject.toml" in run("project.otel_distro", REAL / "rveuna_salesforce_uv").summary


SERVER_V1 = """from mcp.server.fastmcp import FastMCP
mcp = FastMCP("s", host="0.0.0.0", stateless_http=True)
if __name__ == "__main__":
    mcp.run(transport="streamable-http")
"""


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_pip_compile_hashes_are_not_part_of_the_version(tmp_path: Path) -> None:
    """`mcp==1.23.3 \\` + `--hash=…` lines (pip-compile --generate-hashes): the pin was read as the invalid
    specifier '==1.23.3 \\', which admits everything, so a pinned project failed with 'installs mcp 2.x'."""
    requirements = (
        "mcp[cli]==1.23.3 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n    # via -r requirements.in\n"
        'aws-opentelemetry-distro==0.12.2 ; python_version >= "3.10" \\\n    --hash=sha256:cccc\n'
    )
    root = project(tmp_path, {"mcp_server.py": SERVER_V1, "requirements.txt": requirements})
    result = run("project.mcp_version", root)
    assert result.status is Status.PASS, result.summary
    assert "mcp[cli]==1.23.3" in result.summary and "hash" not in result.summary
    assert run("project.otel_distro", root).status is Status.PASS


def test_poetry_dependencies_are_read(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "s"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nmcp = "^1.23.2"\n'
        'aws-opentelemetry-distro = {version = "^0.12", extras = []}\n\n[tool.poetry.group.dev.dependencies]\n'
        'pytest = "*"\n'
    )
    root = project(tmp_path, {"mcp_server.py": SERVER_V1, "pyproject.toml": pyproject})
    version = run("project.mcp_version", root)
    assert version.status is Status.PASS, version.summary  # ^1.23.2 is >=1.23.2,<2
    assert run("project.otel_distro", root).status is Status.PASS
    root2 = project(
        tmp_path / "loose", {"mcp_server.py": SERVER_V1, "pyproject.toml": pyproject.replace("^1.23.2", "*")}
    )
    assert run("project.mcp_version", root2).status is Status.FAIL


def test_a_uv_lock_the_image_installs_decides_the_version(tmp_path: Path) -> None:
    """`uv sync --frozen` installs what uv.lock pins: a range that admits 2.x is not what the container gets."""
    files = {
        "mcp_server.py": SERVER_V1,
        "pyproject.toml": '[project]\nname = "s"\nversion = "0"\ndependencies = ["mcp>=1.23.0"]\n',
        "uv.lock": 'version = 1\n\n[[package]]\nname = "mcp"\nversion = "1.24.0"\n',
        "Dockerfile": "FROM --platform=linux/arm64 ghcr.io/astral-sh/uv:python3.12-bookworm-slim\nWORKDIR /app\n"
        "COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\nCOPY . .\n"
        'CMD [".venv/bin/opentelemetry-instrument", ".venv/bin/python", "mcp_server.py"]\n',
    }
    root = project(tmp_path, files)
    result = run("project.mcp_version", root)
    assert result.status is Status.PASS and "uv.lock: 1.24.0" in result.summary
    # The start command named by its path still counts, and nothing installs the command here.
    assert run("project.otel_instrument_installed", root).status is Status.FAIL
    # Without --frozen/--locked uv resolves again: the range decides.
    (root / "Dockerfile").write_text(files["Dockerfile"].replace(" --frozen", ""))
    assert run("project.mcp_version", root).status is Status.FAIL


def test_direct_code_deploy_needs_no_image(tmp_path: Path) -> None:
    yaml = (
        "default_agent: s\nagents:\n  s:\n    name: s\n    entrypoint: src/main.py\n"
        "    deployment_type: direct_code_deploy\n    runtime_type: PYTHON_3_13\n    platform: linux/arm64\n"
        "    aws:\n      region: us-east-1\n      protocol_configuration:\n        server_protocol: MCP\n"
    )
    stray = "FROM --platform=linux/amd64 python:3.12\nUSER nobody-here\nCMD python src/main.py\n"
    root = project(
        tmp_path,
        {
            ".bedrock_agentcore.yaml": yaml,
            "src/main.py": SERVER_V1,
            "requirements.txt": "mcp>=1.23.2,<2\n",
            "Dockerfile": stray,
        },
    )
    assert run("project.layout", root).status is Status.PASS
    for check in ("project.otel_instrument", "project.otel_instrument_installed", "project.docker_platform"):
        result = run(check, root)
        assert result.status is Status.SKIP and "direct_code_deploy" in result.summary, (check, result.summary)
    assert run("project.docker_user", root).status is Status.SKIP


def test_fastmcp_host_from_the_dockerfile_environment(tmp_path: Path) -> None:
    server = 'from fastmcp import FastMCP\nmcp = FastMCP("s")\nmcp.run(transport="http", stateless_http=True)\n'
    docker = "FROM python:3.12\nENV PYTHONUNBUFFERED=1 \\\n    FASTMCP_HOST=0.0.0.0\nCMD python main.py\n"
    root = project(tmp_path, {"main.py": server, "requirements.txt": "fastmcp>=2.12\n", "Dockerfile": docker})
    assert run("project.server_host", root).status is Status.PASS
    (root / "Dockerfile").write_text(docker.replace("0.0.0.0", "127.0.0.1"))
    assert run("project.server_host", root).status is Status.FAIL


def test_multi_stage_build_installs_the_distro_in_the_builder(tmp_path: Path) -> None:
    docker = (
        "FROM --platform=linux/arm64 python:3.13-slim AS builder\n"
        "RUN pip install --prefix=/install -r requirements.txt aws-opentelemetry-distro\n"
        "FROM --platform=linux/arm64 python:3.13-slim AS runtime\nCOPY --from=builder /install /usr/local\n"
        "RUN useradd -m -u 1000 app\nUSER app\n"
        'ENTRYPOINT ["opentelemetry-instrument"]\nCMD ["python", "-m", "app.server"]\n'
    )
    root = project(
        tmp_path,
        {
            "app/server.py": SERVER_V1,
            "app/__init__.py": "",
            "requirements.txt": "mcp>=1.23.2,<2\n",
            "Dockerfile": docker,
        },
    )
    layout = run("project.layout", root)
    assert layout.status is Status.PASS and layout.evidence["entrypoint"] == "app/server.py"
    assert run("project.otel_instrument_installed", root).status is Status.PASS
    assert run("project.docker_platform", root).status is Status.PASS
    assert run("project.docker_user", root).status is Status.PASS
