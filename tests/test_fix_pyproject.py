"""project.pin_mcp and project.otel_distro on projects whose dependencies are in pyproject.toml (uv, Poetry, hatch).

Before, both fixes always wrote requirements.txt: pin_mcp crashed on a pyproject project (the scan's line number of
`mcp` indexed requirements.txt's empty line list), and otel_distro created a requirements.txt that `uv sync` and
`pip install .` never read (and that the scan then read instead of pyproject.toml, so the check passed).
Real files in tmp_path, planned and applied through the engine, undone through the audit log.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.checks.base import CheckContext
from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.fixes.base import Plan
from tui.registry import load_all
from tui.results import Status

SERVER = 'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("srv")\nmcp.run(transport="streamable-http")\n'

UV_PYPROJECT = """\
[project]
name = "srv"  # the server
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    # MCP
    'mcp[cli] >= 1.10',   # keep the CLI
    "httpx>=0.27",
]

[dependency-groups]
dev = ["pytest>=8", "mcp==1.9"]
"""


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def project(tmp_path: Path, pyproject: str, **files: str) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "server.py").write_text(SERVER)
    (root / "pyproject.toml").write_text(pyproject)
    for name, text in files.items():
        (root / name.replace("_", ".")).write_text(text)
    return root


def plan(fix: str, root: Path) -> Plan:
    return plan_fix(fix, {"dir": str(root)}, Context(project=str(root)), {})


def apply(fix: str, root: Path) -> str:
    """Apply ``fix`` for real; the new pyproject.toml (no requirements.txt appeared)."""
    record = apply_plan(plan(fix, root), Context(project=str(root)))
    assert record.outcome == "applied", record.error
    assert not (root / "requirements.txt").exists()
    return (root / "pyproject.toml").read_text()


def check(check_id: str, root: Path) -> Status:
    spec = load_all().checks[check_id]
    return spec.func(CheckContext(context=Context(project=str(root))), spec.params(dir=str(root))).status


def test_pin_mcp_rewrites_the_pep621_entry_and_nothing_else_and_undo_restores_the_bytes(tmp_path: Path) -> None:
    root = project(tmp_path, UV_PYPROJECT)
    shown = plan("project.pin_mcp", root)
    assert shown.permissions == [f"write {root / 'pyproject.toml'}"]
    assert shown.summary == "pyproject.toml: mcp>=1.23.2,<2"
    assert check("project.mcp_version", root) is Status.FAIL  # mcp[cli]>=1.10 admits mcp 2.x
    new = apply("project.pin_mcp", root)
    # the literal keeps its quote style, extras and trailing comment; the dev group's mcp is not the runtime's
    assert new == UV_PYPROJECT.replace("'mcp[cli] >= 1.10',", "'mcp[cli]>=1.23.2,<2',")
    assert check("project.mcp_version", root) is Status.PASS
    assert plan("project.pin_mcp", root).noop
    record, _ = undo_record(None, Context(project=str(root)))
    assert record.outcome == "undone", record.error
    assert (root / "pyproject.toml").read_bytes() == UV_PYPROJECT.encode()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('dependencies = ["httpx"]\n', 'dependencies = ["httpx", "mcp>=1.23.2,<2"]\n'),
        ("dependencies = []\n", 'dependencies = ["mcp>=1.23.2,<2"]\n'),
        ("dependencies = [\n  'httpx',\n]\n", "dependencies = [\n  'httpx',\n  'mcp>=1.23.2,<2',\n]\n"),
        (
            'dependencies = [\n    "httpx"  # client\n]\n',
            'dependencies = [\n    "httpx",  # client\n    "mcp>=1.23.2,<2"\n]\n',
        ),
        ("dependencies = [\n    # none yet\n]\n", 'dependencies = [\n    # none yet\n    "mcp>=1.23.2,<2",\n]\n'),
        ("", 'dependencies = ["mcp>=1.23.2,<2"]\n'),  # no dependencies key: added to [project]
    ],
    ids=["one-line", "empty", "multi-line", "no-trailing-comma", "comments-only", "no-key"],
)
def test_pin_mcp_adds_mcp_to_the_pep621_list_when_it_is_missing(tmp_path: Path, before: str, after: str) -> None:
    head = '[project]\nname = "srv"\nversion = "0.1.0"\n'
    tail = "\n[tool.ruff]\nline-length = 100\n"
    root = project(tmp_path, head + before + tail)
    assert apply("project.pin_mcp", root) == head + after + tail
    assert check("project.mcp_version", root) is Status.PASS


POETRY = """\
[tool.poetry]
name = "srv"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.11"
mcp = '^1.10'  # server SDK
httpx = { version = "^0.27", extras = ["http2"] }

