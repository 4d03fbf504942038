"""Follow-ups to the pyproject.toml fixes, on real files in tmp_path.

Before: project.mcp_version withheld project.pin_mcp on every pyproject.toml project ("the build installs
pyproject.toml; change `mcp` there") although the fix edits pyproject.toml; the otel and fastmcp texts named
requirements.txt on projects that have none; and every file fix read and wrote in text mode, so a CRLF file came back
LF throughout and its undo restored the LF version, not the user's bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.checks.base import CheckContext
from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.fixes.base import Plan, keep_line_endings
from tui.registry import load_all
from tui.results import CheckResult, Status

SERVER = 'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("srv")\nmcp.run(transport="streamable-http")\n'
PYPROJECT = '[project]\nname = "srv"\nversion = "0.1.0"\ndependencies = ["mcp>=1.10"]\n'
INSTRUMENTED = (
    'FROM python:3.12-slim\nCOPY . .\nRUN pip install .\nCMD ["opentelemetry-instrument", "python", "-m", "server"]\n'
)


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    for name, text in files.items():
        if isinstance(text, bytes):
            (root / name).write_bytes(text)
        else:
            (root / name).write_text(text, encoding="utf-8")
    return root


def run(check_id: str, root: Path) -> CheckResult:
    spec = load_all().checks[check_id]
    return spec.func(CheckContext(context=Context(project=str(root))), spec.params(dir=str(root)))


def plan(fix: str, root: Path) -> Plan:
    return plan_fix(fix, {"dir": str(root)}, Context(project=str(root)), {})


def apply(fix: str, root: Path) -> None:
    record = apply_plan(plan(fix, root), Context(project=str(root)))
    assert record.outcome == "applied", record.error


def undo(root: Path) -> None:
    record, _ = undo_record(None, Context(project=str(root)))
    assert record.outcome == "undone", record.error


# ---------------------------------------------------------------------------- 1. pin_mcp on pyproject.toml


def test_mcp_version_offers_pin_mcp_on_a_pyproject_project_and_the_plan_edits_pyproject(tmp_path: Path) -> None:
    root = project(tmp_path, {"server.py": SERVER, "pyproject.toml": PYPROJECT})
    result = run("project.mcp_version", root)
    assert result.status is Status.FAIL  # mcp>=1.10 installs mcp 2.x, where FastMCP is gone
    assert result.evidence["file"] == "pyproject.toml"
    assert "project.pin_mcp" not in result.withheld_fixes
    shown = plan("project.pin_mcp", root)
    assert [a.path for a in shown.actions] == [str(root / "pyproject.toml")]
    assert '-dependencies = ["mcp>=1.10"]\n+dependencies = ["mcp>=1.23.2,<2"]\n' in shown.preview()


def test_pin_mcp_stays_withheld_when_only_fastmcp_is_extra(tmp_path: Path) -> None:
    deps = PYPROJECT.replace('["mcp>=1.10"]', '["mcp>=1.23.2,<2", "fastmcp>=2"]')
    root = project(tmp_path, {"server.py": SERVER, "pyproject.toml": deps})
    result = run("project.mcp_version", root)
    assert result.status is Status.WARN
    assert "project.pin_mcp" in result.withheld_fixes
    # 2. the warning names the file the scan read, not requirements.txt
    assert result.summary == "pyproject.toml also lists `fastmcp`, a different framework the code does not use"
    assert result.remediation == "Remove `fastmcp` from pyproject.toml unless something else imports it."


# ---------------------------------------------------------------------------- 2. wording names the real file


def test_otel_texts_name_pyproject_toml_and_the_registered_ones_stay_neutral(tmp_path: Path) -> None:
    root = project(tmp_path, {"server.py": SERVER, "pyproject.toml": PYPROJECT, "Dockerfile": INSTRUMENTED})
    distro = run("project.otel_distro", root)
    assert distro.status is Status.FAIL
    assert distro.summary == "aws-opentelemetry-distro is not in pyproject.toml: no traces, no OTEL logs"
    assert distro.remediation == "Add `aws-opentelemetry-distro>=0.10.0` to pyproject.toml (fix `project.otel_distro`)."
    installed = run("project.otel_instrument_installed", root)
    assert installed.status is Status.FAIL
    assert "to pyproject.toml (fix `project.otel_distro`" in installed.remediation
    checks = load_all().checks
    for check_id in ("project.otel_distro", "project.otel_instrument_installed"):
        assert "requirements.txt" not in checks[check_id].title + checks[check_id].remediation


def test_otel_texts_on_a_requirements_project_still_name_requirements_txt(tmp_path: Path) -> None:
    root = project(tmp_path, {"server.py": SERVER, "requirements.txt": "mcp>=1.23.2,<2\n", "Dockerfile": INSTRUMENTED})
    assert "to requirements.txt (fix" in run("project.otel_distro", root).remediation
    assert "to requirements.txt (fix" in run("project.otel_instrument_installed", root).remediation


# ---------------------------------------------------------------------------- 3. CRLF files keep their bytes


def test_pin_mcp_on_a_crlf_requirements_file_keeps_crlf_and_undo_restores_the_bytes(tmp_path: Path) -> None:
    before = b"# deps\r\nmcp>=1.10\r\nhttpx>=0.27\r\n"
    root = project(tmp_path, {"server.py": SERVER, "requirements.txt": before})
    shown = plan("project.pin_mcp", root)
    assert shown.actions[0].diff.count("\n-") == 1  # only the mcp line changes, not every line's ending
    apply("project.pin_mcp", root)
    assert (root / "requirements.txt").read_bytes() == b"# deps\r\nmcp>=1.23.2,<2\r\nhttpx>=0.27\r\n"
    assert plan("project.pin_mcp", root).noop
    undo(root)
    assert (root / "requirements.txt").read_bytes() == before


def test_an_added_line_follows_the_files_crlf_ending(tmp_path: Path) -> None:
    before = b"mcp>=1.23.2,<2\r\nhttpx>=0.27"  # no ending on the last line
    root = project(tmp_path, {"server.py": SERVER, "requirements.txt": before})
    apply("project.otel_distro", root)
    assert (root / "requirements.txt").read_bytes() == (
        b"mcp>=1.23.2,<2\r\nhttpx>=0.27\r\naws-opentelemetry-distro>=0.10.0\r\n"
    )
    undo(root)
    assert (root / "requirements.txt").read_bytes() == before


def test_a_crlf_dockerfile_keeps_its_untouched_lines_and_undo_restores_the_bytes(tmp_path: Path) -> None:
    before = (
        b'FROM python:3.12-slim\r\nCOPY . .\r\nRUN pip install -r requirements.txt\r\nCMD ["python", "server.py"]\r\n'
    )
    root = project(tmp_path, {"server.py": SERVER, "requirements.txt": "mcp>=1.23.2,<2\n", "Dockerfile": before})
    apply("project.otel_instrument", root)
    after = (root / "Dockerfile").read_bytes()
    assert after.startswith(b"FROM python:3.12-slim\r\nCOPY . .\r\nRUN pip install -r requirements.txt\r\n")
    assert b"opentelemetry-instrument" in after
    assert after.count(b"\n") == after.count(b"\r\n") == 4
    undo(root)
    assert (root / "Dockerfile").read_bytes() == before


def test_a_crlf_pyproject_keeps_its_endings_through_pin_mcp_and_undo(tmp_path: Path) -> None:
    before = PYPROJECT.replace("\n", "\r\n").encode()
    root = project(tmp_path, {"server.py": SERVER, "pyproject.toml": before})
    apply("project.pin_mcp", root)
    assert (root / "pyproject.toml").read_bytes() == before.replace(b'"mcp>=1.10"', b'"mcp>=1.23.2,<2"')
    undo(root)
    assert (root / "pyproject.toml").read_bytes() == before


def test_a_file_edited_after_planning_is_refused_even_if_only_its_line_endings_changed(tmp_path: Path) -> None:
    root = project(tmp_path, {"server.py": SERVER, "requirements.txt": b"mcp>=1.10\r\n"})
    shown = plan("project.pin_mcp", root)
    (root / "requirements.txt").write_bytes(b"mcp>=1.10\n")  # same text once endings are translated
    record = apply_plan(shown, Context(project=str(root)))
    assert record.outcome != "applied"
    assert (root / "requirements.txt").read_bytes() == b"mcp>=1.10\n"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a\r\nb\r\n", "a\nx\nb\n", "a\r\nx\r\nb\r\n"),  # an inserted line takes the file's ending
        ("a\r\nb\nc\r\n", "a\nb\nc\nd\n", "a\r\nb\nc\r\nd\r\n"),  # mixed: untouched lines keep their own
        ("a\rb\r", "a\nB\n", "a\rB\r"),  # classic Mac endings
        ("a\nb\n", "a\nc\n", "a\nc\n"),  # LF file: unchanged
        ("a\r\nb\r\n", "a\r\nc\r\n", "a\r\nc\r\n"),  # built from the exact text: kept as is
    ],
)
def test_keep_line_endings(old: str, new: str, expected: str) -> None:
    assert keep_line_endings(old, new) == expected
