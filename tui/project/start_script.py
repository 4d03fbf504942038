"""The shell script an image starts (``ENTRYPOINT ["/app/entrypoint.sh"]``, ``CMD sh run.sh``, ``bash -c run.sh``), and
the command it finally runs: read from the project's own copy of the script, never run.

Many Dockerfiles start the server through a script ending in ``exec opentelemetry-instrument python server.py``; the
checks that judge the start command judged the script's name instead (a false "does not start under
opentelemetry-instrument", and a fix writing ``opentelemetry-instrument /app/entrypoint.sh``). The script's path in the
image is mapped back to the project file through the Dockerfile's WORKDIR and COPY/ADD instructions (across
``COPY --from=<stage>``), and the file is read bounded (``reading.read_project_text``).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tui.i18n import _
from tui.project.dockerfile import (
    RUNNERS,
    SHELL_SYNTAX,
    SHELLS,
    SYSTEM_BIN,
    WRAPPERS,
    Stage,
    copy_words,
    names_instrument,
    program,
    stages,
)
from tui.project.environment import expand, image_state
from tui.project.reading import UnreadableProjectFile, context_path, read_project_text

if TYPE_CHECKING:
    from tui.project.dockerignore import ContextIgnore, Rule
    from tui.project.scan import ProjectScan

MAX_SCRIPT_BYTES = 64_000
"""A start script larger than this is not read (real ones are a few hundred bytes)."""
MAX_SHOWN = 300
SCRIPT_SUFFIXES = (".sh", ".bash")
SERVER_PROGRAMS = frozenset(
    {"opentelemetry-instrument", "uvicorn", "gunicorn", "hypercorn", "granian", "fastmcp", "mcp", *RUNNERS}
)
"""Programs (besides ``python…``) a script's last line that starts the server runs."""
PYTHON = re.compile(r"^python(\d+(\.\d+)?)?$")
OPENERS = frozenset({"if", "case", "for", "while", "until", "select", "{"})
CLOSERS = frozenset({"fi", "esac", "done", "}"})
PREFIXES = frozenset({"then", "do", "else", "elif", "!"})
FUNCTION = re.compile(r"^\s*(?:function\s+[\w.-]+|[\w.-]+\s*\(\s*\))\s*\{?")
ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")


@dataclass(frozen=True)
class ScriptCommand:
    """A command of a start script: its logical line (continuations joined)."""

    line: int
    """1-based line where the command starts."""
    end: int
    """1-based last line (its continuations)."""
    text: str
    """The command as written, continuations joined with a space, comments removed."""
    words: list[str]
    simple: bool
    """A plain command at the script's top level: not in a pipeline or list (``|``, ``&&``, ``;``), not in the
    background, not inside an ``if``/``case``/loop/function. Only such a line is edited by a fix."""
    nested: bool = False
    """Inside an ``if``/``case``/loop/function: whether it runs depends on the script's run."""

    @property
    def shown(self) -> str:
        return self.text if len(self.text) <= MAX_SHOWN else self.text[:MAX_SHOWN] + "…"


@dataclass(frozen=True)
class StartScript:
    """A script the image's start command runs, and what it was found to start."""

    image_path: str
    """The script as the start command names it (``/app/entrypoint.sh``)."""
    line: int
    """The Dockerfile line of the start command."""
    path: Path | None = None
    """The project file the image's script is copied from; None when it is not in the project."""
    name: str = ""
    """``path`` relative to the project (``entrypoint.sh``, ``docker/start.sh``)."""
    command: ScriptCommand | None = None
    """The command it finally runs (the last ``exec …``, else the last line that starts the server)."""
    candidates: list[ScriptCommand] = field(default_factory=list)
    """Every ``exec`` command (and the chosen one): where branches choose among them, all of these."""
    arguments: list[str] | None = None
    """``exec "$@"``: the script runs its arguments, these (the CMD after an exec-form ENTRYPOINT)."""
    arguments_index: int = 0
    """Where ``arguments`` start in the image's start command words."""
    problem: str | None = None
    """Why the command it runs is not known (translated, one line): not in the project, too large, no command."""
    by_shell: bool = False
    """A shell reads the script (``sh script.sh``): its exec bit and ``#!`` line do not matter then."""
    crlf_line: int = 0
    """The first line (1-based) ending in ``\\r``: the script has Windows line endings; 0 when it has none."""

    @property
    def label(self) -> str:
        """``entrypoint.sh line 4`` (the command's place, for findings)."""
        assert self.command is not None
        return _("{file} line {line}").format(file=self.name, line=self.command.line)


