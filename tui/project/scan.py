"""Static analysis of an MCP server project (never imports or runs its code).

Finds the entry point, parses ``requirements.txt`` and the ``Dockerfile``, and
walks the server module's AST for the things the troubleshooting guide gets
wrong: APIs that do not exist (``@mcp.middleware``, ``connection_timeout=`` …),
the FastMCP → MCPServer rename in mcp 2.x, the bind host, stateless mode.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.files import exists, is_dir, user_path
from tui.i18n import N_, _
from tui.project import pyparse
from tui.project.reading import UnreadableProjectFile, context_path, is_project_file, read_project_text

if TYPE_CHECKING:
    from tui.project.dockerfile import Instruction
    from tui.project.dockerignore import ContextIgnore, Rule

ENTRY_CANDIDATES = ("mcp_server.py", "server.py", "main.py", "app.py")
REQUIREMENTS_FILES = ("requirements.txt", "requirements-server.txt")
MAX_DEPENDENCY_BYTES = 1_000_000
"""A requirements, pyproject or Dockerfile larger than this is not read (a project's own is a few kilobytes); the
checks that need it then say they could not run."""
MAX_SOURCE_BYTES = 2_000_000
"""The entry point's largest size read (a server module is kilobytes; parsing 100 MB took gigabytes)."""
MAX_LOCK_BYTES = 20 * MAX_DEPENDENCY_BYTES
MAX_DOCKERFILE_BYTES = 256_000
"""A Dockerfile larger than this is not read (real ones are a few kilobytes; every project check parses it, and a
1 MB one of 165,000 lines took 8 s of a doctor run)."""
MAX_SHOWN_LINE = 300
"""Characters of a Dockerfile line a finding quotes."""
NODE_COMMANDS = frozenset({"node", "npm", "npx", "tsx", "ts-node", "bun", "deno", "yarn", "pnpm"})
"""Start commands of a Node/TypeScript server (the TypeScript SDK's servers run as ``node dist/index.js``)."""
PYTHON_WORD = re.compile(r"^python(\d+(\.\d+)?)?$")

NONEXISTENT_DECORATORS = {
    "middleware": N_(
        "mcp.middleware is a list of JSON-RPC middleware, not a decorator (`TypeError: 'list' object is not callable`)"
    ),
    "exception_handler": N_(
        "MCPServer/FastMCP has no exception_handler; a tool's exception already becomes an isError result"
    ),
    "error_handler": N_("MCPServer/FastMCP has no error_handler; ClosedResourceError is handled inside the SDK"),
    "get": N_("MCPServer/FastMCP is not a FastAPI app: there is no .get(); use @mcp.custom_route(path, methods=[...])"),
    "post": N_(
        "MCPServer/FastMCP is not a FastAPI app: there is no .post(); use @mcp.custom_route(path, methods=[...])"
    ),
    "route": N_("MCPServer/FastMCP has no .route(); use @mcp.custom_route(path, methods=[...])"),
}
"""Decorators the guide invents → why they fail (English, marked ``N_()``: ``Finding.detail`` is shown through
``_()``)."""
NONEXISTENT_KWARGS = {
    "connection_timeout": N_("no such option; keep-alive and timeouts belong to uvicorn and the client"),
    "keep_alive": N_("no such option; uvicorn's timeout_keep_alive is the real knob"),
    "default_headers": N_("no such option; a server cannot add request headers for its clients"),
    "cors_origins": N_("no such option; add Starlette's CORSMiddleware to the app instead"),
    "timeout": N_("no such option on the server"),
}
"""Constructor and ``run()`` options the guide invents → why they fail (marked like the decorators)."""
V2_RUN_ONLY_KWARGS = ("host", "port", "stateless_http", "json_response")
"""mcp 2.x moved these from the constructor to run()/streamable_http_app()."""


@dataclass
class Requirement:
    line: int
    text: str
    name: str
    specifier: str
    locked: str | None = None
    """The version a lock file the image installs from pins (``uv.lock``, ``poetry.lock``); ``specifier`` is then
    ``==locked``, because that is what the container gets whatever the range admits."""


class Unresolved(str):
    """A setting written as an expression (``config.host``, ``os.environ["HOST"]``), not a literal: its text.

    A ``str`` so code that only shows the value keeps working; checks that judge the value test for it, because what
    it is becomes known only when the code runs."""


@dataclass
class Finding:
    """A located fact about the server code."""

    line: int
    what: str
    detail: str = ""
    """Why it is wrong: English, marked ``N_()`` where it is written; shown through ``_()``."""


@dataclass
class ServerCode:
    path: Path
    text: str
    era: str | None = None
    """``v1`` (FastMCP import), ``v2`` (MCPServer import) or None."""
    import_line: int | None = None
    server_var: str | None = None
    ctor_line: int | None = None
    ctor_kwargs: dict[str, Any] = field(default_factory=dict)
    run_line: int | None = None
    run_args: list[Any] = field(default_factory=list)
    run_kwargs: dict[str, Any] = field(default_factory=dict)
    bogus: list[Finding] = field(default_factory=list)
    syntax_error: str | None = None

    def setting(self, name: str) -> tuple[bool, Any]:
        """(given, value) of a server setting wherever the code sets it (constructor or run())."""
        if name in self.run_kwargs:
            return True, self.run_kwargs[name]
        if name in self.ctor_kwargs:
            return True, self.ctor_kwargs[name]
        return False, None

    @property
    def transport(self) -> Any:
        if self.run_args:
            return self.run_args[0]
        return self.run_kwargs.get("transport", "stdio" if self.run_line else None)


@dataclass
class ProjectScan:
    root: Path
    entry: Path | None = None
    entry_source: str = ""
    requirements_path: Path | None = None
    requirements: list[Requirement] = field(default_factory=list)
    dockerfile_path: Path | None = None
    dockerfile: str | None = None
    server: ServerCode | None = None
    deployment_type: str | None = None
    """``container`` or ``direct_code_deploy`` from ``.bedrock_agentcore.yaml`` (None without the toolkit's file)."""
    observability: bool | None = None
    """``aws.observability.enabled`` of the selected agent (the toolkit's generated Dockerfile then installs
    aws-opentelemetry-distro and starts under opentelemetry-instrument)."""
    installed_lock: str | None = None
    """The lock file (``uv.lock``, ``poetry.lock``) the Dockerfile installs from, for a project without a
    requirements file (its ranges in pyproject.toml are then not what the image gets)."""
    ignore: ContextIgnore | None = None
    """The ``.dockerignore`` (or ``<Dockerfile>.dockerignore``) a build of the Dockerfile uses, with the project as
    its context: what it leaves out is not in the image whatever COPY says (None without one)."""
    unreadable: dict[str, str] = field(default_factory=dict)
    """File (relative to the project) → why it was not read (too large, not a regular file, outside the project, not
    valid TOML). Before, such a file read as absent: a 50 MB requirements.txt was 'does not list `mcp`'."""

    @property
    def direct_code_deploy(self) -> bool:
        """The toolkit uploads the code and AgentCore runs it in its managed Python runtime: no image is built, so a
        Dockerfile in the project is not used."""
        return (self.deployment_type or "").lower() == "direct_code_deploy"

    @property
    def requirements_name(self) -> str:
        return self.requirements_path.name if self.requirements_path else "requirements.txt"

    def requirement(self, name: str) -> Requirement | None:
        wanted = _normalize(name)
        return next((r for r in self.requirements if r.name == wanted), None)

    def start_command(self) -> tuple[int, list[str]] | None:
        """What the image runs: the final stage's ENTRYPOINT words followed by its CMD words (Docker appends CMD to
        an exec-form ENTRYPOINT and ignores it after a shell-form one), with the line of the later of the two; None
        without either."""
        found = self.start_instructions()
        if found is None:
            return None
        from tui.project.dockerfile import command_words

        return max(i.line for i in found), [word for ins in found for word in command_words(ins)]

    def start_instructions(self) -> tuple[Instruction, ...] | None:
        """The final stage's instructions that make the start command, in order: its ENTRYPOINT and CMD (the CMD
        alone, or the ENTRYPOINT alone when it is in shell form, which leaves CMD unused); None without either. Read
        by the Dockerfile reader, so a HEALTHCHECK's ``CMD`` continuation line is not taken for the image's."""
        if self.dockerfile is None:
            return None
        from tui.project.dockerfile import stages

        found = stages(self.dockerfile)
        if not found:
            return None
        entrypoint, cmd = found[-1].last("ENTRYPOINT"), found[-1].last("CMD")
        if entrypoint is not None and not entrypoint.args.startswith("["):
            cmd = None
        chosen = tuple(i for i in (entrypoint, cmd) if i is not None)
        return chosen or None

    def node_server(self) -> str | None:
        """What shows the server is a Node/TypeScript one (the image starts ``node``/``npm``…, or there is no Python
        server and package.json depends on @modelcontextprotocol/sdk), else None. The Python checks do not apply to
        it: a requirements.txt next to it is for other tools (a notebook's client)."""
        start = None if self.direct_code_deploy else self.start_command()
        if start is not None:
            words = [w for w in start[1] if w not in ("exec", "dumb-init", "tini", "--")]
            if words and words[0].rsplit("/", 1)[-1] in NODE_COMMANDS:
                return f"`{' '.join(start[1])[:MAX_SHOWN_LINE]}`"
            return None
        if self.entry is None and is_project_file(self.root, self.root / "package.json"):
            try:
                text = read_project_text(self.root, self.root / "package.json", MAX_DEPENDENCY_BYTES)
            except UnreadableProjectFile:
                return None
            if "@modelcontextprotocol/sdk" in text:
                return "package.json (@modelcontextprotocol/sdk)"
        return None

    def docker_env(self, name: str) -> str | None:
        """The value the final stage's ENV instructions give ``name`` (None when none does)."""
        if self.dockerfile is None:
            return None
        import shlex

        from tui.project.dockerfile import stages

        found = stages(self.dockerfile)
        value = None
        for env in found[-1].all("ENV") if found else []:
            try:
                words = shlex.split(env.args)
            except ValueError:
                continue
            if words and "=" not in words[0]:
                if words[0] == name:  # legacy form: ENV KEY value
                    value = " ".join(words[1:])
                continue
            for word in words:
                key, sep, val = word.partition("=")
                if sep and key == name:
                    value = val
        return value

    def docker_command(self) -> tuple[int, str] | None:
        """The image's start command as the Dockerfile writes it (``start_instructions``): the line of the later
        instruction, and their text (``ENTRYPOINT … + CMD …`` when both count), cut for findings (a 200 KB CMD line was
        one 200 KB summary). Before, the last line starting with CMD or ENTRYPOINT: a HEALTHCHECK's ``CMD curl …``
        continuation after the real CMD was taken for it."""
        found = self.start_instructions()
        if found is None:
            return None
        text = " + ".join(ins.text for ins in found)
        return max(i.line for i in found), text if len(text) <= MAX_SHOWN_LINE else text[:MAX_SHOWN_LINE] + "…"


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first, last, code) of each logical line of a requirements file given as its lines (0-based indexes, line ends
    allowed): pip's ``\\`` continuations joined (pip-compile writes each ``--hash`` on its own continued line) and
    comments removed by pip's rule (a ``#`` at the start or after a blank). The scan and the dependency fixes both read
    requirements this way, so a fix edits the lines the scan's line numbers name."""
    out: list[tuple[int, int, str]] = []
    parts: list[str] = []
    first = 0
    for i, raw in enumerate(lines):
        code = re.split(r"(?:^|\s)#", raw.rstrip("\r\n"), maxsplit=1)[0].rstrip()
        if not parts:
            first = i
        if code.endswith("\\"):
            parts.append(code[:-1])
            continue
        parts.append(code)
        out.append((first, i, " ".join(parts)))
        parts = []
    if parts:
        out.append((first, len(lines) - 1, " ".join(parts)))
    return out


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """``requirement_lines`` of ``text``, each with the (1-based) number of the line it starts on."""
    return [(first + 1, code) for first, _last, code in requirement_lines(text.splitlines())]


