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


INSTRUMENT_COMMAND = "opentelemetry-instrument"
"""The command aws-opentelemetry-distro installs (through opentelemetry-instrumentation) that starts a Python program
with the distro's auto-instrumentation loaded."""

RUNNERS: dict[str, frozenset[str]] = {
    # the options `uv run --help` lists with a value (uv 0.13)
    "uv": frozenset(
        (  # noqa: SIM905 - the words as uv's help lists them read better than a list of 49 lines
            "-C -P --allow-insecure-host --cache-dir --color --config-file --config-setting "
            "--config-settings-package --default-index --directory --env-file --exclude-newer "
            "--exclude-newer-package --extra --extra-index-url -f --find-links --fork-strategy --group -i "
            "--index --index-strategy --index-url --keyring-provider --link-mode --no-binary-package "
            "--no-build-isolation-package --no-build-package --no-editable-package --no-extra --no-group "
            "--no-sources-package --only-group -p --package --prerelease --prerelease-package --project "
            "--python --python-platform --refresh-package --reinstall-package --resolution --upgrade-group "
            "--upgrade-package -w --with --with-editable --with-requirements"
        ).split()
    ),
    "poetry": frozenset({"--directory", "-C", "--project", "-P"}),
    "pipenv": frozenset(),
    "pdm": frozenset({"--project", "-p", "--venv"}),
    "hatch": frozenset({"--env", "-e"}),
    "rye": frozenset({"--pyproject"}),
}
"""Commands whose ``run`` starts a program inside the project's environment (its ``bin/`` on PATH: where uv sync and
poetry install put opentelemetry-instrument), with the options of theirs that take a value."""
WRAPPERS = frozenset({"exec", "tini", "dumb-init"})
"""Words that start the real command after them (an init process, the shell's exec)."""
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
SYSTEM_BIN = frozenset({"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin"})


@dataclass(frozen=True)
class Instrumented:
    """Where opentelemetry-instrument goes into a start command: ``words[index:index + removed]`` becomes
    ``inserted``."""

    index: int
    inserted: list[str]
    removed: int = 0

    def apply(self, words: list[str]) -> list[str]:
        return words[: self.index] + self.inserted + words[self.index + self.removed :]


SHELL_SYNTAX = ("&&", "||", ";", "|", "`", "$(")
"""A start command holding one of these is a shell script (``sh -c``, a shell-form CMD with ``&&``): which program it
runs is not read."""


@dataclass(frozen=True)
class Program:
    """The program a start command runs: ``words[index]``, started through ``runner`` (``uv``, ``poetry``…) or not."""

    index: int
    runner: str | None = None
    module: bool = False
    """``uv run -m mod``: the program is ``python -m mod``, the word at ``index`` is the ``-m``."""


def program(words: list[str]) -> Program | None:
    """The program of the start command ``words`` (the image's ENTRYPOINT and CMD): after ``exec``, an init process
    (``tini --``) and a runner's ``run`` with its options (``uv run --no-dev python …``); None when it is a shell
    script or nothing follows."""
    if any(mark in word for word in words for mark in SHELL_SYNTAX):
        return None
    i, runner = 0, None
    while i < len(words) and words[i].rsplit("/", 1)[-1] in WRAPPERS:
        i += 1
        while i < len(words) and words[i].startswith("-"):  # tini's own options, then its `--`
            i += 1
    if i < len(words) and (name := words[i].rsplit("/", 1)[-1]) in RUNNERS and words[i + 1 : i + 2] == ["run"]:
        runner, takes_value = name, RUNNERS[name]
        i += 2
        while i < len(words) and words[i].startswith("-"):
            word = words[i]
            if word == "--":
                i += 1
                break
            if runner == "uv" and word in ("-m", "--module"):
                return Program(i, runner, module=True)
            i += 2 if word in takes_value else 1
    if i >= len(words) or words[i].rsplit("/", 1)[-1] in SHELLS | {".", "source"}:
        return None
    return Program(i, runner)


def instrumented(words: list[str]) -> Instrumented | None:
    """How to start the command ``words`` (the image's ENTRYPOINT and CMD) under opentelemetry-instrument; None when
    its program is not found (``program``).

    The command goes in front of the program: after ``exec``/``tini --``, and after a runner's ``run`` and options
    (``uv run --no-dev python …`` → ``uv run --no-dev opentelemetry-instrument python …``), because the runner is
    what puts the project's environment, where the distro installs the command, on PATH: in front of ``uv`` it is
    looked up on the image's PATH, where uv sync did not put it, and the container exits. ``uv run -m mod`` becomes
    ``uv run opentelemetry-instrument python -m mod``. A program named by a path into a virtual environment's
    ``bin/`` gets the command from the same directory."""
    found = program(words)
    if found is None:
        return None
    if found.module:
        return Instrumented(found.index, [INSTRUMENT_COMMAND, "python", "-m"], removed=1)
    folder = words[found.index].rpartition("/")[0]
    in_venv = folder.endswith("/bin") and folder not in SYSTEM_BIN
    return Instrumented(found.index, [f"{folder}/{INSTRUMENT_COMMAND}" if in_venv else INSTRUMENT_COMMAND])


def instruction_end(lines: list[str], start: int) -> int:
    """The 0-based index of the last physical line of the instruction starting at ``lines[start]`` (its ``\\``
    continuations and the comment lines between them, as ``instructions`` joins them)."""
    i = start
    while i < len(lines) - 1:
        stripped = lines[i].strip()
        if (i > start and stripped.startswith("#")) or stripped.endswith("\\"):
            i += 1
        else:
            break
    return i