def start_script(scan: ProjectScan) -> StartScript | None:
    """The script the image's start command (``scan.start_command``) runs, read; None when it runs no script."""
    start = scan.start_command()
    if start is None or scan.dockerfile is None:
        return None
    line, words = start
    found = stages(scan.dockerfile)
    named = _named_script(words) if found else None
    if named is None:
        return None
    by_shell, index, written, rest = named
    image = image_state(found)
    word = expand(written, image.image_env)
    paths = [posixpath.normpath(posixpath.join(image.workdir, word))]
    if "/" not in word and not by_shell:  # a program named bare is looked up on PATH
        paths = [posixpath.join(d, word) for d in [*image.path_dirs, *sorted(SYSTEM_BIN)]] + paths
    left_out: list[tuple[str, Rule]] = []
    source = next(
        (s for p in paths if (s := _project_file(scan.root, found, len(found) - 1, p, 0, scan.ignore, left_out))),
        None,
    )
    is_script = by_shell or word.endswith(SCRIPT_SUFFIXES)
    if source is None:
        if not is_script:
            return None
        if left_out and scan.ignore is not None:  # the project has it, the build context does not
            name, rule = left_out[0]
            return StartScript(
                written, line, scan.root / name, name, problem=scan.ignore.said(rule, name), by_shell=by_shell
            )
        return StartScript(written, line, problem=_("it is not in the project (the base image's?)"), by_shell=by_shell)
    path = scan.root / source
    try:
        text = read_project_text(scan.root, path, MAX_SCRIPT_BYTES)
    except UnreadableProjectFile as exc:
        if not is_script:
            return None
        why = _("{file} in the project is not read: {why}").format(file=source, why=exc)
        return StartScript(written, line, path, source, problem=why, by_shell=by_shell)
    if "\x00" in text:  # a binary file (or one a shell reads differently from this tool): not judged
        if not is_script:
            return None
        why = _("{file} holds NUL bytes: not a shell script's text").format(file=source)
        return StartScript(written, line, path, source, problem=why, by_shell=by_shell)
    if "\r\n" in text and (is_script or _shell_shebang(text.replace("\r", ""))):
        # `#!/bin/sh\r`: "exec /app/entrypoint.sh: no such file or directory"; under `sh`, `server.py\r` is not found
        why = _(
            "{file} has Windows line endings (CRLF): the shell reads the `\\r` as part of each line, so it does not "
            "run as written (convert it with `dos2unix` or `sed -i 's/\\r$//'`)"
        ).format(file=source)
        crlf = next(n for n, text_line in enumerate(text.split("\n"), 1) if "\r" in text_line)
        return StartScript(written, line, path, source, problem=why, by_shell=by_shell, crlf_line=crlf)
    if not is_script and not _shell_shebang(text):
        return None  # a program of the project's own (a Python console script), not a shell script
    arguments = rest if index >= 0 else None
    script = StartScript(written, line, path, source, by_shell=by_shell)
    return _chosen(script, script_commands(text), arguments, index + 1)


def _chosen(
    script: StartScript, commands: list[ScriptCommand], arguments: list[str] | None, arguments_index: int
) -> StartScript:
    execs = [c for c in commands if c.words[:1] == ["exec"] and len(c.words) > 1 and not _redirect(c.words[1])]
    if execs:
        chosen = execs[-1]
    else:
        starts = [c for c in commands if not c.nested and _starts_server(c.words)]
        if not starts:
            return _replace(script, problem=_("no `exec` or server command found in it"))
        chosen = starts[-1]
    program_words = [w for w in chosen.words if w != "exec"]
    if program_words in (["$@"], ["${@}"]):
        if not arguments:
            return _replace(
                script, command=chosen, problem=_('it runs its arguments (`exec "$@"`), and none are given')
            )
        return _replace(script, command=chosen, arguments=arguments, arguments_index=arguments_index)
    return _replace(script, command=chosen, candidates=execs if chosen.nested else [chosen])


