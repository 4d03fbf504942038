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
class Heredoc:
    """A here-document (BuildKit: ``RUN <<EOF`` … ``EOF``): the lines after its instruction up to the delimiter."""

    name: str
    """The delimiter (``EOF`` for ``<<EOF``, ``<<-EOF``, ``<<"EOF"``)."""
    line: int
    """1-based line of the body's first line."""
    body: str
    """The body's lines joined with newlines (leading tabs removed for ``<<-``)."""
    closed: bool = True
    """False when the file ends before the delimiter's line (``docker build``: "unterminated heredoc")."""


@dataclass(frozen=True)
class Instruction:
    line: int
    """1-based line where the instruction starts."""
    keyword: str
    """Upper-case instruction (FROM, RUN, USER …)."""
    args: str
    """Everything after the keyword, continuations joined with spaces. A RUN's here-document bodies follow, each on
    its own lines (an install inside ``RUN <<EOF`` counts as the RUN's); a COPY's or ADD's (file contents) do not."""
    word: str = ""
    """The instruction as written (``npm`` on a line that lacks its RUN: ``docker build`` quotes it so)."""
    heredocs: tuple[Heredoc, ...] = ()
    end: int = 0
    """1-based last line of the instruction's own lines (its continuations and the comment and empty lines between
    them; here-document bodies not included): what a fix rewriting the instruction replaces."""

    @property
    def text(self) -> str:
        """The instruction as findings quote it: its own line(s), joined; a RUN's here-document body (in ``args``
        for the checks that read what it installs) is left out, so a quoted command stays one line."""
        return f"{self.keyword} {self.own_args}".strip()

    @property
    def own_args(self) -> str:
        """``args`` without the here-document bodies: what is written on the instruction's own lines."""
        return self.args.partition("\n")[0]


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
    165,000 lines took 10 s and 500 MB for 12 checks when each call parsed it again).

    As BuildKit's parser reads it (moby/buildkit frontend/dockerfile/parser/parser.go): the escape character of a
    ``# escape=`` directive ends a continued line, comment and empty lines inside a continuation are dropped, and
    the here-documents of a RUN, COPY or ADD (``<<EOF``, ``<<-EOF``, ``<<"EOF"``, several on one line) take the lines
    after it up to their delimiter, which are never instructions."""
    lines = text.splitlines()
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    continued_by = _continuation(escape_token(lines))
    out: list[Instruction] = []
    i, count = 0, len(lines)
    while i < count and len(out) < MAX_INSTRUCTIONS:
        stripped = lines[i].strip()
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        start, parts = i, []
        while True:
            mark = continued_by.search(stripped)
            parts.append(stripped[: mark.start()].strip() if mark else stripped)
            if not mark:
                break
            while i < count and (not (stripped := lines[i].strip()) or stripped.startswith("#")):
                i += 1  # comment and empty lines inside a continuation are dropped by Docker too
            if i >= count:
                break
            i += 1
        end = i
        joined = " ".join(p for p in parts if p)
        word, args = _split_keyword(joined)
        keyword = word.upper()
        heredocs: list[Heredoc] = []
        if "<<" in joined and _takes_heredocs(keyword, args):
            for name, chomp in heredoc_names(joined):
                first, body, closed = i + 1, [], False
                while i < count:
                    raw = lines[i]
                    i += 1
                    candidate = raw.lstrip("\t") if chomp else raw
                    if candidate == name:
                        closed = True
                        break
                    body.append(candidate)
                heredocs.append(Heredoc(name, first, "\n".join(body), closed))
        if heredocs and "RUN" in (keyword, _split_keyword(args)[0].upper() if keyword == "ONBUILD" else ""):
            args = "\n".join([args, *(h.body for h in heredocs if h.body)])
        out.append(Instruction(start, keyword, args, word, tuple(heredocs), end))
    return tuple(out)


def _split_keyword(joined: str) -> tuple[str, str]:
    """(instruction word, arguments): the word ends at the first whitespace (a tab too, as in Docker)."""
    parts = re.split(r"\s+", joined.strip(), maxsplit=1)
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
PARSER_DIRECTIVES = frozenset({"syntax", "escape", "check"})
HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)\s*([^<]*)$")
"""A word of the instruction's line that starts a here-document (BuildKit's ``reHeredoc``): ``<<EOF``, ``<<-EOF``,
``<<'EOF'``, ``3<<EOF``. ``<< EOF`` (a space before the delimiter) is two words and starts none."""


def escape_token(lines: list[str]) -> str:
    """The escape character, which also continues a line: ``\\`` unless a ``# escape=`` parser directive among the
    first lines says `` ` `` (common in Windows Dockerfiles). Directives end at the first line that is not one (an
    empty line, another comment, an instruction)."""
    for number, raw in enumerate(lines):
        line = raw.strip()
        if number == 0:
            line = line.removeprefix("\ufeff")
        found = DIRECTIVE.match(line)
        if not found or found.group(1).lower() not in PARSER_DIRECTIVES:
            break
        if found.group(1).lower() == "escape" and found.group(2) in ("`", "\\"):
            return found.group(2)
    return "\\"


