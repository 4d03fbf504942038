"""COPY/ADD sources the project does not have, and the fix that keeps a lock file in the build context.

Before, `project.layout` failed when a COPY source existed but `.dockerignore` left it out, and passed when the source
did not exist at all (`COPY app/ /app/` with no app/). `docker build` (BuildKit) stops on that COPY; two reports of it:

- openremote/openremote#3025 (https://github.com/openremote/openremote/issues/3025), `ADD deployment /deployment`:
  ``ERROR: failed to build: failed to solve: failed to compute cache key: failed to calculate checksum of ref
  7rwf5y97vt3qxjefart17zyuq::46riyywj6v8fif7dfjs5vd0es: "/deployment": not found``
- tolyo/open-outcry#2 (https://github.com/tolyo/open-outcry/issues/2), a COPY of a folder the repository lacks:
  ``failed to solve: failed to compute cache key: failed to calculate checksum of ref moby::cyg61taxcu8c9skxxzv7qtf6i:
  "/.docker": not found``

A wildcard is different. BuildKit's Dockerfile frontend copies from the context with ``AllowEmptyWildcard: true``
(moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go), so `COPY *.py ./` that matches nothing builds and copies
nothing; only the legacy builder stops ("COPY failed: no source files were specified", moby/buildkit#2933 and
moby/moby#42600: https://github.com/moby/moby/issues/42600 "the build will succeed when using buildkit"). A wildcard
whose directory is missing stops BuildKit too ("lstat /var/lib/docker/tmp/buildkit-mount…/folder/b: no such file or
directory", https://github.com/moby/buildkit/issues/2933). So: a missing directory fails, no match warns.

`project.docker_lock` failed when `.dockerignore` left the lock out, with no fix: `project.dockerignore_lock` appends
`!uv.lock` at the end of the ignore file (the last matching line decides), planned as a diff, applied only if the
file is unchanged, undone byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.fixes.base import Plan
from tui.results import Status

SERVER = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("s", host="0.0.0.0", stateless_http=True)\n'
PYPROJECT = '[project]\nname = "s"\nversion = "0"\ndependencies = ["mcp>=1.23.2,<2"]\n'
REQUIREMENTS = "mcp>=1.23.2,<2\n"
UV_LOCK = 'version = 1\n\n[[package]]\nname = "mcp"\nversion = "1.24.0"\n'
FROM = "FROM --platform=linux/arm64 python:3.13-slim\nWORKDIR /app\n"
CMD = 'CMD ["python", "server.py"]\n'


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def project(tmp_path: Path, dockerfile: str, **files: str) -> Path:
    root = tmp_path / "p"
    root.mkdir(exist_ok=True)
    base = {"server.py": SERVER, "requirements.txt": REQUIREMENTS, "Dockerfile": FROM + dockerfile}
    for name, text in (base | files).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


run = run_check


# ------------------------------------------------------------------------------------------- missing COPY sources


def test_a_copied_directory_the_project_lacks_fails_layout_naming_the_line(tmp_path: Path) -> None:
    dockerfile = "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app/ /app/\nCOPY server.py .\n"
    root = project(tmp_path, dockerfile + CMD)
    result = run("project.layout", root)
    assert result.status == Status.FAIL
    assert "Dockerfile line 5" in result.summary
    assert "`COPY app/ /app/`" in result.summary
    assert '"/app": not found' in result.summary
    assert result.evidence["missing_source"] == {"line": 5, "source": "app/"}
    (root / "app").mkdir()
    (root / "app" / "util.py").write_text("x = 1\n")
    assert run("project.layout", root).status == Status.PASS


def test_a_copied_file_the_project_lacks_fails_layout(tmp_path: Path) -> None:
    """`COPY requirements.txt .` in a project that lists its dependencies in pyproject.toml only."""
    dockerfile = "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY server.py .\n"
    root = project(tmp_path, dockerfile + CMD, **{"pyproject.toml": PYPROJECT})
    (root / "requirements.txt").unlink()
    result = run("project.layout", root)
    assert result.status == Status.FAIL
    assert "Dockerfile line 3" in result.summary
    assert "requirements.txt" in result.summary
    assert '"/requirements.txt": not found' in result.summary
    (root / "requirements.txt").write_text(REQUIREMENTS)
    assert run("project.layout", root).status == Status.PASS


def test_a_second_source_of_one_copy_is_judged_too(tmp_path: Path) -> None:
    root = project(tmp_path, "COPY requirements.txt ./config.yaml ./\nCOPY server.py .\n" + CMD)
    result = run("project.layout", root)
    assert result.status == Status.FAIL
    assert '"/config.yaml": not found' in result.summary


def test_a_wildcard_that_matches_nothing_warns_and_one_that_matches_passes(tmp_path: Path) -> None:
    root = project(tmp_path, "COPY requirements.txt .\nCOPY *.py ./\nCOPY conf/*.yaml ./conf/\n" + CMD)
    (root / "conf").mkdir()
    result = run("project.layout", root)
    assert result.status == Status.WARN  # BuildKit copies nothing; the legacy builder stops
    assert "Dockerfile line 5" in result.summary
    assert "conf/*.yaml" in result.summary
    assert "no source files were specified" in result.summary
    (root / "conf" / "app.yaml").write_text("a: 1\n")
    assert run("project.layout", root).status == Status.PASS


def test_a_wildcard_whose_directory_is_missing_fails(tmp_path: Path) -> None:
    root = project(tmp_path, "COPY requirements.txt .\nCOPY server.py .\nCOPY fixtures/*.json ./fixtures/\n" + CMD)
    result = run("project.layout", root)
    assert result.status == Status.FAIL
    assert "Dockerfile line 5" in result.summary
    assert "fixtures" in result.summary
    assert "no such file or directory" in result.summary


def test_a_wildcard_match_the_dockerignore_leaves_out_is_no_match(tmp_path: Path) -> None:
    files = {"conf/a.yaml": "a: 1\n", ".dockerignore": "conf/*.yaml\n"}
    root = project(tmp_path, "COPY requirements.txt server.py ./\nCOPY conf/*.yaml ./conf/\n" + CMD, **files)
    result = run("project.layout", root)
    assert result.status == Status.WARN
    assert "conf/*.yaml" in result.summary
    (root / ".dockerignore").write_text("conf/*.yaml\n!conf/a.yaml\n")
    assert run("project.layout", root).status == Status.PASS


def test_sources_from_another_stage_or_image_are_not_in_the_context(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.13-slim AS builder\nRUN mkdir /out && touch /out/wheel.whl\n"
        + FROM
        + "COPY --from=builder /out/ /wheels/\n"
        + "COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/uv\n"
        + "COPY --from=0 /out/missing.txt /x\n"
        + "COPY requirements.txt server.py ./\n"
        + CMD
    )
    root = project(tmp_path, "")
    (root / "Dockerfile").write_text(dockerfile)
    result = run("project.layout", root)
    assert result.status == Status.PASS, result.summary


def test_add_of_a_url_and_a_heredoc_copy_are_not_context_paths(tmp_path: Path) -> None:
    dockerfile = (
        "ADD https://example.com/archive/tool.tar.gz /opt/\n"
        "ADD git@github.com:moby/buildkit.git /src/buildkit\n"
        "COPY <<EOF /app/config.ini\n[a]\nb = 1\nEOF\n"
        "COPY requirements.txt server.py ./\n" + CMD
    )
    root = project(tmp_path, dockerfile)
    result = run("project.layout", root)
    assert result.status == Status.PASS, result.summary
    (root / "Dockerfile").write_text(FROM + "ADD vendor/tool.tar.gz /opt/\nCOPY server.py .\n" + CMD)
    assert run("project.layout", root).status == Status.FAIL  # ADD of a context path is judged


def test_a_source_named_by_a_variable_is_not_judged(tmp_path: Path) -> None:
    root = project(tmp_path, "ARG SRC=app\nCOPY ${SRC}/ /app/\nCOPY $CONF ./\nCOPY server.py .\n" + CMD)
    assert run("project.layout", root).status == Status.PASS


def test_a_stage_the_final_image_never_uses_is_not_built(tmp_path: Path) -> None:
    """BuildKit builds only the stages the target depends on: a dev stage's COPY of a missing file stops nothing."""
    dockerfile = (
        "FROM python:3.13-slim AS dev\nCOPY dev-requirements.txt .\n"
        "FROM python:3.13-slim AS base\nCOPY requirements.txt constraints.txt ./\n"
        + FROM
        + "COPY --from=base /requirements.txt .\nCOPY server.py .\n"
        + CMD
    )
    root = project(tmp_path, "", **{"constraints.txt": "mcp<2\n"})
    (root / "Dockerfile").write_text(dockerfile)
    assert run("project.layout", root).status == Status.PASS
    (root / "constraints.txt").unlink()
    result = run("project.layout", root)
    assert result.status == Status.FAIL  # the base stage is built: the final one copies from it
    assert "Dockerfile line 4" in result.summary