def _replace(script: StartScript, **changes: object) -> StartScript:
    from dataclasses import replace

    return replace(script, **changes)  # type: ignore[arg-type]


def _redirect(word: str) -> bool:
    """``exec >log 2>&1``: exec with redirections only, which starts nothing."""
    return bool(re.match(r"^\d*[<>]", word))


def _starts_server(words: list[str]) -> bool:
    words = [w for w in words if not ASSIGNMENT.match(w)] if words and ASSIGNMENT.match(words[0]) else words
    if not words or names_instrument(words):
        return bool(words)
    found = program(words)
    if found is None:
        return False
    if found.runner is not None:
        return True
    word = words[found.index]
    name = word.rsplit("/", 1)[-1]
    return bool(PYTHON.match(name)) or name in SERVER_PROGRAMS or ("/bin/" in word and ".venv" in word)


def start_shell(words: list[str]) -> str | None:
    """The shell a start command runs first (``bash`` for ``["/bin/bash", "start.sh"]``, ``bash -c "…"``, after ``tini
    --``), by name; None when it starts something else."""
    i = 0
    while i < len(words) and words[i].rsplit("/", 1)[-1] in WRAPPERS:
        i += 1
        while i < len(words) and words[i].startswith("-"):
            i += 1
    name = words[i].rsplit("/", 1)[-1] if i < len(words) else ""
    return name if name in SHELLS else None


def _named_script(words: list[str]) -> tuple[bool, int, str, list[str]] | None:
    """(whether a shell reads it as a script, the index of its word in ``words`` or -1 inside ``sh -c``, its path as
    written, the words after it) of what a start command runs that may be a script; None when it is not a word."""
    i = 0
    while i < len(words) and words[i].rsplit("/", 1)[-1] in WRAPPERS:
        i += 1
        while i < len(words) and words[i].startswith("-"):
            i += 1
    if i >= len(words):
        return None
    if words[i].rsplit("/", 1)[-1] in SHELLS:
        j = i + 1
        while j < len(words) and words[j].startswith("-") and words[j] != "-c":
            j += 1
        if j < len(words) and words[j] == "-c":
            try:
                inner = shlex.split(words[j + 1]) if j + 1 < len(words) else []
            except ValueError:
                return None
            if any(mark in w for w in inner for mark in SHELL_SYNTAX):
                return None
            found = _named_script(inner)
            return None if found is None else (found[0], -1, found[2], found[3])
        return (True, j, words[j], words[j + 1 :]) if j < len(words) else None
    word = words[i]
    if any(mark in word for mark in SHELL_SYNTAX) or word.startswith("-"):
        return None
    return False, i, word, words[i + 1 :]


def _project_file(
    root: Path,
    found: list[Stage],
    number: int,
    image_path: str,
    depth: int,
    ignore: ContextIgnore | None = None,
    left_out: list[tuple[str, Rule]] | None = None,
) -> str | None:
    """The project file (relative, POSIX) that ``image_path`` in stage ``number`` is copied from, through its COPY and
    ADD instructions (the last one that puts something there), a ``COPY --from=<stage>``'s stage, and the stage its
    FROM names; None when none does (the base image's file, or the build's). A project file the build's
    ``ignore`` leaves out of the context is not copied: it goes into ``left_out`` with the line that does it."""
    if depth > 8:
        return None
    stage = found[number]
    names = {(s.name or "").lower(): n for n, s in enumerate(found) if s.name}
    names.update({str(n): n for n in range(len(found))})
    parent = names.get((stage.image or "").lower())
    workdir = image_state(found[: parent + 1]).workdir if parent is not None and parent < number else "/"
    copies: list[tuple[str, list[str]]] = []
    for ins in stage.instructions:
        if ins.keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, ins.args.strip("\"' ")))
        elif ins.keyword in ("COPY", "ADD"):
            copies.append((workdir, copy_words(ins)))
    wanted = posixpath.normpath(image_path)
    for at, words in reversed(copies):
        flags = [w for w in words if w.startswith("--")]
        paths = [w for w in words if not w.startswith("--")]
        if len(paths) < 2:
            continue
        from_stage = next((f.split("=", 1)[1].lower() for f in flags if f.startswith("--from=")), None)
        dest = posixpath.normpath(posixpath.join(at, paths[-1]))
        into_dir = paths[-1].endswith("/") or len(paths) > 2
        for source in paths[:-1]:
            if "://" in source or any(c in source for c in "*?["):
                continue
            if from_stage is not None:  # its sources are paths in that stage, from its root
                base = posixpath.normpath(posixpath.join("/", source))
            else:  # the build context's (the project's) paths
                base = posixpath.normpath(source.lstrip("/") or ".")
            candidates = []
            if wanted == dest and not into_dir:
                candidates.append(base)
            elif wanted.startswith(dest.rstrip("/") + "/"):
                relative = posixpath.relpath(wanted, dest)
                candidates.append(posixpath.normpath(posixpath.join(base, relative)))
                if relative == posixpath.basename(base):
                    candidates.append(base)
            for candidate in candidates:
                if from_stage is None:
                    if not candidate.startswith("..") and _in_context(root, candidate):
                        rule = ignore.excluding(candidate) if ignore is not None else None
                        if rule is None:
                            return candidate
                        if left_out is not None:
                            left_out.append((candidate, rule))
                elif from_stage in names and names[from_stage] != number:
                    got = _project_file(root, found, names[from_stage], candidate, depth + 1, ignore, left_out)
                    if got is not None:
                        return got
    if parent is not None and parent < number:
        return _project_file(root, found, parent, image_path, depth + 1, ignore, left_out)
    return None