@functools.cache
def _continuation(escape: str) -> re.Pattern[str]:
    """The escape character last on a line (spaces after it allowed) and not itself escaped: the line goes on."""
    token = re.escape(escape)
    return re.compile(rf"(?<!{token}){token}[ \t]*$")


def _takes_heredocs(keyword: str, args: str) -> bool:
    """RUN, COPY and ADD (also after ONBUILD) take here-documents, in their shell form only."""
    if keyword == "ONBUILD":
        keyword, args = _split_keyword(args)
        keyword = keyword.upper()
    if keyword not in ("RUN", "COPY", "ADD"):
        return False
    rest = re.sub(r"^(?:--\S+\s+)*", "", args)
    if rest.startswith("["):
        import json

        try:
            value = json.loads(rest)
        except (ValueError, RecursionError):
            return True
        return not (isinstance(value, list) and all(isinstance(v, str) for v in value))
    return True


def heredoc_names(line: str) -> list[tuple[str, bool]]:
    """(delimiter, leading tabs stripped) of every here-document the instruction line opens, in order."""
    found: list[tuple[str, bool]] = []
    for word in raw_words(line):
        match = HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        try:
            name = shlex.split(match.group(3))
        except ValueError:
            continue
        if len(name) == 1:
            found.append((name[0], match.group(2) == "-"))
    return found


def raw_words(line: str) -> list[str]:
    """The line's words as a POSIX shell splits them (quotes and backslashes kept in the words)."""
    words: list[str] = []
    word: list[str] = []
    quote, escaped = "", False
    for char in line:
        if escaped:
            word.append(char)
            escaped = False
        elif char == "\\" and quote != "'":
            word.append(char)
            escaped = True
        elif quote:
            word.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            word.append(char)
            quote = char
        elif char.isspace():
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(char)
    if word:
        words.append("".join(word))
    return words


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


def built_stages(found: list[Stage]) -> list[Stage]:
    """The stages ``docker build`` (BuildKit, no ``--target``) builds: the last one and those it depends on, through
    ``FROM <stage>``, ``COPY --from=<stage or index>`` and ``RUN --mount=…,from=<stage>``; in file order. The legacy
    builder built every stage, BuildKit skips the others (a dev stage's COPY of a missing file stops nothing)."""
    if not found:
        return []
    names = {stage.name.lower(): n for n, stage in enumerate(found) if stage.name}

    def index(ref: str) -> int | None:
        ref = ref.strip("\"'").lower()
        if ref.isdigit():
            return int(ref) if int(ref) < len(found) else None
        return names.get(ref)

    needed, todo = {len(found) - 1}, [len(found) - 1]
    while todo:
        stage = found[todo.pop()]
        refs = [stage.image]
        for ins in stage.instructions:
            if ins.keyword in ("COPY", "ADD"):
                refs += [w.removeprefix("--from=") for w in copy_words(ins) if w.startswith("--from=")]
            elif ins.keyword == "RUN" and "--mount" in ins.own_args:
                refs += re.findall(r"--mount=\S*?\bfrom=([^,\s]+)", ins.own_args)
        for ref in refs:
            n = index(ref)
            if n is not None and n not in needed:
                needed.add(n)
                todo.append(n)
    return [stage for n, stage in enumerate(found) if n in needed]


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


def names_instrument(words: list[str]) -> bool:
    """Whether a start command's words name opentelemetry-instrument, bare or by its path
    (``.venv/bin/opentelemetry-instrument``, ``/usr/local/bin/…``)."""
    return any(word.rsplit("/", 1)[-1] == INSTRUMENT_COMMAND for word in words)


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


def copy_words(ins: Instruction) -> list[str]:
    """A COPY's or ADD's words: its ``--flags`` (``--from=builder``), then its sources and destination, in exec form
    (``COPY --from=b ["a b", "/x"]``, a JSON array after the flags) or shell form."""
    flags: list[str] = []
    rest = ins.own_args.strip()
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    return flags + command_words(Instruction(ins.line, ins.keyword, rest))


def instruction_end(lines: list[str], start: int) -> int:
    """The 0-based index of the last physical line of the instruction starting at ``lines[start]`` (``Instruction.end``
    of the reader's own reading; ``start`` itself when no instruction starts there)."""
    found = next((ins for ins in instructions("".join(lines)) if ins.line == start + 1), None)
    return found.end - 1 if found else start