def parse_requirements(text: str) -> list[Requirement]:
    out = []
    for i, joined in _logical_lines(text):
        line = joined.strip()
        if not line or line.startswith("-"):
            continue
        # Per-requirement options (--hash=sha256:…, --config-settings) follow the requirement; they are not part of
        # the version specifier.
        line = re.split(r"\s--?[A-Za-z]", " " + line, maxsplit=1)[0].strip()
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", line)
        if m:
            spec = m.group(3).split(";", 1)[0].strip().strip("()").strip()
            shown = joined.split(" --", 1)[0].strip()
            out.append(Requirement(i, shown, _normalize(m.group(1)), spec))
    return out


def _poetry_specifier(value: Any) -> str:
    """A Poetry version constraint (``^1.23.2``, ``~1.2``, ``1.2.3``, ``*``, ``{version = "…"}``) as a PEP 440
    specifier."""
    if isinstance(value, dict):
        value = value.get("version", "*")
    if not isinstance(value, str):
        return ""
    parts = []
    for item in (p.strip() for p in value.split(",")):
        if item in ("", "*"):
            continue
        caret = re.fullmatch(r"\^(\d+)(?:\.(\d+))?(?:\.(\d+))?", item)
        tilde = re.fullmatch(r"~(\d+)(?:\.(\d+))?(?:\.(\d+))?", item)
        if caret:
            major, minor, patch = (int(x) if x else 0 for x in caret.groups())
            upper = f"{major + 1}" if major else f"0.{minor + 1}" if minor or not patch else f"0.0.{patch + 1}"
            parts += [f">={major}.{minor}.{patch}", f"<{upper}"]
        elif tilde:
            major, minor, patch = (int(x) if x else 0 for x in tilde.groups())
            upper = f"{major}.{minor + 1}" if tilde.group(2) else f"{major + 1}"
            parts += [f">={major}.{minor}.{patch}", f"<{upper}"]
        elif re.fullmatch(r"\d+(\.\d+)*", item):
            parts.append(f"=={item}")
        else:
            parts.append(item)
    return ",".join(parts)


