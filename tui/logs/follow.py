"""Tail log groups live: poll FilterLogEvents from the last event seen, back off while nothing new arrives.

Each poll re-reads a short overlap before the cursor (CloudWatch may ingest an event after later ones) and
drops the event ids it already showed, so nothing is shown twice and late events are not lost. The wait
between polls doubles while polls come back empty (``min_interval`` → ``max_interval``) and drops back to
``min_interval`` as soon as something arrives. ``stop`` ends the loop between polls, during a wait or between two
events of a read (``logs --follow`` sets it on ctrl-c: ``tui.logs.interrupt``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from tui.logs.classify import Grouping, LogEvent, Match
from tui.logs.reader import Cancelled, ReadRequest, ReadStats, read_events

OVERLAP_MS = 60_000


class StopFlag(Cancelled, Protocol):
    """What ends the loop (it also cancels the read): a ``threading.Event`` or a ``tui.logs.interrupt.StopRequest``."""

    def wait(self, timeout: float | None = None) -> bool: ...


def follow(
    logs: Any,
    grouping: Grouping,
    groups: Sequence[str],
    start_ms: int,
    *,
    terms: list[str],
    on_event: Callable[[LogEvent, Match | None], None],
    on_poll: Callable[[int, int, float, ReadStats], None] | None = None,
    stop: StopFlag | None = None,
    session: str | None = None,
    grep: str | None = None,
    min_interval: float = 2.0,
    max_interval: float = 30.0,
    max_polls: int | None = None,
) -> None:
    """Poll until ``stop`` is set (or ``max_polls`` polls): every new event goes to ``on_event`` once."""
    stop = stop if stop is not None else threading.Event()
    cursor = start_ms
    seen: dict[str, int] = {}
    interval = min_interval
    polls = 0
    while not stop.is_set() and (max_polls is None or polls < max_polls):
        now = int(time.time() * 1000)
        request = ReadRequest(
            list(groups), max(0, cursor - OVERLAP_MS), now, terms=terms, session=session, grep=grep, strategy="filter"
        )
        stats = ReadStats()
        fresh = 0
        events = read_events(logs, request, stats, cancelled=stop)
        for event in events:
            if stop.is_set():
                events.close()  # the read's threads end now, not when the generator is collected
                return
            key = event.event_id or f"{event.log_group}/{event.stream}/{event.timestamp}/{hash(event.message)}"
            if key in seen:
                continue
            seen[key] = event.timestamp
            fresh += 1
            cursor = max(cursor, event.timestamp)
            on_event(event, grouping.add(event))
        horizon = cursor - 2 * OVERLAP_MS
        if len(seen) > 10_000:  # ids older than the overlap can never come back: forget them
            seen = {k: ts for k, ts in seen.items() if ts >= horizon}
        polls += 1
        interval = min_interval if fresh else min(interval * 2, max_interval)
        if on_poll is not None:
            on_poll(polls, fresh, interval, stats)
        if (max_polls is not None and polls >= max_polls) or stop.wait(interval):
            return