INSTRUCTIONS = frozenset(  # noqa: SIM905 - as the Dockerfile reference lists them
    [
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    ]
)
"""Every instruction ``docker build`` knows (moby/buildkit frontend/dockerfile/command); any other word first on a
line stops the build with "unknown instruction"."""


def buildkit_suggestion(word: str) -> str | None:
    """The "(did you mean …?)" BuildKit adds to "unknown instruction: <word>" (util/suggest): the instruction nearest
    by edit distance when it is below 3, in the word's case (all lower or all upper; else lower). None without one,
    or when two are equally near (BuildKit then names either, by map order)."""
    lowered = word.lower()
    best: list[str] = []
    distance = 3
    for name in INSTRUCTIONS:
        d = _edit_distance(lowered, name.lower())
        if d < distance:
            best, distance = [name], d
        elif d == distance and best:
            best.append(name)
    if len(best) != 1:
        return None
    return best[0] if word.isupper() else best[0].lower()


def _edit_distance(a: str, b: str) -> int:
    if len(a) > 40:
        return len(a)  # far from every instruction name (the longest has 11 letters)
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def is_exec_form(args: str) -> bool:
    """RUN/CMD/COPY arguments in exec form (a JSON array of strings, after any ``--flag``): no shell reads them."""
    import json

    rest = re.sub(r"^(?:--\S+\s+)*", "", args.partition("\n")[0])
    if not rest.startswith("["):
        return False
    try:
        value = json.loads(rest)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def run_scripts(ins: Instruction) -> list[tuple[int, str]]:
    """(1-based line, text) of what ``/bin/sh`` runs for a shell-form RUN: its own line(s) and the body of a
    here-document the shell reads (``RUN <<EOF`` alone or fed to ``sh``/``bash``; a ``#!`` line other than a shell's
    makes it another program's, ``RUN python3 <<EOF`` is Python)."""
    if ins.keyword != "RUN" or is_exec_form(ins.args):
        return []
    scripts = [(ins.line, ins.own_args)]
    if ins.heredocs:
        words = [w for w in raw_words(re.sub(r"^(?:--\S+\s+)*", "", ins.own_args)) if not HEREDOC_WORD.match(w)]
        words = [w for w in words if not re.match(r"^\d*[<>]", w)]  # the heredoc fed to `bash` by `RUN <<EOT bash`
        program = words[0].rsplit("/", 1)[-1] if words else ""
        body = ins.heredocs[0]
        interpreter = body.body.partition("\n")[0][2:].split() if body.body.startswith("#!") else []
        if interpreter[:1] and interpreter[0].rsplit("/", 1)[-1] == "env":
            interpreter = interpreter[1:]
        by_shell = not program or program in SHELLS
        if by_shell and (not interpreter or interpreter[0].rsplit("/", 1)[-1] in SHELLS):
            scripts += [(body.line + n, line) for n, line in enumerate(body.body.split("\n"))]
    return scripts


VERSIONED_REQUIREMENT = re.compile(
    r"^[A-Za-z][\w.-]*(?:\[[\w.,-]*\])?(?:(?:[<>]=?|===?|!=|~=)\d[\w.*+!-]*,?)+$",
)
"""A requirement with version specifiers (``pkg>=1.0``, ``pkg[extra]>=1,<2``) as one shell word."""


def requirement_redirects(script: str) -> list[str]:
    """The requirements with an unquoted ``>``/``<`` bound in a shell command that installs (``pip install
    pkg>=1.0``, ``uv add``, ``poetry add``): the shell takes ``>=1.0`` as output redirected into a file named
    ``=1.0`` (the bound is dropped) and ``<2`` as input from a file named ``2`` (which does not exist)."""
    masked = _mask_quoted(script)
    found: list[str] = []
    for command in re.finditer(r"[^;&|\n]+", masked):
        words = list(re.finditer(r"\S+", command.group()))
        installs = next((n for n, w in enumerate(words) if w.group() in ("install", "add")), None)
        if installs is None:
            continue
        for word in words[installs + 1 :]:
            token = word.group()
            if ("<" in token or ">" in token) and VERSIONED_REQUIREMENT.match(token):
                start = command.start() + word.start()
                found.append(script[start : start + len(token)])
    return found


def _mask_quoted(script: str) -> str:
    """``script`` with every quoted or backslash-escaped character (and the quotes) replaced by NUL, same length."""
    out: list[str] = []
    quote, escaped = "", False
    for char in script:
        if escaped:
            out.append("\0")
            escaped = False
        elif char == "\\" and quote != "'":
            out.append("\0")
            escaped = True
        elif quote:
            out.append("\0")
            if char == quote:
                quote = ""
        elif char in "'\"":
            out.append("\0")
            quote = char
        else:
            out.append(char)
    return "".join(out)
