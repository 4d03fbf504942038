"""Fixes to the server project's files: each a unified diff, applied only if the file is unchanged since planning."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.fixes.base import Fix, Plan, file_change, reverse_file_change
from tui.i18n import _
from tui.registry import CheckParams, fixer
from tui.results import Risk

if TYPE_CHECKING:
    from tui.fixes.dependency_edit import CannotEdit, Compiled
    from tui.project.scan import ProjectScan, Requirement
    from tui.project.start_script import StartScript


class ProjectFixParams(CheckParams):
    dir: str


class ProjectFileFix(Fix):
    """A fix to one of the project's files: a unified diff of the whole file, undone by restoring it."""

    changes_files = True

    def nothing_to_do(self, title: str, summary: str) -> Plan:
        """A plan without actions: ``summary`` says why (the fix is then no longer offered)."""
        return Plan(fix=self.id, title=title, risk=Risk.MUTATING, summary=summary)

    def file_plan(
        self, title: str, path: Path, new_text: str | None, summary: str, notes: list[str] | None = None
    ) -> Plan:
        """``path`` rewritten to ``new_text``, applied only if the file is unchanged since planning."""
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if new_text == old:
            return Plan(
                fix=self.id,
                title=title,
                risk=Risk.MUTATING,
                summary=_("{file} already right").format(file=path.name),
                permissions=[_("write {path}").format(path=path)],
            )
        change = file_change(path, new_text, description=summary)
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=summary,
            actions=[change],
            undo=[reverse_file_change(change)],
            permissions=[_("write {path}").format(path=path)],
            before={"path": str(path), "sha256": change.before_sha256},
            notes=notes or [],
        )

    def entry_point_plan(self, title: str, patch: Callable[[str], tuple[str, list[str]]], unchanged: str) -> Plan:
        """The server entry point through ``patch`` (AST-based: new text, what changed); ``unchanged`` says why
        nothing did."""
        from tui.project.scan import scan_project

        entry = scan_project(self.params.dir).entry
        if entry is None:
            return self.nothing_to_do(title, _("no server entry point found"))
        try:
            new, notes = patch(entry.read_text(encoding="utf-8"))
        except SyntaxError as exc:
            return self.nothing_to_do(
                title, _("{file} does not parse: {reason}").format(file=entry.name, reason=exc.msg)
            )
        return self.file_plan(title, entry, new, f"{entry.name}: " + ("; ".join(notes) if notes else unchanged), notes)


LOCK_COMMANDS = {"uv.lock": "uv lock", "poetry.lock": "poetry lock"}
"""The command that brings a lock file in step with pyproject.toml after its ranges change."""
DEPENDENCY_PERMISSION = "write the project's dependency file (requirements.txt or pyproject.toml)"


def _dependency_file(scan: ProjectScan) -> Path | str:
    """The file the project's dependencies are read from (what the scan and the build read): requirements.txt or
    requirements-server.txt, else a pyproject.toml with a [project] or [tool.poetry] table, else a new requirements.txt.
    A string says why none can be edited (the file is unreadable)."""
    from tui.project.scan import REQUIREMENTS_FILES

    for name in (*REQUIREMENTS_FILES, "pyproject.toml"):
        if name in scan.unreadable:
            return _("{file} was not read: {reason}").format(file=name, reason=scan.unreadable[name])
    if scan.requirements_path is not None:
        return scan.requirements_path
    pyproject = scan.root / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            data = {}
        tool = data.get("tool")
        if "project" in data or (isinstance(tool, dict) and "poetry" in tool):
            return pyproject
    return scan.root / "requirements.txt"


def _lock_file(scan: ProjectScan) -> tuple[str | None, bool]:
    """(the project's lock file, whether the image installs from it) for a pyproject.toml project."""
    if scan.installed_lock:
        return scan.installed_lock, True
    return next((lock for lock in LOCK_COMMANDS if (scan.root / lock).is_file()), None), False


def _left_alone(file: str, exc: CannotEdit, requirement: str, listed: Requirement | None, command: str = "") -> str:
    """Why ``file`` is not edited and what to change in it by hand (then ``command`` to run, for a source of a
    compiled requirements file)."""
    line = exc.line or (listed.line if listed else None)
    if command and line is None:
        why = _("{file} left alone ({reason}): add `{requirement}` to it by hand, then run `{command}`")
    elif command:
        why = _("{file} left alone ({reason}): set `{requirement}` by hand on line {line}, then run `{command}`")
    elif line is None:
        why = _("{file} left alone ({reason}): add `{requirement}` to its dependencies by hand")
    else:
        why = _("{file} left alone ({reason}): set `{requirement}` by hand on line {line}")
    return why.format(file=file, reason=exc.reason, requirement=requirement, line=line, command=command)


