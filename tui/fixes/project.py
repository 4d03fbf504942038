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
    from tui.project.scan import ProjectScan


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
            listed = scan.requirement(name)
            line = exc.line or (listed.line if listed else None)
            if line is None:
                why = _("{file} left alone ({reason}): add `{requirement}` to its dependencies by hand")
            else:
                why = _("{file} left alone ({reason}): set `{requirement}` by hand on line {line}")
            return self.nothing_to_do(
                title, why.format(file=path.name, reason=exc.reason, requirement=requirement, line=line)
            )
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
        wanted = "mcp" + specifier
        path = _dependency_file(scan)
        if isinstance(path, str):
            return self.nothing_to_do(title, path)
        if path.name == "pyproject.toml":
            return self.pyproject_plan(title, scan, path, "mcp", specifier, replace=True)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        lines = text.splitlines(keepends=True)
        req = scan.requirement("mcp")
        if req is not None and 0 < req.line <= len(lines):
            eol = "\n" if lines[req.line - 1].endswith("\n") else ""
            lines[req.line - 1] = wanted + eol
        else:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines.append(wanted + "\n")
        return self.file_plan(title, path, "".join(lines), _("requirements: {requirement}").format(requirement=wanted))


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
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if re.search(r"^\s*aws[-_.]opentelemetry[-_.]distro\b", text, re.IGNORECASE | re.MULTILINE):
            return self.file_plan(title, path, text, _("already listed"))
        new = text + ("" if text.endswith("\n") or not text else "\n") + "aws-opentelemetry-distro>=0.10.0\n"
        return self.file_plan(
            title, path, new, _("requirements: {requirement}").format(requirement="aws-opentelemetry-distro>=0.10.0")
        )


@fixer(
    "project.otel_instrument",
    title="Start the container under opentelemetry-instrument",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write Dockerfile",),
    undoable=True,
)
class OtelInstrument(ProjectFileFix):
    """Prefixes the Dockerfile's CMD with opentelemetry-instrument (exec form kept)."""

    def plan(self) -> Plan:
        path = Path(self.params.dir) / "Dockerfile"
        if not path.exists():
            return self.nothing_to_do(_("Start under opentelemetry-instrument"), _("no Dockerfile to change"))
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        index = max((i for i, line in enumerate(lines) if re.match(r"\s*CMD\b", line, re.IGNORECASE)), default=None)
        if index is None:
            return self.nothing_to_do(
                _("Start under opentelemetry-instrument"), _("the Dockerfile has no CMD; add one by hand")
            )
        line = lines[index]
        if "opentelemetry-instrument" in line:
            new_line = line
        elif re.match(r"\s*CMD\s*\[", line, re.IGNORECASE):
            new_line = re.sub(r"(CMD\s*\[)\s*", r'\1"opentelemetry-instrument", ', line, count=1, flags=re.IGNORECASE)
        else:
            new_line = re.sub(r"(CMD\s+)", r"\1opentelemetry-instrument ", line, count=1, flags=re.IGNORECASE)
        lines[index] = new_line
        return self.file_plan(
            _("Start under opentelemetry-instrument"),
            path,
            "".join(lines),
            _("Dockerfile line {line}: run under opentelemetry-instrument").format(line=index + 1),
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
