"""The issue's acceptance walk in Japanese: the demo sandbox's seed-guide scenario from the first question to the
execution-role fix and its verification, against moto and the real servers, with no English playbook text and no
catalogued English chrome on any screen on the way (values such as ARNs, actions and check ids stay verbatim)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_app_support import screen_text, wait_checks, wait_group, wait_screen, wait_until

from tui import i18n
from tui.app.fix_modal import FixModal
from tui.app.main import TriageApp
from tui.app.walk_screen import WalkScreen
from tui.playbook.translations import english_texts
from tui.results import Status

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def japanese() -> Iterator[None]:
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


def catalogued_english() -> list[str]:
    """Every English chrome string's fixed text (up to its first placeholder or markup), long enough to be telling."""
    from babel.messages.pofile import read_po

    with i18n.PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="ja", domain=i18n.DOMAIN)
    out = set()
    for message in catalog:
        for english in message.id if isinstance(message.id, tuple) else (message.id,):
            if not english:
                continue
            for part in re.split(r"\{[a-z_]+\}|\[[^\]]*\]|\*\*|`[^`]*`", english):
                part = part.strip(" :;,.()")
                if len(part) >= 8 and " " in part:
                    out.add(part)
    return sorted(out)


def english_playbook_texts(node_ids: list[str]) -> list[str]:
    """The start of every English text of these nodes whose Japanese differs (titles, body lines, choices)."""
    from tui.playbook.loader import load_playbook
    from tui.playbook.validate import resolve_playbook

    english = load_playbook(resolve_playbook("agentcore-mcp").file).playbook
    out = []
    for node_id in node_ids:
        for _path, text in english_texts(english, node_id):
            first = text.strip().splitlines()[0].strip()
            words = [w for w in re.split(r"`[^`]*`", first) if len(w.strip()) >= 12]
            out += [w.strip()[:30] for w in words]
    return out


def assert_japanese(app: TriageApp, node_ids: list[str]) -> None:
    shown = " ".join(screen_text(app).split())
    for english in catalogued_english():
        assert english not in shown, f"English chrome on screen: {english!r}"
    for english in english_playbook_texts(node_ids):
        assert english not in shown, f"English playbook text on screen: {english!r}"


async def test_seed_guide_walk_to_a_fix_in_japanese(sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from tui.context import build_context

    sandbox("seed-guide")
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    app = TriageApp(build_context(timeout=20), "agentcore-mcp", show_start=True, export_dir=str(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one_optional("#start") is not None, "the start form")
        text = screen_text(app)
        assert "ウォークを開始" in text and "サンドボックス" in text
        assert_japanese(app, [])
        await pilot.click("#start")
        await wait_screen(app, pilot, WalkScreen)
        screen = app.screen
        assert isinstance(screen, WalkScreen)
        walk = screen.walk
        assert "どのような症状が出ていますか？" in screen_text(app)
        assert_japanese(app, ["symptom"])
        await pilot.press("2")
        await wait_checks(app, pilot)
        assert walk.current == "aws-start"
        assert_japanese(app, walk.path)
        for expected in ("aws-runtime", "aws-role"):
            await pilot.press("n")
            await wait_checks(app, pilot)
            assert walk.current == expected, walk.explain()
            assert_japanese(app, walk.path)
        assert walk.results["aws-role"]["iam.role.logs"].status is Status.FAIL
        assert "実行ロールに自分のログを書き込む権限がありません" in screen_text(app)  # where n leads
        await pilot.press("l")
        await wait_screen(app, pilot, FixModal)  # planning reads IAM in a thread
        modal = app.screen
        assert isinstance(modal, FixModal)
        text = screen_text(app)
        assert "修正を適用" in text and "agentcore-triage-logs" in text and "put_role_policy" in text
        assert_japanese(app, walk.path)
        for _page in range(50):
            if modal.seen_all:
                break
            await pilot.press("pagedown")
        await pilot.press("y")
        await wait_group(app, "fix", pilot)
        await wait_checks(app, pilot)
        assert walk.results["aws-role"]["iam.role.logs"].status is Status.PASS
        assert "適用した修正 1 件" in screen_text(app)
        assert_japanese(app, walk.path)
