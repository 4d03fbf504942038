"""`agentcore-triage undo` shows the undo plan's notes under its preview, as `doctor --fix` shows a fix plan's (both
through ``tui.engine.doctor.with_notes``). Before, undo printed the preview alone, so a note on an undo plan never
reached the CLI user. No undo plan writes notes today (``UndoPlan.notes`` is only ever empty), so the test adds one to
the real plan of a real fix applied to files in tmp_path; the undo then runs for real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.context import Context
from tui.engine.doctor import with_notes
from tui.engine.fixing import apply_plan, plan_fix
from tui.fixes import undo

NOTE = "run `uv lock` after this change"


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("AGENTCORE_TRIAGE_SANDBOX_ID", raising=False)


def test_undo_shows_the_plans_notes_under_the_preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("mcp\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    assert "aws-opentelemetry-distro" in (project / "requirements.txt").read_text()

    real_plan = undo.undo_plan
    previews: list[str] = []

    def noted(rec: Any, context: Any) -> undo.UndoPlan:
        plan = real_plan(rec, context)
        plan.notes = [NOTE, "bell \x07 here"]
        previews.append(plan.preview())
        return plan

    monkeypatch.setattr(undo, "undo_plan", noted)
    env = {"AGENTCORE_TRIAGE_RUNTIME": "", "AGENTCORE_TRIAGE_ENDPOINT": "", "AWS_PROFILE": "", "AWS_REGION": ""}
    result = CliRunner().invoke(main, ["undo", record.id, "--yes", "--project", str(project)], env=env)
    assert result.exit_code == 0, result.output
    assert f"undone: {record.id}" in result.stdout
    preview = previews[0]
    assert preview and NOTE not in preview  # the notes are not part of the preview: undo has to add them
    # under the payloads, after a blank line, one `  # ` line each; a control character is never printed raw
    assert f"{preview}\n\n  # {NOTE}\n  # bell \ufffd here\n" in result.stderr
    assert "\x07" not in result.stderr
    assert (project / "requirements.txt").read_text() == "mcp\n"  # the undo itself still ran


def test_with_notes_is_the_preview_alone_without_notes() -> None:
    assert with_notes("--- a\n+++ b", []) == "--- a\n+++ b"
    assert with_notes("diff", ["one", "two"]) == "diff\n\n  # one\n  # two"
