"""Stream CloudWatch events out of log groups over a time range, filtered server-side, to the end of the range.

Two ways to ask CloudWatch, picked per range (``plan_read``):

* ``filter`` — ``FilterLogEvents`` with a filter pattern ``?"term" ?"term" …`` built from literal words of the
  playbook's signatures (all streams, every page until the range ends). Cheap for short ranges and the only
  way to tail (``--follow``).
* ``insights`` — one Logs Insights query over all groups at once (``filter @message like /…/``, sorted by
  time, 10,000 rows per query, continued from the last row's time until the range is done). Fewer calls for
  long ranges; Insights bills per GB scanned, so it is used only beyond ``INSIGHTS_FROM``.

Server-side filters only narrow what is sent: every event is classified again here (``tui.logs.classify``),
so a coarse pattern costs bandwidth, never correctness. The signatures' terms need several patterns of at most
1,024 characters (one request stream each per group, an event counted once); long ``--via filter`` ranges are
also cut into time slices, only as many as leave the worker pool busy (FilterLogEvents has a low rate quota).
A server that ignores patterns (an emulator such as moto; found by one small probe) is read without them, as
one request stream per group, the groups concurrently. Nothing is capped silently: when ``max_events`` is
reached the read stops and ``ReadStats.cap_message`` says so and how to narrow. Events are yielded as they
arrive; at most one parsed page per worker and one batch in the queue are held, whatever the range.
"""

from __future__ import annotations

import functools
import operator
import queue
import re
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, Protocol

from tui.i18n import gettext  # `_` is the loop variable here
from tui.logs.answers import decode_bulk_answers
from tui.logs.classify import LogEvent, clean_text, iso
from tui.logs.terms import literal_terms

FILTER_PATTERN_MAX = 1024
"""CloudWatch's limit on a filter pattern's length."""
PAGE_LIMIT = 10_000
"""Most events FilterLogEvents returns per page (the API maximum)."""
INSIGHTS_ROWS = 10_000
"""Most rows one Logs Insights query returns."""
INSIGHTS_FROM = 6 * 3600 * 1000
"""Ranges longer than this (ms) use Logs Insights; shorter ones FilterLogEvents."""
DEFAULT_MAX_EVENTS = 250_000
INSIGHTS_SLICE_MS = 3 * 3600 * 1000
INSIGHTS_MAX_SLICES = 16
FILTER_SLICE_MS = 6 * 3600 * 1000
FILTER_MAX_SLICES = 4
MAX_PAGES = 100_000
PROBE_LIMIT = 10
"""Events the pattern probe asks for: one that lacks the term is enough to tell."""
PROBE_SPAN_MS = 3600 * 1000
"""The probe searches the last hour of the range only: a server pays for the span it searches (an emulator that
ignores the pattern scans every event in it), and any page with events tells; none decides nothing."""
QUERY_DEADLINE = 300.0
"""Seconds one Insights query may run before the read reports it as failed."""
JOIN_SECONDS = 5.0
"""How long a read that ends waits, in all, for its reader threads to end."""


class Cancelled(Protocol):
    """What cancels a read: a ``threading.Event``, or a ``tui.logs.interrupt.StopRequest`` that ctrl-c sets."""

    def is_set(self) -> bool: ...


def filter_terms(signatures: Sequence[str]) -> tuple[list[str], list[str]]:
    """(terms for the server-side filter, signatures that give no usable term)."""
    terms: list[str] = []
    unusable: list[str] = []
    for sig in signatures:
        words = literal_terms(sig)
        if words is None:
            unusable.append(sig)
        else:
            terms += [w for w in dict.fromkeys(words) if w not in terms]  # a word twice in one signature, once
    # In an OR, a term that contains another term adds nothing.
    terms = [t for t in terms if not any(o != t and o in t for o in terms)]
    return terms, unusable


def _quote(term: str) -> str:
    return '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"'