def _compile_command(info: Compiled, output: str, *sources: str) -> str:
    """The command that regenerates the compiled file ``output`` from ``sources``: the one its header records, else
    pip-compile's (uv's when uv wrote the header) with the file's options (``--generate-hashes``)."""
    import shlex

    if info.command:
        return info.command
    hashes = " --generate-hashes" if info.hashes else ""
    source = " ".join(shlex.quote(s) for s in sources)
    if info.tool == "uv":
        return f"uv pip compile{hashes} {source} -o {shlex.quote(output)}"
    return f"pip-compile{hashes} --output-file={shlex.quote(output)} {source}"


def _compiled_reason(info: Compiled) -> str:
    if info.tool and info.hashes:
        return _("it is generated by {tool}, with --hash pins").format(tool=info.tool)
    if info.tool:
        return _("it is generated by {tool}").format(tool=info.tool)
    return _("it pins with --hash, so pip refuses any requirement without one")


def _lists(path: Path, text: str, name: str) -> bool:
    from tui.project.scan import parse_pyproject, parse_requirements

    found = parse_pyproject(text) if path.name == "pyproject.toml" else parse_requirements(text)
    return any(r.name == name for r in found)


class DependencyFix(ProjectFileFix):
    """Sets or adds one requirement in the file the scan read the dependencies from: requirements.txt by lines,
    pyproject.toml by a minimal edit (``tui.fixes.dependency_edit``) with a note to re-lock."""

    def pyproject_plan(
        self, title: str, scan: ProjectScan, path: Path, name: str, specifier: str, *, replace: bool
    ) -> Plan:
        from tui.fixes.dependency_edit import CannotEdit, set_dependency
        from tui.project.scan import admits

        requirement = name + specifier
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return self.nothing_to_do(title, _("{file} was not read: {reason}").format(file=path.name, reason=exc))
        try:
            new = set_dependency(text, name, specifier, replace=replace)
        except CannotEdit as exc:
            return self.nothing_to_do(title, _left_alone(path.name, exc, requirement, scan.requirement(name)))
        lock, installed = _lock_file(scan)
        command = LOCK_COMMANDS.get(lock or "", "")
        listed = scan.requirement(name)
        if new == text and installed and listed and listed.locked and not admits(specifier, listed.locked):
            return self.nothing_to_do(
                title,
                _(
                    "{file} already asks for {requirement}, but {lock} pins {version}: run `{command}` and rebuild"
                ).format(file=path.name, requirement=requirement, lock=lock, version=listed.locked, command=command),
            )
        notes = []
        if lock and installed:
            notes.append(
                _(
                    "The image installs the versions {lock} pins, not the range in {file}: run `{command}` after "
                    "this change (and commit {lock}), then rebuild the image."
                ).format(lock=lock, file=path.name, command=command)
            )
        elif lock:
            notes.append(
                _("{lock} no longer matches {file} after this change: run `{command}`.").format(
                    lock=lock, file=path.name, command=command
                )
            )
        summary = _("{file}: {requirement}").format(file=path.name, requirement=requirement)
        return self.file_plan(title, path, new, summary, notes)

    def requirements_plan(
        self, title: str, scan: ProjectScan, path: Path, name: str, specifier: str, *, replace: bool
    ) -> Plan:
        """A requirements file edited by hand: the requirement's logical line (all its physical lines) rewritten, or
        a line added. A generated one (pip-compile, uv pip compile, --hash pins): its source (``compiled_plan``)."""
        from tui.fixes.dependency_edit import CannotEdit, compiled, set_requirement

        requirement = name + specifier
        try:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            return self.nothing_to_do(title, _("{file} was not read: {reason}").format(file=path.name, reason=exc))
        info = compiled(text)
        if info is not None:
            return self.compiled_plan(title, scan, path, info, name, specifier, replace=replace)
        try:
            new = set_requirement(text, name, specifier, replace=replace)
        except CannotEdit as exc:
            return self.nothing_to_do(title, _left_alone(path.name, exc, requirement, scan.requirement(name)))
        return self.file_plan(title, path, new, _("requirements: {requirement}").format(requirement=requirement))

    def compiled_plan(
        self, title: str, scan: ProjectScan, path: Path, info: Compiled, name: str, specifier: str, *, replace: bool
    ) -> Plan:
        """``path`` is generated (pip-compile / uv pip compile, or pinned with --hash, where pip refuses any
        requirement without a hash): it is not edited. The input it is compiled from is (the one its ``# via`` lines
        name for this requirement, else the one(s) the file names, else ``<stem>.in`` beside it), with a note giving
        the command that regenerates it; without a source inside the project, nothing is written and the summary says
        what to run by hand."""
        from tui.fixes.dependency_edit import CannotEdit, set_dependency, set_requirement
        from tui.project.reading import UnreadableProjectFile, read_project_text
        from tui.project.scan import MAX_DEPENDENCY_BYTES, admits

        requirement = name + specifier
        root, reason = path.parent, _compiled_reason(info)

        def other(source: str) -> bool:
            try:
                return (root / source).resolve() != path.resolve()
            except (OSError, RuntimeError, ValueError):
                return False

        tiers = ([s for s in tier if other(s)] for tier in (info.via.get(name, []), info.sources, [path.stem + ".in"]))
        sources = next((tier for tier in tiers if tier), [path.stem + ".in"])
        texts: dict[str, str] = {}
        unread: dict[str, str] = {}
        for source in sources:
            if not (root / source).exists():
                continue
            if not source.endswith((".in", ".txt")) and Path(source).name != "pyproject.toml":
                unread[source] = _("not a requirements file or pyproject.toml")
                continue
            try:
                text = read_project_text(scan.root, root / source, MAX_DEPENDENCY_BYTES)
            except UnreadableProjectFile as exc:
                unread[source] = str(exc)
                continue
            texts[source] = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(sources) == 1:
            chosen = sources[0]
        else:
            holders = [s for s, text in texts.items() if _lists(root / s, text, name)]
            if len(holders) != 1:
                command = _compile_command(info, path.name, *sources)
                return self.nothing_to_do(
                    title,
                    _(
                        "{file} left alone ({reason}): it is compiled from {sources}; set `{requirement}` in the one "
                        "that should list it, then run `{command}`"
                    ).format(
                        file=path.name,
                        reason=reason,
                        sources=", ".join(sources),
                        requirement=requirement,
                        command=command,
                    ),
                )
            chosen = holders[0]
        command = _compile_command(info, path.name, chosen)
        if chosen in unread:
            return self.nothing_to_do(
                title,
                _(
                    "{file} left alone ({reason}); its source {source} is not edited here ({why}): set "
                    "`{requirement}` in it by hand, then run `{command}`"
                ).format(
                    file=path.name,
                    reason=reason,
                    source=chosen,
                    why=unread[chosen],
                    requirement=requirement,
                    command=command,
                ),
            )
        if chosen not in texts:
            return self.nothing_to_do(
                title,
                _(
                    "{file} left alone ({reason}) and its source {source} is not in the project: write "
                    "`{requirement}` in {source}, then run `{command}`"
                ).format(file=path.name, reason=reason, source=chosen, requirement=requirement, command=command),
            )
        source_path, text = root / chosen, texts[chosen]
        try:
            if source_path.name == "pyproject.toml":
                new = set_dependency(text, name, specifier, replace=replace)
            else:
                new = set_requirement(text, name, specifier, replace=replace)
        except CannotEdit as exc:
            return self.nothing_to_do(title, _left_alone(chosen, exc, requirement, None, command))
        listed = scan.requirement(name)
        pinned = listed.specifier[2:] if listed and listed.specifier.startswith("==") else None
        if new == text and not (listed and pinned and admits(specifier, pinned)):
            if pinned and replace:
                why = _(
                    "{source} already asks for {requirement}, but {file} pins {version}: run `{command}` and rebuild"
                )
            else:
                why = _("{source} already lists {name}, but {file} does not: run `{command}` and rebuild")
            return self.nothing_to_do(
                title,
                why.format(
                    source=chosen, requirement=requirement, file=path.name, version=pinned, name=name, command=command
                ),
            )
        note = _(
            "{file} is generated from {source} ({reason}): run `{command}` after this change to regenerate it (commit "
            "both), then rebuild the image."
        ).format(file=path.name, source=chosen, reason=reason, command=command)
        summary = _("{file}: {requirement}").format(file=chosen, requirement=requirement)
        return self.file_plan(title, source_path, new, summary, [note])