def _line_of(text: str, name: str) -> int:
    """The first line of ``text`` naming the package ``name`` (a requirement string or a Poetry key), else 1."""
    spelled = re.escape(name).replace("\\-", "[-_.]").replace("_", "[-_.]")
    pattern = re.compile(r"(^|[\"'\s])" + spelled + r"\s*([\[<>=!~;\"'(]|$)", re.IGNORECASE)
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            return number
    return 1


def parse_pyproject(text: str) -> list[Requirement]:
    """The runtime dependencies of a pyproject.toml: ``[project] dependencies`` (PEP 621: uv, hatch, pdm, setuptools)
    and ``[tool.poetry.dependencies]``; development groups are not installed in the image and are left out.
    ``UnreadableProjectFile`` when it is not TOML (it read as "no dependencies": the build fails on it instead)."""
    import tomllib

    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Pep508

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise UnreadableProjectFile(_("not valid TOML: {error}").format(error=exc)) from None
    except RecursionError:  # arrays nested thousands deep
        raise UnreadableProjectFile(_("not valid TOML: nested too deeply")) from None
    out: list[Requirement] = []

    def table(parent: Any, key: str) -> dict[str, Any]:
        value = parent.get(key) if isinstance(parent, dict) else None
        return value if isinstance(value, dict) else {}

    project = table(data, "project")
    for item in project.get("dependencies") or []:
        if not isinstance(item, str):
            continue
        try:
            parsed = Pep508(item)
        except InvalidRequirement:
            continue
        out.append(Requirement(_line_of(text, parsed.name), item, _normalize(parsed.name), str(parsed.specifier)))
    for name, value in table(table(table(data, "tool"), "poetry"), "dependencies").items():
        if name.lower() == "python" or any(r.name == _normalize(name) for r in out):
            continue
        shown = f"{name} = {value!r}" if not isinstance(value, str) else f'{name} = "{value}"'
        out.append(Requirement(_line_of(text, name), shown, _normalize(name), _poetry_specifier(value)))
    return out


