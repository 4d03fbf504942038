"""Undo from the audit viewer: preview of the reversing actions, y applies, the record is marked, files restored."""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_app, screen_text, wait_group, wait_until

from tui.app.audit_screen import AuditScreen
from tui.app.fix_modal import FixModal
from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix
from tui.fixes import audit


def _apply_real_fix(project: Path) -> str:
    (project / "requirements.txt").write_text("mcp>=2.3,<3\n")
    ctx = Context(project=str(project))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    assert record.outcome == "applied"
    return record.id


async def test_u_previews_the_undo_and_y_reverses_the_fix(isolated: Path) -> None:
    record_id = _apply_real_fix(isolated)
    assert "aws-opentelemetry-distro" in (isolated / "requirements.txt").read_text()
    app = make_app(isolated)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        # the header wraps where the temporary path's length puts it: compare with line breaks as spaces
        assert "(1 record)" in " ".join(screen_text(app).split())  # was "(1 records)"
        assert app.screen.active_bindings["u"].enabled
        await pilot.press("u")
        await wait_group(app, "undo", pilot)  # the undo is planned (target, definition, drift) in a thread
        assert isinstance(app.screen, FixModal)
        text = screen_text(app)
        assert "Undo: Add aws-opentelemetry-distro" in text and "-aws-opentelemetry-distro>=0.10.0" in text
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        await wait_group(app, "undo", pilot)
        assert (isolated / "requirements.txt").read_text() == "mcp>=2.3,<3\n"
        records = audit.records()
        assert [r.outcome for r in records] == ["applied", "undone"] and records[1].undoes == record_id
        await wait_until(
            pilot, lambda: "(2 records)" in " ".join(screen_text(app).split()), "the header counting both records"
        )
        # the undone record cannot be undone twice
        table = app.screen.query_one("#audit-table")
        table.move_cursor(row=1)  # newest first: row 1 is the applied record
        await pilot.pause()
        assert not app.screen.active_bindings["u"].enabled


async def test_n_leaves_everything_and_read_only_hides_undo(isolated: Path) -> None:
    _apply_real_fix(isolated)
    before = (isolated / "requirements.txt").read_text()
    app = make_app(isolated)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("a", "u")
        await wait_group(app, "undo", pilot)
        assert isinstance(app.screen, FixModal)
        await pilot.press("n")
        await pilot.pause()
        assert (isolated / "requirements.txt").read_text() == before
        assert [r.outcome for r in audit.records()] == ["applied"]
    app = make_app(isolated, read_only=True)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert "u" not in app.screen.active_bindings or not app.screen.active_bindings["u"].enabled


async def test_records_of_other_targets_are_greyed_and_not_undoable(isolated: Path, monkeypatch) -> None:  # noqa: ANN001
    """Seen: records of dead sandboxes listed beside real ones with nothing telling them apart."""
    _apply_real_fix(isolated)
    monkeypatch.setenv("AGENTCORE_TRIAGE_SANDBOX_ID", "deadbeef")
    sandbox_record_id = _apply_real_fix_again(isolated)
    monkeypatch.delenv("AGENTCORE_TRIAGE_SANDBOX_ID")
    app = make_app(isolated)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        await wait_group(app, "audit-targets", pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        text = screen_text(app)
        assert "target" in text and "sandbox deadbeef" in text
        assert screen.records[0].id == sandbox_record_id  # newest first
        table = screen.query_one("#audit-table")
        assert all(cell.style == "dim" for cell in table.get_row_at(0))
        assert not screen.active_bindings["u"].enabled
        table.move_cursor(row=1)
        await pilot.pause()
        assert screen.active_bindings["u"].enabled


def _apply_real_fix_again(project: Path) -> str:
    ctx = Context(project=str(project))
    (project / "requirements.txt").write_text("mcp>=2.3,<3\n")
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(project)}, ctx, {}), ctx)
    assert record.outcome == "applied"
    return record.id
