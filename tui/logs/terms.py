"""Literal words a signature's matches must contain: for the server-side filter, never to decide a match."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from tui.playbook.patterns import parse_python

MIN_TERM = 3
"""Shorter words would let the server send back nearly everything."""


def literal_terms(pattern: str) -> list[str] | None:
    """Literal words that any text matching the regex ``pattern`` must contain one of; None when there are none.

    Top-level alternatives give one word each; otherwise the longest run of literal characters. Used for the
    server-side filter only (case-sensitive there), never to decide a match.
    """
    words = _literal_terms(pattern)
    return list(words) if words is not None else None


@functools.lru_cache(maxsize=1024)
def _literal_terms(pattern: str) -> tuple[str, ...] | None:
    """``literal_terms``, once per pattern and process, from the parse the playbook's validation already made."""
    from re import _parser as sre_parse  # type: ignore[attr-defined]  # Python >= 3.11 (requires-python)

    try:
        parsed = list(parse_python(pattern))
    except Exception:  # noqa: BLE001 - an unparsable pattern gives no term
        return None
    literal_op = sre_parse.LITERAL

    def longest_run(items: Sequence[Any]) -> str:
        best, run = "", ""
        for op, arg in items:
            if op == literal_op:
                run += chr(arg)
            else:
                best, run = max(best, run.strip(), key=len), ""
        best = max(best, run.strip(), key=len)
        return best.split('"')[0] if '"' in best else best

    if len(parsed) == 1 and parsed[0][0] == sre_parse.BRANCH:
        words = [longest_run(list(branch)) for branch in parsed[0][1][1]]
    elif len(parsed) == 1 and parsed[0][0] == sre_parse.SUBPATTERN:
        return _literal_terms(pattern[pattern.index("(") + 1 : pattern.rindex(")")]) if "(" in pattern else None
    else:
        words = [longest_run(parsed)]
    if not words or any(len(w) < MIN_TERM for w in words):
        return None
    return tuple(words)
