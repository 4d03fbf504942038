"""What a ``.dockerignore`` leaves out of the build context: read bounded, matched without a regex, never run.

Docker's rules (https://docs.docker.com/build/concepts/context/#dockerignore-files, and moby/patternmatcher, which
``docker build`` and BuildKit use):

- a line starting with ``#`` (in column 1) is a comment; the others are trimmed, and an empty one is skipped;
- ``!`` makes an exception; the pattern is cleaned as Go's ``filepath.Clean`` does and a leading ``/`` dropped, so
  ``/foo``, ``./foo`` and ``foo/`` all mean ``foo``, from the context's root;
- a pattern is Go's ``filepath.Match`` (``*`` and ``?`` stop at ``/``, ``[...]`` with ``^`` negating, ``\\`` escaping)
  plus ``**``, which matches any number of directories (none too); a trailing ``**`` matches anything;
- a pattern that matches a parent directory matches everything under it;
- the last line that matches a path decides: excluded, or kept by an exception;
- ``<Dockerfile>.dockerignore`` next to the Dockerfile (``app.Dockerfile.dockerignore``) is used instead of the
  context's ``.dockerignore``.

Docker translates a pattern into a regular expression (RE2: linear). Python's ``re`` backtracks, so a hostile
pattern (``*a*a*a…b``) would hang a check; patterns here are compiled into a small automaton run with bit sets, linear
in the path's length. The file is read with the project's bounded reader, and a file larger, longer or with longer
patterns than a real one is not judged (``ContextIgnore.problem``).
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from tui.i18n import _
from tui.project.reading import UnreadableProjectFile, context_path, read_project_text

MAX_IGNORE_BYTES = 64_000
"""A .dockerignore larger than this is not read (real ones are a few hundred bytes; the starter toolkit's is 735)."""
MAX_RULES = 2_000
"""Pattern lines judged at most (beyond: the file is not judged; truncating it would misjudge the last match)."""
MAX_PATTERN_CHARS = 1_000
"""A longer pattern makes the file not judged (real ones are a path or two)."""
MAX_WALK_ENTRIES = 2_000
"""Files looked at under a directory a COPY names, to see whether an exception keeps any of them."""

LITERAL, ONE, CLASS, STAR, TAIL, DIRS = range(6)
"""Token kinds: a character; ``?`` (one character but ``/``); ``[...]``; ``*`` (characters but ``/``); a trailing
``**`` (anything); ``**/`` or an inner ``**`` (``(.*/)?``: nothing, or anything ending with ``/``)."""


class InvalidIgnore(ValueError):
    """A line Docker refuses (the build stops with "syntax error in pattern" or "illegal exclusion pattern")."""


class OverBounds(InvalidIgnore):
    """A file Docker reads but this tool does not judge (more patterns, or longer ones, than a real file has)."""


@dataclass(frozen=True)
class Rule:
    line: int
    """1-based line of the file."""
    text: str
    """The line as written, trimmed (``*.lock``, ``!uv.lock``)."""
    pattern: str
    """The cleaned pattern, without ``!``."""
    exception: bool
    matcher: Matcher = field(repr=False, compare=False)

    def matches(self, path: str) -> bool:
        """Whether the pattern matches ``path`` or one of its parent directories (moby's MatchesOrParentMatches)."""
        if self.matcher.matches(path):
            return True
        parts = path.split("/")[:-1]
        return any(self.matcher.matches("/".join(parts[: i + 1])) for i in range(len(parts)))


@dataclass(frozen=True)
class IgnoreRules:
    rules: tuple[Rule, ...] = ()

    def deciding(self, path: str) -> Rule | None:
        """The last rule that matches ``path`` (relative to the context's root, ``/``-separated), or None."""
        path = _clean(path)
        return next((r for r in reversed(self.rules) if r.matches(path)), None)

    def excluding(self, path: str) -> Rule | None:
        """The rule that leaves ``path`` out of the build context, or None when it is in it."""
        rule = self.deciding(path)
        return rule if rule is not None and not rule.exception else None


@dataclass(frozen=True)
class ContextIgnore:
    """The ignore file a build of the project's Dockerfile uses."""

    path: Path
    name: str
    """Relative to the project (``.dockerignore``, ``docker/app.Dockerfile.dockerignore``)."""
    rules: IgnoreRules = field(default_factory=IgnoreRules)
    problem: str | None = None
    """Why it is not judged (translated, one line): not read, too many lines, a line Docker refuses."""
    refused: bool = False
    """``problem`` is a line Docker refuses: ``docker build`` stops before it reads the Dockerfile."""

    def excluding(self, path: str) -> Rule | None:
        """The rule that leaves ``path`` out of the context (None when it is in it, or the file is not judged)."""
        return None if self.problem else self.rules.excluding(path)

    def excludes_everything_under(self, root: Path, relative: str) -> Rule | None:
        """For a directory of the project: the rule that leaves it out when no file under it is kept by an exception
        (``*`` then ``!app/main.py`` keeps ``app``); None when something of it is in the context, or too many files
        are under it to look."""
        rule = self.excluding(relative)
        if rule is None or not any(r.exception for r in self.rules.rules):
            return rule
        seen = 0
        base = context_path(root, relative)  # a symlink out of the project is not walked (nor sent: BuildKit)
        if base is None:
            return rule
        try:
            for found in base.rglob("*"):
                seen += 1
                if seen > MAX_WALK_ENTRIES:
                    return None
                if self.rules.excluding(f"{relative}/{found.relative_to(base).as_posix()}") is None:
                    return None
        except (OSError, ValueError, RuntimeError):
            return None
        return rule

    def said(self, rule: Rule, path: str) -> str:
        """``.dockerignore line 3 (`*.lock`) leaves uv.lock out of the build context`` (translated)."""
        return _("{file} line {line} ({pattern}) leaves {path} out of the build context").format(
            file=self.name, line=rule.line, pattern=f"`{rule.text}`", path=path
        )


def parse(text: str) -> IgnoreRules:
    """The rules of a .dockerignore's text; ``InvalidIgnore`` for a line Docker refuses, or beyond the bounds."""
    rules: list[Rule] = []
    for number, raw in enumerate(text.split("\n"), 1):
        if number == 1:
            raw = raw.removeprefix("\ufeff")
        raw = raw.removesuffix("\r")
        if raw.startswith("#"):
            continue
        line = raw.strip()
        if not line:
            continue
        if len(rules) >= MAX_RULES:
            raise OverBounds(_("more than {count} patterns").format(count=MAX_RULES))
        if len(line) > MAX_PATTERN_CHARS:
            raise OverBounds(
                _("line {line}: a pattern of {size} characters").format(line=number, size=f"{len(line):,}")
            )
        exception = line.startswith("!")
        pattern = line[1:].strip() if exception else line
        if exception and not pattern:
            raise InvalidIgnore(_("line {line}: illegal exclusion pattern `!`").format(line=number))
        pattern = _clean(pattern)
        try:
            matcher = compiled(pattern)
        except InvalidIgnore:
            raise InvalidIgnore(
                _("line {line}: syntax error in pattern {pattern}").format(line=number, pattern=f"`{line}`")
            ) from None
        rules.append(Rule(number, line, pattern, exception, matcher))
    return IgnoreRules(tuple(rules))


def _clean(pattern: str) -> str:
    """Go's ``filepath.Clean`` (``./``, ``..``, doubled and trailing slashes), then a leading ``/`` dropped."""
    cleaned = posixpath.normpath(pattern) if pattern else "."
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if len(cleaned) > 1 and cleaned.startswith("/"):
        cleaned = cleaned[1:]
    return cleaned


def context_ignore(root: Path, dockerfile: Path | None) -> ContextIgnore | None:
    """The ignore file a build of ``dockerfile`` with the project as its context uses (the Dockerfile's own
    ``<name>.dockerignore`` first, then the context's ``.dockerignore``); None without either."""
    candidates = [dockerfile.with_name(dockerfile.name + ".dockerignore")] if dockerfile is not None else []
    for path in [*candidates, root / ".dockerignore"]:
        try:
            present = path.is_symlink() or path.exists()
        except (OSError, ValueError):
            present = False
        if not present:
            continue
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = str(path)
        try:
            rules = parse(read_project_text(root, path, MAX_IGNORE_BYTES))
        except OverBounds as exc:
            return ContextIgnore(path, name, problem=str(exc))
        except InvalidIgnore as exc:
            return ContextIgnore(path, name, problem=str(exc), refused=True)
        except UnreadableProjectFile as exc:
            return ContextIgnore(path, name, problem=str(exc))
        return ContextIgnore(path, name, rules)
    return None


@dataclass(frozen=True)
class Matcher:
    """One pattern as an automaton: positions ``0..size``; bit ``p`` of a state set means "the pattern up to ``p``
    matched the path so far". Per character, three masks say which positions step by one, stay, or step by two
    (out of a ``(.*/)?`` group on its ``/``); two more say which positions may be skipped without a character."""

    kinds: tuple[int, ...]
    values: tuple[object, ...]
    size: int
    skip1: int
    skip2: int
    literal: str | None = None
    """The whole pattern when it has no wildcard: compared as a string."""
    cache: dict[str, tuple[int, int, int]] = field(default_factory=dict, compare=False, repr=False)
    """Masks by character (a path has few distinct characters)."""

    def _masks(self, char: str) -> tuple[int, int, int]:
        found = self.cache.get(char)
        if found is None:
            found = self._computed(char)
            if len(self.cache) < 512:
                self.cache[char] = found
        return found

    def _computed(self, char: str) -> tuple[int, int, int]:
        step = stay = jump = 0
        position = 0
        for kind, value in zip(self.kinds, self.values, strict=True):
            bit = 1 << position
            if kind == LITERAL:
                step |= bit if char == value else 0
            elif kind == ONE:
                step |= bit if char != "/" else 0
            elif kind == CLASS:
                negated, ranges = cast("tuple[bool, tuple[tuple[str, str], ...]]", value)
                inside = any(lo <= char <= hi for lo, hi in ranges)
                step |= bit if inside != negated else 0
            elif kind == STAR:
                stay |= bit if char != "/" else 0
            elif kind == TAIL:
                stay |= bit
            else:  # DIRS: at `position` before the group, at `position + 1` inside it; out of it after a `/`
                step |= bit
                stay |= bit << 1
                if char == "/":
                    jump |= bit
                    step |= bit << 1
                position += 1
            position += 1
        return step, stay, jump

    def _closed(self, state: int) -> int:
        for _round in range(self.size + 1):
            more = state | ((state & self.skip1) << 1) | ((state & self.skip2) << 2)
            if more == state:
                break
            state = more
        return state

    def matches(self, path: str) -> bool:
        if self.literal is not None:
            return path == self.literal
        state = self._closed(1)
        for char in path:
            step, stay, jump = self._masks(char)
            state = self._closed(((state & step) << 1) | (state & stay) | ((state & jump) << 2))
            if not state:
                return False
        return bool(state >> self.size & 1)


@functools.lru_cache(maxsize=4096)
def compiled(pattern: str) -> Matcher:
    """``pattern`` (cleaned) as a ``Matcher``, as moby/patternmatcher reads it; ``InvalidIgnore`` when Go's
    ``filepath.Match`` or the regular expression Docker builds from it would refuse it."""
    kinds: list[int] = []
    values: list[object] = []

    def add(kind: int, value: object = None) -> None:
        last = kinds[-1] if kinds else None
        if kind in (STAR, TAIL, DIRS) and last is not None:  # equivalent neighbours collapse (`**` runs, `*` runs)
            if last in (kind, TAIL) or (kind == TAIL and last in (STAR, DIRS)):
                kinds[-1] = TAIL if TAIL in (kind, last) else kind
                return
        kinds.append(kind)
        values.append(value)

    i, count, wild = 0, len(pattern), False
    while i < count:
        char = pattern[i]
        i += 1
        if char == "*":
            wild = True
            if i < count and pattern[i] == "*":
                i += 1
                if i < count and pattern[i] == "/":
                    i += 1
                add(TAIL if i >= count else DIRS)
            else:
                add(STAR)
        elif char == "?":
            wild = True
            add(ONE)
        elif char == "[":
            wild = True
            i, value = _class(pattern, i)
            add(CLASS, value)
        elif char == "\\":
            if i >= count:
                raise InvalidIgnore(pattern)
            wild = True
            add(LITERAL, pattern[i])
            i += 1
        else:
            add(LITERAL, char)
    size = sum(2 if k == DIRS else 1 for k in kinds)
    skip1 = skip2 = 0
    position = 0
    for kind in kinds:
        if kind in (STAR, TAIL):
            skip1 |= 1 << position
        elif kind == DIRS:
            skip2 |= 1 << position
            position += 1
        position += 1
    return Matcher(tuple(kinds), tuple(values), size, skip1, skip2, None if wild else pattern)


def _class(pattern: str, i: int) -> tuple[int, tuple[bool, tuple[tuple[str, str], ...]]]:
    """A ``[...]`` starting after its ``[`` at ``i``: (the index after its ``]``, (negated, ranges)), as Go's
    ``filepath.Match`` reads one (non-empty; ``-`` and ``]`` only escaped; a range not backwards)."""
    negated = i < len(pattern) and pattern[i] == "^"
    i += 1 if negated else 0
    ranges: list[tuple[str, str]] = []

    def escaped(at: int) -> tuple[int, str]:
        if at >= len(pattern) or pattern[at] in "-]":
            raise InvalidIgnore(pattern)
        if pattern[at] == "\\":
            at += 1
            if at >= len(pattern):
                raise InvalidIgnore(pattern)
        return at + 1, pattern[at]

    while True:
        if i < len(pattern) and pattern[i] == "]" and ranges:
            return i + 1, (negated, tuple(ranges))
        i, lo = escaped(i)
        hi = lo
        if i < len(pattern) and pattern[i] == "-":
            i, hi = escaped(i + 1)
            if hi < lo:
                raise InvalidIgnore(pattern)
        ranges.append((lo, hi))