@fixer(
    "project.pin_mcp",
    title="Pin mcp to the major version the code is written for",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=(DEPENDENCY_PERMISSION,),
    undoable=True,
)
class PinMcp(DependencyFix):
    """FastMCP code gets `mcp>=1.23.2,<2` (1.23.2 silences the ClosedResourceError noise); MCPServer code gets `mcp>=2.3,<3`.

    Written where the project lists its dependencies: requirements.txt, or pyproject.toml (then re-lock)."""

    def plan(self) -> Plan:
        from tui.project.scan import scan_project

        title = _("Pin mcp")
        scan = scan_project(self.params.dir)
        era = scan.server.era if scan.server else None
        specifier = ">=2.3,<3" if era == "v2" else ">=1.23.2,<2"
        path = _dependency_file(scan)
        if isinstance(path, str):
            return self.nothing_to_do(title, path)
        if path.name == "pyproject.toml":
            return self.pyproject_plan(title, scan, path, "mcp", specifier, replace=True)
        return self.requirements_plan(title, scan, path, "mcp", specifier, replace=True)


@fixer(
    "project.otel_distro",
    title="Add aws-opentelemetry-distro to the project's dependencies",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=(DEPENDENCY_PERMISSION,),
    undoable=True,
)
class AddOtelDistro(DependencyFix):
    """Adds `aws-opentelemetry-distro>=0.10.0` (to requirements.txt, or pyproject.toml's dependencies) so the runtime
    can export traces and OTEL logs."""

    def plan(self) -> Plan:
        from tui.project.scan import scan_project

        title = _("Add aws-opentelemetry-distro")
        scan = scan_project(self.params.dir)
        path = _dependency_file(scan)
        if isinstance(path, str):
            return self.nothing_to_do(title, path)
        if path.name == "pyproject.toml":
            return self.pyproject_plan(title, scan, path, "aws-opentelemetry-distro", ">=0.10.0", replace=False)
        if scan.requirement("aws-opentelemetry-distro") is not None:  # the file the image installs lists it
            text = path.read_text(encoding="utf-8")
            return self.file_plan(title, path, text, _("already listed"))
        return self.requirements_plan(title, scan, path, "aws-opentelemetry-distro", ">=0.10.0", replace=False)