def or_patterns(terms: Sequence[str]) -> list[str]:
    """``?"a" ?"b" …`` patterns, split so that each stays within CloudWatch's length limit."""
    patterns: list[str] = []
    current = ""
    for term in terms:
        piece = "?" + _quote(term)
        if current and len(current) + 1 + len(piece) > FILTER_PATTERN_MAX:
            patterns.append(current)
            current = ""
        current = f"{current} {piece}".strip()
    if current:
        patterns.append(current)
    return patterns


@dataclass
class ReadRequest:
    """What to read: groups, range (epoch ms), and narrowing."""

    groups: list[str]
    start_ms: int
    end_ms: int
    terms: list[str] = field(default_factory=list)
    """Server-side OR terms (from the signatures); empty reads every event."""
    session: str | None = None
    grep: str | None = None
    max_events: int = DEFAULT_MAX_EVENTS
    strategy: str = "auto"
    """``auto`` (per range), ``filter`` or ``insights``."""
    listed: frozenset[str] = frozenset()
    """Groups the caller has just seen in a DescribeLogGroups listing: known to exist, not described again."""


@dataclass
class ReadStats:
    """What the read did, for ``--verbose`` and for the cap message."""

    strategy: str = ""
    reason: str = ""
    patterns: list[str] = field(default_factory=list)
    query: str = ""
    groups_read: list[str] = field(default_factory=list)
    missing_groups: list[str] = field(default_factory=list)
    calls: int = 0
    events: int = 0
    capped: bool = False
    cap_message: str = ""
    errors: list[str] = field(default_factory=list)
    last_ms: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_call(self) -> None:
        with self.lock:
            self.calls += 1

    def as_json(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "reason": self.reason,
            "filter_patterns": self.patterns,
            "insights_query": self.query or None,
            "groups_read": self.groups_read,
            "missing_groups": self.missing_groups,
            "calls": self.calls,
            "events_read": self.events,
            "capped": self.capped,
            "cap_message": self.cap_message or None,
            "errors": self.errors,
        }


def plan_read(request: ReadRequest) -> tuple[str, str]:
    """(strategy, why) for this range."""
    span = request.end_ms - request.start_ms
    hours = span / 3_600_000
    limit = INSIGHTS_FROM / 3_600_000
    if request.strategy in ("filter", "insights"):
        return request.strategy, gettext("{strategy} requested").format(strategy=request.strategy)
    if span > INSIGHTS_FROM:
        return "insights", gettext(
            "range {hours:.1f} h > {limit:.0f} h: one Logs Insights query over all groups "
            "needs far fewer calls than paging FilterLogEvents (Insights bills per GB scanned)"
        ).format(hours=hours, limit=limit)
    return "filter", gettext(
        "range {hours:.1f} h <= {limit:.0f} h: FilterLogEvents with a filter pattern (no per-GB query charge)"
    ).format(hours=hours, limit=limit)


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get("Code") or "")


class QueryFailed(RuntimeError):
    """A Logs Insights query that ended without its rows (its message is for people, already translated)."""


def _reason(exc: BaseException) -> str:
    from tui.logs.targets import aws_reason

    if isinstance(exc, QueryFailed):
        return str(exc)
    return aws_reason(exc)


