"""Compile and run playbook-supplied regular expressions (signatures, input patterns) without ever hanging.

A playbook may come from anywhere, so its patterns are untrusted. Python's ``re`` backtracks: ``^(a+)+$`` or
``(a|aa)+$`` against a few dozen characters runs for minutes and cannot be interrupted. Two ways out were weighed:

- the ``regex`` module's ``timeout=``: same dialect as ``re``, but the bound is wall-clock time, so on a loaded
  machine a legitimate match can time out (the answer depends on the load), and a hostile pattern still burns a
  whole timeout per call, per signature, per log line;
- RE2 through ``google-re2`` (chosen): an automaton engine whose match time is linear in the input length for
  every pattern, so the bound is the code's own limits (pattern length, program size, input length), the same on
  any machine. Binary wheels exist for CPython 3.11 on manylinux_2_27+ x86_64/aarch64, macOS 13+ (x86_64) / 14+
  (arm64) and Windows (no musl/Alpine wheel: there it builds from source). Its dialect lacks look-around and
  back-references, which no shipped signature uses; validation says so in one line.

Patterns are also checked with Python's own parser first, so syntax errors and absurd repeat counts
(``a{4294967296}``) become one clear message, and nested unbounded repetition (``(a+)+``) — catastrophic in any
backtracking engine a colleague might paste the signature into — is rejected at validation.
"""

from __future__ import annotations

import functools
import re
from typing import Any

MAX_PATTERN_CHARS = 1_000
"""Longest pattern a playbook may hold (the shipped signatures are under 100 characters)."""

MAX_SUBJECT_CHARS = 1_000_000
"""Text beyond this many characters is not searched (a pasted log or one log line is far shorter)."""

_MAX_PROGRAM_BYTES = 8 << 20
"""RE2's memory budget for one compiled pattern; a pattern that needs more is rejected, not run."""

_FLAGS = "(?im)"
"""Signatures match case-insensitively, ``^``/``$`` at line ends (as ``re.IGNORECASE | re.MULTILINE`` did)."""


class PatternError(ValueError):
    """A pattern the tool will not run; the message says why and what to write instead."""


def check_pattern(pattern: str) -> None:
    """Raise ``PatternError`` unless ``pattern`` is safe and valid for RE2 (and parses as Python regex syntax)."""
    problem = _problem(pattern)
    if problem is not None:
        raise PatternError(problem)


@functools.lru_cache(maxsize=4096)
def _problem(pattern: str) -> str | None:
    """Why ``check_pattern`` rejects ``pattern``, or None: a pure function of the text, so a pattern is checked
    once per process (validation checks each signature, then compiling it for use checks it again)."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"pattern is {len(pattern)} characters; the limit is {MAX_PATTERN_CHARS}"
    try:
        parsed = parse_python(pattern)
    except re.error as exc:
        return f"pattern does not compile: {exc}"
    except (OverflowError, RecursionError, MemoryError):
        return "pattern does not compile: a repeat count or nesting is too large (RE2 allows {0,1000})"
    if _nested_unbounded_repeat(parsed):
        return (
            "pattern nests unbounded repetition (like (a+)+), which backtracks catastrophically; "
            "repeat the inner part once (a+) or bound it"
        )
    try:
        _compile(pattern, 0)
    except PatternError as exc:
        return str(exc)
    return None


def compile_pattern(pattern: str, *, ignore_case: bool = True, multiline: bool = True) -> Any:
    """RE2 program for ``pattern`` (cached); raises ``PatternError`` for a pattern ``check_pattern`` rejects."""
    return _checked(pattern, (1 if ignore_case else 0) | (2 if multiline else 0))


@functools.lru_cache(maxsize=1024)
def _checked(pattern: str, flags: int) -> Any:
    check_pattern(pattern)  # a rejected pattern raises, and exceptions are not cached
    return _compile(pattern, flags)


def search(pattern: str, text: str, *, ignore_case: bool = True, multiline: bool = True) -> str | None:
    """The text of the first match of ``pattern`` in ``text`` (first ``MAX_SUBJECT_CHARS`` only), or None.

    An invalid pattern never matches: validation has already reported it.
    """
    try:
        program = compile_pattern(pattern, ignore_case=ignore_case, multiline=multiline)
    except PatternError:
        return None
    found = program.search(text[:MAX_SUBJECT_CHARS])
    return found.group(0) if found else None


def fullmatch(pattern: str, text: str) -> bool:
    """Whether all of ``text`` matches ``pattern`` (case-sensitive; for playbook input patterns)."""
    try:
        program = compile_pattern(pattern, ignore_case=False, multiline=False)
    except PatternError:
        return False
    return len(text) <= MAX_SUBJECT_CHARS and program.fullmatch(text) is not None


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str, flags: int) -> Any:
    import re2  # type: ignore[import-untyped]  # google-re2; imported on first use, not at startup

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own parse errors to stderr
    options.max_mem = _MAX_PROGRAM_BYTES
    prefix = ("(?i)" if flags & 1 else "") + ("(?m)" if flags & 2 else "")
    try:
        return re2.compile(prefix + pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(
            f"pattern is not supported by the safe regex engine (RE2): {reason}"
            " (look-around and back-references are not available; repeats go up to {1000})"
        ) from None


@functools.lru_cache(maxsize=1024)
def parse_python(pattern: str) -> Any:
    """``pattern`` parsed by the stdlib's own regex parser (the structure the nesting check needs; the logs reader
    takes its literal words from it too), once per process. Callers only read it. Raises ``re.error``,
    ``OverflowError``, ``RecursionError`` or ``MemoryError`` (not cached) for what does not parse."""
    from re import _parser  # type: ignore[attr-defined]

    return _parser.parse(pattern)


def _nested_unbounded_repeat(parsed: Any, inside_repeat: bool = False) -> bool:
    """Whether an unbounded repeat sits inside another repeat (star height > 1)."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, av in parsed:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            _low, high, body = av
            many = high == c.MAXREPEAT or high > 10
            if inside_repeat and high == c.MAXREPEAT:
                return True
            if _nested_unbounded_repeat(body, inside_repeat or many):
                return True
        elif op is c.SUBPATTERN:
            if _nested_unbounded_repeat(av[-1], inside_repeat):
                return True
        elif op is c.BRANCH:
            if any(_nested_unbounded_repeat(branch, inside_repeat) for branch in av[1]):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _nested_unbounded_repeat(av[1], inside_repeat):
                return True
        elif op is c.GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch is not None and _nested_unbounded_repeat(branch, inside_repeat):
                    return True
        elif getattr(c, "ATOMIC_GROUP", None) is not None and op is c.ATOMIC_GROUP:
            if _nested_unbounded_repeat(av, inside_repeat):
                return True
    return False