LOCK_INSTALL = {
    "uv.lock": re.compile(r"\buv\s+(sync|export)\b"),
    "poetry.lock": re.compile(r"\bpoetry\s+(install|sync)\b"),
}
"""A Dockerfile command that installs from the lock file, when the lock is there (``uv pip install`` reads no lock)."""
UV_STRICT = re.compile(r"--(frozen|locked)\b")
UV_STRICT_ENV = ("UV_FROZEN", "UV_LOCKED")


@dataclass
class LockInstall:
    """A RUN that installs from ``uv.lock`` or ``poetry.lock``, and whether that lock is in the image by then."""

    lock: str
    line: int
    command: str
    strict: bool
    """``uv sync --frozen``/``--locked`` (or ``UV_FROZEN``/``UV_LOCKED`` set by ENV): uv stops with "Unable to find
    lockfile at `uv.lock`" when the lock is missing (uv 0.13, verified). Poetry is never strict here: without
    poetry.lock, `poetry install` resolves pyproject.toml again and writes a new lock (Poetry 2.5, verified)."""
    in_image: bool
    """COPY/ADD brought the lock (or the whole context) into the stage before this RUN, or the RUN bind-mounts it."""
    in_project: bool
    excluded_by: Rule | None = None
    """The ``.dockerignore`` line that leaves the lock out of the build context (then it is in no COPY's reach)."""
    named: bool = False
    """A COPY names the lock itself (no wildcard) or the RUN bind-mounts it: without it in the context that step
    fails (``"/uv.lock": not found``), whatever installs after it."""


def _names(ins: Instruction, lock: str) -> bool:
    """Does a COPY/ADD from the context name ``lock`` itself (not through a wildcard or a directory)?"""
    from tui.project.dockerfile import copy_words

    words = copy_words(ins)
    if any(w.startswith("--from=") for w in words):
        return False
    return any(w.removeprefix("./").lstrip("/") == lock for w in [w for w in words if not w.startswith("--")][:-1])


def _copies(ins: Instruction, lock: str) -> bool:
    """Does a COPY/ADD bring ``lock`` (at the context's root) into the image?"""
    import fnmatch

    from tui.project.dockerfile import copy_words

    words = copy_words(ins)
    from_stage = any(w.startswith("--from=") for w in words)
    sources = [w for w in words if not w.startswith("--")][:-1]
    for source in sources:
        name = source.removeprefix("./")
        if from_stage:
            if name.rsplit("/", 1)[-1] == lock:
                return True
        elif name in ("", ".", "/") or fnmatch.fnmatch(name, lock) or fnmatch.fnmatch(lock, name):
            return True
    return False


