"""Language choice and the gettext catalogue: precedence, the catalogue kept in step with the code, cheap import,
and the demonstration screens (help, search, export) rendering Japanese."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App, ComposeResult
from textual.widgets import Static

from tui import i18n
from tui.cli import i18n_catalogue as catalogue
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [
        (None, {}, "en"),
        (None, {"LANG": "ja_JP.UTF-8"}, "ja"),
        (None, {"LANG": "ja"}, "ja"),
        (None, {"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
        (None, {"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins, as in POSIX
        (None, {"LANG": "ja_JP.UTF-8", "AGENTCORE_TRIAGE_LANG": "en"}, "en"),
        (None, {"LANG": "C.UTF-8", "AGENTCORE_TRIAGE_LANG": "ja"}, "ja"),
        (None, {"LANG": "ja_JP.UTF-8", "AGENTCORE_TRIAGE_LANG": "klingon"}, "ja"),  # a stray value is ignored
        ("en", {"AGENTCORE_TRIAGE_LANG": "ja", "LANG": "ja_JP.UTF-8"}, "en"),
        ("ja", {"AGENTCORE_TRIAGE_LANG": "en"}, "ja"),
        ("ja_JP.UTF-8", {}, "ja"),
    ],
)
def test_language_precedence(flag: str | None, env: dict[str, str], expected: str) -> None:
    assert i18n.resolve_language(flag, env) == expected


def test_unknown_language_flag_is_one_line() -> None:
    with pytest.raises(i18n.LanguageError, match="use one of en, ja"):
        i18n.resolve_language("fr", {})
    result = CliRunner().invoke(main, ["--lang", "fr", "match", "x"])
    assert result.exit_code == 2 and "'fr' is not one of 'ja', 'en'" in result.output


def test_gettext_and_ngettext_follow_the_language() -> None:
    assert i18n._("Close") == "Close"
    assert i18n.ngettext("{count} signature", "{count} signatures", 2) == "{count} signatures"
    i18n.set_language("ja")
    assert i18n._("Close") == "閉じる"
    assert i18n.ngettext("{count} signature", "{count} signatures", 2).format(count=2) == "シグネチャ 2 件"
    assert i18n._("a string nobody marked") == "a string nobody marked"  # falls back to the English


def test_cli_lang_flag_env_and_locale_choose_the_playbook_language() -> None:
    runner = CliRunner()
    heading = "CloudWatch Logsへの権限不足"
    result = runner.invoke(main, ["--lang", "ja", "match", heading])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "1. 実行ロールに自分のログを書き込む権限がありません  [agentcore-mcp:aws-role-logs]"
    )
    result = runner.invoke(main, ["match", heading], env={"AGENTCORE_TRIAGE_LANG": "", "LANG": "ja_JP.UTF-8"})
    assert "実行ロールに自分のログを書き込む権限がありません" in result.output
    result = runner.invoke(main, ["match", heading], env={"AGENTCORE_TRIAGE_LANG": "en", "LANG": "ja_JP.UTF-8"})
    assert result.output.startswith("1. The execution role may not write its logs  [agentcore-mcp:aws-role-logs]")


# ---------------------------------------------------------------------------- the catalogue


def _po_catalog():  # type: ignore[no-untyped-def]
    from babel.messages.pofile import read_po

    with i18n.PO_FILE.open("rb") as handle:
        return read_po(handle, locale="ja", domain=i18n.DOMAIN)


def test_shipped_mo_is_the_compiled_po() -> None:
    assert i18n.catalogue_file("ja").read_bytes() == catalogue.compile_po(i18n.PO_FILE), (
        "tui/locale/ja/LC_MESSAGES/agentcore-triage.mo is out of date: run `python -m tui.cli.i18n_catalogue update`"
    )


def test_every_marked_string_has_japanese_and_nothing_stale() -> None:
    extracted = {m.id for m in catalogue.extract() if m.id}
    catalog = _po_catalog()
    in_po = {m.id for m in catalog if m.id}
    missing = extracted - in_po
    assert not missing, (
        f"strings marked in the code but not in the .po (run `python -m tui.cli.i18n_catalogue update`): {missing}"
    )
    assert not in_po - extracted, f"strings in the .po no longer in the code: {in_po - extracted}"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy translation: {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(s.strip() for s in strings), f"no Japanese for {message.id!r}"
        for source in ids:
            for placeholder in _placeholders(source):
                assert all(placeholder in s for s in strings), f"{message.id!r}: {placeholder} lost in translation"
            assert all(_markup(s) == _markup(source) for s in strings), f"{message.id!r}: markup changed"


def _placeholders(text: str) -> set[str]:
    """What a translation must keep: ``{name}`` fields and `code` values."""
    import re

    return set(re.findall(r"\{[a-z_]+\}|`[^`]+`", text))


def _markup(text: str) -> list[int]:
    """Bold and Rich markup stay as many as in the English (the words inside them are translated)."""
    return [text.count(tag) for tag in ("**", "[b]", "[/b]", "[dim]", "[/]")]


def test_importing_i18n_loads_no_gettext_or_babel() -> None:
    code = (
        "import sys, tui.i18n as m; m._('Close'); m.ngettext('a', 'b', 2);"
        "print(','.join(n for n in ('gettext', 'babel', 'locale') if n in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_package_data_ships_the_compiled_catalogue() -> None:
    """setuptools globs package-data patterns relative to the package: the .mo must be matched by one of them."""
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["tui"]
    shipped = {path for pattern in patterns for path in (ROOT / "tui").glob(pattern)}
    assert i18n.catalogue_file("ja") in shipped
    assert i18n.catalogue_file("ja").is_file()


# ---------------------------------------------------------------------------- the demonstration screens


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("host")


def assert_no_english_chrome(app: App[None]) -> None:
    """No catalogued English string is on screen in Japanese mode (it would mean a place that forgot ``_()``)."""
    from test_app_support import screen_text

    shown = screen_text(app)
    for message in _po_catalog():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for english in ids:
            fixed = english.split("{")[0].strip()  # the part before the first placeholder
            if len(fixed) > 4 and " " in fixed:
                assert fixed not in shown, f"untranslated on screen: {fixed!r}"


def _text(app: App[None]) -> str:
    from textual.widgets import Button, Label, Markdown

    screen = app.screen
    parts = [str(w.render()) for w in screen.query(Static)]
    parts += [str(b.label) for b in screen.query(Button)]
    parts += [str(w.render()) for w in screen.query(Label)]
    parts += [m.source for m in screen.query(Markdown)]
    return "\n".join(parts)


async def test_search_screen_in_japanese_finds_the_guide_heading() -> None:
    from tui.app.search_screen import SearchScreen
    from tui.playbook.validate import resolve_playbook

    i18n.set_language("ja")
    playbook = resolve_playbook("agentcore-mcp").playbook
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = SearchScreen(playbook, "CloudWatch Logsへの権限不足")
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.matches[0] == ("aws-role-logs", 0)
        text = _text(app)
        assert "症状の検索" in text and "件が一致" in text
        assert_no_english_chrome(app)
        assert "実行ロールに自分のログを書き込む権限がありません" in str(
            screen.query_one("#search-results").get_option_at_index(0).prompt
        )
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert app.screen is not screen


async def test_help_and_export_screens_in_japanese(tmp_path: Path) -> None:
    from tui.app.export_screen import ExportScreen
    from tui.app.help_screen import HelpScreen

    i18n.set_language("ja")
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(HelpScreen(app.screen))
        await pilot.pause()
        text = _text(app)
        assert "# ヘルプ" in text and "## 使い方" in text and "ワンキーの修正" in text
        assert_no_english_chrome(app)
        await pilot.press("escape")
        await pilot.pause()
        await app.push_screen(ExportScreen(walk=None, directory=str(tmp_path)))  # type: ignore[arg-type]
        await pilot.pause()
        text = _text(app)
        for japanese in ("このセッションをサポートケース用にエクスポート", "エクスポート", "監査ログ", "閉じる"):
            assert japanese in text
        assert "Export this session" not in text
        assert_no_english_chrome(app)
