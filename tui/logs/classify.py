"""Classify log events by the playbook node that explains them, and group them by node.

The ranking is ``tui.playbook.matching.rank``'s (one ranking for ``match``, ``/`` and logs);
this module adds what a log scan needs on top: a cheap prefilter so that events no signature can match
cost one regex search, the noise flag (a signature marked ``noise: true``, and the benign cold-start
"log stream does not exist"), redacted samples, session ids, and a ranking that puts actionable errors
above noise. Groups hold counters and two samples, never the events: memory does not grow with the range.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tui.i18n import N_
from tui.playbook import patterns
from tui.playbook.matching import rank, ranked
from tui.playbook.signatures import SignedPlaybook
from tui.redact import redact_text

MATCH_WINDOW = 16_384
"""Characters matched at each end of a huge message: regex work per event stays bounded."""
SAMPLE_CHARS = 400
MAX_SESSIONS = 5
"""Distinct session ids kept per group (the count of events is exact; the id list is a sample)."""
CACHE_SIZE = 2048
"""Distinct matching texts whose classification is kept."""
_RE2_FLAGS = "(?i)(?m)"
_RE2_MAX_MEM = 8 << 20
"""As ``tui.playbook.patterns`` compiles each signature: case-insensitive, multiline, 8 MiB per program."""

BUILTIN_NOISE: tuple[tuple[str, str], ...] = (
    (
        "The specified log stream does not exist",
        N_("benign at cold start: the exporter's first write races the stream's creation"),
    ),
)
"""Texts known to be harmless whatever the playbook says: (literal, why it is noise)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|\x1b\[[0-9;?]*[A-Za-z]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SESSION = re.compile(
    r"(?i)(?:x-amzn-bedrock-agentcore-runtime-session-id|mcp-session-id|runtime[_-]?session[_-]?id|"
    r"session[._-]?id|sessionid)\"?\s*[:=]\s*\"?([A-Za-z0-9][A-Za-z0-9._:-]{7,127})"
)


def clean_text(message: str) -> str:
    """A log message made safe to print: lone surrogates (non-UTF-8 bytes) become U+FFFD, control and
    ANSI escape sequences are dropped (a log line must not drive the terminal); newlines and tabs stay."""
    if not message or (message.isascii() and message.isprintable()):
        return message  # the common case, without a regex pass
    message = _SURROGATE.sub("\ufffd", message)
    return _CONTROL.sub("", message)


def match_window(message: str) -> str:
    """Head and tail of a huge message (the error line of a long traceback is often the last one)."""
    if len(message) <= 2 * MATCH_WINDOW:
        return message
    return message[:MATCH_WINDOW] + "\n" + message[-MATCH_WINDOW:]


def signature_pattern(signature: Any) -> str:
    """The regex of a signature, whether the playbook gives it as a string or as an object."""
    if isinstance(signature, str):
        return signature
    for name in ("pattern", "regex", "text", "match"):
        value = getattr(signature, name, None)
        if isinstance(value, str):
            return value
    return str(signature)


def signature_is_noise(signature: Any) -> bool:
    """A signature object may carry ``noise: true`` (known harmless text); plain strings never do."""
    return bool(getattr(signature, "noise", False))


def session_of(message: str) -> str | None:
    """The session id a record names (OTEL attribute, header echo, ``session_id=``), or None."""
    m = _SESSION.search(message[:MATCH_WINDOW])
    return m.group(1) if m else None


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


class LogEvent(NamedTuple):
    """One CloudWatch event, its message already cleaned (``clean_text``). A named tuple: one is built per event
    read, and a tuple is built several times faster than a frozen dataclass."""

    timestamp: int
    message: str
    log_group: str
    stream: str
    event_id: str = ""

    def as_json(self, match: Match | None = None, *, max_chars: int = 65_536) -> dict[str, Any]:
        """The event for ``--format jsonl``: redacted, bounded, with its classification."""
        message = redact_text(self.message)
        if len(message) > max_chars:
            message = message[:max_chars] + f"…[{len(message) - max_chars} more characters]"
        return {
            "time": iso(self.timestamp),
            "timestamp": self.timestamp,
            "log_group": self.log_group,
            "stream": self.stream,
            "event_id": self.event_id,
            "node": match.node if match else None,
            "noise": match.noise if match else None,
            "session": session_of(self.message),
            "message": message,
        }


@dataclass(frozen=True)
class Match:
    """Why an event was kept: the node that explains it (None for built-in noise), the signature, noise."""

    node: str | None
    title: str
    signature: str
    noise: bool
    why_noise: str = ""

    @property
    def key(self) -> str:
        return self.node or f"noise:{self.signature}"


class Classifier:
    """Maps a message to the node that explains it (as ``match`` ranks), marking noise.

    ``playbook``: a loaded ``Playbook`` or the ``SignatureIndex`` built from one (``tui.playbook.signatures``);
    only ids, titles and signatures are read, by the same code for both.

    Every signature runs on RE2 (``tui.playbook.patterns``, as ``match`` does: linear time, whatever the
    playbook holds). A line that no signature can match, most of them, costs one pass of RE2's FilteredRE2
    over it: a set of literal atoms required by the signatures finds the few candidates, which RE2 then
    runs, and which tell which signatures match. A line that some signature matches is ranked from those alone,
    as ``tui.playbook.matching.rank`` ranks (``reference`` ranks the slow way, every signature, for the tests), once
    per distinct text (a repeated error is ranked once).
    """

    def __init__(self, playbook: SignedPlaybook) -> None:
        self.playbook = playbook
        self._signatures = runnable_signatures(playbook)
        self._noise = [(literal.lower(), why) for literal, why in BUILTIN_NOISE]
        self._cache: dict[str, Match | None] = {}
        """Repeated lines (the same error every few seconds) are matched once; bounded, oldest dropped."""
        self._any = _signature_filter(
            tuple(p for _, p, _ in self._signatures), tuple(literal for literal, _ in BUILTIN_NOISE)
        )

    @property
    def literals(self) -> list[str]:
        """Every signature's regex plus the built-in noise literals (for the server-side filter)."""
        return [p for _, p, _ in self._signatures] + [literal for literal, _ in BUILTIN_NOISE]

    def classify(self, message: str) -> Match | None:
        """The node explaining ``message``, or None when no signature and no known noise matches."""
        text = message if len(message) <= 2 * MATCH_WINDOW else match_window(message)
        matching, maybe_noise = self._any.matching(text)
        signature = bool(matching) if matching is not None else self._any.matches(text)[0]
        if not (signature or maybe_noise):
            return None  # most lines: one pass of the filter, nothing else
        lowered = text.lower()
        builtin = ""
        for literal, why in self._noise:
            if literal in lowered:
                builtin = why
                break
        if not signature:
            return self._builtin(builtin) if builtin else None
        cached = self._cache.get(text)
        if cached is not None or text in self._cache:
            return cached
        match = self._classify(text, builtin, matching)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[text] = match
        return match

    def reference(self, message: str) -> Match | None:
        """What ``classify`` must answer, computed the slow way: every signature ranked, no filter, no cache
        (for tests and the benchmark)."""
        text = match_window(message)
        lowered = text.lower()
        return self._classify(text, next((why for literal, why in self._noise if literal in lowered), ""))

    @staticmethod
    def _builtin(why: str) -> Match | None:
        """The built-in noise group for a text no node explains, or None."""
        if not why:
            return None
        literal = next(lit for lit, reason in BUILTIN_NOISE if reason == why)
        return Match(None, literal, literal, True, why)

    def _classify(self, text: str, builtin: str, matching: list[int] | None = None) -> Match | None:
        """``matching``: the indices (into ``_signatures``) of the signatures the filter found matching; then only
        they are run again (for the length of what they match), not every signature of the playbook. A distinct
        line with a match (each carries its own time and session) cost ~0.9 ms that way, 326 searches."""
        if matching is None:
            ranked = [m.node for m in rank(self.playbook, text)]
            if not ranked:
                return self._builtin(builtin)
            node_id = ranked[0]
            hits = [
                (p, noise) for n, p, noise in self._signatures if n == node_id and patterns.search(p, text) is not None
            ]
        else:
            found = [self._signatures[i] for i in matching]
            best = _best_node(found, text)
            if best is None:
                return self._builtin(builtin)
            node_id = best
            hits = [(p, noise) for n, p, noise in found if n == node_id]
        node = self.playbook.nodes[node_id]
        flagged = bool(hits) and all(noise for _, noise in hits)
        noise = flagged or bool(getattr(node, "noise", False)) or bool(builtin)
        why = builtin or (N_("the playbook marks this signature as noise") if noise else "")
        return Match(node_id, node.title, hits[0][0] if hits else "", noise, why)


def _best_node(found: list[tuple[str, str, bool]], text: str) -> str | None:
    """The node ``tui.playbook.matching.rank`` puts first, from the signatures known to match ``text`` (node id,
    pattern, noise; in playbook order): only an actionable one is run again, for the length of what it matches."""
    first = ranked(
        (node_id, noise, 0 if noise else len(patterns.search(pattern, text) or "")) for node_id, pattern, noise in found
    )
    return first[0].node if first else None


def runnable_signatures(playbook: SignedPlaybook) -> list[tuple[str, str, bool]]:
    """(node id, pattern, noise) of every signature RE2 runs (``match`` skips the others too)."""
    runnable = []
    for node_id, node in playbook.nodes.items():
        for sig in node.signatures:
            pattern = signature_pattern(sig)
            try:
                patterns.compile_pattern(pattern)  # cached: the playbook's validation compiled it already
            except patterns.PatternError:
                continue
            runnable.append((node_id, pattern, signature_is_noise(sig)))
    return runnable


def signature_literals(playbook: SignedPlaybook) -> list[str]:
    """``Classifier(playbook).literals`` without building the classifier."""
    return [p for _, p, _ in runnable_signatures(playbook)] + [literal for literal, _ in BUILTIN_NOISE]


class _SignatureFilter:
    """Whether any of the signatures matches a text, and whether one of the built-in noise literals may, in one
    pass: RE2's FilteredRE2 (literal atoms each pattern requires, searched all at once; then only the patterns
    whose atoms are present run). Built with the same flags and memory budget as ``tui.playbook.patterns``, so
    it answers as ``match`` would. For the literals it only rules out: RE2's case folding finds every text in
    which ``literal in text.lower()`` holds (and a few more, which ``Classifier.classify`` then checks exactly)
    for an ASCII literal not ending in ``i`` (the one letter that a non-ASCII capital, ``İ``, lowers to followed by
    a combining dot); for any other literal it never rules out."""

    def __init__(self, signatures: list[str], literals: list[str] = ()) -> None:  # type: ignore[assignment]
        self._filter: Any = None
        self._programs: list[Any] = []
        self._literals = [literal.lower() for literal in literals]
        self._signatures = len(signatures)
        self._literals_exact_only = any(not lit.isascii() or lit.endswith("i") for lit in self._literals)
        import re2  # type: ignore[import-untyped]  # google-re2, as tui.playbook.patterns

        options = re2.Options()
        options.log_errors = False
        options.max_mem = _RE2_MAX_MEM
        combined = re2.Filter()
        try:
            for pattern in [*signatures, *(re2.escape(literal) for literal in literals)]:
                combined.Add(_RE2_FLAGS + pattern, options)
            combined.Compile()
        except re2.error:
            # cannot happen for patterns compile_pattern accepted; if it does, each signature runs on its own
            self._programs = [patterns.compile_pattern(p) for p in signatures]
            return
        self._filter = combined
        self._match = getattr(combined, "_filter", None)
        """The C++ filter itself (google-re2's wrapper adds an isinstance and a call per text); None: the wrapper."""

    def matches(self, text: str) -> tuple[bool, bool]:
        """(a signature matches, a built-in noise literal may)."""
        matching, maybe_noise = self.matching(text)
        return (bool(matching) if matching is not None else self._any_program(text)), maybe_noise

    def matching(self, text: str) -> tuple[list[int] | None, bool]:
        """(the indices of the signatures that match, in order; a built-in noise literal may match). None for the
        indices when this filter could not be built (each signature is then run on its own, by ``matches``)."""
        subject = text[: patterns.MAX_SUBJECT_CHARS]
        if self._filter is None:
            lowered = subject.lower()
            return None, any(literal in lowered for literal in self._literals)
        found = self._match.Match(subject.encode(), False) if self._match is not None else self._filter.Match(subject)
        if not found:
            return [], self._literals_exact_only
        signatures = sorted(i for i in found if i < self._signatures)
        return signatures, self._literals_exact_only or max(found) >= self._signatures

    def _any_program(self, text: str) -> bool:
        subject = text[: patterns.MAX_SUBJECT_CHARS]
        return any(program.search(subject) for program in self._programs)


@functools.lru_cache(maxsize=8)
def _signature_filter(signatures: tuple[str, ...], literals: tuple[str, ...]) -> _SignatureFilter:
    """One filter per set of signatures in a process: building it compiles every signature into RE2's filter, and
    ``logs.errors.recent`` builds a classifier on every run (6-7 % of a doctor run's CPU). A filter is never changed
    once built, and RE2 matches from many threads at once (its matching is const), so one can serve them all."""
    return _SignatureFilter(list(signatures), list(literals))


def sample(event: LogEvent, match: Match | None) -> dict[str, Any]:
    """One redacted line for people: the line of a multi-line record that matched, trimmed."""
    lines = event.message.splitlines() or [""]
    line = lines[0]
    if match and match.signature:
        line = next((ln for ln in lines[:2000] if patterns.search(match.signature, ln[: 2 * MATCH_WINDOW])), line)
    text = redact_text(line.strip())
    if len(text) > SAMPLE_CHARS:
        text = text[:SAMPLE_CHARS] + "…"
    more = len(lines) - 1
    return {
        "time": iso(event.timestamp),
        "log_group": event.log_group,
        "stream": event.stream,
        "message": text,
        **({"more_lines": more} if more > 0 else {}),
    }


@dataclass
class NodeGroup:
    """Every event one node explains: counts, first/last time, two redacted samples, sessions."""

    key: str
    node: str | None
    title: str
    signature: str
    noise: bool
    why_noise: str = ""
    count: int = 0
    first_ms: int | None = None
    last_ms: int | None = None
    first_event: LogEvent | None = None
    last_event: LogEvent | None = None
    match: Match | None = None
    sessions: list[str] = field(default_factory=list)
    log_groups: list[str] = field(default_factory=list)
    _samples: dict[str, tuple[LogEvent, dict[str, Any]]] = field(default_factory=dict, repr=False, compare=False)
    """The first and last samples with the events they were made of: the logs screen shows them again at every
    refresh, and redacting a long line (a one-line JSON record of 100 KB) takes tens of milliseconds."""

    def add(self, event: LogEvent, match: Match) -> None:
        self.count += 1
        ts = event.timestamp
        self.match = self.match or match
        # Keep the two events, not their samples: redacting every event would cost more than reading it.
        if self.first_ms is None or ts < self.first_ms:
            self.first_ms, self.first_event = ts, event
        if self.last_ms is None or ts >= self.last_ms:
            self.last_ms, self.last_event = ts, event
        if event.log_group not in self.log_groups:
            self.log_groups.append(event.log_group)
        session = session_of(event.message)
        if session and session not in self.sessions and len(self.sessions) < MAX_SESSIONS:
            self.sessions.append(session)

    @property
    def first(self) -> dict[str, Any] | None:
        return self._sample("first", self.first_event)

    @property
    def last(self) -> dict[str, Any] | None:
        return self._sample("last", self.last_event)

    def _sample(self, which: str, event: LogEvent | None) -> dict[str, Any] | None:
        if event is None:
            return None
        made = self._samples.get(which)
        if made is None or made[0] is not event:
            made = self._samples[which] = (event, sample(event, self.match))
        return dict(made[1])

    def as_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "title": self.title,
            "signature": self.signature,
            "noise": self.noise,
            **({"why_noise": self.why_noise} if self.why_noise else {}),
            "count": self.count,
            "first_time": iso(self.first_ms),
            "last_time": iso(self.last_ms),
            "last_ms": self.last_ms,
            "first": self.first,
            "last": self.last,
            "sessions": self.sessions,
            "log_groups": self.log_groups,
        }