@fixer(
    "project.otel_instrument",
    title="Start the container under opentelemetry-instrument",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write Dockerfile, or the start script it runs",),
    undoable=True,
)
class OtelInstrument(ProjectFileFix):
    """Puts opentelemetry-instrument in front of the program the image starts (``dockerfile.instrumented``: after
    ``uv run``/``poetry run`` and their options, which put the environment that has the command on PATH), in the
    instruction that holds it (the final stage's CMD or exec-form ENTRYPOINT), keeping the instruction's form."""

    def plan(self) -> Plan:
        import json

        from tui.project.dockerfile import (
            Instrumented,
            command_words,
            instrumented,
            names_instrument,
        )
        from tui.project.scan import scan_project
        from tui.project.start_script import start_script

        title = _("Start under opentelemetry-instrument")
        path = Path(self.params.dir) / "Dockerfile"
        if not path.exists():
            return self.nothing_to_do(title, _("no Dockerfile to change"))
        text = path.read_text(encoding="utf-8")
        scan = scan_project(self.params.dir)
        found = scan.start_instructions()
        if found is None:
            return self.nothing_to_do(title, _("the Dockerfile has no CMD or ENTRYPOINT; add one by hand"))
        script = start_script(scan)
        if script is not None and script.arguments is None:
            return self.script_plan(title, script)
        parts = [command_words(ins) for ins in found]
        words = [word for part in parts for word in part]
        if names_instrument(words):
            return self.file_plan(
                title,
                path,
                text,
                _("Dockerfile line {line} already starts under opentelemetry-instrument").format(line=found[-1].line),
            )
        change = instrumented(words)
        if script is not None:  # `exec "$@"`: the program is the first of the script's arguments (the CMD's)
            skip = script.arguments_index
            inner = instrumented(words[skip:])
            change = Instrumented(inner.index + skip, inner.inserted, inner.removed) if inner else None
        if change is None:
            return self.nothing_to_do(
                title,
                _(
                    "Dockerfile line {line}: the start command runs a shell; put opentelemetry-instrument in front of "
                    "the server's own command in it by hand"
                ).format(line=found[-1].line),
            )
        # the instruction holding the program: the CMD when the ENTRYPOINT (`uv run`, `tini --`) ends before it
        offset = 0
        for ins, part in zip(found, parts, strict=True):
            if change.index < offset + len(part) or ins is found[-1]:
                break
            offset += len(part)
        new_words = Instrumented(change.index - offset, change.inserted, change.removed).apply(part)
        lines = text.splitlines(keepends=True)
        first, last = ins.line - 1, ins.end - 1
        written = lines[first]
        keyword = written.lstrip()[: len(ins.keyword)]  # as written (`cmd` stays lower case)
        indent = written[: len(written) - len(written.lstrip())]
        if ins.args.startswith("["):
            compact = '","' in ins.args and '", "' not in ins.args
            args = json.dumps(new_words, ensure_ascii=False, separators=(",", ":") if compact else None)
        else:
            shell = _shell_form_with(ins.args, part, change.index - offset, change.inserted, change.removed)
            if shell is None:
                return self.nothing_to_do(
                    title,
                    _("Dockerfile line {line}: put `{command}` in front of the server's command by hand").format(
                        line=ins.line, command=" ".join(change.inserted)
                    ),
                )
            args = shell
        ending = lines[last][len(lines[last].rstrip("\r\n")) :]
        lines[first : last + 1] = [f"{indent}{keyword} {args}{ending}"]
        return self.file_plan(
            title,
            path,
            "".join(lines),
            _("Dockerfile line {line}: run under opentelemetry-instrument").format(line=ins.line),
        )

    def script_plan(self, title: str, script: StartScript) -> Plan:
        """opentelemetry-instrument put into the start script's command line (``start_script``), as the Dockerfile's
        shell-form command gets it: in front of the program, after ``exec`` and a runner's ``run``."""
        from tui.project.dockerfile import instrumented, names_instrument

        command = script.command
        if script.problem or command is None or script.path is None:
            return self.nothing_to_do(
                title,
                _(
                    "Dockerfile line {line} runs {script}: {why}; put opentelemetry-instrument in front of the "
                    "server's command in it by hand"
                ).format(line=script.line, script=f"`{script.image_path}`", why=script.problem),
            )
        try:
            text = script.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return self.nothing_to_do(title, _("{file} was not read: {reason}").format(file=script.name, reason=exc))
        if all(names_instrument(c.words) for c in script.candidates):
            return self.file_plan(
                title,
                script.path,
                text,
                _("{where} already starts under opentelemetry-instrument").format(where=script.label),
            )
        change = instrumented(command.words) if command.simple else None
        lines = text.splitlines(keepends=True)
        written = lines[command.line - 1] if command.line <= len(lines) else ""
        code = written.rstrip("\r\n")
        indent = code[: len(code) - len(code.lstrip())]
        edited = (
            _shell_form_with(code.strip(), command.words, change.index, change.inserted, change.removed)
            if change is not None
            else None
        )
        if edited is None:
            return self.nothing_to_do(
                title,
                _(
                    "{where}: {command} is not a simple command (a pipeline, a list, a branch, a loop or a function): "
                    "put opentelemetry-instrument in front of the server's command in it by hand"
                ).format(where=script.label, command=f"`{command.shown}`"),
            )
        lines[command.line - 1] = indent + edited + written[len(code) :]
        return self.file_plan(
            title,
            script.path,
            "".join(lines),
            _("{where}: run under opentelemetry-instrument").format(where=script.label),
        )


