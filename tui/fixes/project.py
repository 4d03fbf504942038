"""Fixes to the server project's files: each a unified diff, applied only if the file is unchanged since planning."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tui.fixes.base import Fix, Plan, file_change, reverse_file_change
from tui.i18n import _
from tui.registry import CheckParams, fixer
from tui.results import Risk


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


def _requirements(root: Path) -> Path:
    for name in ("requirements.txt", "requirements-server.txt"):
        if (root / name).is_file():
            return root / name
    return root / "requirements.txt"


@fixer(
    "project.pin_mcp",
    title="Pin mcp to the major version the code is written for",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write requirements.txt",),
    undoable=True,
)
class PinMcp(ProjectFileFix):
    """FastMCP code gets `mcp>=1.23.2,<2` (1.23.2 silences the ClosedResourceError noise); MCPServer code gets `mcp>=2.3,<3`."""

    def plan(self) -> Plan:
        from tui.project.scan import scan_project

        root = Path(self.params.dir)
        scan = scan_project(root)
        era = scan.server.era if scan.server else None
        wanted = "mcp>=2.3,<3" if era == "v2" else "mcp>=1.23.2,<2"
        path = _requirements(root)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        lines = text.splitlines(keepends=True)
        req = scan.requirement("mcp")
        if req is not None:
            eol = "\n" if lines[req.line - 1].endswith("\n") else ""
            lines[req.line - 1] = wanted + eol
        else:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines.append(wanted + "\n")
        return self.file_plan(
            _("Pin mcp"), path, "".join(lines), _("requirements: {requirement}").format(requirement=wanted)
        )


@fixer(
    "project.otel_distro",
    title="Add aws-opentelemetry-distro to requirements.txt",
    risk=Risk.MUTATING,
    params=ProjectFixParams,
    permissions=("write requirements.txt",),
    undoable=True,
)
class AddOtelDistro(ProjectFileFix):
    """Adds `aws-opentelemetry-distro>=0.10.0` so the runtime can export traces and OTEL logs."""

    def plan(self) -> Plan:
        path = _requirements(Path(self.params.dir))
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if re.search(r"^\s*aws[-_.]opentelemetry[-_.]distro\b", text, re.IGNORECASE | re.MULTILINE):
            return self.file_plan(_("Add aws-opentelemetry-distro"), path, text, _("already listed"))
        new = text + ("" if text.endswith("\n") or not text else "\n") + "aws-opentelemetry-distro>=0.10.0\n"
        return self.file_plan(
            _("Add aws-opentelemetry-distro"),
            path,
            new,
            _("requirements: {requirement}").format(requirement="aws-opentelemetry-distro>=0.10.0"),
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