UNEXPLAINED = "unexplained"


def rank_key(group: NodeGroup) -> tuple[int, int, int, str]:
    """Actionable errors first, then events no node explains, then noise; within each, more events first,
    then the one that started first (an earlier error is more likely the cause of a later one), then by key."""
    tier = 2 if group.noise else (1 if group.node is None else 0)
    return (tier, -group.count, group.first_ms or 0, group.key)


@dataclass
class Grouping:
    """Accumulates classified events into node groups while they stream past."""

    classifier: Classifier
    groups: dict[str, NodeGroup] = field(default_factory=dict)
    keep_unexplained: bool = False
    """Also group the events no node explains (``--session``/``--grep`` show everything they select)."""
    scanned: int = 0
    unclassified: int = 0

    def add(self, event: LogEvent) -> Match | None:
        self.scanned += 1
        match = self.classifier.classify(event.message)
        if match is None:
            self.unclassified += 1
            if not self.keep_unexplained:
                return None
            group = self.groups.get(UNEXPLAINED)
            if group is None:
                title = N_("events no node explains")
                group = self.groups[UNEXPLAINED] = NodeGroup(UNEXPLAINED, None, title, "", False)
            group.add(event, Match(None, group.title, "", False))
            return None
        group = self.groups.get(match.key)
        if group is None:
            group = self.groups[match.key] = NodeGroup(
                match.key, match.node, match.title, match.signature, match.noise, match.why_noise
            )
        group.add(event, match)
        return match

    def extend(self, events: Iterable[LogEvent]) -> None:
        for event in events:
            self.add(event)

    def ranked(self) -> list[NodeGroup]:
        return sorted(self.groups.values(), key=rank_key)
