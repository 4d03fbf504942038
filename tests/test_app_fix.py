"""Pilot tests of the fix modal: y applies (FileChange) and re-verifies, n/esc cancel, destructive focus, read-only."""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_app, screen_text, wait_checks, wait_group, wait_screen
from textual.widgets import Button

from tui.app.audit_screen import AuditScreen
from tui.app.fix_modal import FixModal
from tui.app.walk_screen import WalkScreen
from tui.fixes import audit
from tui.results import Status


async def _at_config(app, pilot) -> WalkScreen:  # noqa: ANN001
    await pilot.press("1")
    await wait_checks(app, pilot)
    screen = app.screen
    assert isinstance(screen, WalkScreen) and screen.walk.current == "config"
    return screen


async def test_fix_keys_show_only_when_offered(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert "f" not in app.screen.active_bindings  # the question node offers no fix
        screen = await _at_config(app, pilot)
        shown = {k: b for k, b in screen.active_bindings.items() if b.binding.show}
        assert shown["f"].enabled and shown["f"].binding.description == "Write a good conf…"
        assert "f Write a good" in screen_text(app)  # in the footer


# Slow (justified): plan, confirm, apply, re-verify and the audit viewer: the whole fix loop in the running app.
async def test_fix_y_applies_and_check_turns_green(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _at_config(app, pilot)
        await pilot.press("f")
        modal = await wait_screen(app, pilot, FixModal)  # the fix is planned in a worker
        assert modal.focused is not None and modal.focused.id == "fix-plan"  # the plan, so the page keys scroll it
        await pilot.press("enter")  # Enter never applies a mutating fix
        await pilot.pause()
        assert app.screen is modal and not (isolated / "config.txt").exists()
        text = screen_text(app)
        assert "risk mutating" in text and "+ok" in text and "config.txt" in text
        await pilot.press("y")
        await wait_group(app, "fix", pilot)
        await wait_checks(app, pilot)
        assert (isolated / "config.txt").read_text() == "ok\n"
        assert screen.walk.results["config"]["test.file_ok"].status is Status.PASS
        assert screen.walk.decision() == ("all-good", "no condition matched; every check passed")
        records = audit.records()
        assert [r.fix for r in records] == ["test.write_file"] and records[0].outcome == "applied"
        assert records[0].node == "config"
        assert [r.id for r in screen.session.fixes] == [records[0].id]
        messages = [n.message for n in app._notifications]
        assert any("applied" in m for m in messages)
        assert any("test.file_ok: pass" in m for m in messages)  # the verification result
        assert "f" not in {k for k, b in screen.active_bindings.items() if b.enabled}  # nothing to fix any more
        # the audit log viewer shows the record
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.query_one("#audit-table").row_count == 1
        assert "test.write_file" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is screen


# Slow (justified): two fix modals in the running app (each planned in a worker).
async def test_fix_n_and_escape_change_nothing(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _at_config(app, pilot)
        for key in ("n", "escape"):
            await pilot.press("f")
            await wait_screen(app, pilot, FixModal)  # the fix is planned in a worker
            await pilot.press(key)
            await wait_group(app, "fix", pilot)
            assert app.screen is screen
        assert not (isolated / "config.txt").exists()
        assert audit.records() == []
        assert sum("Nothing was changed" in n.message for n in app._notifications) == 2


async def test_destructive_fix_focuses_cancel(isolated: Path) -> None:
    (isolated / "config.txt").write_text("broken\n")
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await _at_config(app, pilot)
        await pilot.press("d")
        modal = await wait_screen(app, pilot, FixModal)  # the fix is planned in a worker
        assert modal.focused is not None and modal.focused.id == "cancel"
        assert modal.query_one("#apply", Button).variant == "error"
        assert "risk destructive" in screen_text(app)
        await pilot.press("enter")  # enter takes the safe choice
        await wait_group(app, "fix", pilot)
        assert (isolated / "config.txt").read_text() == "broken\n"
        assert audit.records() == []


async def test_read_only_hides_fix_keys(isolated: Path) -> None:
    app = make_app(isolated, read_only=True)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _at_config(app, pilot)
        assert screen.check_action("fix", ("f",)) is False
        assert "f" not in screen.active_bindings or not screen.active_bindings["f"].enabled
        assert "Write a good" not in screen_text(app).split("step ")[-1]  # not in the footer
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is screen  # no modal
        assert not (isolated / "config.txt").exists()
        assert "read-only" in screen_text(app)
