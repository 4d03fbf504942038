"""The ASGI app a start command names (``uvicorn server:app``, ``gunicorn -k uvicorn.workers.UvicornWorker main:app``),
and whether the project's module defines it: read from the project's files, never imported.

A server started as ``uvicorn server:app`` whose ``server.py`` runs ``mcp.run()`` under ``if __name__ == "__main__"``
and defines no ``app`` stops at once: ``Error loading ASGI app. Attribute "app" not found in module "server".``
(nim444/mcp-android-server-python#4, Qoyyuum/mcp-metatrader5-server#4). AgentCore then reports nothing but a runtime
that never answers.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ASGI_SERVERS = frozenset({"uvicorn", "gunicorn", "hypercorn", "granian"})
"""Programs that import the app named by a ``module:attribute`` word."""
TARGET = re.compile(
    r"^(?P<module>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*):(?P<attribute>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\(\))?$"
)
"""``module:attribute``; gunicorn also takes ``module:factory()``. ``0.0.0.0:8000`` and ``unix:/x.sock`` are not."""
MAX_MODULE_BYTES = 512_000


@dataclass(frozen=True)
class AsgiTarget:
    server: str
    """``uvicorn``, ``gunicorn``…"""
    module: str
    attribute: str
    """As written after the colon (``app``, ``mcp.app``)."""
    word: str
    """The whole word (``server:app``)."""
    app_dir: str | None = None
    """uvicorn's ``--app-dir``: where the module is looked up instead of the working directory."""

    @property
    def name(self) -> str:
        """The module-level name the attribute starts with (``mcp`` for ``mcp.app``)."""
        return self.attribute.split(".", 1)[0]


def asgi_target(words: list[str]) -> AsgiTarget | None:
    """The app the start command ``words`` hands to an ASGI server; None when it runs none or names none (a
    ``--factory`` app is still named by ``module:attribute``)."""
    for index, word in enumerate(words):
        server = word.rsplit("/", 1)[-1]
        if server not in ASGI_SERVERS:
            continue
        rest = words[index + 1 :]
        found = [(n, m) for n, w in enumerate(rest) if (m := TARGET.match(w))]
        if len(found) != 1:
            return None  # none, or more than one word that reads like an app: not guessed
        match = found[0][1]
        app_dir = next((rest[n + 1] for n, w in enumerate(rest[:-1]) if w == "--app-dir"), None)
        app_dir = app_dir or next((w.split("=", 1)[1] for w in rest if w.startswith("--app-dir=")), None)
        return AsgiTarget(server, match["module"], match["attribute"], rest[found[0][0]], app_dir)
    return None


def module_file(root: Path, folder: str, module: str) -> Path | None:
    """The project file of ``module`` looked up from ``folder`` (relative to the project): ``a/b.py`` or
    ``a/b/__init__.py``; None when the project has neither (an installed package, or not there at all)."""
    from tui.project.reading import context_path

    base = "/".join(p for p in (folder.strip("/"), module.replace(".", "/")) if p and p != ".")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        path = context_path(root, candidate)
        if path is not None and path.is_file():
            return path
    return None


def defined_names(tree: ast.Module) -> set[str] | None:
    """The names a module defines at its top level (assignments, functions, classes, imports, also inside top-level
    ``if``/``try``/``with`` blocks); None when it may define others no reader can list (``from x import *``, a
    module ``__getattr__``, ``globals()[…] =``)."""
    names: set[str] = set()

    def targets(node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                targets(element)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    def statements(body: list[ast.stmt]) -> bool:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(statement.name)
                if statement.name == "__getattr__":
                    return False
            elif isinstance(statement, ast.Assign):
                if _writes_globals(statement):
                    return False
                for target in statement.targets:
                    targets(target)
            elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
                targets(statement.target)
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                for alias in statement.names:
                    if alias.name == "*":
                        return False
                    names.add(alias.asname or alias.name.split(".", 1)[0])
            elif isinstance(statement, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                blocks = [statement.body, statement.orelse if not isinstance(statement, ast.With) else []]
                if isinstance(statement, ast.Try):
                    blocks += [statement.finalbody, *(h.body for h in statement.handlers)]
                if isinstance(statement, ast.For):
                    targets(statement.target)
                if isinstance(statement, ast.With):
                    for item in statement.items:
                        if item.optional_vars is not None:
                            targets(item.optional_vars)
                if not all(statements(block) for block in blocks):
                    return False
            elif isinstance(statement, ast.Expr) and _writes_globals(statement):
                return False
        return True

    if isinstance(tree, ast.Module) and statements(tree.body):
        return names
    return None


def _writes_globals(statement: ast.stmt) -> bool:
    """``globals()[name] = …``, ``globals().update(…)``, ``vars()…``: names made at run time."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "vars")
        for node in ast.walk(statement)
    )
