"""Pilot tests: walking the tree, answering, running nodes, back/forward, search, export, cancel, responsiveness."""

from __future__ import annotations

import json
from pathlib import Path

from test_app_support import (
    make_app,
    paste_into_search,
    screen_text,
    wait_checks,
    wait_palette_results,
    wait_screen,
    wait_until,
)
from textual.widgets import OptionList

from tui.app.checks_table import ChecksTable
from tui.app.export_screen import ExportScreen
from tui.app.help_screen import HelpScreen
from tui.app.path_tree import PathTree
from tui.app.search_screen import SearchScreen
from tui.app.walk_screen import WalkScreen
from tui.results import Status


async def test_answer_question_runs_node_and_shows_why(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WalkScreen)
        assert screen.walk.current == "symptom"
        await pilot.press("1")
        await wait_checks(app, pilot)
        walk = screen.walk
        assert walk.current == "config"
        assert walk.results["config"]["test.file_ok"].status is Status.FAIL
        assert walk.results["config"]["test.always_pass"].status is Status.PASS
        table = screen.query_one(ChecksTable)
        assert [r.state for r in table.rows_by_key.values()] == ["done", "done"]
        text = screen_text(app)
        assert "config.txt does" in text and "all good" in text
        assert "the config file is wrong" in text  # why the next branch would be taken
        # The tree shows the path with the answer that led here and a status icon per node.
        tree = screen.query_one(PathTree)
        labels = [str(n.label) for n in tree.root.children]
        assert labels[0].endswith("What do you see?") and "✗" in labels[1]
        assert "you answered 'The config file looks wrong'" in str(tree.root.children[0].children[0].label)
        await pilot.press("n")
        await pilot.pause()
        assert walk.current == "config-broken"
        assert walk.explain()[-1].startswith("config (Config file) -> config-broken: the config file is wrong")
        assert "Go back (b) and press f" in screen_text(app)


