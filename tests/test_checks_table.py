"""The checks table opens on the first failing check, and stops following once the user moves (issue 11 §5)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.app.checks_table import CheckRow, ChecksTable
from tui.results import CheckResult, Status


def _row(key: str, status: Status | None) -> CheckRow:
    result = CheckResult(check=key, status=status, summary=f"{key} {status}") if status else None
    return CheckRow(key, key, "done" if status else "pending", result)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ChecksTable(id="checks")


async def test_cursor_goes_to_the_first_failing_check() -> None:
    """Seen: details opened on the first (passing) check while the failure was further down."""
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ChecksTable)
        table.set_rows([_row("a.pass", Status.PASS), _row("b.warn", Status.WARN), _row("c.fail", None)])
        await pilot.pause()
        assert table.highlighted_key == "b.warn"  # only a warning so far
        table.update_row(_row("c.fail", Status.FAIL))
        await pilot.pause()
        assert table.highlighted_key == "c.fail"  # a failure beats a warning
        table.focus()
        await pilot.press("up")
        table.update_row(_row("a.pass", Status.ERROR))
        await pilot.pause()
        assert table.highlighted_key == "b.warn"  # the user moved: the cursor stays where they put it


class NarrowApp(App[None]):
    def compose(self) -> ComposeResult:
        table = ChecksTable(id="checks")
        table.styles.width = 49  # the walk's table at 80x24 (the path tree takes the rest)
        yield table


async def test_the_time_column_fits_beside_a_long_check_id() -> None:
    """Seen at 80x24 (project node): project.otel_instrument_installed pushed the time column off the edge."""
    app = NarrowApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ChecksTable)
        table.set_rows([_row("project.otel_instrument_installed", Status.FAIL), _row("have-project", Status.PASS)])
        await pilot.pause()
        used = sum(column.get_render_width(table) for column in table.columns.values())
        assert used <= table.scrollable_content_region.width
