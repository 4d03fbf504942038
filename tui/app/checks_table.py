"""The checks of a node in a ``DataTable``: live spinner, status, one-line summary, duration."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable

from tui.app import icons
from tui.i18n import N_, Translated, _, pgettext

if TYPE_CHECKING:
    from tui.results import CheckResult


@dataclass
class CheckRow:
    """One check's line: what it is and where it stands."""

    key: str
    title: str
    state: str = "pending"
    """``pending``, ``running``, ``done`` or ``cancelled``."""
    result: CheckResult | None = None
    started: float = field(default=0.0)


class ChecksTable(DataTable[Text]):
    """The current node's checks. Highlight a row to see its details and evidence below."""

    DEFAULT_CSS = """
    ChecksTable {
        height: auto;
        max-height: 14;
        margin: 0 0 1 0;
        background: $surface;
        &:focus { background-tint: $foreground 3%; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            N_("Details"),
            show=False,
            id="checks.details",
            tooltip=N_("Show this check's details and evidence"),
        ),
    ]

    HELP = Translated(
        N_("The node's checks run concurrently. ⠋ running, ✓ pass, ! warn, ✗ fail, ☠ error, - skipped, ⊘ cancelled.")
    )

    COLUMNS = ("status", "check", "summary", "time")
    HEADINGS = {"status": " ", "check": N_("check"), "summary": N_("summary")}
    """Column headings as shown (the column keys stay English); ``time`` is a duration: see ``heading()``."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_cursor=True)
        self.rows_by_key: dict[str, CheckRow] = {}
        self._frame = 0
        self._built_widths: tuple[int, int, int, int] | None = None
        self._follow_first_problem = True
        """Until the user moves the cursor, it goes to the first failing check (its details open there)."""

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        widths = self._widths()
        for name, width in zip(self.COLUMNS, widths, strict=True):
            self.add_column(self.heading(name), width=width, key=name)

    def heading(self, name: str) -> str:
        """A column's heading in the current language."""
        return pgettext("elapsed", "time") if name == "time" else _(self.HEADINGS[name])

    def _widths(self) -> tuple[int, int, int, int]:
        parent = self.parent
        width = self.size.width or (parent.size.width if isinstance(parent, Widget) else 0) or 60
        total = width - 2 * self.cell_padding * len(self.COLUMNS) - 1
        check_w = min(max((len(r.key) for r in self.rows_by_key.values()), default=10), 26)
        check_w = max(check_w, cell_len(self.heading("check")))
        time_w = 6
        # Keep 12 columns for the summary by cutting long check ids (ellipsized), so the time column stays on
        # screen: at 80x24 project.otel_instrument_installed pushed it off the edge ("t", "0").
        check_w = max(min(check_w, total - 1 - time_w - 12), 8)
        summary_w = max(total - 1 - check_w - time_w, 12)
        return (1, check_w, summary_w, time_w)

    def set_rows(self, rows: list[CheckRow]) -> None:
        """Show these checks (replacing the table's content; the cursor stays on the same key)."""
        same_lines = [r.key for r in rows] == [key.value for key in self.rows] and self._built_widths == self._widths()
        self.rows_by_key = {r.key: r for r in rows}
        self._follow_first_problem = True
        if same_lines:
            # The same checks again (the walk shows its node after each run, start and cancel): their cells are set in
            # place. Clearing and adding the rows made the table measure itself again and lay the screen out a
            # second time, a frame later.
            for row in rows:
                self._set_cells(row)
        else:
            self._rebuild()
        self._to_first_problem()

    def _set_cells(self, row: CheckRow) -> None:
        for column, cell in zip(self.COLUMNS, self._cells(row), strict=True):
            self.update_cell(row.key, column, cell)

    def _rebuild(self) -> None:
        cursor_key = None
        if self.row_count and self.cursor_row < self.row_count:
            cursor_key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self.clear(columns=True)
        self._add_columns()
        self._built_widths = self._widths()
        for row in self.rows_by_key.values():
            self.add_row(*self._cells(row), key=row.key)
        if cursor_key in self.rows_by_key:
            self.move_cursor(row=self.get_row_index(cursor_key), animate=False)

    def on_resize(self) -> None:
        if self.rows_by_key and self._widths() != self._built_widths:
            self._rebuild()

    def _cells(self, row: CheckRow) -> tuple[Text, Text, Text, Text]:
        summary_w = self._widths()[2]
        if row.state == "running":
            icon = Text(icons.SPINNER[self._frame % len(icons.SPINNER)], style="cyan")
            summary = Text(_("running…"), style="dim")
            elapsed = Text(icons.format_duration(time.monotonic() - row.started), style="dim")
        elif row.state == "cancelled":
            icon = Text(icons.CANCELLED, style="dim")
            summary = Text(_("cancelled"), style="dim italic")
            elapsed = Text("")
        elif row.result is None:
            icon = Text(icons.PENDING, style="dim")
            summary = Text(_("not run yet"), style="dim")
            elapsed = Text("")
        else:
            status = row.result.status
            icon = Text(status.icon, style=icons.STATUS_STYLE[status.value])
            summary = Text(icons.ellipsize(row.result.summary, summary_w))
            elapsed = Text(icons.format_duration(row.result.duration), style="dim")
        return icon, Text(icons.ellipsize(row.key, self._widths()[1])), summary, elapsed

    def relocalize(self) -> None:
        """Headings and row texts in the current language (the cursor stays)."""
        if self.rows_by_key:
            self._rebuild()
        else:
            self.clear(columns=True)
            self._add_columns()

    def update_row(self, row: CheckRow) -> None:
        """Redraw one check's line (after it started or finished)."""
        self.rows_by_key[row.key] = row
        if row.key not in self.rows:
            self._rebuild()
            return
        self._set_cells(row)
        self._to_first_problem()

    def _to_first_problem(self) -> None:
        if not self._follow_first_problem:
            return
        done = [(k, r.result.status) for k, r in self.rows_by_key.items() if r.result is not None]
        failing = [k for k, status in done if status.value in ("fail", "error")]
        warning = [k for k, status in done if status.is_problem]
        first = next(iter(failing or warning), None)
        if first is not None and first in self.rows and self.highlighted_key != first:
            self.move_cursor(row=self.get_row_index(first), animate=False)

    def _user_moved(self) -> None:
        self._follow_first_problem = False

    def action_cursor_down(self) -> None:
        self._user_moved()
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._user_moved()
        super().action_cursor_up()

    def on_click(self) -> None:
        self._user_moved()

    def tick(self) -> None:
        """Advance the spinner of running checks and their elapsed time.

        Only the two cells that move are set (the check id and summary of a running row stay as they are), and the
        time cell only when its text changed: every ``update_cell`` makes the whole table render again.
        """
        self._frame += 1
        glyph = Text(icons.SPINNER[self._frame % len(icons.SPINNER)], style="cyan")
        now = time.monotonic()
        for row in self.rows_by_key.values():
            if row.state != "running" or row.key not in self.rows:
                continue
            self.update_cell(row.key, "status", glyph)
            elapsed = icons.format_duration(now - row.started)
            if self.get_cell(row.key, "time").plain != elapsed:
                self.update_cell(row.key, "time", Text(elapsed, style="dim"))

    @property
    def highlighted_key(self) -> str | None:
        """Key of the check under the cursor."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
