"""Japanese chrome beyond the walk: the Fleet screen, Textual's Keys panel and the command palette show no English
word except verbatim values (runtime names, regions, check ids, key names); the Fleet screen's Japanese snapshots at
80×24 and 120×40 (CJK is double width: nothing may overlap or be cut).

The assertion is word-based, not a list of known strings: any run of three or more Latin letters left on screen
once the allowed values are taken out fails it, so a new untranslated label fails too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console
from test_app_support import open_logs_screen, screen_text, wait_group, wait_palette_results, wait_until
from test_i18n_snapshots import SIZES, make_japanese_test_app
from test_snapshots import _settle, snap_env  # noqa: F401 - the fixture is used by name
from textual.command import CommandPalette
from textual.widgets import DataTable, KeyPanel, OptionList

from tui import i18n
from tui.app.fleet_screen import FleetScreen
from tui.app.language import switch_language
from tui.context import Context
from tui.engine.fleet import FleetTarget
from tui.registry import CheckParams, CheckSpec, Registry
from tui.results import CheckResult, Severity, failed, passed, warned

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
KEY_NAMES = ("esc", "enter", "tab", "shift", "ctrl", "space", "home", "end", "pgup", "pgdn", "delete", "backspace")
"""Key names as Textual displays them (they are the keys' names, not prose)."""

FLEET_PLAYBOOK = """
id: fleet-ja
title: Fleet
start: look
nodes:
  look:
    kind: check
    title: Look
    checks: [{check: runtime.discover, params: {runtime: "{runtime}"}}]
    default: end
  end: {kind: diagnosis, title: End}
"""
RUNTIMES = ("orders-mcp", "billing-mcp", "search-mcp")
REGION = "ap-northeast-1"


@pytest.fixture
def japanese() -> Iterator[None]:
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Runs of Latin letters left in ``text`` once the allowed verbatim values (longest first) are taken out."""
    for value in sorted({*allowed, *KEY_NAMES}, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return ENGLISH_WORD.findall(text)


def test_english_words_finds_english_and_spares_the_allowed_values() -> None:
    assert english_words("状態 Sort by status orders-mcp esc 閉じる", ["orders-mcp"]) == ["Sort", "status"]
    assert (
        english_words(
            "ランタイム orders-mcp (ap-northeast-1) runtime.discover ^p esc", [*RUNTIMES, REGION, "runtime.discover"]
        )
        == []
    )


class RuntimeParams(CheckParams):
    runtime: str = ""


def look(ctx: Any, params: RuntimeParams) -> CheckResult:
    """Stands in for ``runtime.discover`` (the playbook validates against the shipped checks): one runtime of each
    status, billing fails, search warns, orders passes."""
    if params.runtime == "billing-mcp":
        return failed("broken")
    if params.runtime == "search-mcp":
        return warned("slow")
    return passed("fine")


def fleet_screen(playbook: Path) -> FleetScreen:
    playbook.write_text(FLEET_PLAYBOOK, encoding="utf-8")
    registry = Registry()
    registry.add_check(CheckSpec("runtime.discover", "Look", Severity.MEDIUM, RuntimeParams, look))
    targets = [FleetTarget(name, REGION) for name in RUNTIMES]
    return FleetScreen(Context(region=REGION), str(playbook), targets=targets, registry=registry, jobs=3)


def key_panel_text(app: Any) -> str:
    """What the Keys panel's bindings table shows, as plain text."""
    table = app.screen.query_one(KeyPanel).query_one("Static").render()
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    console.print(table)
    return console.export_text()


def key_displays(app: Any) -> set[str]:
    return {app.get_key_display(active.binding) for active in app.screen.active_bindings.values()}


async def test_fleet_screen_keys_panel_and_palette_show_no_english(
    snap_env: str,  # noqa: F811
    japanese: None,
    tmp_path: Path,
) -> None:
    app = make_japanese_test_app(snap_env)
    allowed = [*RUNTIMES, REGION, "runtime.discover", "agentcore-triage"]  # the title: the screenshot's window
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        screen = fleet_screen(tmp_path / "fleet.yaml")
        app.push_screen(screen)
        await pilot.pause()
        await wait_group(app, "fleet", pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 3, screen_text(app)
        # The failing check id arrives after the row was listed: the table widens that column when idle (a loaded
        # machine took the screenshot before that, with the id cut to "runtime.disc").
        await wait_until(
            pilot, lambda: table.columns["failing"].content_width >= len("runtime.discover"), "the failing column"
        )
        text = screen_text(app)
        assert "状態" in text and "失敗" in text and "3 件のランタイムを" in text and "（終了コード 1）" in text
        assert english_words(text, allowed) == [], text
        # Every runtime went through 実行中 (6 cells), wider than 完了 and the heading 進行 (4): once the sweep has
        # ended, the column is as wide as what it shows, whatever the sweep showed on the way (the snapshot of
        # this screen differed by that width from run to run).
        await wait_until(pilot, lambda: "進行  チェック" in screen_text(app), "the state column drawn refitted")
        assert {str(table.get_cell(row, "state")) for row in table.rows} == {"完了"}

        await pilot.press("slash")  # the filter box and its placeholder
        filter_box = screen.query_one("#fleet-filter")
        await wait_until(pilot, lambda: app.focused is filter_box, "the filter box shown")  # else it reads nothing
        text = screen_text(app)
        assert "絞り込み: ランタイム" in text and english_words(text, allowed) == [], text
        await pilot.press(*"失敗")  # the status word as shown filters too
        await pilot.pause()
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == ["billing-mcp"]
        await pilot.press("escape")
        await pilot.pause()

        # the palette: Textual's system commands and ours, and its prompt
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.pause()
        commands = palette.query_one(OptionList)
        shown = " ".join(str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count))
        assert "キー" in shown and "テーマ" in shown
        verbatim = ["SVG", "doctor --all-runtimes", "English", "Switch language"]  # a format, a command, and the
        # language switch, which stays findable in English
        assert english_words(shown + " " + screen_text(app), [*allowed, *verbatim]) == [], shown + screen_text(app)
        await pilot.press("escape")
        await pilot.pause()

        # a language switch re-renders the fleet in place (headings, status words, status line)
        switch_language(app, "en")
        await pilot.pause()
        text = screen_text(app)
        assert "STATUS" in text and "fail" in text and "3 runtimes checked" in text and "状態" not in text
        switch_language(app, "ja")
        await pilot.pause()
        assert english_words(screen_text(app), allowed) == []
        await pilot.press("ctrl+p")
        await pilot.pause()

        # the Keys panel, opened from the palette the way a user does
        await pilot.press(*"キー")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        keys = key_panel_text(app)
        assert "閉じる" in keys and "カーソルを上へ" in keys  # ours and the DataTable's
        assert english_words(keys, [*key_displays(app), "agentcore-triage"]) == [], keys


async def test_keys_panel_on_the_walk_screen_shows_no_english(snap_env: str, japanese: None) -> None:  # noqa: F811
    """At a check node with fixes on offer: the walk's own keys, the playbook's fix keys and Textual's."""
    app = make_japanese_test_app(snap_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await _settle(pilot)
        app.action_show_help_panel()
        await pilot.pause()
        await pilot.pause()
        keys = key_panel_text(app)
        assert "修正" in keys, keys
        fix_ids = [ref.fix for node in app.screen.walk.playbook.nodes.values() for ref in getattr(node, "fixes", [])]
        names = ["agentcore-triage", "config.txt", "CloudWatch", "zip", "Markdown", "JSON"]  # a product, file, formats…
        assert english_words(keys, [*key_displays(app), *fix_ids, *names]) == [], keys

        # the palette there: our walk commands (run, fix, jump, export…) beside Textual's
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.pause()
        commands = app.screen.query_one(OptionList)
        shown = " ".join(str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count))
        walk = app.screen_stack[-2].walk
        checks = [i.key for node in walk.playbook.nodes.values() for i in getattr(node, "checks", [])]
        verbatim = ["SVG", "doctor --all-runtimes", "English", "Switch language", "agentcore-triage open"]
        test_titles = [spec.title for spec in walk.registry.checks.values()]  # the test registry's, not catalogued
        ids = [*walk.playbook.nodes, *fix_ids, *checks, *test_titles]
        assert english_words(shown, [*ids, *names, *verbatim]) == [], shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_fleet_ja(
    snap_compare,  # noqa: ANN001
    snap_env: str,  # noqa: F811
    japanese: None,
    size: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fleet after its sweep: Japanese headings, status words and status line beside verbatim runtime names."""
    monkeypatch.setattr("tui.engine.fleet.time", SimpleNamespace(perf_counter=lambda: 0.0))  # "0.0 秒", always

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _settle(pilot)
        screen = fleet_screen(tmp_path / "fleet.yaml")
        pilot.app.push_screen(screen)
        await pilot.pause()
        await wait_group(pilot.app, "fleet", pilot)
        table = screen.query_one(DataTable)
        # the failing check id arrives after its row was listed; the column widens when the table is idle
        await wait_until(
            pilot, lambda: table.columns["failing"].content_width >= len("runtime.discover"), "the failing column"
        )
        try:
            await wait_until(pilot, lambda: "runtime.discover" in screen_text(pilot.app), "the id drawn whole")
        except AssertionError as exc:  # once seen under load (load average 10 on 2 cores): say what was drawn
            widths = {str(key): column.width for key, column in table.columns.items()}
            members = [(m.target.label, m.state, m.failing, m.problem) for m in screen.members]
            raise AssertionError(f"{exc}\n{screen_text(pilot.app)}\ncolumns: {widths}\nmembers: {members}") from None
        # the columns refitted to what they show once the sweep ended (実行中 was wider than 完了 on the way)
        await wait_until(pilot, lambda: "進行  チェック" in screen_text(pilot.app), "the state column refitted")
        await _settle(pilot)

    assert snap_compare(make_japanese_test_app(snap_env), terminal_size=size, run_before=run_before)


# Slow (justified): the running app against the sandbox's moto seeded with log events (the real reader).
async def test_logs_screen_shows_no_english_chrome(
    seeded_aws, aws_sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, japanese: None
) -> None:  # type: ignore[no-untyped-def]
    from tui.app.main import TriageApp
    from tui.context import build_context
    from tui.sandbox.logs_seed import seed_logs

    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    info = seeded_aws({"logs-permission-missing"})
    seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    app = TriageApp(build_context(runtime=info.runtime_arn, timeout=20), "agentcore-mcp", show_start=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs_screen(app, pilot)
        assert screen.shown, "no log group read"
        await pilot.press("t")  # the live tail's status line
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("t")
        # values shown verbatim: the log lines (samples), node ids, log group names, timestamps, session ids
        verbatim = [info.runtime_log_group, info.otel_log_group, "agentcore-triage"]
        for group in screen.shown:
            verbatim += [group.node or "", group.title, *group.sessions]  # a Japanese title quotes its error text
            verbatim += [str((event.message if event else "") or "") for event in (group.first_event, group.last_event)]
        verbatim_words = set(ENGLISH_WORD.findall(" ".join(verbatim)))
        headings = " ".join(
            str(column.label) for column in screen.query_one("#logs-groups", DataTable).columns.values()
        )
        assert english_words(headings) == [], headings
        assert "ライブ: " in text and "閉じる" in text, text
        leftover = [  # a sample is cut at its column's width: a word's start is verbatim too
            w for w in english_words(text, verbatim) if not any(v.startswith(w) for v in verbatim_words)
        ]
        assert leftover == [], leftover


async def test_the_japanese_palette_finds_commands_by_their_english_words_and_shows_them_in_japanese(
    snap_env: str,  # noqa: F811
    japanese: None,
) -> None:
    """Commands, keys, the CLI and the docs say "fleet", "export", "theme": typed on a Japanese screen, they found
    nothing of the kind (an unrelated node for "fleet"). The hits are shown in Japanese all the same."""
    app = make_japanese_test_app(snap_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await _settle(pilot)
        for typed, found in (("fleet", "フリート"), ("export", "エクスポート"), ("theme", "テーマ")):
            await pilot.press("ctrl+p", *typed)
            await wait_palette_results(app, pilot)
            first = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
            assert found in first and typed not in first.lower(), (typed, first)
            await pilot.press("escape")
            await pilot.pause()