def existing_groups(
    logs: Any, names: Sequence[str], listed: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """(groups that exist, groups that do not), one DescribeLogGroups per name not in ``listed`` (just seen)."""
    present: list[str] = []
    missing: list[str] = []
    for name in names:
        if name in listed:
            present.append(name)
            continue
        found = False
        kwargs: dict[str, Any] = {"logGroupNamePrefix": name}
        for _ in range(20):
            page = logs.describe_log_groups(**kwargs)
            if any(g.get("logGroupName") == name for g in page.get("logGroups", [])):
                found = True
                break
            token = page.get("nextToken")
            if not token:
                break
            kwargs["nextToken"] = token
        (present if found else missing).append(name)
    return present, missing


def _narrowing_pattern(request: ReadRequest) -> str | None:
    """An AND pattern for ``--session``/``--grep`` (exact, case-sensitive terms), else None."""
    words = [w for w in (request.session, request.grep) if w]
    return " ".join(_quote(w) for w in words) if words else None


def _wanted(request: ReadRequest, message: str) -> bool:
    if request.session and request.session not in message:
        return False
    return not (request.grep and request.grep not in message)


_IGNORES_PATTERNS: dict[str, bool] = {}
"""Endpoint URLs found to ignore filter patterns (learnt once per process; only that answer is conclusive)."""


def _probe_term(terms: Sequence[str]) -> str:
    """The term the probe asks for: a specific one (an ignoring server then visibly sends events without it),
    short (an emulator may evaluate the pattern per event at a cost that grows with its length)."""
    specific = [t for t in terms if 8 <= len(t) <= 40]
    return min(specific, key=len) if specific else max(terms, key=len)


def _ignores_patterns(logs: Any, group: str, request: ReadRequest, stats: ReadStats) -> bool:
    """One small FilterLogEvents with a pattern: does the server honour it? CloudWatch does; an emulator may
    not, and then a long pattern is pure overhead. ``--session``/``--grep`` stay exact: they are checked here."""
    if not request.terms and not (request.session or request.grep):
        return False
    endpoint = str(getattr(getattr(logs, "meta", None), "endpoint_url", ""))
    if endpoint in _IGNORES_PATTERNS:
        return _IGNORES_PATTERNS[endpoint]
    words = [w for w in (request.session, request.grep) if w]
    probe_terms = [] if words else [_probe_term(request.terms)]
    pattern = " ".join(_quote(w) for w in words) if words else or_patterns(probe_terms)[0]
    stats.count_call()
    page = logs.filter_log_events(
        logGroupName=group,
        startTime=max(request.start_ms, request.end_ms - PROBE_SPAN_MS),
        endTime=request.end_ms,
        filterPattern=pattern,
        limit=PROBE_LIMIT,
    )
    ignored = False
    for raw in page.get("events", []):
        message = str(raw.get("message") or "")
        if (words and not all(w in message for w in words)) or (
            probe_terms and not any(t in message for t in probe_terms)
        ):
            ignored = True
            break
    if ignored:
        # Only an event the pattern should have kept out proves the server ignores patterns. A page whose events all
        # hold the words proves nothing for later reads (a --session probe over an hour holding only that session's
        # lines would teach an emulator "honours"), so that answer is not kept: the next read probes again.
        _IGNORES_PATTERNS[endpoint] = True
    return ignored


class _Stop(Exception):
    pass


_timestamp = operator.itemgetter(0)
"""A ``LogEvent``'s time (its first field)."""
new_tuple = tuple.__new__
"""``new_tuple(LogEvent, (...))`` builds the named tuple without a Python-level ``__new__`` call per event."""


def _filter_group(
    logs: Any,
    group: str,
    request: ReadRequest,
    patterns: list[str | None],
    terms_by_pattern: list[list[str]],
    emit: Callable[[list[LogEvent]], None],
    cancelled: threading.Event,
    stats: ReadStats,
    only: int | None = None,
    piece: tuple[int, int] | None = None,
) -> None:
    for index, pattern in enumerate(patterns):
        if only is not None and index != only:
            continue
        earlier = [t for terms in terms_by_pattern[:index] for t in terms]
        own = terms_by_pattern[index]
        kwargs: dict[str, Any] = {
            "logGroupName": group,
            "startTime": piece[0] if piece else request.start_ms,
            "endTime": piece[1] if piece else request.end_ms,
            "limit": PAGE_LIMIT,
        }
        if pattern:
            kwargs["filterPattern"] = pattern
        for _ in range(MAX_PAGES):
            if cancelled.is_set():
                return
            stats.count_call()
            page = logs.filter_log_events(**kwargs)
            events = page.get("events", ())
            if own or earlier:
                # What the pattern asks for, checked again (an emulator may ignore the pattern), and an
                # event several OR patterns match is counted once: by the first pattern that sends it.
                events = [
                    raw
                    for raw in events
                    if (not own or any(t in (raw.get("message") or "") for t in own))
                    and not (earlier and any(t in (raw.get("message") or "") for t in earlier))
                ]
            # botocore has already checked each field's type against the API model: no conversions here,
            # this runs once per event read (so: the tuple built directly, and clean_text's common case inline)
            batch = [
                new_tuple(
                    LogEvent,
                    (
                        raw.get("timestamp") or 0,
                        m if (m := raw.get("message") or "").isascii() and m.isprintable() else clean_text(m),
                        group,
                        raw.get("logStreamName") or "",
                        raw.get("eventId") or "",
                    ),
                )
                for raw in events
            ]
            del events
            token = page.get("nextToken")
            del page  # the parsed page is several times the batch: not held while the consumer catches up
            if batch:
                emit(batch)
            if not token or token == kwargs.get("nextToken"):
                break
            kwargs["nextToken"] = token


def _insights_query(request: ReadRequest) -> str:
    filters = []
    if request.terms:
        alternatives = "|".join(re.escape(t).replace("\\ ", " ").replace("/", "\\/") for t in request.terms)
        filters.append(f"filter @message like /(?i){alternatives}/")
    for word in (request.session, request.grep):
        if word:
            filters.append('filter @message like "' + word.replace("\\", "\\\\").replace('"', '\\"') + '"')
    parts = ["fields @timestamp, @message, @logStream, @log", *filters, "sort @timestamp asc", f"limit {INSIGHTS_ROWS}"]
    return " | ".join(parts)


def _row_time(value: str) -> int:
    """Insights @timestamp: ``2026-12-01 15:04:05.123`` (UTC) on AWS; epoch ms digits in some emulations."""
    if value.isdigit():
        return int(value)
    from datetime import datetime

    return int(datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC).timestamp() * 1000)


