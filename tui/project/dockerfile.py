"""A small Dockerfile reader: instructions with line numbers (continuations joined), grouped into build stages.

Enough for the checks that read what the image will be (platform, USER, the start command, installs);
it never runs anything. Bounded: at most ``MAX_INSTRUCTIONS`` instructions are read.
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass, field

MAX_INSTRUCTIONS = 50_000
"""A bound of its own besides the Dockerfile's size cap (256 KB: about 43,000 one-word lines). At 2,000 a CMD after
2,000 instructions was unseen by the checks reading stages, while others read it (one said the start command
has no opentelemetry-instrument, the other quoted it)."""
MAX_SHELL_WORDS_CHARS = 10_000
"""A CMD/ENTRYPOINT longer than this is split on spaces, not parsed as shell words (real ones are a line)."""


@dataclass(frozen=True)
class Instruction:
    line: int
    """1-based line where the instruction starts."""
    keyword: str
    """Upper-case instruction (FROM, RUN, USER …)."""
    args: str
    """Everything after the keyword, continuations joined with spaces."""

    @property
    def text(self) -> str:
        return f"{self.keyword} {self.args}".strip()


@dataclass
class Stage:
    """One ``FROM`` and the instructions up to the next one."""

    line: int
    image: str
    platform: str | None
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def last(self, keyword: str) -> Instruction | None:
        return next((i for i in reversed(self.instructions) if i.keyword == keyword), None)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions in order (a new list; the instructions are frozen and shared)."""
    return list(_instructions(text))


@functools.lru_cache(maxsize=4)
def _instructions(text: str) -> tuple[Instruction, ...]:
    """Parsed once per text: every project check reads the same Dockerfile, several times each (a 1 MB one of
    165,000 lines took 10 s and 500 MB for 12 checks when each call parsed it again)."""
    out: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # comment lines inside a continuation are dropped by Docker too
        if not pending:
            start = number
        continued = stripped.endswith("\\")
        pending.append(stripped[:-1].strip() if continued else stripped)
        if continued:
            continue
        joined = " ".join(p for p in pending if p)
        pending = []
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
        if len(out) >= MAX_INSTRUCTIONS:
            break
    if pending:
        joined = " ".join(p for p in pending if p)
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
    return tuple(out)


def stages(text: str) -> list[Stage]:
    """Build stages in order; instructions before the first FROM (ARG) are ignored."""
    result: list[Stage] = []
    for ins in instructions(text):
        if ins.keyword == "FROM":
            platform = None
            words = ins.args.split()
            rest = []
            for word in words:
                m = re.match(r"--platform=(\S+)", word)
                if m:
                    platform = m.group(1)
                else:
                    rest.append(word)
            image = rest[0] if rest else ""
            name = rest[2] if len(rest) >= 3 and rest[1].lower() == "as" else None
            result.append(Stage(ins.line, image, platform, name))
        elif result:
            result[-1].instructions.append(ins)
    return result


def command_words(ins: Instruction) -> list[str]:
    """CMD/ENTRYPOINT as words: exec form (JSON array) or shell form."""
    import json

    args = ins.args.strip()
    if args.startswith("["):
        try:
            value = json.loads(args)
            if isinstance(value, list):
                return [str(v) for v in value]
        except (ValueError, RecursionError):  # `CMD [[[[…` thousands deep ended ten checks in RecursionError
            pass
    if len(args) > MAX_SHELL_WORDS_CHARS:  # shlex (pure Python) took seconds a call on a 200 KB CMD
        return args.split()
    try:
        return shlex.split(args)
    except ValueError:
        return args.split()