def lock_installs(root: Path, dockerfile: str | None, ignore: ContextIgnore | None = None) -> list[LockInstall]:
    """Every RUN of the Dockerfile that installs from a lock file, in order; ``ignore`` (the build's .dockerignore)
    says which lock the context leaves out."""
    if not dockerfile:
        return []
    from tui.project.dockerfile import stages

    found = stages(dockerfile)
    out: list[LockInstall] = []
    seen: dict[str, tuple[list[Any], dict[str, str]]] = {}
    for stage in found:
        parent = seen.get((stage.image or "").lower())
        before: list[Any] = list(parent[0]) if parent else []
        env: dict[str, str] = dict(parent[1]) if parent else {}
        for ins in stage.instructions:
            if ins.keyword == "ENV":
                for key in UV_STRICT_ENV:
                    m = re.search(rf"(?:^|\s){key}[= ](\S+)", ins.args)
                    if m:
                        env[key] = m.group(1).strip("\"'")
            if ins.keyword == "RUN":
                for lock, installs in LOCK_INSTALL.items():
                    if not installs.search(ins.args):
                        continue
                    strict = lock == "uv.lock" and (
                        bool(UV_STRICT.search(ins.args))
                        or any(env.get(k, "").lower() in ("1", "true", "yes", "on") for k in UV_STRICT_ENV)
                    )
                    mounted = f"source={lock}" in ins.args
                    copied = mounted or any(b.keyword in ("COPY", "ADD") and _copies(b, lock) for b in before)
                    named = mounted or any(b.keyword in ("COPY", "ADD") and _names(b, lock) for b in before)
                    text = ins.text if len(ins.text) <= MAX_SHOWN_LINE else ins.text[:MAX_SHOWN_LINE] + "…"
                    present = is_project_file(root, root / lock)
                    excluded = ignore.excluding(lock) if ignore is not None and present else None
                    out.append(LockInstall(lock, ins.line, text, strict, copied, present, excluded, named))
            before.append(ins)
        if stage.name:
            seen[stage.name.lower()] = (before, env)
    return out


MAX_GLOB_ENTRIES = 2_000
"""Directory entries looked at to see whether a COPY's wildcard matches anything (beyond: not judged)."""
MAX_GLOB_TOTAL = 20_000
"""Directory entries looked at for all of a Dockerfile's wildcards together: a Dockerfile naming thousands of
wildcards over a big folder took minutes (each walked up to ``MAX_GLOB_ENTRIES``); beyond, the rest are not judged."""
MAX_IGNORED_MATCHES = 50
"""Matches of a wildcard looked up in the .dockerignore (each may walk a folder; beyond: not judged)."""


@dataclass(frozen=True)
class CopySource:
    """A COPY/ADD source of the build context that the project does not hold."""

    line: int
    instruction: str
    """The instruction as findings quote it (``COPY app/ /app/``)."""
    source: str
    """The source as written (``app/``, ``conf/*.yaml``)."""
    kind: str
    """``missing`` (a path the project lacks: BuildKit stops with ``"/app": not found``), ``folder`` (a wildcard
    whose folder the project lacks: BuildKit stops with ``lstat …: no such file or directory``), ``no_match`` (a
    wildcard that matches nothing in the context: BuildKit copies nothing, the legacy builder stops)."""
    path: str
    """The context path BuildKit looks up (``app``; for ``folder``, the folder)."""


def copy_source_problems(root: Path, dockerfile: str | None, ignore: ContextIgnore | None = None) -> list[CopySource]:
    """The COPY/ADD sources from the build context (the project) that it lacks, in the stages ``docker build``
    builds, in file order. Not judged: sources from another stage or image (``--from=``), URLs and git addresses,
    here-documents, sources naming a variable (``$SRC``), escaped patterns, and a wildcard whose walk would look at
    more than ``MAX_GLOB_ENTRIES`` entries (or all of them together at more than ``MAX_GLOB_TOTAL``)."""
    import posixpath

    from tui.project.dockerfile import built_stages, copy_words, stages

    if not dockerfile:
        return []
    judged = ignore if ignore is not None and not ignore.problem else None
    found: list[CopySource] = []
    budget = [MAX_GLOB_TOTAL]
    done: dict[str, tuple[str, str] | None] = {}
    for stage in built_stages(stages(dockerfile)):
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD"):
                continue
            words = copy_words(ins)
            if any(w.startswith("--from=") for w in words):
                continue
            shown = ins.text if len(ins.text) <= MAX_SHOWN_LINE else ins.text[:MAX_SHOWN_LINE] + "…"
            for source in [w for w in words if not w.startswith("--")][:-1]:
                if "://" in source or source.startswith(("<<", "git@")) or any(c in source for c in "$\\"):
                    continue
                # BuildKit keeps a source in the context: `../x` and `/x` are the context's `x` (the legacy builder
                # refuses `..`); before, `..` was not judged and `COPY ../secret.txt` passed.
                name = posixpath.normpath("/" + source).lstrip("/") or "."
                if name == ".":
                    continue
                if not any(c in name for c in "*?["):
                    if context_path(root, name) is None:  # symlinks followed within the project, as BuildKit does
                        found.append(CopySource(ins.line, shown, source, "missing", name))
                    continue
                if name not in done:
                    done[name] = _wildcard_problem(root, name, judged, budget)
                problem = done[name]
                if problem is not None:
                    found.append(CopySource(ins.line, shown, source, problem[0], problem[1]))
    return found


