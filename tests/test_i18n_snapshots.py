"""Japanese snapshots of the screens whose chrome is translated (help, search, export), at 80×24 and 120×40.

CJK characters are double width: these pin that nothing overlaps or is cut mid-character. The walk screen under
the modals is still partly English until its chrome is translated (then regenerate with --snapshot-update).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_app_support import make_context
from test_snapshots import _settle, snap_env  # noqa: F401 - the fixture is used by name
from textual import events
from textual.widgets import TextArea

from tui import i18n

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def japanese() -> Iterator[None]:
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


def make_japanese_app(project: str):  # noqa: ANN201
    from tui.app.main import TriageApp
    from tui.playbook.validate import resolve_playbook

    return TriageApp(
        make_context(project),
        resolve_playbook("agentcore-mcp"),
        show_start=False,
        export_dir=project,
        export_stamp="test",
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _settle(pilot)
        await pilot.press("question_mark")
        await _settle(pilot)

    assert snap_compare(make_japanese_app(snap_env), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        pilot.app.screen.query_one(TextArea).post_message(events.Paste("CloudWatch Logsへの権限不足"))
        await _settle(pilot)

    assert snap_compare(make_japanese_app(snap_env), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)

    assert snap_compare(make_japanese_app(snap_env), terminal_size=size, run_before=run_before)
