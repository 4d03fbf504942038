"""``ast.parse`` for code read from several threads at once (the project checks run in worker threads).

CPython up to 3.12 keeps the AST constructor's recursion counter in one per-interpreter state: a parse that runs
while another thread's parse is converting its tree (the GIL changes hands in a garbage collection's finalizers)
resets that counter, and the other parse fails with ``SystemError: AST constructor recursion depth mismatch``
(python/cpython#106905 and its follow-ups). A doctor run saw it as a project check's ``error`` in one run of many.
One parse at a time, then: parsing a project's few files is milliseconds.
"""

from __future__ import annotations

import ast
import threading

_one_at_a_time = threading.Lock()


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(source, filename)``, never overlapping another thread's parse."""
    with _one_at_a_time:
        return ast.parse(source, filename=filename)


__all__ = ["parse"]
