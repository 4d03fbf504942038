"""`.dockerignore`: what the build context leaves out, and the project checks that read it.

Before, no check read `.dockerignore`: a `uv sync --frozen` image whose `COPY . .` brought uv.lock passed
`project.docker_lock` while the build stopped with "Unable to find lockfile at `uv.lock`" (dbcls/togomcp#113: the
lock was in `.dockerignore`), and a COPY source the context does not hold passed `project.layout`.

The matcher's cases are Docker's documented examples (https://docs.docker.com/build/concepts/context/#dockerignore-files,
"Syntax" and the `!` exception examples), and moby/patternmatcher's rules for `**` and a pattern that matches a parent
directory.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_project_checks import run_check

from tui.project.dockerignore import InvalidIgnore, context_ignore, parse
from tui.results import Status

# The .dockerignore `agentcore configure` writes (aws/bedrock-agentcore-starter-toolkit,
# src/bedrock_agentcore_starter_toolkit/utils/runtime/templates/dockerignore.template at commit
# 611cf0486c7487a064b4445c9ad461527470bd24:
# https://github.com/aws/bedrock-agentcore-starter-toolkit/blob/611cf0486c7487a064b4445c9ad461527470bd24/src/bedrock_agentcore_starter_toolkit/utils/runtime/templates/dockerignore.template).
TOOLKIT = """\
# Build artifacts
build/
dist/
*.egg-info/
*.egg

# Python cache
__pycache__/
__pycache__*
*.py[cod]
*$py.class
*.so
.Python

# Virtual environments
.venv/
.env
venv/
env/
ENV/

# Testing
.pytest_cache/
.coverage
.coverage*
htmlcov/
.tox/
*.cover
.hypothesis/
.mypy_cache/
.ruff_cache/

# Development
*.log
*.bak
*.swp
*.swo
*~
.DS_Store

# IDEs
.vscode/
.idea/

# Version control
.git/
.gitignore
.gitattributes

# Documentation
docs/

# CI/CD
.github/
.gitlab-ci.yml
.travis.yml

# Project specific
tests/

# Bedrock AgentCore specific - keep config but exclude runtime files
.bedrock_agentcore.yaml
.dockerignore
.bedrock_agentcore/

# Keep wheelhouse for offline installations
# wheelhouse/

