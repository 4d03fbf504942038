"""One scan: read a set of log groups over a range and group the events by the node that explains them.

The CLI (``agentcore-triage logs``), the check ``logs.errors.recent`` and the TUI's Logs screen all call
``scan``; they differ only in how they render the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.i18n import _
from tui.logs.classify import Classifier, Grouping, LogEvent, Match, NodeGroup, signature_literals, signature_pattern
from tui.logs.reader import DEFAULT_MAX_EVENTS, Cancelled, ReadRequest, ReadStats, filter_terms, read_events
from tui.playbook.signatures import SignedPlaybook


@dataclass
class ScanResult:
    groups: list[str]
    start_ms: int
    end_ms: int
    grouping: Grouping
    stats: ReadStats
    node: str | None = None
    notes: list[str] = field(default_factory=list)

    def ranked(self) -> list[NodeGroup]:
        ranked = self.grouping.ranked()
        return [g for g in ranked if g.node == self.node] if self.node else ranked

    def as_json(self) -> dict[str, Any]:
        from tui.logs.classify import iso

        return {
            "log_groups": self.groups,
            "start": iso(self.start_ms),
            "end": iso(self.end_ms),
            "events_read": self.stats.events,
            "events_classified": self.grouping.scanned - self.grouping.unclassified,
            "groups": [g.as_json() for g in self.ranked()],
            "read": self.stats.as_json(),
            "notes": self.notes,
        }


def server_terms(playbook: SignedPlaybook, node: str | None = None) -> tuple[list[str], list[str]]:
    """Terms for the server-side filter (every signature, or only ``node``'s), and a note when there are none."""
    if node:
        signatures = [signature_pattern(s) for s in playbook.nodes[node].signatures]
    else:
        signatures = signature_literals(playbook)
    terms, unusable = filter_terms(signatures)
    notes = []
    if unusable:
        notes.append(
            _("no literal word in signature(s) {signatures}: every event is read and classified here").format(
                signatures=", ".join(repr(u) for u in unusable[:3])
            )
        )
        terms = []
    return terms, notes


def scan(
    logs: Any,
    playbook: SignedPlaybook,
    groups: Sequence[str],
    start_ms: int,
    end_ms: int,
    *,
    session: str | None = None,
    grep: str | None = None,
    node: str | None = None,
    max_events: int = DEFAULT_MAX_EVENTS,
    strategy: str = "auto",
    on_event: Callable[[LogEvent, Match | None], None] | None = None,
    cancelled: Cancelled | None = None,
    listed: frozenset[str] = frozenset(),
) -> ScanResult:
    """Read ``groups`` over [start_ms, end_ms] and group by node; ``on_event`` sees each event as it arrives.
    ``listed``: groups just seen in a DescribeLogGroups listing (known to exist)."""
    terms, notes = server_terms(playbook, node) if not (session or grep) else ([], [])
    request = ReadRequest(
        list(groups),
        start_ms,
        end_ms,
        terms=terms,
        session=session,
        grep=grep,
        max_events=max_events,
        strategy=strategy,
        listed=listed,
    )
    stats = ReadStats()
    grouping = Grouping(Classifier(playbook), keep_unexplained=bool(session or grep))
    result = ScanResult(list(groups), start_ms, end_ms, grouping, stats, node, notes)
    for event in read_events(logs, request, stats, cancelled=cancelled):
        match = grouping.add(event)
        if on_event is not None:
            on_event(event, match)
    return result
