"""The Logs screen (``L``): the runtime's CloudWatch logs grouped by the node that explains them, live if asked.

Reads with the same code as ``agentcore-triage logs`` (``tui.logs.scan`` / ``tui.logs.follow``) in worker
threads. Enter on a group dismisses with its node id (the walk jumps there); ``v`` lists the group's events;
``a`` attaches the highlighted event (or the group's last sample) as evidence to the walk's current node.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from tui.app.footer import LocalizedFooter
from tui.i18n import N_, _

if TYPE_CHECKING:
    from tui.engine.walk import Walk
    from tui.logs.classify import Grouping, LogEvent, Match, NodeGroup

GROUP_COLUMNS = (N_("count"), N_("node"), N_("what"), N_("last"), N_("sample"))
EVENT_COLUMNS = (N_("time"), N_("log group"), N_("message"))
WINDOW_MS = 3_600_000
EVENTS_SHOWN = 500
CELL_PADDING = 2
"""A DataTable column's padding, one cell each side."""
WHAT_LEAST = 16
"""The "what" column is not narrowed below this (the table scrolls sideways instead)."""
SAMPLE_LEAST = 12
"""Narrower than this, the sample column is left out (the detail line under the table shows the sample)."""


def fit_columns(natural: Sequence[int], available: int) -> list[int]:
    """Widths of the group columns that fit ``available`` cells: count, node and what always (what cut to the room
    left, down to ``WHAT_LEAST``), then last and sample only where there is room for them.

    ``natural``: each column's widest cell or heading. At 80 columns the five columns needed about 150 cells and the
    table scrolled sideways with "what" cut at the screen's edge; now it fits, and the detail line under the table
    shows the highlighted group's what, last and sample in full.
    """
    count, node, what, last, sample = natural
    room = available - count - node - 3 * CELL_PADDING
    widths = [count, node, max(min(what, room), min(what, WHAT_LEAST))]
    room -= widths[2]
    if widths[2] == what and room >= last + CELL_PADDING:
        widths.append(last)
        room -= last + CELL_PADDING
        if room - CELL_PADDING >= min(sample, SAMPLE_LEAST):
            widths.append(min(sample, room - CELL_PADDING))
    return widths