def _in_context(root: Path, relative: str) -> bool:
    """Whether the project has an entry ``relative`` (a file, or a FIFO, folder or symlink that reading it then names
    as such: "not in the project" was said of them), looking at nothing outside the project."""
    import os

    parent = context_path(root, posixpath.dirname(relative))
    try:
        return parent is not None and os.path.lexists(parent / posixpath.basename(relative))
    except (OSError, ValueError):
        return False


def _shell_shebang(text: str) -> bool:
    first = text.partition("\n")[0]
    if not first.startswith("#!"):
        return False
    words = first[2:].split()
    if words[:1] and words[0].rsplit("/", 1)[-1] == "env":
        words = words[1:]
    return bool(words) and words[0].rsplit("/", 1)[-1] in SHELLS


def script_commands(text: str) -> list[ScriptCommand]:
    """The script's commands, one per logical line (``\\`` continuations joined, comments removed), with whether
    each is a simple top-level command."""
    lines = text.splitlines()
    out: list[ScriptCommand] = []
    depth = 0
    i = 0
    while i < len(lines):
        start = i
        parts: list[str] = []
        while True:
            code = _without_comment(lines[i])
            i += 1
            if code.endswith("\\") and not code.endswith("\\\\") and i < len(lines):
                parts.append(code[:-1].strip())
                continue
            parts.append(code.strip())
            break
        joined = " ".join(p for p in parts if p)
        if not joined:
            continue
        masked = _masked(joined)
        opened, closed = _blocks(masked)
        nested = depth > 0 or opened > 0
        depth = max(0, depth + opened - closed)
        try:
            words = shlex.split(joined)
        except ValueError:
            words = joined.split()
        background = masked.rstrip().endswith("&") and not masked.rstrip().endswith("&&")
        syntax = any(mark in masked for mark in ("&&", "||", ";", "|")) or "`" in joined or "$(" in joined
        out.append(ScriptCommand(start + 1, i, joined, words, not (syntax or background or nested), nested))
    return out


def _without_comment(line: str) -> str:
    """``line`` without a comment: a ``#`` at the start of a word, outside quotes."""
    quote, escaped, previous = "", False, " "
    for n, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and previous.isspace():
            return line[:n].rstrip()
        previous = char
    return line.rstrip()


def _masked(text: str) -> str:
    from tui.project.dockerfile import _mask_quoted

    return _mask_quoted(text)


def _blocks(masked: str) -> tuple[int, int]:
    """(blocks opened, blocks closed) by the command words of a logical line."""
    opened = closed = 0
    if FUNCTION.match(masked):
        opened += 1 if "{" in masked else 0
    for segment in re.split(r"&&|\|\||[;|&]", masked):
        words = segment.split()
        while words and words[0] in PREFIXES:
            words = words[1:]
        if not words:
            continue
        if words[0] in OPENERS:
            opened += 1
        elif words[0] in CLOSERS:
            closed += 1
        if words[-1] in CLOSERS and len(words) > 1:
            closed += 1
    return opened, closed
