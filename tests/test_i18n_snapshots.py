"""Japanese snapshots of every screen (start, question, checks, diagnosis, fix dialog, search, help, export, audit),
at 80×24 and 120×40; the English ones are in test_snapshots.py.

CJK characters are double width: these pin that nothing overlaps or is cut mid-character.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_app_support import make_context, paste_into_search
from test_snapshots import _settle, settle_fix_modal, snap_env  # noqa: F401 - the fixture is used by name

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
        await paste_into_search(pilot, "CloudWatch Logsへの権限不足")
        await _settle(pilot)

    assert snap_compare(make_japanese_app(snap_env), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)

    assert snap_compare(make_japanese_app(snap_env), terminal_size=size, run_before=run_before)


def make_japanese_test_app(project: str, **kwargs: object):  # type: ignore[no-untyped-def]
    """The TUI test playbook (tests/playbooks/walk-test.ja.yaml overlays it) with the test checks and fixes."""
    from test_app_support import TEST_PLAYBOOK, make_registry

    from tui.app.main import TriageApp
    from tui.playbook.loader import load_playbook
    from tui.playbook.translations import localize

    show_start = bool(kwargs.pop("show_start", False))
    return TriageApp(
        make_context(project, **kwargs),
        localize(load_playbook(TEST_PLAYBOOK), "ja"),
        registry=make_registry(),
        show_start=show_start,
        export_dir=project,
        export_stamp="test",
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    app = make_japanese_test_app(
        snap_env, show_start=True, sandbox=True, sources={"runtime": "flag", "region": "env AWS_REGION"}
    )
    assert snap_compare(app, terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_walk_question_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    """The shipped playbook's first question: long Japanese choices wrap beside their keys."""
    assert snap_compare(make_japanese_app(snap_env), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_walk_diagnosis_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    """A shipped diagnosis with a long Japanese body, reached from the first question."""

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _settle(pilot)
        pilot.app.screen.jump_to("ep-initialize-rejected", "test")
        await _settle(pilot)

    assert snap_compare(make_japanese_app(snap_env), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_walk_checks_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    """A check node with a failing check, its decision and the fixes on offer."""

    async def run_before(pilot) -> None:  # noqa: ANN001
        await pilot.press("1")
        await _settle(pilot)

    assert snap_compare(make_japanese_test_app(snap_env), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_fix_modal_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    async def run_before(pilot) -> None:  # noqa: ANN001
        await pilot.press("1")
        await _settle(pilot)
        await pilot.press("f")
        await settle_fix_modal(pilot)

    assert snap_compare(make_japanese_test_app(snap_env), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_audit_ja(snap_compare, snap_env: str, japanese: None, size: tuple[int, int]) -> None:  # noqa: ANN001, F811
    async def run_before(pilot) -> None:  # noqa: ANN001
        await pilot.press("a")
        await _settle(pilot)

    assert snap_compare(make_japanese_test_app(snap_env), terminal_size=size, run_before=run_before)