class LogsScreen(Screen["str | None"]):
    """Groups of log events by node; dismisses with the node id chosen (None when closed)."""

    DEFAULT_CSS = """
    LogsScreen {
        #logs-filter { margin: 0 1; }
        #logs-status { color: $text-muted; padding: 0 1; height: auto; }
        #logs-groups { height: 1fr; scrollbar-gutter: stable; }
        #logs-detail { height: auto; max-height: 4; padding: 0 1; }
        #logs-events { height: 1fr; border-top: solid $primary 30%; }
        #logs-events.-hidden { display: none; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="logs.close", tooltip=N_("Back to the walk")),
        Binding("q", "app.quit", N_("Quit"), id="logs.quit", tooltip=N_("Leave agentcore-triage (also ctrl+q)")),
        Binding("t", "tail", N_("Live tail"), id="logs.tail", tooltip=N_("Start or stop polling for new events")),
        Binding("v", "events", N_("Events"), id="logs.events", tooltip=N_("Show the highlighted group's events")),
        Binding(
            "a", "attach", N_("Attach"), id="logs.attach", tooltip=N_("Attach the highlighted line to the current node")
        ),
        Binding("r", "reload", N_("Reload"), id="logs.reload", tooltip=N_("Read the last hour again")),
        Binding(
            "slash", "filter", N_("Filter"), id="logs.filter", tooltip=N_("Filter groups by text, node or session")
        ),
    ]

    def __init__(self, walk: Walk) -> None:
        super().__init__()
        self.walk = walk
        self.grouping: Grouping | None = None
        self.log_groups: list[str] = []
        self.events: list[LogEvent] = []
        self.shown: list[NodeGroup] = []
        self._tail_stop: threading.Event | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("filter: text, node id or session id"), id="logs-filter")
        yield Static(_("reading the last hour…"), id="logs-status")
        yield DataTable(id="logs-groups", cursor_type="row")
        yield Static("", id="logs-detail")
        yield DataTable(id="logs-events", cursor_type="row", classes="-hidden")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self.query_one("#logs-groups", DataTable).add_columns(*(_(h) for h in GROUP_COLUMNS))
        self.query_one("#logs-events", DataTable).add_columns(*(_(h) for h in EVENT_COLUMNS))
        self.query_one("#logs-groups", DataTable).focus()
        self.action_reload()

    # -- reading (threads) ----------------------------------------------------------------------
    def _client(self) -> Any:
        from tui.aws.session import read_only_client

        context = self.walk.context
        region = self.walk.facts.get("runtime.region")
        if region and region != context.region:
            context = context.model_copy(update={"region": region})
        return read_only_client(context, "logs", timeout=context.timeout)

    def _groups(self, logs: Any) -> list[str]:
        facts = self.walk.facts
        known = [g for g in (facts.get("runtime.log_group"), facts.get("runtime.otel_log_group")) if g]
        if known:
            return list(dict.fromkeys(str(g) for g in known))
        context = self.walk.context
        if not context.runtime:
            return []
        from tui.aws.runtimes import find_runtime
        from tui.aws.session import read_only_client
        from tui.logs.targets import target_for

        control = read_only_client(context, "bedrock-agentcore-control", timeout=context.timeout)
        summary, _seen = find_runtime(control, context.runtime)
        if summary is None:
            return []
        return [g.name for g in target_for(control, logs, summary, context.project).groups]

    @work(thread=True, exclusive=True, exit_on_error=False, group="logs-read", description="read the logs")
    def _read(self) -> None:
        from tui.logs.scan import scan
        from tui.logs.targets import aws_reason

        try:
            logs = self._client()
            groups = self._groups(logs)
            if not groups:
                self.app.call_from_thread(
                    self._status, _("No runtime known yet: run the AWS branch first (or start with --runtime).")
                )
                return
            end = int(time.time() * 1000)
            result = scan(logs, self.walk.playbook, groups, end - WINDOW_MS, end, strategy="filter")
        except Exception as exc:  # noqa: BLE001 - shown on the screen, never a traceback
            self.app.call_from_thread(
                self._status, _("could not read the logs: {reason}").format(reason=aws_reason(exc))
            )
            return
        self.app.call_from_thread(self._loaded, groups, result)

    @work(thread=True, exclusive=True, exit_on_error=False, group="logs-events", description="read a group's events")
    def _read_events(self, group: NodeGroup) -> None:
        from tui.logs.scan import scan
        from tui.logs.targets import aws_reason

        collected: list[LogEvent] = []

        def keep(event: LogEvent, match: Match | None) -> None:
            if match is not None and match.key == group.key and len(collected) < EVENTS_SHOWN:
                collected.append(event)

        end = int(time.time() * 1000)
        try:
            scan(
                self._client(),
                self.walk.playbook,
                self.log_groups,
                end - WINDOW_MS,
                end,
                node=group.node,
                grep=None if group.node else group.signature,
                strategy="filter",
                on_event=keep,
            )
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(
                self._status, _("could not read the events: {reason}").format(reason=aws_reason(exc))
            )
            return
        self.app.call_from_thread(self._show_events, sorted(collected, key=lambda e: e.timestamp))

    @work(thread=True, exclusive=True, exit_on_error=False, group="logs-tail", description="tail the logs")
    def _tail(self, stop: threading.Event) -> None:
        from tui.logs.follow import follow
        from tui.logs.scan import server_terms
        from tui.logs.targets import aws_reason

        if self.grouping is None:
            return
        from tui.logs.classify import Grouping

        terms, _noise = server_terms(self.walk.playbook)
        try:
            follow(
                self._client(),
                Grouping(self.grouping.classifier.__class__(self.walk.playbook)),  # this thread's own; the screen's
                # grouping is only touched on the event loop (``_live``)
                self.log_groups,
                int(time.time() * 1000),
                terms=terms,
                on_event=lambda event, match: self.app.call_from_thread(self._live, event, match),
                on_poll=lambda n, fresh, wait, stats: self.app.call_from_thread(
                    self._status,
                    _("live: poll {n}, {fresh} new; next in {wait} s (t stops)").format(
                        n=n, fresh=fresh, wait=f"{wait:.0f}"
                    ),
                ),
                stop=stop,
            )
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._status, _("live tail stopped: {reason}").format(reason=aws_reason(exc)))

    # -- rendering (event loop) -----------------------------------------------------------------
    def _status(self, text: str) -> None:
        self.query_one("#logs-status", Static).update(Text(text))

    def _loaded(self, groups: list[str], result: Any) -> None:
        self.log_groups = groups
        self.grouping = result.grouping
        stats = result.stats
        missing = (
            _("; missing: {groups}").format(groups=", ".join(stats.missing_groups)) if stats.missing_groups else ""
        )
        capped = f"; {stats.cap_message}" if stats.capped else ""
        self._status(
            _("{count} events of the last hour in {groups}").format(
                count=stats.events, groups=", ".join(stats.groups_read) or _("no group")
            )
            + missing
            + capped
        )
        self._render_groups()

    def _render_groups(self) -> None:
        from tui.logs.classify import iso

        table = self.query_one("#logs-groups", DataTable)
        if self.grouping is None:
            table.clear()
            return
        highlighted = self._highlighted_group()
        needle = self.query_one("#logs-filter", Input).value.strip().lower()
        self.shown = []
        rows: list[tuple[str, str, str, str, str]] = []
        for group in self.grouping.ranked():
            sample = (group.last or {}).get("message", "")
            haystack = " ".join([group.node or "", group.title, sample, *group.sessions]).lower()
            if needle and needle not in haystack:
                continue
            self.shown.append(group)
            rows.append(
                (
                    str(group.count),
                    group.node or (_("noise") if group.noise else "-"),
                    self._what(group),
                    iso(group.last_ms) or "",
                    sample[:120],
                )
            )
        headings = [_(h) for h in GROUP_COLUMNS]
        natural = [max([cell_len(h), *(cell_len(row[i]) for row in rows)]) for i, h in enumerate(headings)]
        widths = fit_columns(natural, table.scrollable_content_region.width or self.size.width)
        table.clear(columns=True)
        for heading, width in zip(headings, widths, strict=False):
            table.add_column(heading, width=width)
        for group, row in zip(self.shown, rows, strict=True):
            style = "dim" if group.noise else ""
            cells = [
                row[0],
                *(Text(cell, style=style, overflow="ellipsis", no_wrap=True) for cell in row[1:3]),
                row[3],
                Text(row[4], style=style, overflow="ellipsis", no_wrap=True),
            ]
            table.add_row(*cells[: len(widths)], key=group.key)
        if highlighted in self.shown:  # a resize or a live event re-renders: the cursor stays on its group
            table.move_cursor(row=self.shown.index(highlighted), animate=False)
        self._show_detail()

    @staticmethod
    def _what(group: NodeGroup) -> str:
        return (_("noise") + " · " if group.noise else "") + group.title

    def _show_detail(self) -> None:
        """The highlighted group in full under the table: what (cut in its column at 80 columns), last, sample."""
        from tui.logs.classify import iso

        detail = self.query_one("#logs-detail", Static)
        group = self._highlighted_group()
        if group is None:
            detail.update("")
            return
        style = "dim" if group.noise else ""
        what = Text(f"{group.node or '-'}: ", style="bold").append(self._what(group), style=style)
        sample = (group.last or {}).get("message", "")
        last = _("last") + f" {iso(group.last_ms) or ''} · {sample}"  # its events in full: v
        detail.update(Group(what, Text(last, style="dim", overflow="ellipsis", no_wrap=True)) if sample else what)

    @on(DataTable.RowHighlighted, "#logs-groups")
    def _group_highlighted(self) -> None:
        self._show_detail()

    def on_resize(self, event: events.Resize) -> None:
        """Fit the columns to the new width (once the table has its new size)."""
        if self.grouping is not None:
            self.call_after_refresh(self._render_groups)

    def _show_events(self, events: list[LogEvent]) -> None:
        self.events = events
        table = self.query_one("#logs-events", DataTable)
        table.remove_class("-hidden")
        self._fill_events()
        table.focus()

    def _fill_events(self) -> None:
        from tui.logs.classify import iso
        from tui.redact import redact_text

        table = self.query_one("#logs-events", DataTable)
        table.clear()
        for i, event in enumerate(self.events):
            line = redact_text(event.message.splitlines()[0] if event.message else "")[:200]
            table.add_row(iso(event.timestamp) or "", event.log_group, line, key=str(i))

    def _live(self, event: LogEvent, match: Match | None) -> None:
        if self.grouping is not None:
            self.grouping.add(event)
        self._render_groups()

    def _highlighted_group(self) -> NodeGroup | None:
        row = self.query_one("#logs-groups", DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def relocalize(self) -> None:
        """Headings, placeholder and groups in the current language (a language switch)."""
        for table_id, headings in (("#logs-groups", GROUP_COLUMNS), ("#logs-events", EVENT_COLUMNS)):
            table = self.query_one(table_id, DataTable)
            table.clear(columns=True)  # headings are sized when added: add them again
            table.add_columns(*(_(h) for h in headings))
        self.query_one("#logs-filter", Input).placeholder = _("filter: text, node id or session id")
        self._render_groups()
        self._fill_events()

    # -- actions --------------------------------------------------------------------------------
    @on(Input.Changed, "#logs-filter")
    def _filter_changed(self) -> None:
        self._render_groups()

    @on(Input.Submitted, "#logs-filter")
    def _filter_done(self) -> None:
        """enter in the filter: keep it, back to the groups (as in the fleet view)."""
        self.query_one("#logs-groups", DataTable).focus()

    @on(DataTable.RowSelected, "#logs-groups")
    def _group_chosen(self, event: DataTable.RowSelected) -> None:
        group = self.shown[event.cursor_row] if 0 <= event.cursor_row < len(self.shown) else None
        if group is None or group.node is None:
            self.notify(_("No node explains this group (known noise or unexplained)."), severity="warning")
            return
        self._stop_tail()
        self.dismiss(group.node)

    def action_reload(self) -> None:
        """Read the last hour again."""
        self._status(_("reading the last hour…"))
        self._read()

    def action_events(self) -> None:
        """Show the highlighted group's events."""
        group = self._highlighted_group()
        if group is not None:
            self._status(_("reading the events of {what}…").format(what=group.node or group.title))
            self._read_events(group)

    def action_tail(self) -> None:
        """Start or stop the live tail."""
        if self._tail_stop is not None:
            self._stop_tail()
            self._status(_("live tail stopped"))
            return
        if self.grouping is None:
            self.notify(_("Nothing read yet."), severity="warning")
            return
        self._tail_stop = threading.Event()
        self._status(_("live: polling…"))
        self._tail(self._tail_stop)

    def _stop_tail(self) -> None:
        if self._tail_stop is not None:
            self._tail_stop.set()
            self._tail_stop = None

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.query_one("#logs-filter", Input).focus()

    def action_attach(self) -> None:
        """Attach the highlighted event (events list) or the group's last line to the walk's current node."""
        from tui.logs.classify import sample

        events_table = self.query_one("#logs-events", DataTable)
        group = self._highlighted_group()
        if events_table.has_focus and 0 <= events_table.cursor_row < len(self.events):
            event = self.events[events_table.cursor_row]
            evidence = sample(event, self.grouping.classifier.classify(event.message) if self.grouping else None)
            evidence["node"] = group.node if group else None
        elif group is not None and group.last:
            evidence = {**group.last, "node": group.node, "count": group.count}
        else:
            self.notify(_("Nothing highlighted to attach."), severity="warning")
            return
        attached = self.walk.facts.setdefault("logs.evidence", {})
        attached.setdefault(self.walk.current, []).append(evidence)
        self.notify(
            _("Attached to {node}: {message}").format(node=self.walk.current, message=evidence["message"][:80]),
            title=_("Evidence attached"),
        )

    def action_close(self) -> None:
        """Back to the walk; esc in the filter only clears it and returns to the groups (as in the fleet view)."""
        field = self.query_one("#logs-filter", Input)
        if field.has_focus:
            field.value = ""
            self.query_one("#logs-groups", DataTable).focus()
            return
        self._stop_tail()
        self.dismiss(None)
