"""Dockerfile checks where the image failure is visible in the file: platform, USER, opentelemetry-instrument
without the distro. Real files from the sample project's defects, and walks that end at the image nodes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui.checks.base import CheckContext
from tui.cli import resolve_playbook
from tui.context import Context
from tui.engine.walk import Walk
from tui.playbook.model import DiagnosisNode
from tui.project.dockerfile import instructions, stages
from tui.registry import load_all
from tui.results import Status

DOCKER_CHECKS = ("project.docker_platform", "project.docker_user", "project.otel_instrument_installed")


def run_check(check_id: str, project: Path):  # type: ignore[no-untyped-def]
    spec = load_all().checks[check_id]
    return spec.func(CheckContext(context=Context(project=str(project))), spec.params(dir=str(project)))


def walk_project(project: Path) -> tuple[str, list[str]]:
    walk = Walk(resolve_playbook("agentcore-mcp").playbook, Context(project=str(project)))
    walk.answer("4")
    for _ in range(10):
        if isinstance(walk.node, DiagnosisNode):
            return walk.current, walk.explain()
        asyncio.run(walk.advance())
    raise AssertionError(f"no diagnosis reached; at {walk.current}")


def dockerfile_project(tmp_path: Path, dockerfile: str, requirements: str = "mcp>=2.3,<3\n") -> Path:
    (tmp_path / "mcp_server.py").write_text('from mcp.server import MCPServer\nmcp = MCPServer("x")\n')
    (tmp_path / "requirements.txt").write_text(requirements)
    (tmp_path / "Dockerfile").write_text(dockerfile)
    return tmp_path


def test_healthy_sample_passes_the_docker_checks(sample_project) -> None:
    project = sample_project()
    got = {c: run_check(c, project) for c in DOCKER_CHECKS}
    assert {c: r.status for c, r in got.items()} == dict.fromkeys(DOCKER_CHECKS, Status.PASS), got
    assert "linux/arm64" in got["project.docker_platform"].summary  # from .bedrock_agentcore.yaml
    assert "created on line" in got["project.docker_user"].summary


@pytest.mark.parametrize(
    ("defect", "check_id", "words", "node"),
    [
        ("platform-amd64", "project.docker_platform", ["--platform=linux/amd64", "exec format error"], "image-arch"),
        ("user-by-name", "project.docker_user", ["USER appuser", "unable to find user appuser"], "image-user"),
        (
            "no-otel-distro",
            "project.otel_instrument_installed",
            ["nothing installs opentelemetry-instrument", "executable file not found"],
            "project-no-telemetry",
        ),
    ],
)
def test_sample_defects_fail_their_check_and_the_walk_names_the_node(
    sample_project, defect, check_id, words, node
) -> None:
    project = sample_project({defect})
    result = run_check(check_id, project)
    assert result.status is Status.FAIL, result.summary
    for word in words:
        assert word in result.summary
    others = {c: run_check(c, project).status for c in DOCKER_CHECKS if c != check_id}
    assert set(others.values()) == {Status.PASS}, others
    reached, why = walk_project(project)
    assert reached == node, why


def test_platform_hints_in_images_and_stages(tmp_path: Path) -> None:
    def verdict(text: str) -> tuple[Status, str]:
        (tmp_path / "Dockerfile").write_text(text)
        r = run_check("project.docker_platform", dockerfile_project(tmp_path, text))
        return r.status, r.summary

    assert verdict("FROM amd64/python:3.12-slim\nCMD python\n")[0] is Status.FAIL
    assert verdict("FROM python:3.12-slim-amd64\n")[0] is Status.FAIL
    assert verdict("FROM --platform=linux/arm64 python:3.12-slim\n")[0] is Status.PASS
    assert verdict("FROM arm64v8/python:3.12-slim\n")[0] is Status.PASS
    # a cross-compiling builder stage on $BUILDPLATFORM is legitimate; nothing pins arm64 -> only a warning
    status, summary = verdict("FROM --platform=$BUILDPLATFORM golang AS build\nFROM python:3.12-slim\n")
    assert status is Status.WARN and "nothing in the project pins linux/arm64" in summary
    status, summary = verdict("FROM --platform=linux/amd64 python AS build\nFROM --platform=linux/arm64 python\n")
    assert status is Status.WARN and "build stage" in summary


def test_user_checks(tmp_path: Path) -> None:
    def verdict(text: str) -> tuple[Status, str]:
        r = run_check("project.docker_user", dockerfile_project(tmp_path, text))
        return r.status, r.summary

    assert verdict("FROM python\nUSER 1000:1000\n")[0] is Status.PASS
    assert verdict("FROM python\n")[0] is Status.PASS
    assert verdict("FROM python\nUSER nobody\n")[0] is Status.PASS
    assert verdict("FROM python\nRUN apt-get update && \\\n    useradd -m -u 1000 app\nUSER app\n")[0] is Status.PASS
    status, summary = verdict("FROM python AS build\nRUN useradd app\nFROM python\nUSER app\n")
    assert status is Status.FAIL and "earlier build stage (line 2)" in summary


def test_user_checks_follow_the_stage_the_image_builds_from_and_the_base_images_own_user(tmp_path: Path) -> None:
    """A stage built FROM another inherits its users and its USER; distroless and Chainguard images have ``nonroot``
    (uid 65532) and their nonroot tags run as it without any USER line."""

    def verdict(text: str) -> tuple[Status, str]:
        r = run_check("project.docker_user", dockerfile_project(tmp_path, text))
        return r.status, r.summary

    # the user is created in the stage the final stage builds FROM: the image has it (was: "earlier build stage")
    status, summary = verdict("FROM python:3.12-slim AS base\nRUN useradd -m app\nFROM base\nUSER app\n")
    assert status is Status.PASS and "created on line 2" in summary
    # ... and the USER set there is the one in force (was: "no USER: runs as root")
    status, summary = verdict("FROM python:3.12-slim AS base\nRUN useradd -m app\nUSER app\nFROM base\nCMD x\n")
    assert status is Status.PASS and "USER app" in summary
    # the base images' own nonroot user
    for base in ("gcr.io/distroless/python3-debian12:nonroot", "gcr.io/distroless/python3-debian12:debug-nonroot"):
        status, summary = verdict(f"FROM {base}\nCOPY . /app\n")
        assert status is Status.PASS and "runs the server as nonroot (uid 65532)" in summary, summary
    status, summary = verdict("FROM cgr.dev/chainguard/python:latest\nCOPY . /app\n")
    assert "nonroot (uid 65532)" in summary
    for base in ("gcr.io/distroless/python3-debian12", "cgr.dev/chainguard/python:latest-dev", "python:3.12-slim"):
        assert "runs as root" in verdict(f"FROM {base}\nCOPY . /app\n")[1]
    status, summary = verdict("FROM gcr.io/distroless/python3-debian12\nUSER nonroot\n")
    assert status is Status.PASS and "has this user, uid 65532" in summary
    status, summary = verdict("FROM python:3.12-slim\nUSER nonroot\n")
    assert status is Status.FAIL and "unable to find user nonroot" in summary


def test_instrument_installed_by_the_dockerfile_or_absent(tmp_path: Path) -> None:
    text = 'FROM python\nRUN pip install aws-opentelemetry-distro==0.12.2\nCMD ["opentelemetry-instrument", "python", "-m", "x"]\n'
    result = run_check("project.otel_instrument_installed", dockerfile_project(tmp_path, text))
    assert result.status is Status.PASS and "Dockerfile line 2" in result.summary
    text = "FROM python\nCMD python -m x\n"
    assert run_check("project.otel_instrument_installed", dockerfile_project(tmp_path, text)).status is Status.SKIP


def test_reader_joins_continuations_and_skips_comments() -> None:
    text = "# c\nFROM python:3.12 AS base\nRUN a \\\n  # inner comment\n  && b\nUSER 1\n"
    got = [(i.line, i.keyword, i.args) for i in instructions(text)]
    assert got == [(2, "FROM", "python:3.12 AS base"), (3, "RUN", "a && b"), (6, "USER", "1")]
    assert stages(text)[0].name == "base"


def test_agentcore_yaml_platform_amd64_fails(sample_project) -> None:
    project = sample_project()
    config = project / ".bedrock_agentcore.yaml"
    config.write_text(config.read_text().replace("platform: linux/arm64", "platform: linux/amd64"))
    result = run_check("project.docker_platform", project)
    assert result.status is Status.FAIL and "builds for linux/amd64" in result.summary
