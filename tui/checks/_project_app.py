"""How a server that does not call ``mcp.run()`` is served: the SDK's Starlette app under uvicorn.

Many projects build ``app = mcp.streamable_http_app(...)`` (or mount it in FastAPI/Starlette) and run it with
``uvicorn.run(app, host=..., port=...)`` or a Dockerfile ``CMD ["uvicorn", "module:app", "--host", ...]``. Then the
settings that matter live in three other places: ``streamable_http_app(host=, stateless_http=)`` (the app's
DNS-rebinding protection and session mode), uvicorn's ``host``/``port`` (where it listens; uvicorn's defaults are
127.0.0.1 and 8000) and the Dockerfile. Read from the entry point's AST and the Dockerfile text; nothing is run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from tui.i18n import _

UVICORN_DEFAULT_HOST = "127.0.0.1"
UVICORN_DEFAULT_PORT = 8000
MAX_COMMAND_WORDS = 1000
"""Words of the start command looked through for uvicorn (a real one has a dozen)."""


@dataclass
class ServedApp:
    """The app call and where the launcher puts it (``None`` = not found)."""

    app_line: int
    app_kwargs: dict[str, Any] = field(default_factory=dict)
    launcher: str | None = None
    """``uvicorn.run() (line N)`` or ``Dockerfile CMD (line N)``; None when nothing in the project starts it."""
    started_by_image: bool = False
    """The image's start command runs uvicorn on the app: then it is what listens, whatever ``mcp.run()`` the module
    holds under ``if __name__ == "__main__":`` (uvicorn imports the module; that block never runs)."""
    bind_given: bool = False
    bind_host: Any = None
    port_given: bool = False
    port: Any = None


def _literal(node: ast.AST) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ast.unparse(node)


def _uvicorn_command(words: list[str]) -> list[str] | None:
    """The image's start command (``ProjectScan.start_command``) when it runs uvicorn, else None."""
    return words if any(w == "uvicorn" or w.endswith("/uvicorn") for w in words[:MAX_COMMAND_WORDS]) else None


def _option(words: list[str], name: str) -> tuple[bool, str | None]:
    for i, word in enumerate(words):
        if word == name and i + 1 < len(words):
            return True, words[i + 1]
        if word.startswith(name + "="):
            return True, word.split("=", 1)[1]
    return False, None


def served_app(
    tree_text: str, server_var: str, filename: str, start_command: tuple[int, list[str]] | None
) -> ServedApp | None:
    """The ``<server>.streamable_http_app(...)`` call and its launcher, or None when the code builds no such app."""
    from tui.project import pyparse

    try:
        tree = pyparse.parse(tree_text, filename)
    except SyntaxError:
        return None
    found: ServedApp | None = None
    uvicorn_run: ast.Call | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if node.func.attr == "streamable_http_app" and isinstance(owner, ast.Name) and owner.id == server_var:
            if found is None or node.lineno < found.app_line:
                found = ServedApp(node.lineno, {kw.arg: _literal(kw.value) for kw in node.keywords if kw.arg})
        elif node.func.attr == "run" and isinstance(owner, ast.Name) and owner.id == "uvicorn":
            uvicorn_run = node
    if found is None:
        return None
    if uvicorn_run is not None:
        kwargs = {kw.arg: _literal(kw.value) for kw in uvicorn_run.keywords if kw.arg}
        found.launcher = _("uvicorn.run() (line {line})").format(line=uvicorn_run.lineno)
        found.bind_given, found.bind_host = "host" in kwargs, kwargs.get("host", UVICORN_DEFAULT_HOST)
        found.port_given, found.port = "port" in kwargs, kwargs.get("port", UVICORN_DEFAULT_PORT)
        return found
    words = _uvicorn_command(start_command[1]) if start_command else None
    if words is not None and start_command is not None:
        found.launcher = _("Dockerfile CMD (line {line})").format(line=start_command[0])
        found.started_by_image = True
        found.bind_given, host = _option(words, "--host")
        found.bind_host = host if found.bind_given else UVICORN_DEFAULT_HOST
        found.port_given, port = _option(words, "--port")
        found.port = port if found.port_given else UVICORN_DEFAULT_PORT
    return found


__all__ = ["ServedApp", "served_app"]