def _shell_form_with(args: str, words: list[str], index: int, inserted: list[str], removed: int) -> str | None:
    """The shell-form command ``args`` with ``words[index:index + removed]`` replaced by ``inserted``, the rest of its
    text (quotes, ``$VARIABLES``) left as written; None when the words up to the change are not plain words found in
    the text as they are."""
    position, ends = 0, []
    for word in words[: index + removed]:
        found = re.compile(r"\s*" + re.escape(word) + r"(?=\s|$)").match(args, position)
        if not re.fullmatch(r"[\w@%+=:,./-]+", word) or found is None:
            return None
        position = found.end()
        ends.append(position)
    before = args[: ends[index - 1]] if index else ""
    after = args[position:].lstrip()
    return " ".join(part for part in (before, " ".join(inserted), after) if part)


@fixer(
    "project.venv_path",
    title="Put the project's environment on the image's PATH",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write Dockerfile",),
    undoable=True,
)
class VenvPath(ProjectFileFix):
    """Adds ``ENV PATH="<environment>/bin:$PATH"`` before the final stage's start command, where uv sync (or PDM,
    in-project Poetry and Pipenv) installed the dependencies (``tui.project.environment``)."""

    def plan(self) -> Plan:
        from tui.project.dockerfile import stages
        from tui.project.environment import image_state
        from tui.project.scan import scan_project

        title = _("Put the project's environment on PATH")
        path = Path(self.params.dir) / "Dockerfile"
        if not path.exists():
            return self.nothing_to_do(title, _("no Dockerfile to change"))
        text = path.read_text(encoding="utf-8")
        image = image_state(stages(text))
        installs = image.installs
        start = scan_project(self.params.dir).start_instructions()
        if not installs or start is None:
            return self.nothing_to_do(title, _("the Dockerfile installs no project environment, or starts nothing"))
        folder = installs[-1].bin_dir
        if folder is None:
            return self.nothing_to_do(
                title,
                _(
                    "{tool} keeps its environment under the user's cache, not at a path the Dockerfile names: start "
                    "through `{runner} run …`, or install into the image's Python"
                ).format(tool=installs[-1].tool, runner=installs[-1].tool.lower()),
            )
        if folder in image.path_dirs:
            return self.file_plan(title, path, text, _("{folder} is on PATH already").format(folder=folder))
        lines = text.splitlines(keepends=True)
        at = start[0].line - 1
        lines.insert(at, f'ENV PATH="{folder}:$PATH"\n')  # a CRLF file gets CRLF back (file_change)
        return self.file_plan(
            title,
            path,
            "".join(lines),
            _("Dockerfile line {line}: {folder} on PATH before the start command").format(line=at + 1, folder=folder),
        )


