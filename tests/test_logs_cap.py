"""The reader's cap, counted a page at a time: exactly ``max_events`` events are handed out, the cap is said only
when one more event was there, and "last read" is the latest time among the events handed out."""

from __future__ import annotations

import time

import boto3
import pytest

from tui.logs.classify import iso
from tui.logs.reader import ReadRequest, ReadStats, read_events
from tui.sandbox.logs_seed import put

GROUP = "/test/cap"


@pytest.fixture
def seeded(seeded_aws):
    seeded_aws()
    logs = boto3.client("logs")
    now = int(time.time() * 1000)
    # two streams, interleaved in time: a page is not in time order across them
    put(logs, GROUP, "a", [(now - 60_000 + 2 * i, f"event a{i}") for i in range(7)], create_group=True)
    put(logs, GROUP, "b", [(now - 60_000 + 2 * i + 1, f"event b{i}") for i in range(6)])
    return logs, now


@pytest.mark.parametrize("cap", [1, 5, 12, 13, 14, 100])
def test_the_cap_hands_out_exactly_cap_events(seeded, cap: int) -> None:
    logs, now = seeded
    stats = ReadStats()
    request = ReadRequest([GROUP], now - 120_000, now, max_events=cap, strategy="filter")
    events = list(read_events(logs, request, stats))
    assert len(events) == stats.events == min(cap, 13)
    assert stats.capped == (cap < 13)
    assert stats.last_ms == max(e.timestamp for e in events)
    if stats.capped:
        assert f"stopped at the cap of {cap} events (last read: {iso(stats.last_ms)})" in stats.cap_message
    else:
        assert stats.cap_message == ""
