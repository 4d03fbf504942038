"""Ranking playbook nodes against a pasted error text or log line (``match``, ``/`` search, log classification).

One module owns matching so that every surface (CLI ``match``, the TUI search, the logs reader) ranks alike.

A node scores one point per signature that matches. Signatures marked ``noise: true`` (log lines that are
known to be harmless, such as ``ClosedResourceError`` after a client went away) count only when nothing
actionable matched: a node explained by noise alone ranks below every node with an actionable match, so a
frequent harmless line never outranks the one real error in the same paste.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.files import exists, is_file, user_path
from tui.i18n import _, os_reason
from tui.playbook import patterns
from tui.playbook.signatures import SignedPlaybook

if TYPE_CHECKING:
    from tui.playbook.model import Playbook


@dataclass(frozen=True)
class Match:
    """How one node matched a text."""

    node: str
    hits: int
    """Actionable signatures that matched."""
    noise_hits: int
    """Signatures marked as noise that matched."""
    longest: int
    """Length of the longest matching text (ties: the more specific node first)."""

    @property
    def noise(self) -> bool:
        """Only known noise matched."""
        return self.hits == 0

    @property
    def score(self) -> int:
        return self.hits or self.noise_hits


def _search(pattern: str, text: str) -> str | None:
    """The matched text (RE2: linear time, never hangs on a hostile signature), case-insensitive, multiline."""
    return patterns.search(pattern, text)


def rank(playbook: SignedPlaybook, text: str) -> list[Match]:
    """Nodes whose signatures match ``text``: actionable before noise, then most hits, then longest match.

    Reads only node ids and signatures: a loaded ``Playbook`` and a ``SignatureIndex`` rank alike."""

    def hits() -> Iterator[tuple[str, bool, int]]:
        for node_id, node in playbook.nodes.items():
            for sig in node.signatures:
                # validated signatures are ``Signature`` strings; a model built in code may still hold a SignatureSpec
                found = _search(sig if isinstance(sig, str) else sig.pattern, text)
                if found is not None:
                    yield node_id, bool(getattr(sig, "noise", False)), len(found)  # a Signature's flag, or a Spec's

    return ranked(hits())


def ranked(hits: Iterable[tuple[str, bool, int]]) -> list[Match]:
    """The ranking of ``rank`` from the signatures that matched: (node id, noise, length of the text it matched)
    each. The log classifier gives it only the signatures RE2's filter found, instead of running them all."""
    counts: dict[str, list[int]] = {}  # node → [hits, noise hits, longest actionable match]
    for node_id, noise, length in hits:
        entry = counts.setdefault(node_id, [0, 0, 0])
        if noise:
            entry[1] += 1
        else:
            entry[0] += 1
            entry[2] = max(entry[2], length)
    matches = [Match(node_id, hit, noise_hits, longest) for node_id, (hit, noise_hits, longest) in counts.items()]
    matches.sort(key=lambda m: (m.noise, -m.hits, -m.longest, -m.noise_hits, m.node))
    return matches


def match_signatures(playbook: SignedPlaybook, text: str) -> list[tuple[str, int]]:
    """Ranked ``(node id, score)`` pairs (see :func:`rank`)."""
    return [(m.node, m.score) for m in rank(playbook, text)]


class MatchInputError(ValueError):
    """The text given to ``match`` cannot be used (empty, or a file that does not exist)."""


def _looks_like_path(text: str) -> bool:
    """One token that names a file: starts like a path or ends with a log-ish extension."""
    if not text or any(c.isspace() for c in text) or len(text) > 4096:
        return False
    return text.startswith(("/", "./", "../", "~/")) or bool(re.search(r"\.(log|txt|json|jsonl|out|err)$", text))


MATCH_TAIL_BYTES = 80_000
"""What ``match`` reads of a long log file or stdin: its end, where a log's newest lines are (the search itself looks
at 20,000 characters, ``tui.playbook.search.MAX_QUERY``; four bytes a character at worst)."""
MATCH_TAIL_CHARS = 20_000
"""The characters of that end that are matched: what the search looks at (``search.MAX_QUERY``, the same number)."""
MATCH_STDIN_MAX = 64 * 1024 * 1024
"""Stdin is read to its end up to here (keeping only the tail): an endless stream (``yes | match -``) stops."""


@dataclass(frozen=True)
class MatchInput:
    text: str
    read_bytes: int = 0
    """Bytes of the file or stream when only its tail is matched, else 0."""
    stopped: bool = False
    """Stdin was still sending at ``MATCH_STDIN_MAX`` bytes."""


def tail_text(data: bytes, whole: int) -> MatchInput:
    """The text of ``data``, the last bytes of ``whole``: when cut, from its first full line on."""
    text = data.decode("utf-8", errors="replace")
    if whole > len(data) or len(text) > MATCH_TAIL_CHARS:
        text = text[-MATCH_TAIL_CHARS:]
        text = text.split("\n", 1)[1] if "\n" in text else text
        return MatchInput(text, read_bytes=whole)
    return MatchInput(text)


def read_stdin_tail(stream: Any) -> MatchInput:
    """Stdin to its end (at most ``MATCH_STDIN_MAX`` bytes), keeping only its last ``MATCH_TAIL_BYTES``."""
    tail = b""
    total = 0
    while total < MATCH_STDIN_MAX:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        total += len(chunk)
        tail = (tail + chunk)[-MATCH_TAIL_BYTES:]
    stopped = total >= MATCH_STDIN_MAX and bool(stream.read(1))
    found = tail_text(tail, total)
    return MatchInput(found.text, found.read_bytes, stopped)


def read_match_file(path: Path) -> MatchInput:
    """A log file named on the command line: its end, bounded; a directory, device or pipe is refused."""
    from tui.files import NotARegularFile, read_regular_tail

    try:
        data, whole = read_regular_tail(path, MATCH_TAIL_BYTES)
    except NotARegularFile as exc:
        raise MatchInputError(f"{path}: {os_reason(exc)}") from None
    except OSError as exc:
        raise MatchInputError(f"{path}: {os_reason(exc)}") from None
    return tail_text(data, whole)


def read_match(text: str, stdin: MatchInput | None = None) -> MatchInput:
    """The text to match and what was read: ``-`` is stdin (``read_stdin_tail``), an existing file is read, a path
    that does not exist is an error; a long file or stream is matched by its end."""
    found = MatchInput(text)
    if text == "-":
        found = stdin or MatchInput("")
    else:
        path = user_path(text) if _looks_like_path(text) else None
        if path is not None:
            if not exists(path):
                raise MatchInputError(
                    _("{path}: no such file (to match a text that looks like a path, quote more of the line)").format(
                        path=text
                    )
                )
            found = read_match_file(path)
        # a pasted line may be longer than a file name may be (~90 Japanese characters): is_file says no, not Errno 36
        elif len(text) < 4096 and "\n" not in text and is_file(text):
            found = read_match_file(Path(text))
    text = found.text
    if not text.strip():
        raise MatchInputError(_("nothing to match: give the error text, a log file, or - for stdin"))
    return found


def node_for_start(playbook: Playbook, start: str) -> str | None:
    """A node id, or the node that answers guide section ``start`` (e.g. ``1.1``): the first check node that
    does (a walk from there runs the checks), else the first node; None when neither."""
    from tui.playbook.model import CheckNode

    if start in playbook.nodes:
        return start
    answering = [(node_id, node) for node_id, node in playbook.nodes.items() if start in node.guide_sections]
    checks = [node_id for node_id, node in answering if isinstance(node, CheckNode)]
    candidates = checks or [node_id for node_id, _ in answering]
    return candidates[0] if candidates else None