@fixer(
    "project.server_code",
    title="Remove invented server APIs and bind 0.0.0.0",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write the server entry point",),
    undoable=True,
)
class ServerCode(ProjectFileFix):
    """Removes @mcp.middleware/exception_handler handlers and connection_timeout/keep_alive/default_headers options,
    moves 2.x run-only options from MCPServer(...) to run(...), and binds host 0.0.0.0."""

    def plan(self) -> Plan:
        from tui.project.patch import fix_server_code

        return self.entry_point_plan(_("Fix server code"), fix_server_code, _("nothing to change"))


@fixer(
    "project.dockerignore_lock",
    title="Keep the lock file in the build context",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write the .dockerignore the build uses",),
    undoable=True,
)
class DockerignoreLock(ProjectFileFix):
    """Appends ``!uv.lock`` (or ``!poetry.lock``) at the end of the .dockerignore that leaves the lock out of the
    build context: the last line that matches a path decides (Docker's rule, and ``tui.project.dockerignore``'s), so
    the exception wins over the line that excluded it. Nothing is written when the .dockerignore is not why the image
    lacks the lock (the Dockerfile never copies it, or the project has none)."""

    def plan(self) -> Plan:
        from tui.project.dockerignore import InvalidIgnore, parse
        from tui.project.scan import lock_installs, scan_project

        title = _("Keep the lock file in the build context")
        scan = scan_project(self.params.dir)
        ignore = scan.ignore
        installs = lock_installs(scan.root, scan.dockerfile, ignore)
        left_out = next((i for i in installs if i.excluded_by is not None and i.in_image), None)
        if left_out is None or ignore is None or left_out.excluded_by is None:
            missing = next((i for i in installs if not i.in_image), None)
            if missing is not None and missing.in_project:
                why = _(
                    "Dockerfile line {line}: no .dockerignore line is why {lock} is missing: the Dockerfile does not "
                    "COPY it before this line; add it to the COPY (`COPY pyproject.toml {lock} ./`)"
                )
            elif missing is not None:
                why = _("Dockerfile line {line}: the project has no {lock}; create it (`uv lock`) and COPY it")
            else:
                why = _(
                    "no .dockerignore line leaves the lock file the Dockerfile installs from out of the build context"
                )
            lock, line = (missing.lock, missing.line) if missing is not None else ("", 0)
            return self.nothing_to_do(title, why.format(line=line, lock=lock))
        exception = f"!{left_out.lock}"
        if ignore.path.is_symlink():
            return self.nothing_to_do(
                title,
                _("{file} is a symbolic link: add {exception} at its end by hand").format(
                    file=ignore.name, exception=f"`{exception}`"
                ),
            )
        try:
            text = ignore.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return self.nothing_to_do(title, _("{file} was not read: {reason}").format(file=ignore.name, reason=exc))
        new = text + ("\n" if text and not text.endswith("\n") else "") + exception + "\n"
        try:
            still = parse(new).excluding(left_out.lock)
        except InvalidIgnore as exc:
            still, reason = None, str(exc)
        else:
            reason = ""
        if reason or still is not None:
            return self.nothing_to_do(
                title,
                _("{file}: {exception} at its end would not keep {lock} in the build context; edit it by hand").format(
                    file=ignore.name, exception=f"`{exception}`", lock=left_out.lock
                ),
            )
        rule = left_out.excluded_by
        return self.file_plan(
            title,
            ignore.path,
            new,
            _("{file}: {exception} added at the end, after line {line} ({pattern}) that left {lock} out").format(
                file=ignore.name,
                exception=f"`{exception}`",
                line=rule.line,
                pattern=f"`{rule.text}`",
                lock=left_out.lock,
            ),
            [
                _(
                    "The last {file} line that matches a path decides, so the exception keeps {lock} in the build "
                    "context; rebuild the image (`agentcore deploy`)."
                ).format(file=ignore.name, lock=left_out.lock)
            ],
        )