def _wildcard_problem(
    root: Path, pattern: str, ignore: ContextIgnore | None, budget: list[int] | None = None
) -> tuple[str, str] | None:
    """(kind, path) when the wildcard ``pattern`` (cleaned, relative to the context) matches nothing the context
    holds: ``folder`` with the fixed folder before its first wildcard when the project lacks that folder, else
    ``no_match`` with the pattern; None when something matches, or the walk is over its bound (``budget[0]``: the
    entries all wildcards may still look at). Symlinks are followed within the project only."""
    import fnmatch
    import os

    budget = [MAX_GLOB_TOTAL] if budget is None else budget
    parts = pattern.split("/")
    first = next(n for n, part in enumerate(parts) if any(c in part for c in "*?["))
    fixed = "/".join(parts[:first])
    start = context_path(root, fixed)
    if fixed and start is None:
        return "folder", fixed
    if budget[0] <= 0:
        # The shared walk is spent: not judged, without opening the folder again (each look read it whole: a 256 KB
        # Dockerfile of wildcards over one big folder spent 1.8 s on that).
        return None
    folders: list[tuple[str, Path]] = [(fixed, start)] if start is not None else []
    seen = 0
    matches: list[tuple[str, bool]] = []
    for n, part in enumerate(parts[first:], first):
        last = n == len(parts) - 1
        wanted = part.replace("[^", "[!")  # Go's filepath.Match negates a class with ^, fnmatch with !
        following: list[tuple[str, Path]] = []
        for name, folder in folders:
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        seen += 1
                        budget[0] -= 1
                        if seen > MAX_GLOB_ENTRIES or budget[0] < 0:
                            return None
                        if not fnmatch.fnmatchcase(entry.name, wanted):
                            continue
                        relative = f"{name}/{entry.name}" if name else entry.name
                        path = context_path(root, relative) if entry.is_symlink() else Path(entry.path)
                        is_folder = path is not None and path.is_dir()
                        if last:
                            matches.append((relative, is_folder))
                        elif path is not None and is_folder:
                            following.append((relative, path))
            except OSError:
                continue
        folders = following
    if not matches:
        return "no_match", pattern
    if ignore is None:
        return None
    for relative, is_folder in matches[:MAX_IGNORED_MATCHES]:
        excluded = ignore.excludes_everything_under(root, relative) if is_folder else ignore.excluding(relative)
        if excluded is None:
            return None
    return ("no_match", pattern) if len(matches) <= MAX_IGNORED_MATCHES else None


def _locked_versions(
    root: Path, dockerfile: str | None, ignore: ContextIgnore | None = None
) -> tuple[str | None, dict[str, str]]:
    """(lock file name, {package: version}) when the Dockerfile installs from a lock file it has brought into the
    image by then (``COPY . .``, ``COPY … uv.lock``, or a bind mount of it, and no .dockerignore line leaves it out)
    and that uses it as it is (``uv sync --frozen``/``--locked``, ``poetry install``); else (None, {})."""
    for install in lock_installs(root, dockerfile, ignore):
        if not install.in_image or not install.in_project or install.excluded_by is not None:
            continue
        if install.lock == "uv.lock" and not install.strict:
            continue  # plain `uv sync` may lock again when pyproject.toml changed
        import tomllib

        try:
            data = tomllib.loads(read_project_text(root, root / install.lock, MAX_LOCK_BYTES))
        except (tomllib.TOMLDecodeError, ValueError, RecursionError, UnreadableProjectFile):
            continue
        versions = {
            _normalize(str(p["name"])): str(p["version"])
            for p in data.get("package") or []
            if isinstance(p, dict) and "name" in p and "version" in p
        }
        return install.lock, versions
    return None, {}


def _literal(node: ast.AST) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return Unresolved(ast.unparse(node))


