"""Switching the language while the TUI runs: from the command palette, on the walk, without losing it.

The walk keeps its node, answers, results and history; the node, the path (reasons included) and the footer are
rendered again in the new language, and the switch goes both ways.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from test_app_support import (
    TEST_PLAYBOOK,
    isolated,  # noqa: F401
    make_context,
    make_registry,
    screen_text,
    wait_checks,
    wait_palette_results,
    wait_until,
)
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tui import i18n
from tui.app.footer import LocalizedFooter
from tui.app.path_tree import PathTree
from tui.i18n import N_

OVERLAY = """\
playbook: walk-test
language: ja
title: TUI テスト用のウォーク
nodes:
  symptom:
    title: 何が見えていますか？
    body: 近い症状を選ぶか、`/` を押してエラーを貼り付けてください。
    choices:
      "1": 設定ファイルがおかしい
      "2": すべてが遅い
      "3": クライアントにエラーが返る
  config:
    title: 設定ファイル
    body: プロジェクトの `config.txt` には `ok` と書かれている必要があります。
    because:
      the config file is wrong: 設定ファイルが間違っています
    fixes:
      f: 正しい config.txt を書く
      d: config.txt を削除する
"""


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


def make_translated_app(project: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tui.app.main import TriageApp
    from tui.playbook.loader import load_playbook

    playbook = tmp_path / "walk-test.yaml"
    shutil.copy(TEST_PLAYBOOK, playbook)
    (tmp_path / "walk-test.ja.yaml").write_text(OVERLAY, encoding="utf-8")
    return TriageApp(
        make_context(project),
        load_playbook(playbook),
        registry=make_registry(),
        show_start=False,
        export_dir=str(project),
        export_stamp="test",
    )


def node_title(app: App[None]) -> str:
    return str(app.screen.query_one("#node-title", Static).render())


async def palette_switch(pilot, query: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await wait_palette_results(pilot.app, pilot)
    await pilot.press("enter")
    await pilot.pause()


async def test_palette_switch_keeps_the_walk_and_renders_it_again(isolated: Path, tmp_path: Path) -> None:  # noqa: F811
    app = make_translated_app(isolated, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press("1")
        await wait_checks(app, pilot)
        walk = app.screen.walk
        results = walk.results["config"]
        assert walk.current == "config" and "Config file" in screen_text(app)

        await palette_switch(pilot, "language")
        assert i18n.current_language() == "ja"
        assert app.screen.walk is walk and walk.current == "config" and walk.results["config"] is results
        assert walk.path == ["symptom", "config"] and walk.answers == {"symptom": "1"}
        text = screen_text(app)
        assert "正しい config.txt を書く" in text and "Write a good config.txt" not in text
        assert "設定ファイル" in node_title(app) and "Config file" not in node_title(app)
        tree = app.screen.query_one(PathTree)
        assert "何が見えていますか？" in str(tree.root.children[0].label)
        assert "設定ファイルがおかしい" in str(tree.root.children[0].children[0].label)  # the reason, re-stated
        assert tree.border_title == "たどった経路"
        assert "設定ファイルが間違っています" in str(tree.root.children[1].children[0].label)  # where it leads

        await palette_switch(pilot, "言語")
        assert i18n.current_language() == "en"
        assert walk.current == "config" and walk.results["config"] is results
        assert "Config file" in node_title(app) and "設定ファイル" not in screen_text(app)
        assert "The config file looks wrong" in str(tree.root.children[0].children[0].label)
        assert tree.border_title == "Path"


async def test_switch_is_offered_on_every_screen_and_names_both_languages(isolated: Path) -> None:  # noqa: F811
    from textual.command import CommandPalette

    from tui.app.commands import WalkCommands
    from tui.app.language import SWITCH_TITLE, switch_label

    assert "言語" in SWITCH_TITLE and "language" in SWITCH_TITLE
    assert switch_label() == "now English; switch to 日本語"
    i18n.set_language("ja")
    assert switch_label() == "現在は 日本語。English に切り替えます"
    i18n.set_language("en")

    class Plain(App[None]):
        COMMANDS = App.COMMANDS | {WalkCommands}

        def compose(self) -> ComposeResult:
            yield Static("plain")

    app = Plain()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"switch lang")
        await wait_palette_results(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert i18n.current_language() == "ja"


class FooterHost(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "noop", N_("Export"), tooltip=N_("Write the session as Markdown and JSON"))
    ]

    def compose(self) -> ComposeResult:
        yield Static("host")
        yield LocalizedFooter()

    def action_noop(self) -> None:
        pass


async def test_footer_follows_the_language() -> None:
    app = FooterHost()
    async with app.run_test(size=(80, 10)) as pilot:
        await wait_until(pilot, lambda: "Export" in screen_text(app), "the English footer drawn")
        from tui.app.language import switch_language

        switch_language(app, "ja")
        await wait_until(
            pilot, lambda: "エクスポート" in (text := screen_text(app)) and "パレット" in text, "the footer in Japanese"
        )
        text = screen_text(app)
        assert "Export" not in text and "palette" not in text