# Monorepo directories
cdk/
terraform/
"""


def excluded(text: str, path: str) -> bool:
    return parse(text).excluding(path) is not None


# --- the matcher, on Docker's documented examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "out"),
    [
        ("somedir/temporary.txt", True),  # `*/temp*`: a name starting with temp in an immediate subdirectory
        ("somedir/temp", True),
        ("somedir/subdir/temporary.txt", True),  # `*/*/temp*`: two levels below the root
        ("tempa", True),  # `temp?`: temp and one character, in the root
        ("tempb", True),
        ("temp", False),
        ("temporary.txt", False),  # `*/temp*` needs a directory before it
        ("a/b/c/temporary.txt", False),
        ("comment", False),  # `# comment` is a comment
    ],
)
def test_the_documented_syntax_example(path: str, out: bool) -> None:
    assert excluded("# comment\n*/temp*\n*/*/temp*\ntemp?\n", path) is out


def test_a_leading_slash_and_none_mean_the_same_path_from_the_context_root() -> None:
    for pattern in ("/foo/bar", "foo/bar", "./foo/bar/", "foo//bar"):
        assert excluded(pattern, "foo/bar")
        assert excluded(pattern, "foo/bar/inner.txt")  # a directory excluded takes its contents along
        assert not excluded(pattern, "bar")
        assert not excluded(pattern, "x/foo/bar")


def test_double_star_matches_any_number_of_directories_including_none() -> None:
    assert excluded("**/*.go", "main.go")
    assert excluded("**/*.go", "a/b/c.go")
    assert not excluded("**/*.go", "a/b/c.py")
    assert excluded("src/**", "src/a/b.py")
    assert excluded("**", "anything/at/all")
    assert excluded("a/**/b", "a/b") and excluded("a/**/b", "a/x/y/b")
    assert not excluded("a/**/b", "a/xb")


def test_a_single_star_and_question_mark_stop_at_a_slash() -> None:
    assert not excluded("*.py", "pkg/server.py")
    assert excluded("*.py", "server.py")
    assert not excluded("a?b", "a/b")


def test_character_classes_and_escapes() -> None:
    text = "*.py[cod]\n"
    assert excluded(text, "x.pyc") and not excluded(text, "x.py")
    assert excluded("[^a]bc", "xbc") and not excluded("[^a]bc", "abc")
    assert excluded("[a-c]x", "bx") and not excluded("[a-c]x", "dx")
    assert excluded(r"\*star", "*star") and not excluded(r"\*star", "xstar")


@pytest.mark.parametrize(
    ("text", "path", "out"),
    [
        ("*.md\n!README.md\n", "README.md", False),  # all markdown files but README.md are excluded
        ("*.md\n!README.md\n", "CHANGES.md", True),
        ("*.md\n!README*.md\nREADME-secret.md\n", "README-secret.md", True),  # the last matching line decides
        ("*.md\n!README*.md\nREADME-secret.md\n", "README-other.md", False),
        ("*.md\nREADME-secret.md\n!README*.md\n", "README-secret.md", False),  # the middle line has no effect
    ],
)
def test_the_documented_exception_examples(text: str, path: str, out: bool) -> None:
    assert excluded(text, path) is out


def test_an_allowlist_keeps_only_the_files_it_names() -> None:
    text = "# keep only what the image needs\n*\n!pyproject.toml\n!uv.lock\n!src\n"
    assert not excluded(text, "uv.lock")
    assert not excluded(text, "src/server/main.py")
    assert excluded(text, "README.md")
    assert excluded(text, ".env")
    rule = parse(text).excluding("notes.txt")
    assert rule is not None and (rule.line, rule.text) == (2, "*")


def test_the_toolkit_template_keeps_the_server_and_the_lock() -> None:
    for path in ("server.py", "uv.lock", "pyproject.toml", "requirements.txt", "src/app/main.py"):
        assert not excluded(TOOLKIT, path), path
    for path in (".venv/bin/python", "tests/test_x.py", "__pycache__/m.pyc", ".bedrock_agentcore.yaml"):
        assert excluded(TOOLKIT, path), path
    # unlike .gitignore, a pattern without `**/` is anchored at the context's root
    assert not excluded(TOOLKIT, "app/__pycache__/m.pyc")


def test_the_rule_that_decides_is_named_by_its_line() -> None:
    rule = parse("# locks\n\n*.lock\n").excluding("uv.lock")
    assert rule is not None and (rule.line, rule.text) == (3, "*.lock")
    assert parse("\ufeffuv.lock\r\n").excluding("uv.lock") is not None  # a BOM and CRLF line ends, as Go reads them


def test_a_comment_only_in_column_one_and_spaces_trimmed() -> None:
    assert excluded("  uv.lock  \n", "uv.lock")
    assert not excluded("# uv.lock\n", "uv.lock")
    assert excluded("! uv.lock\nuv.lock\n", "uv.lock")


@pytest.mark.parametrize("bad", ["!", "[abc", "a[]b", "[z-a]", "tail\\"])
def test_a_pattern_docker_refuses_is_refused(bad: str) -> None:
    with pytest.raises(InvalidIgnore, match="line 2"):
        parse(f"ok\n{bad}\n")


# --- bounded ------------------------------------------------------------------------------------------------------


def test_a_hostile_dockerignore_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.13-slim\n")
    (tmp_path / ".dockerignore").write_text("a\n" * 100_000)
    started = time.monotonic()
    found = context_ignore(tmp_path, tmp_path / "Dockerfile")
    assert found is not None and found.problem is not None and found.excluding("a") is None
    (tmp_path / ".dockerignore").write_text("*" * 10_000 + "\n")
    found = context_ignore(tmp_path, tmp_path / "Dockerfile")
    assert found is not None and found.problem is not None  # a pattern longer than a real one: not judged
    assert time.monotonic() - started < 2


def test_the_matcher_is_linear_on_patterns_that_backtrack_in_a_regex() -> None:
    hostile = "*a" * 200 + "b"  # as a backtracking regex `[^/]*a` × 200 on 400 `a`s never ends
    path = "a" * 400
    started = time.monotonic()
    assert not excluded(hostile, path)
    assert excluded("*" * 500, "abc")
    assert not excluded("**/" * 150 + "x", "y/" * 150 + "z")
    assert time.monotonic() - started < 2


# --- which file ----------------------------------------------------------------------------------------------------


def test_the_dockerfile_specific_ignore_file_takes_precedence(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "app.Dockerfile").write_text("FROM python:3.13-slim\n")
    (tmp_path / ".dockerignore").write_text("uv.lock\n")
    (tmp_path / "docker" / "app.Dockerfile.dockerignore").write_text("*.md\n")
    found = context_ignore(tmp_path, tmp_path / "docker" / "app.Dockerfile")
    assert found is not None and found.name == "docker/app.Dockerfile.dockerignore"
    assert found.excluding("uv.lock") is None and found.excluding("README.md") is not None
    root = context_ignore(tmp_path, tmp_path / "Dockerfile")
    assert root is not None and root.name == ".dockerignore" and root.excluding("uv.lock") is not None
    (tmp_path / ".dockerignore").unlink()
    assert context_ignore(tmp_path, tmp_path / "Dockerfile") is None


# --- the project checks ----------------------------------------------------------------------------------------------

SERVER = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("s", host="0.0.0.0", stateless_http=True)\n'
PYPROJECT = '[project]\nname = "s"\nversion = "0"\ndependencies = ["mcp>=1.23.2,<2"]\n'
UV_LOCK = 'version = 1\n\n[[package]]\nname = "mcp"\nversion = "1.24.0"\n'
FROM = "FROM --platform=linux/arm64 python:3.13-slim\nWORKDIR /app\n"


def project(tmp_path: Path, dockerfile: str, **files: str) -> Path:
    root = tmp_path / "p"
    root.mkdir(exist_ok=True)
    base = {"server.py": SERVER, "pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK, "Dockerfile": FROM + dockerfile}
    for name, text in (base | files).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


run = run_check


LOCKED_COPY_ALL = 'COPY . .\nRUN uv sync --frozen --no-dev\nCMD ["uv", "run", "python", "server.py"]\n'


def test_a_lock_the_dockerignore_leaves_out_fails_docker_lock_naming_the_line(tmp_path: Path) -> None:
    root = project(tmp_path, LOCKED_COPY_ALL, **{".dockerignore": ".venv\n__pycache__\n*.lock\n"})
    result = run("project.docker_lock", root)
    assert result.status == Status.FAIL
    assert ".dockerignore line 3 (`*.lock`) leaves uv.lock out of the build context" in result.summary
    assert "Unable to find lockfile" in result.summary


def test_the_same_project_without_the_exclusion_passes(tmp_path: Path) -> None:
    root = project(tmp_path, LOCKED_COPY_ALL, **{".dockerignore": ".venv\n__pycache__\n*.lock\n!uv.lock\n"})
    assert run("project.docker_lock", root).status == Status.PASS
    (root / ".dockerignore").unlink()
    assert run("project.docker_lock", root).status == Status.PASS


def test_a_lock_named_by_its_copy_and_left_out_stops_the_copy(tmp_path: Path) -> None:
    """`COPY pyproject.toml uv.lock ./` with uv.lock excluded: the COPY itself fails (rapid7-bulk-export-mcp#16)."""
    dockerfile = (
        'COPY pyproject.toml uv.lock ./\nRUN uv sync --no-dev\nCOPY server.py .\nCMD ["uv", "run", "server.py"]\n'
    )
    root = project(tmp_path, dockerfile, **{".dockerignore": "uv.lock\n"})
    result = run("project.docker_lock", root)
    assert result.status == Status.FAIL
    assert ".dockerignore line 1 (`uv.lock`) leaves uv.lock out of the build context" in result.summary
    assert '"/uv.lock": not found' in result.summary


def test_a_copy_source_the_dockerignore_leaves_out_fails_layout(tmp_path: Path) -> None:
    dockerfile = (
        'COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app/ ./app/\nCMD ["python", "server.py"]\n'
    )
    root = project(
        tmp_path,
        dockerfile,
        **{"requirements.txt": "mcp>=1.23.2,<2\n", "app/util.py": "x = 1\n", ".dockerignore": "# x\napp\n"},
    )
    result = run("project.layout", root)
    assert result.status == Status.FAIL
    assert "Dockerfile line 5" in result.summary
    assert ".dockerignore line 2 (`app`) leaves app out of the build context" in result.summary
    (root / ".dockerignore").write_text("app/*.pyc\n")
    assert run("project.layout", root).status == Status.PASS


def test_a_directory_an_allowlist_reopens_is_in_the_context(tmp_path: Path) -> None:
    dockerfile = (
        'COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app ./app\nCMD ["python", "server.py"]\n'
    )
    files = {"requirements.txt": "mcp>=1.23.2,<2\n", "app/util.py": "x = 1\n"}
    root = project(
        tmp_path, dockerfile, **files, **{".dockerignore": "*\n!requirements.txt\n!server.py\n!app/util.py\n"}
    )
    assert run("project.layout", root).status == Status.PASS


def test_the_server_the_image_starts_left_out_fails_layout(tmp_path: Path) -> None:
    dockerfile = 'COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "server.py"]\n'
    root = project(tmp_path, dockerfile, **{"requirements.txt": "mcp>=1.23.2,<2\n", ".dockerignore": "*.py\n"})
    result = run("project.layout", root)
    assert result.status == Status.FAIL
    assert ".dockerignore line 1 (`*.py`) leaves server.py out of the build context" in result.summary


def test_a_start_script_left_out_of_the_context_is_not_in_the_image(tmp_path: Path) -> None:
    dockerfile = (
        'COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n'
    )
    files = {
        "requirements.txt": "mcp>=1.23.2,<2\naws-opentelemetry-distro>=0.18.0\n",
        "entrypoint.sh": "#!/bin/sh\nexec opentelemetry-instrument python server.py\n",
    }
    root = project(tmp_path, dockerfile, **files)
    assert run("project.otel_instrument", root).status == Status.PASS
    (root / ".dockerignore").write_text("*.sh\n")
    result = run("project.otel_instrument", root)
    assert result.could_not_run  # the command the script starts is not known
    assert ".dockerignore line 1 (`*.sh`) leaves entrypoint.sh out of the build context" in result.summary