def analyse_server(path: Path, text: str | None = None) -> ServerCode:
    text = path.read_text(encoding="utf-8", errors="replace") if text is None else text
    code = ServerCode(path=path, text=text)
    try:
        tree = pyparse.parse(text, str(path))
    except SyntaxError as exc:
        code.syntax_error = f"line {exc.lineno}: {exc.msg}"
        return code
    ctor_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module in ("mcp.server.fastmcp", "mcp.server.fastmcp.server") and "FastMCP" in names:
                code.era, code.import_line = "v1", node.lineno
                ctor_names.add("FastMCP")
            elif node.module in ("mcp.server", "mcp.server.mcpserver") and "MCPServer" in names:
                code.era, code.import_line = "v2", node.lineno
                ctor_names.add("MCPServer")
            elif node.module == "fastmcp" and "FastMCP" in names:
                code.era, code.import_line = "fastmcp", node.lineno
                ctor_names.add("FastMCP")
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            fname = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if fname in ctor_names and node.targets and isinstance(node.targets[0], ast.Name):
                code.server_var = node.targets[0].id
                code.ctor_line = node.lineno
                code.ctor_kwargs = {kw.arg: _literal(kw.value) for kw in node.value.keywords if kw.arg}
    var = code.server_var
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run":
            if isinstance(node.func.value, ast.Name) and node.func.value.id == var:
                code.run_line = node.lineno
                code.run_args = [_literal(a) for a in node.args]
                code.run_kwargs = {kw.arg: _literal(kw.value) for kw in node.keywords if kw.arg}
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == var:
                    if target.attr in NONEXISTENT_DECORATORS:
                        code.bogus.append(
                            Finding(dec.lineno, f"@{var}.{target.attr}", NONEXISTENT_DECORATORS[target.attr])
                        )
                    if target.attr == "tool" and not isinstance(dec, ast.Call):
                        code.bogus.append(
                            Finding(
                                dec.lineno,
                                f"@{var}.tool",
                                N_("use @mcp.tool() with parentheses (`TypeError: Did you forget to call it?`)"),
                            )
                        )
    for name in code.ctor_kwargs:
        if name in NONEXISTENT_KWARGS:
            code.bogus.append(Finding(code.ctor_line or 0, f"{name}=", NONEXISTENT_KWARGS[name]))
        elif code.era == "v2" and name in V2_RUN_ONLY_KWARGS:
            code.bogus.append(
                Finding(
                    code.ctor_line or 0,
                    f"MCPServer({name}=…)",
                    N_("mcp 2.x takes this in run()/streamable_http_app(), not the constructor (TypeError)"),
                )
            )
    for name in code.run_kwargs:
        if name in NONEXISTENT_KWARGS:
            code.bogus.append(Finding(code.run_line or 0, f"run({name}=…)", NONEXISTENT_KWARGS[name]))
    code.bogus.sort(key=lambda f: f.line)
    return code


def _configured_entry(root: Path, configured: str) -> Path | None:
    """The yaml's entrypoint in this project. ``agentcore configure`` writes an absolute path of the machine it ran
    on (``C:/Users/…/src/server.py``, ``/Users/…/server.py``); a project checked out elsewhere has the same file
    under its own root, so the path's tails are tried there too, longest first."""
    direct = root / configured
    if is_project_file(root, direct):  # an absolute path or `..` leading out of the project is not read
        return direct
    parts = [p for p in re.split(r"[\\/]+", configured) if p and p not in (".", "..")]
    for start in range(1, len(parts)):
        candidate = root.joinpath(*parts[start:])
        if is_project_file(root, candidate):
            return candidate
    return None


def _module_file(root: Path, module: str) -> Path | None:
    if not re.fullmatch(r"[A-Za-z_][\w.]*", module):
        return None
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__main__.py"):
        if is_project_file(root, candidate):
            return candidate
    return None


def _docker_entry(root: Path, words: list[str]) -> Path | None:
    """The Python file the image's start command runs: ``python -m pkg.mod``, ``python path/server.py`` (through
    ``opentelemetry-instrument``, ``uv run`` …) or ``uvicorn pkg.mod:app``."""
    for i, word in enumerate(words):
        name = word.rsplit("/", 1)[-1]
        rest = words[i + 1 :]
        if PYTHON_WORD.match(name):
            for j, arg in enumerate(rest):
                if arg == "-m" and j + 1 < len(rest):
                    return _module_file(root, rest[j + 1])
                if arg.endswith(".py"):
                    return _configured_entry(root, arg)
                if not arg.startswith("-"):
                    return None
            return None
        if name == "uvicorn":
            target = next((a for a in rest if not a.startswith("-")), "")
            return _module_file(root, target.split(":", 1)[0]) if ":" in target else None
    return None


def _find_dockerfile(root: Path, agent: str | None) -> Path | None:
    """The project's Dockerfile, or the one the starter toolkit writes at configure time under
    ``.bedrock_agentcore/<agent>/Dockerfile`` (newer toolkits; older ones wrote it next to the entry point)."""
    if _present(root / "Dockerfile"):
        return root / "Dockerfile"
    generated = root / ".bedrock_agentcore"
    if agent and _present(generated / agent / "Dockerfile"):
        return generated / agent / "Dockerfile"
    try:
        found = sorted(generated.glob("*/Dockerfile")) if generated.is_dir() else []
    except OSError:
        found = []
    return found[0] if len(found) == 1 else None