[build-system]
requires = ["poetry-core"]
"""


def test_poetry_table_gets_a_pep440_range_and_a_new_line(tmp_path: Path) -> None:
    root = project(tmp_path, POETRY)
    pinned = apply("project.pin_mcp", root)
    assert pinned == POETRY.replace("mcp = '^1.10'", "mcp = '>=1.23.2,<2'")
    assert check("project.mcp_version", root) is Status.PASS
    assert check("project.otel_distro", root) is Status.FAIL
    added = apply("project.otel_distro", root)
    assert added == pinned.replace('"http2"] }\n', '"http2"] }\naws-opentelemetry-distro = ">=0.10.0"\n')
    assert check("project.otel_distro", root) is Status.PASS


def test_poetry_inline_table_version_is_rewritten(tmp_path: Path) -> None:
    text = POETRY.replace("mcp = '^1.10'  # server SDK", 'mcp = { version = "^1.10", extras = ["cli"] }')
    root = project(tmp_path, text)
    assert apply("project.pin_mcp", root) == text.replace('version = "^1.10"', 'version = ">=1.23.2,<2"')


LOCKED_DOCKERFILE = 'FROM python:3.12-slim\nCOPY . .\nRUN uv sync --frozen --no-dev\nCMD ["uv", "run", "server.py"]\n'
UV_LOCK = 'version = 1\n\n[[package]]\nname = "mcp"\nversion = "1.12.0"\n'


def test_a_lock_file_the_image_installs_from_is_named_in_the_plan_notes(tmp_path: Path) -> None:
    root = project(tmp_path, UV_PYPROJECT, Dockerfile=LOCKED_DOCKERFILE, uv_lock=UV_LOCK)
    shown = plan("project.pin_mcp", root)
    assert not shown.noop
    assert any("run `uv lock`" in n and "image installs the versions uv.lock pins" in n for n in shown.notes)
    # the range is right already but the lock still pins 1.12.0: nothing to write, and it says what to run
    (root / "pyproject.toml").write_text(UV_PYPROJECT.replace("'mcp[cli] >= 1.10'", '"mcp>=1.23.2,<2"'))
    stale = plan("project.pin_mcp", root)
    assert stale.noop
    assert stale.summary == (
        "pyproject.toml already asks for mcp>=1.23.2,<2, but uv.lock pins 1.12.0: run `uv lock` and rebuild"
    )


def test_doctor_fix_asks_with_the_lock_note_under_the_diff(tmp_path: Path) -> None:
    """`doctor --fix` confirmed on the preview alone, which leaves the plan's notes out: the user said yes without
    being told to run `uv lock` (the TUI's fix modal shows notes)."""
    import asyncio

    from tui.engine.doctor import fix_all, run_doctor
    from tui.playbook.validate import resolve_playbook

    root = project(tmp_path, UV_PYPROJECT, Dockerfile=LOCKED_DOCKERFILE, uv_lock=UV_LOCK)
    playbook = resolve_playbook("agentcore-mcp").playbook
    run = asyncio.run(run_doctor(playbook, Context(project=str(root)), only=("project.mcp_version",)))
    asked: list[str] = []
    asyncio.run(fix_all(run, confirm=lambda headline, preview: asked.append(preview) is None and False))
    assert len(asked) == 1
    diff, _, notes = asked[0].partition("\n\n  # ")
    assert "+    'mcp[cli]>=1.23.2,<2'," in diff
    assert "run `uv lock`" in notes
    assert (root / "pyproject.toml").read_text() == UV_PYPROJECT  # declined: nothing written


def test_a_lock_file_the_image_does_not_use_still_gets_a_relock_note(tmp_path: Path) -> None:
    root = project(tmp_path, POETRY, poetry_lock="# poetry\n")
    assert plan("project.otel_distro", root).notes == [
        "poetry.lock no longer matches pyproject.toml after this change: run `poetry lock`."
    ]


def test_otel_distro_goes_into_pyproject_and_undo_restores_it(tmp_path: Path) -> None:
    root = project(tmp_path, UV_PYPROJECT)
    assert check("project.otel_distro", root) is Status.FAIL
    new = apply("project.otel_distro", root)
    assert new == UV_PYPROJECT.replace('"httpx>=0.27",\n', '"httpx>=0.27",\n    "aws-opentelemetry-distro>=0.10.0",\n')
    assert check("project.otel_distro", root) is Status.PASS
    assert plan("project.otel_distro", root).noop
    record, _ = undo_record(None, Context(project=str(root)))
    assert record.outcome == "undone", record.error
    assert (root / "pyproject.toml").read_bytes() == UV_PYPROJECT.encode()


DYNAMIC = """\
[project]
name = "srv"
version = "0.1.0"
dynamic = ["dependencies"]

[tool.setuptools.dynamic]
dependencies = { file = ["requirements.in"] }
"""


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (DYNAMIC, "pyproject.toml left alone ([project] declares its dependencies dynamic"),
        (
            POETRY.replace("mcp = '^1.10'", 'mcp = { git = "https://github.com/x/mcp" }'),
            "pyproject.toml left alone (its value is not a version string): set `mcp>=1.23.2,<2` by hand on line 7",
        ),
        (
            '[project]\nname = "srv"\nversion = "0.1"\ndependencies = [\n  """mcp>=1.10""",\n]\n',
            "pyproject.toml left alone (multi-line strings in the dependency list): set `mcp>=1.23.2,<2` by hand on "
            "line 5",
        ),
        (
            '[project]\nname = "srv"\nversion = "0.1"\ndependencies = ["mcp @ https://example.com/mcp.whl"]\n',
            "pyproject.toml left alone (it installs from a URL): set `mcp>=1.23.2,<2` by hand on line 4",
        ),
    ],
    ids=["dynamic", "poetry-git", "multi-line-string", "url"],
)
def test_a_layout_it_cannot_edit_safely_is_left_alone_with_the_reason(tmp_path: Path, text: str, why: str) -> None:
    root = project(tmp_path, text)
    shown = plan("project.pin_mcp", root)
    assert shown.noop
    assert shown.summary.startswith(why)
    assert (root / "pyproject.toml").read_text() == text and not (root / "requirements.txt").exists()


def test_registered_title_and_permission_do_not_claim_requirements_txt(tmp_path: Path) -> None:
    fixes = load_all().fixes
    for fix_id in ("project.pin_mcp", "project.otel_distro"):
        spec = fixes[fix_id]
        assert "requirements.txt" not in spec.title
        assert spec.permissions == ("write the project's dependency file (requirements.txt or pyproject.toml)",)


def test_an_edit_that_would_not_read_back_as_just_that_change_is_refused(tmp_path: Path) -> None:
    """The line scan takes a line of a multi-line string for the next table header, so the new line would land
    inside the string: the read-back comparison refuses it."""
    text = '[tool.poetry]\nname = "srv"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nnote = """\n[x]\n"""\n'
    root = project(tmp_path, text)
    shown = plan("project.otel_distro", root)
    assert shown.noop
    assert shown.summary == (
        "pyproject.toml left alone (the edited file would not read back as just that change): "
        "add `aws-opentelemetry-distro>=0.10.0` to its dependencies by hand"
    )