def _run_query(
    logs: Any, groups: list[str], start_ms: int, end_ms: int, query: str, cancelled: threading.Event, stats: ReadStats
) -> list[list[dict[str, str]]]:
    stats.count_call()
    started = logs.start_query(
        logGroupNames=groups,
        startTime=start_ms // 1000,
        endTime=-(-end_ms // 1000),
        queryString=query,
        limit=INSIGHTS_ROWS,
    )
    query_id = started["queryId"]
    delay, deadline = 0.2, time.monotonic() + QUERY_DEADLINE
    while True:
        stats.count_call()
        result = logs.get_query_results(queryId=query_id)
        status = str(result.get("status") or "")
        if status == "Complete":
            return list(result.get("results") or [])
        if status in ("Failed", "Cancelled", "Timeout", "Unknown"):
            raise QueryFailed(gettext("the Logs Insights query ended with status {status}").format(status=status))
        if time.monotonic() > deadline:
            raise QueryFailed(
                gettext("the Logs Insights query is still {status} after {seconds:.0f} s").format(
                    status=status or "Running", seconds=QUERY_DEADLINE
                )
            )
        if cancelled.wait(delay):
            raise _Stop()
        delay = min(delay * 2, 2.0)


def insights_slices(start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """Pieces of a long range queried concurrently: each query then scans only its piece (the bytes scanned,
    which Insights bills, are the same) and a dense piece rarely hits the row cap."""
    return time_slices(start_ms, end_ms, INSIGHTS_SLICE_MS, INSIGHTS_MAX_SLICES)


def time_slices(start_ms: int, end_ms: int, slice_ms: int, most: int) -> list[tuple[int, int]]:
    """Disjoint inclusive [start, end] pieces of at most ``slice_ms`` (no more than ``most`` pieces): read
    concurrently, CloudWatch's work on one piece overlaps this process's work on another."""
    count = max(1, min(most, -(-(end_ms - start_ms) // slice_ms)))
    step = -(-(end_ms - start_ms) // count)
    edges = [start_ms + i * step for i in range(count)] + [end_ms + 1]
    return [(edges[i], min(edges[i + 1] - 1, end_ms)) for i in range(count)]


def _insights(
    logs: Any,
    request: ReadRequest,
    emit: Callable[[list[LogEvent]], None],
    cancelled: threading.Event,
    stats: ReadStats,
    piece: tuple[int, int] | None = None,
) -> None:
    query = stats.query = _insights_query(request)
    lowered_terms = [t.lower() for t in request.terms]
    first, last_ms = piece or (request.start_ms, request.end_ms)
    start = first
    seen_at_cursor: set[str] = set()
    for _ in range(10_000):
        rows = _run_query(logs, stats.groups_read, start, last_ms, query, cancelled, stats)
        batch: list[LogEvent] = []
        last = start
        boundary: set[str] = set()
        for row in rows:
            fields = {f.get("field"): f.get("value") for f in row}
            ts = _row_time(str(fields.get("@timestamp") or "0"))
            group = str(fields.get("@log") or "")
            group = group.split(":", 1)[1] if re.match(r"^\d{12}:", group) else group
            stream = str(fields.get("@logStream") or "")
            message = str(fields.get("@message") or "")
            ptr = str(fields.get("@ptr") or f"{group}/{stream}/{ts}/{hash(message)}")
            if ts // 1000 * 1000 == start and ptr in seen_at_cursor:
                continue  # already sent by the previous query (the cursor restarts at the last row's second)
            if ts < first or ts > last_ms:
                continue  # the query's range is whole seconds; this piece's is exact
            if lowered_terms and not any(t in message.lower() for t in lowered_terms):
                continue  # what the query asked for, checked again (an emulator may ignore the filter)
            batch.append(LogEvent(ts, clean_text(message), group, stream, ptr))
            if ts // 1000 > last // 1000:
                boundary = set()
            last = max(last, ts)
            boundary.add(ptr)
        if batch:
            emit(batch)
        if len(rows) < INSIGHTS_ROWS:
            return
        next_start = last // 1000 * 1000
        if next_start <= start and not batch:
            stats.capped = True
            stats.cap_message = gettext(
                "more than {count} matching events within one second at {time}: the rest of "
                "that second is not read; narrow with --grep, --session or --node"
            ).format(count=INSIGHTS_ROWS, time=iso(next_start))
            return
        seen_at_cursor = boundary if next_start == last // 1000 * 1000 else set()
        start = next_start


def read_events(
    logs: Any,
    request: ReadRequest,
    stats: ReadStats | None = None,
    *,
    cancelled: Cancelled | None = None,
    workers: int = 4,
) -> Generator[LogEvent, None, None]:
    """Every event of ``request.groups`` in the range that passes the server-side filter, as it arrives.

    Missing groups are recorded in ``stats.missing_groups`` (not an error: the OTEL group may not exist yet).
    Stops at ``request.max_events`` with ``stats.capped`` and a message saying how to narrow, and soon after
    ``cancelled`` is set (checked between batches and every half second while none arrives).
    """
    stats = stats if stats is not None else ReadStats()
    decode_bulk_answers(logs)
    outer = cancelled
    cancelled = threading.Event()  # ours: set when this read ends; ``outer`` (the caller's) is only watched
    present, missing = existing_groups(logs, request.groups, request.listed)
    stats.groups_read, stats.missing_groups = present, missing
    strategy, why = plan_read(request)
    send_patterns = True
    if present and request.strategy != "insights" and _ignores_patterns(logs, present[0], request, stats):
        strategy = "filter"
        why = gettext(
            "the server ignored a filter pattern (it sent events the pattern excludes: an emulator or proxy), so "
            "sending one would only cost time: FilterLogEvents without it, one request stream per group, every "
            "event classified here"
        )
        send_patterns = False
    stats.strategy, stats.reason = strategy, why
    if not present:
        return
    narrowing = _narrowing_pattern(request)
    if not send_patterns:  # --session/--grep are still checked (_wanted)
        patterns: list[str | None] = [None]
        terms_by_pattern: list[list[str]] = [[]]  # every event goes to the classifier, which is stricter
    elif narrowing:
        patterns = [narrowing]
        terms_by_pattern = [[]]
    elif request.terms:
        chunks = or_patterns(request.terms)
        patterns = list(chunks)
        terms_by_pattern = [re.findall(r'\?"((?:[^"\\]|\\.)*)"', c) for c in chunks]
        terms_by_pattern = [[t.replace('\\"', '"').replace("\\\\", "\\") for t in ts] for ts in terms_by_pattern]
    else:
        patterns, terms_by_pattern = [None], [[]]
    stats.patterns = [p for p in patterns if p] if strategy == "filter" else []

    pages: queue.Queue[Any] = queue.Queue(maxsize=1)  # at most one page per worker and one queued: events stream
    done = object()

    def emit(batch: list[LogEvent]) -> None:
        while not cancelled.is_set():
            try:
                pages.put(batch, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Stop()

    def run(job: Callable[[], None], label: str) -> None:
        try:
            job()
        except _Stop:
            pass
        except Exception as exc:  # noqa: BLE001 - reported in stats, the other groups go on
            if _code(exc) == "ResourceNotFoundException":
                with stats.lock:
                    stats.missing_groups.append(label)
            else:
                with stats.lock:
                    stats.errors.append(f"{label}: {_reason(exc)}")
        finally:
            _put_done()

    def _put_done() -> None:
        while True:
            try:
                pages.put(done, timeout=0.5)
                return
            except queue.Full:
                if cancelled.is_set():
                    return

    jobs: list[tuple[Callable[[], None], str]]
    if strategy == "insights":
        jobs = [
            (functools.partial(_insights, logs, request, emit, cancelled, stats, piece), ", ".join(present))
            for piece in insights_slices(request.start_ms, request.end_ms)
        ]
    else:
        # CloudWatch answers a time slice at the cost of that slice, so slices read concurrently return sooner;
        # but every stream (group x pattern x slice) is its own series of calls, and FilterLogEvents has a low
        # per-account rate quota: slices only fill the workers the group and pattern streams leave idle. A
        # server that ignores patterns (an emulator) pays for the whole group on every request: there a slice
        # only adds requests, so one stream per group, the groups read concurrently.
        streams = len(present) * len(patterns)
        most = max(1, min(FILTER_MAX_SLICES, workers // streams))
        pieces: list[tuple[int, int] | None] = (
            list(time_slices(request.start_ms, request.end_ms, FILTER_SLICE_MS, most)) if send_patterns else [None]
        )
        jobs = [
            (
                functools.partial(
                    _filter_group, logs, g, request, patterns, terms_by_pattern, emit, cancelled, stats, i, piece
                ),
                g,
            )
            for g in present
            for i in range(len(patterns))
            for piece in pieces
        ]
    threads = [
        threading.Thread(target=run, args=job, name=f"logs-read-{i}", daemon=True)
        for i, job in enumerate(jobs[: max(1, workers)])
    ]
    pending = jobs[len(threads) :]
    running = 0
    try:
        for t in threads:  # inside the ``try``: an interrupt between two starts still cancels the started ones
            t.start()
            running += 1
        while running:
            if outer is not None and outer.is_set():
                return
            try:
                item = pages.get(timeout=0.5)
            except queue.Empty:
                continue
            if item is done:
                running -= 1
                if pending:
                    job = pending.pop(0)
                    t = threading.Thread(target=run, args=job, daemon=True)
                    threads.append(t)
                    t.start()
                    running += 1
                continue
            if request.session or request.grep:
                item = [event for event in item if _wanted(request, event.message)]
            # counted a batch at a time (as many as fit under the cap), then handed out: once per page, not
            # once per event
            room = request.max_events - stats.events
            batch = item if len(item) <= room else item[: max(0, room)]
            if batch:
                stats.events += len(batch)
                stats.last_ms = max(stats.last_ms or 0, max(map(_timestamp, batch)))
                yield from batch
            if len(item) > len(batch):
                stats.capped = True
                stats.cap_message = gettext(
                    "stopped at the cap of {count} events (last read: {time}); "
                    "the rest of the range is not counted. Narrow with --since or --start/--end, "
                    "--session, --grep or --node, or raise --max-events"
                ).format(count=request.max_events, time=iso(stats.last_ms))
                return
    finally:
        cancelled.set()
        # The readers stop at their next check; one in a call waits for its answer (the client's timeouts). Five
        # seconds for all of them, not each: a ctrl-c on a stalled network is not kept 5 s per thread. They are
        # daemon threads: the process does not wait for one still in its call.
        deadline = time.monotonic() + JOIN_SECONDS
        for t in threads:
            if t.ident is not None:  # started
                t.join(timeout=max(0.0, deadline - time.monotonic()))
