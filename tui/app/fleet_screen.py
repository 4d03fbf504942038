"""The fleet view: every runtime a row, its status live as its checks finish (k9s-style list).

The sweep is ``tui.engine.fleet.run_fleet`` (the same code as ``doctor --all-runtimes``), run as a worker on
the app's loop; its listener posts ``FleetScreen.Changed`` and the row of that runtime is redrawn. ``/``
filters rows by text, ``s`` sorts by status (worst first) or back to the listed order, enter opens that
runtime's walk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from tui.app.fleet_names import accounts_of, shown_problem, shown_runtime
from tui.app.footer import LocalizedFooter
from tui.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from tui.context import Context
    from tui.engine.fleet import FleetMember, FleetTarget, MemberChanged
    from tui.registry import Registry

STATUS_STYLE = {"error": "bold magenta", "fail": "bold red", "warn": "yellow", "skip": "dim", "pass": "green"}
COLUMNS = ("status", "runtime", "region", "state", "checks", "failing")
COLUMN_TITLES = {
    "status": N_("STATUS"),
    "runtime": N_("RUNTIME"),
    "region": N_("REGION"),
    "state": N_("STATE"),
    "checks": N_("CHECKS"),
    "failing": N_("FAILING"),
}
"""Column headings (the keys stay English: they are the table's column keys)."""
STATUS_WORDS = {
    "error": N_("error"),
    "fail": N_("fail"),
    "warn": N_("warn"),
    "skip": N_("skip"),
    "pass": N_("pass"),
}
"""A check status as a word in the table (the filter also matches the English word)."""
STATES = {"waiting": N_("waiting"), "running": N_("running"), "done": N_("done")}
"""A runtime's place in the sweep, as shown."""


CELL_PADDING = 2
"""A DataTable column's padding, one cell each side."""


def _width(value: Any) -> int:
    """Terminal cells a table cell takes (a ``Text`` or a plain value)."""
    return value.cell_len if isinstance(value, Text) else cell_len(str(value))


class FleetScreen(Screen[None]):
    """Runtimes as rows with their worst status so far; enter opens one runtime's walk."""

    DEFAULT_CSS = """
    FleetScreen {
        #fleet-filter { margin: 0 1; }
        #fleet-filter.-hidden { display: none; }
        #fleet-status { color: $text-muted; padding: 0 1; height: auto; }
        #fleet-table { height: 1fr; scrollbar-gutter: stable; }
        #fleet-detail { height: auto; max-height: 4; padding: 0 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="fleet.close", tooltip=N_("Leave the fleet view")),
        Binding("slash", "filter", N_("Filter"), id="fleet.filter", tooltip=N_("Show only rows containing some text")),
        Binding(
            "s", "sort", N_("Sort by status"), id="fleet.sort", tooltip=N_("Worst first, or back to the listed order")
        ),
        Binding(
            "enter",
            "open",
            N_("Open walk"),
            id="fleet.open",
            tooltip=N_("Walk the highlighted runtime's playbook"),
            priority=True,  # else the table's own enter hid it from the footer; check_action yields to the filter
        ),
    ]

    class Changed(Message):
        """A runtime started, finished a check, or finished."""

        def __init__(self, member: FleetMember) -> None:
            super().__init__()
            self.member = member

    def __init__(
        self,
        context: Context,
        playbook: str = "agentcore-mcp",
        *,
        targets: list[FleetTarget] | None = None,
        regions: list[str] | None = None,
        jobs: int = 8,
        only: tuple[str, ...] = (),
        registry: Registry | None = None,
    ) -> None:
        """
        Args:
            context: The merged context (credentials, region; runtime and endpoint are each member's own).
            playbook: A shipped playbook id or a path to a YAML file.
            targets: The runtimes to sweep (default: every runtime listed in ``regions``).
            regions: Regions to list (default: the context's).
            jobs: Runtimes checked at once.
            only: Check ids to run (``doctor --only``); empty: every check.
            registry: Checks and fixes (default: every shipped one; tests inject their own).
        """
        super().__init__()
        self.context = context
        self.playbook_ref = playbook
        self.targets = targets
        self.regions = regions
        self.jobs = jobs
        self.only = only
        self.registry = registry
        self.members: list[FleetMember] = []
        self.accounts: set[str] = set()
        """Every account the members' runtime ARNs name (one: rows show runtime ids, see ``shown_runtime``)."""
        self.by_status = False
        self.filter_text = ""
        self.finished: tuple[int, float, int] | None = None
        """How many runtimes, in how many seconds, and the exit code, once the sweep ended: the status line keeps
        saying so (row updates still queued when it ends redraw the counts)."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("filter: runtime, region, status or check"), id="fleet-filter", classes="-hidden")
        yield Static(_("listing runtimes…"), id="fleet-status")
        yield DataTable(id="fleet-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="fleet-detail")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one(DataTable).focus()
        self.sweep()

    def _add_columns(self) -> None:
        """The headings; FAILING has a set width (``_failing_room``) where the others widen with their cells.

        An auto-width FAILING column grew with every failing check id of a runtime (its whole list), the table
        became wider than the screen, and its horizontal scrollbar took the line above the footer: with the
        thumb in a colour close to the background, only the thumb's end showed, a stray "▏" (seen at 80x24).
        """
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(_(COLUMN_TITLES[column]), key=column)
        failing = table.columns[ColumnKey("failing")]
        failing.auto_width = False
        failing.width = cell_len(failing.label.plain)

    def _failing_room(self) -> int:
        """The width FAILING may take: what the other columns leave, never less than its heading."""
        table = self.query_one(DataTable)
        others = sum(table.columns[ColumnKey(column)].content_width for column in COLUMNS[:-1])
        available = table.scrollable_content_region.width or self.size.width
        heading = cell_len(_(COLUMN_TITLES["failing"]))
        return max(heading, available - others - CELL_PADDING * len(COLUMNS))

    # -- the sweep ----------------------------------------------------------------------------------
    @work(exclusive=True, group="fleet", exit_on_error=False, description="doctor every runtime")
    async def sweep(self) -> None:
        import asyncio

        from tui.engine.fleet import FleetError, FleetMember, list_all_runtimes, run_fleet
        from tui.playbook.validate import resolve_playbook
        from tui.registry import load_all

        regions = self.regions or ([self.context.region] if self.context.region else [])
        try:
            targets = self.targets
            if targets is None:
                if not regions:
                    self._status(_("no region: start with --region (or AWS_REGION) to list its runtimes"))
                    return
                targets = await asyncio.to_thread(list_all_runtimes, self.context, regions)
            loaded = await asyncio.to_thread(resolve_playbook, self.playbook_ref)
            registry = self.registry if self.registry is not None else await asyncio.to_thread(load_all)
        except FleetError as exc:
            self._status(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - credentials or network: say so in the view, never crash
            self._status(
                _("could not list runtimes: {reason}").format(reason=f"{type(exc).__name__}: {str(exc)[:200]}")
            )
            return
        if not targets:
            self._status(_("no runtime in {regions}").format(regions=", ".join(regions)))
            return
        self.members = [FleetMember(t) for t in targets]
        self.accounts = accounts_of(targets)
        self._redraw()

        def heard(change: MemberChanged) -> None:
            self.post_message(self.Changed(change.member))

        fleet = await run_fleet(
            loaded.playbook,
            self.context,
            targets,
            registry=registry,
            jobs=self.jobs,
            only=self.only,
            listener=heard,
            members=self.members,
        )
        self.finished = (len(fleet.members), fleet.seconds, fleet.exit_code)
        self._status_counts()
        # After the row updates still queued (call_later queues behind them): the final table is sized by what it
        # shows, not by the states the sweep passed through (a column only ever widens while cells change).
        self.call_later(self._fit_columns)

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        table = self.query_one(DataTable)
        key = message.member.target.label
        if key not in table.rows or self.by_status:
            self._redraw()
            return
        for column, value in zip(COLUMNS, self._cells(message.member), strict=True):
            # A value longer than at listing time widens its column now, before the cell is drawn again: with
            # ``update_width`` alone the table measures it when idle, and a frame drawn in between is cached at the
            # old width and kept (seen under load: the failing check id stayed cut to "runtime.disc").
            shown = _width(value)
            heading = table.columns[ColumnKey(column)]
            if column == "failing":  # the last column: the others have their widths for this update already
                heading.width = min(max(heading.width, shown), self._failing_room())
            elif shown > heading.content_width:
                heading.content_width = shown
            table.update_cell(key, column, value, update_width=True)
        self._status_counts()
        self._show_detail()

    # -- rows -----------------------------------------------------------------------------------------
    def _cells(self, member: FleetMember) -> tuple[Any, ...]:
        worst = member.worst.value if member.worst else "-"
        done = sum(member.counts.values()) if member.run is None else len(member.run.findings)
        failing = shown_problem(member.problem) if member.problem else ", ".join(member.failing)
        region = member.target.region or self.context.region or ""
        return (
            Text(_(STATUS_WORDS[worst]) if worst in STATUS_WORDS else worst, style=STATUS_STYLE.get(worst, "")),
            shown_runtime(member.target.runtime, region, self.accounts),
            region,
            _(STATES[member.state]) if member.state in STATES else member.state,
            str(done),
            Text(failing, overflow="ellipsis", no_wrap=True),  # in full on the detail line under the table
        )

    def shown_members(self) -> list[FleetMember]:
        """The members shown: filtered, then in listed order or worst first."""
        from tui.engine.fleet import STATUS_RANK

        text = self.filter_text.lower()
        shown = [
            m
            for m in self.members
            if not text
            or any(
                text in str(c).lower() for c in (*self._cells(m), m.target.runtime, m.worst.value if m.worst else "")
            )
        ]
        if self.by_status:
            shown.sort(key=lambda m: STATUS_RANK.get(m.worst, 5) if m.worst else 5)
        return shown

    def _redraw(self) -> None:
        table = self.query_one(DataTable)
        highlighted = self.highlighted()
        table.clear()
        members = self.shown_members()
        rows = [self._cells(member) for member in members]
        self._size_columns(rows, shrink=False)  # FAILING has a set width: it does not widen with the rows added
        for member, row in zip(members, rows, strict=True):
            table.add_row(*row, key=member.target.label)
        if highlighted is not None and highlighted.target.label in table.rows:
            table.move_cursor(row=table.get_row_index(highlighted.target.label))
        self._status_counts()
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted runtime as given (its whole ARN) and what fails there, in full: FAILING may be cut."""
        member = self.highlighted()
        detail = self.query_one("#fleet-detail", Static)
        if member is None:
            detail.update("")
            return
        failing = str(self._cells(member)[-1])
        detail.update(Text(member.target.runtime, style="bold").append(f"\n{failing}" if failing else ""))

    @on(DataTable.RowHighlighted, "#fleet-table")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def on_resize(self, event: events.Resize) -> None:
        """Fit FAILING to the new width (once the table has its new size)."""
        if self.members:
            self.call_after_refresh(self._fit_columns)

    def _status_counts(self) -> None:
        done = sum(1 for m in self.members if m.state == "done")
        running = sum(1 for m in self.members if m.state == "running")
        if self.finished is not None:
            count, seconds, code = self.finished
            progress = ngettext(
                "{count} runtime checked in {seconds} s; exit code {code}",
                "{count} runtimes checked in {seconds} s; exit code {code}",
                count,
            ).format(count=count, seconds=f"{seconds:.1f}", code=code)
        else:
            progress = _("{done}/{total} done, {running} running").format(
                done=done, total=len(self.members), running=running
            )
        sort = _("worst first") if self.by_status else _("listed order")
        shown = len(self.query_one(DataTable).rows)
        self._status(_("{progress}; {shown} shown, {sort}").format(progress=progress, shown=shown, sort=sort))

    def _status(self, text: str) -> None:
        self.query_one("#fleet-status", Static).update(text)

    def highlighted(self) -> FleetMember | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((m for m in self.members if m.target.label == key), None)

    def relocalize(self) -> None:
        """Headings, placeholder, rows and status line in the current language (a language switch)."""
        table = self.query_one(DataTable)
        table.clear(columns=True)  # headings are sized when added: add them again
        self._add_columns()
        self.query_one("#fleet-filter", Input).placeholder = _("filter: runtime, region, status or check")
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Every column exactly as wide as its heading and the cells it shows now, then the rows drawn again.

        A column only widens while its cells change, so the states a sweep passed through (実行中 is wider than 完了)
        stayed in the final table. The widths are set here, not left to the table's own measuring when idle (a
        frame drawn before that was kept at the old width); the rows added after them never need more.
        """
        self._size_columns([self._cells(member) for member in self.shown_members()], shrink=True)
        self._redraw()

    def _size_columns(self, rows: list[tuple[Any, ...]], *, shrink: bool) -> None:
        """Each column as wide as its heading and ``rows`` (at least as wide as now unless ``shrink``); FAILING
        then gets the rest of the width, its text cut with "…" (and whole on the detail line)."""
        table = self.query_one(DataTable)
        for index, column in enumerate(COLUMNS):
            natural = max([cell_len(_(COLUMN_TITLES[column])), *(_width(row[index]) for row in rows)])
            heading = table.columns[ColumnKey(column)]
            heading.content_width = natural if shrink else max(heading.content_width, natural)
        failing = table.columns[ColumnKey("failing")]
        failing.width = min(failing.content_width, self._failing_room())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """enter opens a walk from the table; in the filter box it only leaves the box (not shown there)."""
        if action == "open":
            return not isinstance(self.focused, Input)
        return True

    # -- actions --------------------------------------------------------------------------------------
    def action_filter(self) -> None:
        field = self.query_one("#fleet-filter", Input)
        field.remove_class("-hidden")
        field.focus()

    @on(Input.Changed, "#fleet-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self._redraw()

    @on(Input.Submitted, "#fleet-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_sort(self) -> None:
        self.by_status = not self.by_status
        self._redraw()

    def action_open(self) -> None:
        member = self.highlighted()
        if member is None:
            return
        from tui.engine.fleet import member_context

        start_walk = getattr(self.app, "start_walk", None)
        if start_walk is None:
            self.notify(_("this app cannot open a walk"), severity="warning")
            return
        start_walk(member_context(self.context, member.target), self.playbook_ref)

    @on(DataTable.RowSelected, "#fleet-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_close(self) -> None:
        field = self.query_one("#fleet-filter", Input)
        if field.has_focus:
            field.value = ""
            field.add_class("-hidden")
            self.query_one(DataTable).focus()
            return
        self.workers.cancel_group(self, "fleet")
        self.dismiss(None)