def test_the_walk_of_a_wildcard_is_bounded(tmp_path: Path) -> None:
    root = project(tmp_path, "COPY requirements.txt server.py ./\nCOPY data/*/*.csv ./data/\n" + CMD)
    for i in range(2_100):
        (root / "data" / f"d{i}").mkdir(parents=True)
    result = run("project.layout", root)
    assert result.status == Status.PASS  # too many entries to look at: not judged, not a false alarm


# ------------------------------------------------------------------------------ the fix: keep the lock in context

LOCKED = (
    'COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\nCOPY server.py .\nCMD ["uv", "run", "server.py"]\n'
)
IGNORE = ".venv\n__pycache__\n*.lock\n"


def uv_project(tmp_path: Path, ignore: str = IGNORE, dockerfile: str = LOCKED) -> Path:
    root = project(tmp_path, dockerfile, **{"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK})
    (root / "requirements.txt").unlink()
    (root / ".dockerignore").write_bytes(ignore.encode())
    return root


def plan(root: Path) -> Plan:
    return plan_fix("project.dockerignore_lock", {"dir": str(root)}, Context(project=str(root)), {})


def test_the_fix_appends_the_exception_and_docker_lock_then_passes(tmp_path: Path) -> None:
    root = uv_project(tmp_path)
    failing = run("project.docker_lock", root)
    assert failing.status == Status.FAIL
    assert "fix `project.dockerignore_lock`" in (failing.remediation or "")
    shown = plan(root)
    assert not shown.noop
    assert shown.permissions == [f"write {root / '.dockerignore'}"]
    assert shown.actions[0].preview() == (
        "--- a/.dockerignore\n+++ b/.dockerignore\n@@ -1,3 +1,4 @@\n .venv\n __pycache__\n *.lock\n+!uv.lock\n"
    )
    assert "line 3" in shown.summary
    record = apply_plan(shown, Context(project=str(root)))
    assert record.outcome == "applied", record.error
    assert (root / ".dockerignore").read_text() == IGNORE + "!uv.lock\n"
    assert run("project.docker_lock", root).status == Status.PASS
    assert plan(root).noop  # nothing left to do: no longer offered
    undone, _ = undo_record(None, Context(project=str(root)))
    assert undone.outcome == "undone", undone.error
    assert (root / ".dockerignore").read_bytes() == IGNORE.encode()


def test_a_crlf_ignore_file_without_a_last_newline_is_restored_byte_for_byte(tmp_path: Path) -> None:
    original = "# build\r\n*\r\n!server.py\r\n!pyproject.toml"
    root = uv_project(tmp_path, original)
    shown = plan(root)
    assert apply_plan(shown, Context(project=str(root))).outcome == "applied"
    assert (root / ".dockerignore").read_bytes() == (original + "\r\n!uv.lock\r\n").encode()
    assert run("project.docker_lock", root).status == Status.PASS
    assert undo_record(None, Context(project=str(root)))[0].outcome == "undone"
    assert (root / ".dockerignore").read_bytes() == original.encode()


def test_an_ignore_file_changed_after_the_preview_is_refused(tmp_path: Path) -> None:
    root = uv_project(tmp_path)
    shown = plan(root)
    (root / ".dockerignore").write_text(IGNORE + "dist/\n")
    record = apply_plan(shown, Context(project=str(root)))
    assert record.outcome != "applied"
    assert (root / ".dockerignore").read_text() == IGNORE + "dist/\n"


def test_a_lock_the_dockerfile_never_copies_gets_no_dockerignore_edit(tmp_path: Path) -> None:
    dockerfile = 'COPY pyproject.toml ./\nRUN uv sync --frozen\nCOPY server.py .\nCMD ["uv", "run", "server.py"]\n'
    root = uv_project(tmp_path, ".venv\n", dockerfile)
    assert run("project.docker_lock", root).status == Status.FAIL
    shown = plan(root)
    assert shown.noop
    assert "line 4" in shown.summary and "COPY" in shown.summary
    assert (root / ".dockerignore").read_text() == ".venv\n"


def test_the_diagnosis_docker_lock_leads_to_offers_the_fix() -> None:
    from tui.playbook.loader import load_playbook

    playbook = load_playbook(Path(__file__).parent.parent / "playbooks" / "agentcore-mcp.yaml").playbook
    node = playbook.nodes["project-lock-not-in-image"]
    assert [(f.fix, f.key) for f in node.fixes] == [("project.dockerignore_lock", "l")]


def test_a_wildcard_warning_does_not_hide_a_source_the_dockerignore_leaves_out(tmp_path: Path) -> None:
    dockerfile = "COPY *.yaml ./\nCOPY requirements.txt server.py ./\nCOPY app ./app\n" + CMD
    root = project(tmp_path, dockerfile, **{"app/util.py": "x = 1\n", ".dockerignore": "app\n"})
    result = run("project.layout", root)
    assert result.status == Status.FAIL
    assert ".dockerignore line 1 (`app`) leaves app out of the build context" in result.summary
