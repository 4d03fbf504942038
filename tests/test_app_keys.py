"""Keys that do what they say (issue 11 §5): q / ctrl+q quit from every screen and every footer shows it, esc goes
back like b when nothing runs, T returns to the start screen to change the target without restarting."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_support import make_app, wait_checks, wait_screen, wait_start_form
from textual.widgets import Input

from tui.app.audit_screen import AuditScreen
from tui.app.help_screen import HelpScreen
from tui.app.start_screen import StartScreen
from tui.app.walk_screen import WalkScreen


def shown_quit_keys(screen) -> set[str]:  # noqa: ANN001
    """Keys the footer shows for quitting."""
    return {
        key
        for key, active in screen.active_bindings.items()
        if active.binding.show and active.binding.action in ("quit", "app.quit")
    }


async def test_esc_goes_back_like_b_when_nothing_runs(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("1")
        await wait_checks(app, pilot)
        walk = app.screen.walk
        assert walk.current == "config"
        await pilot.press("escape")
        await pilot.pause()
        assert walk.current == "symptom"
        await pilot.press("escape")  # at the start: nothing happens, nothing breaks
        await pilot.pause()
        assert walk.current == "symptom" and isinstance(app.screen, WalkScreen)


async def test_esc_still_cancels_running_checks(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert screen.running_node == "slow"
        await pilot.press("escape")
        await wait_checks(app, pilot)
        assert screen.running_node is None and screen.walk.current == "slow"  # cancelled, not moved back


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_footer_shows_a_quit_key(isolated: Path, size: tuple[int, int]) -> None:
    app = make_app(isolated, show_start=True)
    async with app.run_test(size=size) as pilot:
        await wait_start_form(app, pilot)
        assert isinstance(app.screen, StartScreen)
        assert shown_quit_keys(app.screen) == {"ctrl+q"}  # q types into the form
        await pilot.press("enter")
        await wait_screen(app, pilot, WalkScreen)
        assert "q" in shown_quit_keys(app.screen)
        app.screen.action_audit()
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert "q" in shown_quit_keys(app.screen)


@pytest.mark.parametrize("opener", ["audit", "help"])
async def test_q_quits_from_the_audit_and_help_screens(isolated: Path, opener: str) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        if opener == "audit":
            app.screen.action_audit()
        else:
            app.action_help()
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen if opener == "audit" else HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0  # the app exited (it used to close the screen only)


async def test_ctrl_q_quits_from_the_start_form_while_a_field_has_focus(isolated: Path) -> None:
    app = make_app(isolated, show_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_start_form(app, pilot)
        assert isinstance(app.focused, Input)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code is None  # typed, not quit
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0


async def test_T_changes_the_target_without_restarting(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("1")
        await wait_checks(app, pilot)
        first = app.screen
        assert isinstance(first, WalkScreen) and first.walk.current == "config"
        await pilot.press("T")
        start = await wait_start_form(app, pilot)
        assert isinstance(start, StartScreen)
        assert start.query_one("#field-runtime", Input).value == "test-runtime"  # prefilled with the walk's target
        await pilot.press("escape")  # back to the same walk, unchanged
        await pilot.pause()
        assert app.screen is first and first.walk.current == "config"
        await pilot.press("T")
        start = await wait_start_form(app, pilot)
        assert isinstance(start, StartScreen)
        start.query_one("#field-runtime", Input).value = "other-runtime"
        start.query_one("#field-runtime", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, WalkScreen) and second is not first
        assert second.walk.context.runtime == "other-runtime" and second.walk.current == "symptom"
        assert first not in app.screen_stack  # the old walk is dropped, not left underneath
        assert len(app.screen_stack) == 2


async def test_T_asks_again_when_fixes_were_applied(isolated: Path) -> None:
    from tui.fixes.audit import AuditRecord

    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        walk_screen = app.screen
        walk_screen.session.fixes.append(AuditRecord(fix="test.fix", outcome="applied"))
        await pilot.press("T")
        await pilot.pause()
        assert app.screen is walk_screen
        assert any("Press T again" in n.message for n in app._notifications)
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_the_palette_screenshot_is_saved_where_exports_go(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual saves it to ~/Downloads by default, which a server or a container often lacks ("Failed to save
    screenshot"): it goes to the export directory (here the project directory) instead."""
    from test_app_support import wait_palette_results, wait_until

    monkeypatch.setenv("HOME", str(isolated.parent / "home-without-downloads"))
    app = make_app(isolated)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"screenshot")
        await wait_palette_results(app, pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: list(isolated.glob("*.svg")), "the screenshot in the export directory")
        await wait_until(pilot, lambda: any("Saved screenshot" in n.message for n in app._notifications), "saved")
        assert "<svg" in next(isolated.glob("*.svg")).read_text(encoding="utf-8")
