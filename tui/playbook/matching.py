"""Ranking playbook nodes against a pasted error text or log line (``match``, ``/`` search, log classification).

One module owns matching so that every surface (CLI ``match``, the TUI search, the logs reader) ranks alike.
"""

from __future__ import annotations

from tui.playbook import patterns
from tui.playbook.model import Playbook


def match_signatures(playbook: Playbook, text: str) -> list[tuple[str, int]]:
    """Rank nodes by how many of their signatures match ``text`` (ties: longer match first)."""
    scores: list[tuple[str, int, int]] = []
    for node_id, node in playbook.nodes.items():
        hits = 0
        longest = 0
        for sig in node.signatures:
            found = patterns.search(sig, text)  # RE2: linear time, never hangs on a hostile signature
            if found is not None:
                hits += 1
                longest = max(longest, len(found))
        if hits:
            scores.append((node_id, hits, longest))
    scores.sort(key=lambda s: (-s[1], -s[2], s[0]))
    return [(n, h) for n, h, _ in scores]