def _read_dependencies(scan: ProjectScan) -> None:
    """requirements.txt (or requirements-server.txt), else pyproject.toml's runtime dependencies; then the versions
    a lock file installed by the Dockerfile pins."""
    root = scan.root
    for name in (*REQUIREMENTS_FILES, "pyproject.toml"):
        path = root / name
        if not _present(path):
            continue
        try:
            text = read_project_text(root, path, MAX_DEPENDENCY_BYTES)
            if name != "pyproject.toml":
                scan.requirements_path, scan.requirements = path, parse_requirements(text)
                break
            if requirements := parse_pyproject(text):
                scan.requirements_path, scan.requirements = path, requirements
        except UnreadableProjectFile as exc:
            scan.unreadable[name] = str(exc)
            break
    if scan.requirements_path is not None and scan.requirements_path.name != "pyproject.toml":
        return
    lock, versions = _locked_versions(root, scan.dockerfile, scan.ignore)
    scan.installed_lock = lock
    for req in scan.requirements:
        if lock and req.name in versions:
            req.locked = versions[req.name]
            req.specifier = f"=={req.locked}"
            req.text = f"{req.text} ({lock}: {versions[req.name]})"


def scan_project(root: str | Path) -> ProjectScan:
    """Read what matters in a project directory; missing files are simply absent."""
    root = user_path(root)
    scan = ProjectScan(root=root)
    from tui.context import agentcore_agent

    agent = agentcore_agent(root)
    scan.deployment_type = agent.get("deployment_type")
    observability = (agent.get("aws") or {}).get("observability") or {}
    scan.observability = observability.get("enabled") if isinstance(observability, dict) else None
    dockerfile = _find_dockerfile(root, agent.get("name"))
    if dockerfile is not None:
        try:
            scan.dockerfile = read_project_text(root, dockerfile, MAX_DOCKERFILE_BYTES)
            scan.dockerfile_path = dockerfile
            from tui.project.dockerignore import context_ignore

            scan.ignore = context_ignore(root, dockerfile)
        except UnreadableProjectFile as exc:
            scan.unreadable[_relative(root, dockerfile)] = str(exc)
    configured = agent.get("entrypoint")
    entry = _configured_entry(root, configured) if configured else None
    if entry is not None:
        scan.entry, scan.entry_source = entry, ".bedrock_agentcore.yaml entrypoint"
    start = scan.start_command() if not scan.direct_code_deploy else None
    if scan.entry is None and start is not None:
        entry = _docker_entry(root, start[1])
        if entry is not None:
            scan.entry, scan.entry_source = entry, f"Dockerfile line {start[0]}"
    if scan.entry is None:
        for name in ENTRY_CANDIDATES:
            if _present(root / name):  # a symlink out of the project or a FIFO: said unreadable, not "no entry point"
                scan.entry, scan.entry_source = root / name, "file name"
                break
    _read_dependencies(scan)
    if scan.entry:
        try:
            scan.server = analyse_server(scan.entry, read_project_text(root, scan.entry, MAX_SOURCE_BYTES))
        except UnreadableProjectFile as exc:
            scan.unreadable[_relative(root, scan.entry)] = str(exc)
            scan.entry = None
    return scan


def _relative(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _present(path: Path) -> bool:
    """Something is at ``path`` (a file, a FIFO, a symlink even if dangling): it is the project's file of that name,
    read or refused by ``read_project_text``; never opened here."""
    try:
        return path.is_symlink() or (path.exists() and not path.is_dir())
    except (OSError, ValueError):
        return False


def admits(specifier: str, version: str) -> bool:
    """Does a requirement specifier allow ``version``? (empty = anything)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True


def admits_below(specifier: str, bound: str) -> bool:
    """Does ``specifier`` allow some version below ``bound``? Tries the versions the specifier itself names (a pin
    ``==1.11.0`` admits nothing near the bound, yet is below it) and the release just under the bound."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        named = [s.version.rstrip(".*") for s in SpecifierSet(specifier)]
    except InvalidSpecifier:
        return True
    limit = Version(bound)
    for candidate in [*named, "1.0.0"]:
        try:
            if Version(candidate) < limit and admits(specifier, candidate):
                return True
        except InvalidVersion:
            continue
    return False


def project_dir_problem(directory: str) -> str | None:
    """Why ``directory`` cannot be read as a project (it is missing, or a file or a device), or None."""
    from tui.i18n import _

    root = user_path(directory)
    if is_dir(root):  # a name too long to look up is missing, not an OSError
        return None
    if exists(root):
        return _("project directory {dir} is not a directory").format(dir=directory)
    return _("project directory {dir} does not exist").format(dir=directory)
