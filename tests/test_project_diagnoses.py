"""Each build failure the project branch finds ends in a diagnosis that names it.

Before, `project.dockerfile_syntax` and `project.docker_lock` both led to `project-layout-broken`, whose text is
about a missing server file and requirements.txt: a Dockerfile line without `RUN` or a `uv sync --frozen` without
uv.lock in the image ended in a diagnosis that did not say what was found. The walks below run `agentcore-triage
run` on projects written into tmp_path; the pasted texts are the corpus's real ones (tests/corpus/real_errors.yaml).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_corpus import corpus_cases

from tui.cli import main

SERVER = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("s", host="0.0.0.0", stateless_http=True)\n'
REQUIREMENTS = "mcp>=1.23.2,<2\naws-opentelemetry-distro>=0.18.0\n"
PYPROJECT = '[project]\nname = "s"\nversion = "0"\ndependencies = ["mcp>=1.23.2,<2"]\n'
UV_LOCK = 'version = 1\n\n[[package]]\nname = "mcp"\nversion = "1.24.0"\n'
FROM = "FROM --platform=linux/arm64 python:3.13-slim\nWORKDIR /app\n"
ENV = {"AWS_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AGENTCORE_TRIAGE_RUNTIME": ""}


def project(root: Path, dockerfile: str, **files: str) -> Path:
    files = {"server.py": SERVER, "Dockerfile": FROM + dockerfile} | files
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def walk(root: Path) -> dict[str, Any]:
    """`run --project DIR --answer symptom=4 --format json`: the project branch, headless."""
    result = CliRunner().invoke(
        main,
        ["run", "--project", str(root), "--answer", "symptom=4", "--format", "json"],
        env=ENV,
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output  # a diagnosis with problems
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def step_into(report: dict[str, Any], node: str) -> dict[str, Any]:
    return next(s for s in report["path"] if s["to"] == node)


@pytest.mark.parametrize(
    ("dockerfile", "found"),
    [
        # zhan9san/agentcore-samples' TypeScript Dockerfile: a shell command on a line of its own
        ("COPY . .\nRUN pip install -r requirements.txt\nnpm install typescript -g\n", "unknown instruction: npm"),
        ("COPY . .\nRUN <<EOF\npip install -r requirements.txt\n  EOF\n", "unterminated heredoc"),
        ("COPY . .\nRUN pip install mcp>=1.23.2,<2 aws-opentelemetry-distro\n", "cannot open 2: No such file"),
    ],
)
def test_a_dockerfile_syntax_error_walks_to_the_syntax_diagnosis(tmp_path: Path, dockerfile: str, found: str) -> None:
    report = walk(project(tmp_path, dockerfile, **{"requirements.txt": REQUIREMENTS}))
    assert report["results"]["project-start"]["project.layout"]["status"] == "pass"
    assert report["results"]["project-start"]["project.dockerfile_syntax"]["status"] == "fail"
    assert report["end"]["node"] == "project-dockerfile-unreadable"
    assert report["end"]["title"] == "A line of the Dockerfile stops the build"
    why = step_into(report, "project-dockerfile-unreadable")["why"]
    assert why.startswith("a line of the Dockerfile stops the build (") and found in why
    assert [d["node"] for d in report["diagnoses"]] == ["project-dockerfile-unreadable"]


@pytest.mark.parametrize("has_lock", [True, False])
def test_uv_frozen_without_the_lock_in_the_image_walks_to_the_lock_diagnosis(tmp_path: Path, has_lock: bool) -> None:
    files = {"pyproject.toml": PYPROJECT} | ({"uv.lock": UV_LOCK} if has_lock else {})
    report = walk(project(tmp_path, "COPY pyproject.toml ./\nRUN uv sync --frozen --no-dev\nCOPY . .\n", **files))
    assert report["results"]["project-start"]["project.layout"]["status"] == "pass"
    assert report["results"]["project-start"]["project.docker_lock"]["status"] == "fail"
    assert report["end"]["node"] == "project-lock-not-in-image"
    why = step_into(report, "project-lock-not-in-image")["why"]
    assert why.startswith("the Dockerfile installs from a lock file the image does not have (Dockerfile line 4: ")
    assert ("is not copied into the image" if has_lock else "the project has no uv.lock") in why


def test_the_lock_copied_before_the_install_leaves_the_lock_diagnosis(tmp_path: Path) -> None:
    files = {"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK}
    report = walk(
        project(tmp_path, "COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\nCOPY . .\n", **files)
    )
    assert report["results"]["project-start"]["project.docker_lock"]["status"] == "pass"
    assert report["end"]["node"] not in ("project-lock-not-in-image", "project-layout-broken")


def test_a_lock_left_out_by_dockerignore_walks_to_the_lock_diagnosis_and_its_fix(tmp_path: Path) -> None:
    """Seen by hand: `.dockerignore`'s `*.lock` failed project.layout too (the COPY that names uv.lock), which was asked
    first, so the walk ended at "The project is missing a file the build needs", which neither names the
    `.dockerignore` line nor offers the fix that appends `!uv.lock`. The lock's own diagnosis comes first now."""
    files = {"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK, ".dockerignore": "*.lock\n"}
    report = walk(
        project(tmp_path, "COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\nCOPY . .\n", **files)
    )
    assert report["results"]["project-start"]["project.layout"]["status"] == "fail"
    assert report["results"]["project-start"]["project.docker_lock"]["status"] == "fail"
    assert report["end"]["node"] == "project-lock-not-in-image"
    assert ".dockerignore line 1" in step_into(report, "project-lock-not-in-image")["why"]
    from tui.playbook.validate import resolve_playbook

    node = resolve_playbook("agentcore-mcp").playbook.nodes["project-lock-not-in-image"]
    assert "project.dockerignore_lock" in [offer.fix for offer in node.fixes]


def test_a_missing_server_file_still_walks_to_the_layout_diagnosis(tmp_path: Path) -> None:
    """project.layout is asked first: with no server file, that is the diagnosis, even beside a broken Dockerfile."""
    root = project(tmp_path, "npm install\n", **{"requirements.txt": REQUIREMENTS})
    (root / "server.py").unlink()
    report = walk(root)
    assert report["results"]["project-start"]["project.layout"]["status"] == "fail"
    assert report["results"]["project-start"]["project.dockerfile_syntax"]["status"] == "fail"
    assert report["end"]["node"] == "project-layout-broken"


@pytest.mark.parametrize(
    ("case_id", "node"),
    [
        ("codebuild-images-235-unknown-instruction", "project-dockerfile-unreadable"),
        ("starboard-1412-buildkit-unknown-instruction", "project-dockerfile-unreadable"),
        ("buildkit-2891-unterminated-heredoc", "project-dockerfile-unreadable"),
        ("flyte-sdk-706-unquoted-bound-redirect", "project-dockerfile-unreadable"),
        ("togomcp-113-frozen-without-lock", "project-lock-not-in-image"),
        ("none-bugbug-6117-stale-lock", "project-lock-stale"),  # a stale lock: its own node, not lock-not-in-image
    ],
)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_match_ranks_the_build_diagnoses_first_for_real_texts(case_id: str, node: str | None, lang: str) -> None:
    cases = {c["id"]: c for c in corpus_cases()}
    case = cases[case_id]
    assert case["nodes" if node else "none"] == ([node] if node else True)  # the label says the same
    result = CliRunner().invoke(
        main, ["match", "--format", "json", "--lang", lang, case["text"]], env=ENV, catch_exceptions=False
    )
    ranked = [m["node"] for m in json.loads(result.stdout)] if result.stdout.strip().startswith("[") else []
    assert ranked[:1] == ([node] if node else []), result.output
