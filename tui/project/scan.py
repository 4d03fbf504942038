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
from typing import Any

from tui.files import exists, is_dir, user_path
from tui.i18n import N_
from tui.project import pyparse

ENTRY_CANDIDATES = ("mcp_server.py", "server.py", "main.py", "app.py")

NONEXISTENT_DECORATORS = {
    "middleware": N_(
        "mcp.middleware is a list of JSON-RPC middleware, not a decorator (`TypeError: 'list' object is not callable`)"
    ),
    "exception_handler": N_(
        "MCPServer/FastMCP has no exception_handler; a tool's exception already becomes an isError result"
    ),
    "error_handler": N_("MCPServer/FastMCP has no error_handler; ClosedResourceError is handled inside the SDK"),
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

    def requirement(self, name: str) -> Requirement | None:
        wanted = _normalize(name)
        return next((r for r in self.requirements if r.name == wanted), None)

    def docker_command(self) -> tuple[int, str] | None:
        """The last CMD or ENTRYPOINT instruction (line number, text)."""
        if self.dockerfile is None:
            return None
        found = None
        for i, line in enumerate(self.dockerfile.splitlines(), 1):
            if re.match(r"\s*(CMD|ENTRYPOINT)\b", line, re.IGNORECASE):
                found = (i, line.strip())
        return found


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirements(text: str) -> list[Requirement]:
    out = []
    for i, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$", line)
        if m:
            spec = m.group(3).split(";", 1)[0].strip()
            out.append(Requirement(i, raw, _normalize(m.group(1)), spec))
    return out


def _literal(node: ast.AST) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ast.unparse(node)


def analyse_server(path: Path) -> ServerCode:
    text = path.read_text(encoding="utf-8", errors="replace")
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


def scan_project(root: str | Path) -> ProjectScan:
    """Read what matters in a project directory; missing files are simply absent."""
    root = user_path(root)
    scan = ProjectScan(root=root)
    from tui.context import agentcore_agent

    configured = agentcore_agent(root).get("entrypoint")
    if configured and (root / configured).is_file():
        scan.entry, scan.entry_source = root / configured, ".bedrock_agentcore.yaml entrypoint"
    else:
        for name in ENTRY_CANDIDATES:
            if (root / name).is_file():
                scan.entry, scan.entry_source = root / name, "file name"
                break
    for name in ("requirements.txt", "requirements-server.txt"):
        if (root / name).is_file():
            scan.requirements_path = root / name
            scan.requirements = parse_requirements(scan.requirements_path.read_text(encoding="utf-8", errors="replace"))
            break
    if (root / "Dockerfile").is_file():
        scan.dockerfile_path = root / "Dockerfile"
        scan.dockerfile = scan.dockerfile_path.read_text(encoding="utf-8", errors="replace")
    if scan.entry:
        scan.server = analyse_server(scan.entry)
    return scan


def admits(specifier: str, version: str) -> bool:
    """Does a requirement specifier allow ``version``? (empty = anything)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True


def project_dir_problem(directory: str) -> str | None:
    """Why ``directory`` cannot be read as a project (it is missing, or a file or a device), or None."""
    from tui.i18n import _

    root = user_path(directory)
    if is_dir(root):  # a name too long to look up is missing, not an OSError
        return None
    if exists(root):
        return _("project directory {dir} is not a directory").format(dir=directory)
    return _("project directory {dir} does not exist").format(dir=directory)
