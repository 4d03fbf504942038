"""Issue #10's size acceptance: no module of the app or the CLI grows into a hub again.

A module over the limit is split by concern (see how ``tui/app/walk_screen.py`` keeps its running checks, fix
keys and other-screen keys in ``walk_checks.py``, ``walk_fixes.py`` and ``walk_elsewhere.py``).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tui"
LIMIT = 450
"""Lines a module of ``tui/app`` or ``tui/cli`` may have at most."""
WALK_SCREEN_LIMIT = 380
"""The walk screen was the hub the issue named: it keeps a tighter budget."""


def oversized(folder: Path, limit: int) -> list[str]:
    """``name: lines`` of every ``.py`` file below ``folder`` longer than ``limit`` lines."""
    out = []
    for path in sorted(folder.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            out.append(f"{path.relative_to(folder.parent).as_posix()}: {lines} lines")
    return out


def test_no_app_or_cli_module_is_over_the_limit() -> None:
    assert (ROOT / "app").is_dir() and (ROOT / "cli").is_dir()
    too_long = oversized(ROOT / "app", LIMIT) + oversized(ROOT / "cli", LIMIT)
    assert not too_long, f"split these by concern: {too_long}"


def test_the_walk_screen_stays_well_under_the_limit() -> None:
    lines = len((ROOT / "app" / "walk_screen.py").read_text(encoding="utf-8").splitlines())
    assert lines <= WALK_SCREEN_LIMIT, f"walk_screen.py: {lines} lines; move a concern into its own module"


def test_the_size_check_finds_a_long_module(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    (folder / "sub").mkdir(parents=True)
    (folder / "short.py").write_text("x = 1\n" * LIMIT)
    (folder / "sub" / "long.py").write_text("x = 1\n" * (LIMIT + 1))
    assert oversized(folder, LIMIT) == [f"app/sub/long.py: {LIMIT + 1} lines"]