# Slow (justified): a real Textual app walks several nodes back and forth; each app start styles ~800 widgets (~1 s CPU).
async def test_back_and_forward(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("1")
        await wait_checks(app, pilot)
        await pilot.press("n")
        walk = app.screen.walk
        assert walk.path == ["symptom", "config", "config-broken"]
        await pilot.press("b")
        assert walk.current == "config"
        assert walk.results["config"]  # results kept, not re-run
        await pilot.press("alt+left")
        assert walk.current == "symptom"
        await pilot.press("b")  # at the start: the key is dimmed in the footer and does nothing
        await pilot.pause()
        assert walk.current == "symptom"
        assert not app.screen.active_bindings["b"].enabled
        await pilot.press("n")
        assert walk.current == "config"
        await pilot.press("alt+right")
        assert walk.current == "config-broken"
        assert not walk.forward_stack


async def test_choice_by_click_and_enter(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        choices = app.screen.query_one("#choices", OptionList)
        assert choices.has_focus
        await pilot.press("down", "down", "enter")
        await wait_checks(app, pilot)
        walk = app.screen.walk
        assert walk.current == "errors"
        results = walk.results["errors"]
        assert results["test.warns"].status is Status.WARN
        assert results["test.raises"].status is Status.ERROR
        assert walk.decision() == ("auth-failed", "a probe could not decide")
        await pilot.press("b")
        await pilot.pause()
        # clicking an option answers too
        await pilot.click("#choices", offset=(5, 1))
        await wait_checks(app, pilot)
        assert walk.current == "config"


async def test_path_tree_selection_goes_back(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("1")
        await wait_checks(app, pilot)
        await pilot.press("n")
        tree = app.screen.query_one(PathTree)
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("enter")
        await pilot.pause()
        walk = app.screen.walk
        assert walk.current == "symptom"
        assert [s.target for s in walk.forward_stack] == ["config-broken", "config"]


async def test_a_path_line_cut_by_the_pane_ends_in_an_ellipsis_and_the_status_line_shows_it_whole(
    isolated: Path,
) -> None:
    from tui.app.status_line import StatusLine

    app = make_app(isolated)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await wait_checks(app, pilot)
        tree = app.screen.query_one(PathTree)
        width = tree.scrollable_content_region.width
        lines = [line.text.strip("│╭╮╰╯") for line in tree.render_lines(tree.region.reset_offset)]  # inside the border
        reason = next(line for line in lines if "↳" in line)
        assert reason.endswith("…") and len(reason) <= width, lines
        assert tree.virtual_size.width <= width  # nothing left to scroll to sideways
        tree.focus()
        tree.move_cursor(tree.root.children[0].children[0])  # the reason line under the first node
        await pilot.pause()
        whole = app.screen.walk.describe_step(0)
        assert whole.rstrip("…") not in reason and str(app.screen.query_one(StatusLine).render()) == whole


# Slow (justified): the app plus the search screen; the pasted text is matched against every node's signatures.
async def test_symptom_search_and_jump(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("slash")
        # a pasted log excerpt (several lines), as a user would paste it
        search = await paste_into_search(
            pilot, "2025-01-01 ERROR call failed\nHTTP/1.1 401 Unauthorized\nerror=invalid_token\n"
        )
        assert isinstance(search, SearchScreen)
        assert search.matches[0] == ("auth-failed", 2)
        assert "The token is rejected (401)" in screen_text(app)
        await pilot.press("tab", "enter")
        await pilot.pause()
        walk = app.screen.walk
        assert isinstance(app.screen, WalkScreen)
        assert walk.current == "auth-failed"
        assert walk.history[-1].reason == "symptom search matched the pasted text"
        # a second search jumps to the best match directly, and text that matches nothing says so
        await pilot.press("slash", *"timed out", "ctrl+j")
        await pilot.pause()
        assert walk.current == "timeouts"
        await pilot.press("slash", *"nothing")
        await pilot.pause()
        assert app.screen.matches == []
        assert "No node explains that text" in screen_text(app)
        await pilot.press("escape")
        assert walk.current == "timeouts"


async def test_export_markdown_and_json(isolated: Path) -> None:
    from tui.redact import register_secret

    secret = "sk-test-SECRET-123456"
    register_secret(secret)
    (isolated / "config.txt").write_text(secret + "\n")  # the failing check puts the content in its evidence
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("1")
        await wait_checks(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await pilot.pause()
        md = isolated / "agentcore-triage-session-test.md"
        js = isolated / "agentcore-triage-session-test.json"
        assert md.exists() and js.exists()
        text = md.read_text()
        assert "## Walk" in text and "you answered 'The config file looks wrong'" in text
        assert "`test.file_ok`" in text
        data = json.loads(js.read_text())
        assert data["playbook"] == "walk-test"
        assert data["walk"]["path"][0]["answer"] == "1"
        assert data["walk"]["current"]["node"] == "config"
        assert {f["check"] for f in data["findings"]} == {"test.file_ok", "test.always_pass"}
        assert secret not in text and secret not in js.read_text()
        assert any("exported" in n.message for n in app._notifications)
        await pilot.press("escape")
        assert isinstance(app.screen, WalkScreen)


async def test_export_to_unwritable_dir_reports(isolated: Path) -> None:
    blocker = isolated / "file"
    blocker.write_text("x")
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        inp = app.screen.query_one("#export-dir")
        inp.value = str(blocker / "sub")
        await pilot.click("#export")
        await pilot.pause()
        assert app.screen.written is None
        assert "Could not write" in screen_text(app)


def _running(table: ChecksTable) -> int:
    return sum(r.state == "running" for r in table.rows_by_key.values())


async def test_escape_cancels_running_node(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("2")
        screen = app.screen
        table = screen.query_one(ChecksTable)
        await wait_until(pilot, lambda: _running(table) == 10, "ten running rows")
        assert screen.running_node == "slow"
        assert "escape" in screen.active_bindings  # cancel is offered while running
        await pilot.press("escape")
        await wait_checks(app, pilot)
        assert screen.running_node is None
        assert "slow" not in screen.walk.results
        assert {r.state for r in table.rows_by_key.values()} == {"cancelled"}
        assert any("Cancelled 10 running checks" in n.message for n in app._notifications)
        assert "escape" not in {k for k, b in screen.active_bindings.items() if b.enabled and b.binding.show}
        # r runs them again
        await pilot.press("r")
        await wait_until(pilot, lambda: _running(table) == 10, "ten running rows again")
        assert screen.running_node == "slow"
        await pilot.press("escape")
        await wait_checks(app, pilot)


async def test_keys_handled_while_ten_slow_checks_run(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("2")
        screen = app.screen
        table = screen.query_one(ChecksTable)
        await wait_until(pilot, lambda: _running(table) == 10, "ten running rows")
        before = table.cursor_row
        await pilot.press("down", "down")
        assert table.cursor_row == before + 2
        assert "slow-2" in str(screen.query_one("#detail").source)  # details follow the cursor, mid-run
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        assert screen.running_node == "slow"  # still running: nothing waited for the checks
        assert sum(r.state == "running" for r in table.rows_by_key.values()) == 10
        await pilot.press("escape")
        await wait_checks(app, pilot)
        assert screen.running_node is None


# Slow (justified): the help screen is built from the live bindings, so it needs the running app.
async def test_help_lists_current_keys(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("1")
        await wait_checks(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Write a good config.txt" in text and "Go back one step" in text
        await pilot.press("escape")  # q quits, as on every screen (issue 11 §5)
        assert isinstance(app.screen, WalkScreen)


# Slow (justified): two command-palette searches over every node and fix (waited on, not slept on).
async def test_command_palette_jump_and_run(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"rejected")
        await wait_palette_results(app, pilot)
        await pilot.press("enter")
        await wait_screen(app, pilot, WalkScreen)
        walk = app.screen.walk
        await wait_until(pilot, lambda: walk.current != "symptom", "the palette's jump")  # run after the palette closes
        assert walk.current == "auth-failed"
        assert walk.history[-1].reason == "jumped there from the command palette"
        await pilot.press("b", "1")
        await wait_checks(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"fix: write")
        await wait_palette_results(app, pilot)
        await pilot.press("enter")
        from tui.app.fix_modal import FixModal

        await wait_screen(app, pilot, FixModal)  # the fix is planned in a worker
        await pilot.press("n")