@fixer(
    "project.script_line_endings",
    title="Give the start script LF line endings",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write the start script the image runs",),
    undoable=True,
)
class ScriptLineEndings(ProjectFileFix):
    """Rewrites every ``\\r\\n`` (and a lone ``\\r``) of the script the image starts to ``\\n``: with CRLF the kernel
    looks for ``/bin/sh\\r`` (``exec /app/entrypoint.sh: no such file or directory``) and a shell reads ``\\r`` as part
    of each command. Only the line endings change; undo restores the file byte for byte."""

    def plan(self) -> Plan:

        from tui.fixes.base import FileChange, read_exact, sha256_text
        from tui.project.scan import scan_project
        from tui.project.start_script import start_script

        title = _("Give the start script LF line endings")
        script = start_script(scan_project(self.params.dir))
        if script is None or script.path is None or not script.crlf_line:
            return self.nothing_to_do(title, _("the start script has no Windows line endings"))
        path = script.path
        if path.is_symlink():
            return self.nothing_to_do(
                title, _("{file} is a symbolic link: convert it by hand (`dos2unix`)").format(file=script.name)
            )
        old = read_exact(path)
        new = old.replace("\r\n", "\n").replace("\r", "\n")
        summary = _("{file}: CRLF line endings converted to LF (from line {line})").format(
            file=script.name, line=script.crlf_line
        )
        # Not file_change: it keeps a CRLF file's line endings on the lines a fix leaves alone (keep_line_endings).
        change = FileChange(
            path=str(path),
            diff=_line_endings_diff(path.name, old, new),
            before_sha256=sha256_text(old),
            after=new,
            before=old,
            description=summary,
        )
        undo_diff = _line_endings_diff(path.name, new, old)
        undo = FileChange(
            path=str(path),
            diff=undo_diff,
            before_sha256=sha256_text(new),
            after=old,
            before=new,
            description=_("undo: {description}").format(description=summary),
        )
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=summary,
            actions=[change],
            undo=[undo],
            permissions=[_("write {path}").format(path=path)],
            before={"path": str(path), "sha256": change.before_sha256},
            notes=[
                _("␍ in the change marks a carriage return (the CR of CRLF), which a terminal does not show."),
                _(
                    "Keep it so: a `.gitattributes` line `*.sh text eol=lf` stops a Windows checkout from converting "
                    "it again; then rebuild the image (`agentcore deploy`)."
                ),
            ],
        )


def _line_endings_diff(name: str, before: str, after: str) -> str:
    """The unified diff of ``before`` → ``after`` with each carriage return shown as ␍ (U+240D): a terminal does not
    show a CR, and the removed and added lines looked the same in the preview (tried at 80x24). Display only: what is
    written is ``after``."""
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    return "".join(lines).replace("\r\n", "␍\n").replace("\r", "␍")
