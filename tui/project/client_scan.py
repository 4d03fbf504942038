"""Static analysis of the project's MCP *client* code (``my_mcp_client_remote*.py`` and any file using the mcp
client), and a bounded walk over the project's Python files that other checks share.

Finds what the troubleshooting guide tells clients to do and what breaks: an explicit ``Mcp-Session-Id``,
the UUID monkeypatch of ``JSONRPCMessage.model_validate_json``, ``initialize`` sent with ``"params": {}``,
and mcp 1.x client APIs that mcp 2.x removed. Never imports or runs the code.
"""

from __future__ import annotations

import ast
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tui.files import user_path
from tui.i18n import N_, _
from tui.project import pyparse

MAX_FILES = 300
MAX_BYTES = 1_000_000
MAX_DEPTH = 4
SKIP_DIRS = frozenset(
    {".git", ".venv", "venv", "env", "node_modules", "site-packages", "__pycache__", ".tox", "build", "dist", "cdk.out"}
)
CLIENT_HINT = re.compile(
    r"\bmcp\.client\b|from mcp import [^\n]*ClientSession|streamablehttp_client|streamable_http_client|\bClientSession\("
    r"|\binvoke_agent_runtime\b|\bruntimeSessionId\b|(?i:x-amzn-bedrock-agentcore-runtime-session-id)"
)
SESSION_ID_HEADER = "x-amzn-bedrock-agentcore-runtime-session-id"
SESSION_ID_LENGTH = (33, 256)
"""AgentCore's runtime session id (boto3 ``runtimeSessionId``, the header above): botocore's model, min 33, max 256."""
INITIALIZE_EMPTY_PARAMS = re.compile(
    r"""["']method["']\s*:\s*["']initialize["'][^{}]{0,200}["']params["']\s*:\s*\{\s*\}"""
)


def python_files(root: str | Path) -> Iterator[Path]:
    """The project's own ``.py`` files, breadth-first, bounded in number, depth and size; virtualenvs skipped."""
    base = user_path(root)
    if not base.is_dir():
        return
    queue: list[tuple[Path, int]] = [(base, 0)]
    seen = 0
    while queue:
        folder, depth = queue.pop(0)
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if depth + 1 < MAX_DEPTH and entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                    queue.append((entry, depth + 1))
            elif entry.suffix == ".py":
                try:
                    info = entry.stat()
                except OSError:
                    continue
                # A FIFO named *.py blocked its reader for ever (the check timed out, its thread stuck)
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                    continue
                yield entry
                seen += 1
                if seen >= MAX_FILES:
                    return


def read_text(path: Path) -> str:
    """A project file's text, at most ``MAX_BYTES`` of it; "" for one that is not a regular file (a FIFO, a device:
    opened without blocking and refused) or cannot be read. Never blocks, never raises."""
    from tui.files import read_regular

    try:
        data = read_regular(path, MAX_BYTES)
    except OSError:
        return ""
    return data[:MAX_BYTES].decode("utf-8", errors="replace")


@dataclass
class ClientFinding:
    line: int
    what: str
    """English: the code as written, or a phrase marked ``N_()``; checks show ``shown()``."""
    source: str = ""
    length: str = ""
    """A runtime session id: its code, and the length it provably has (``32``, ``10-19``)."""

    def shown(self) -> str:
        """``what`` in the current language."""
        if self.length:
            return _(SESSION_ID_SHOWN).format(source=self.source, length=self.length)
        return _(self.what)


SESSION_ID_SHOWN = N_("{source} ({length} characters)")
"""A runtime session id finding: its code and the length it provably has (``what`` in English, ``shown()``)."""


@dataclass
class ClientCode:
    path: Path
    syntax_error: str | None = None
    session_headers: list[ClientFinding] = field(default_factory=list)
    uuid_patches: list[ClientFinding] = field(default_factory=list)
    initialize_empty_params: list[ClientFinding] = field(default_factory=list)
    v1_api: list[ClientFinding] = field(default_factory=list)
    """mcp 1.x client APIs that mcp 2.x removed or changed."""
    session_ids: list[ClientFinding] = field(default_factory=list)
    """AgentCore runtime session ids whose length is provably outside 33–256 characters."""


def _const_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _length_bounds(node: ast.AST, depth: int = 0) -> tuple[int, int] | None:
    """(fewest, most) characters the expression's string can have, when the code alone decides it; else None.

    Knows string constants, ``uuid4().hex`` (32), ``str(uuid4())`` (36), ``secrets.token_hex(n)`` (2n), Unix
    timestamps (``int(time.time())``: 10 digits until 2286; ``time.time()``: 10-20 characters; ``time_ns()``: 19),
    and f-strings or ``+`` of those. Anything else (a variable, a function of yours) is None: never guessed."""
    if depth > 20:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return len(node.value), len(node.value)
    if isinstance(node, ast.Attribute) and node.attr == "hex" and isinstance(node.value, ast.Call):
        if _dotted(node.value.func).rsplit(".", 1)[-1] in ("uuid4", "uuid1"):
            return 32, 32
        return None
    if isinstance(node, ast.JoinedStr):
        low = high = 0
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None:
                    return None
                bounds = _length_bounds(part.value, depth + 1)
            else:
                bounds = _length_bounds(part, depth + 1)
            if bounds is None:
                return None
            low, high = low + bounds[0], high + bounds[1]
        return low, high
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _length_bounds(node.left, depth + 1), _length_bounds(node.right, depth + 1)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]
    if not isinstance(node, ast.Call):
        return None
    func = _dotted(node.func).rsplit(".", 1)[-1]
    if func == "str" and len(node.args) == 1:
        arg = node.args[0]
        if isinstance(arg, ast.Call) and _dotted(arg.func).rsplit(".", 1)[-1] in ("uuid4", "uuid1"):
            return 36, 36
        return _length_bounds(arg, depth + 1)
    if func == "int" and len(node.args) == 1 and isinstance(node.args[0], ast.Call):
        if _dotted(node.args[0].func).endswith("time.time") or _dotted(node.args[0].func) == "time":
            return 10, 10
        return None
    if _dotted(node.func).endswith("time.time") and not node.args:
        return 10, 20
    if _dotted(node.func).endswith("time.time_ns") and not node.args:
        return 19, 19
    if func == "token_hex":
        if not node.args:
            return 64, 64
        n = node.args[0]
        if isinstance(n, ast.Constant) and isinstance(n.value, int) and 0 <= n.value < 10_000:
            return 2 * n.value, 2 * n.value
    return None


def _session_id_finding(value: ast.AST, where: str) -> ClientFinding | None:
    """A finding when ``value`` is provably too short or too long for a runtime session id."""
    bounds = _length_bounds(value)
    if bounds is None:
        return None
    low, high = bounds
    shortest, longest = SESSION_ID_LENGTH
    if high >= shortest and low <= longest:
        return None
    length = f"{low}" if low == high else f"{low}-{high}"
    source = ast.unparse(value)
    source = source if len(source) <= 60 else source[:57] + "..."
    source = f"{where}{source}"
    what = SESSION_ID_SHOWN.format(source=source, length=length)
    return ClientFinding(getattr(value, "lineno", 0), what, source=source, length=length)


def is_client_file(path: Path, text: str) -> bool:
    return path.name.startswith("my_mcp_client_remote") or bool(CLIENT_HINT.search(text))


def analyse_client(path: Path, text: str | None = None) -> ClientCode:
    text = read_text(path) if text is None else text
    code = ClientCode(path=path)
    try:
        tree = pyparse.parse(text, str(path))
    except SyntaxError as exc:
        code.syntax_error = f"line {exc.lineno}: {exc.msg}"
        return code
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = {
                (_const_str(k) or "").lower(): v for k, v in zip(node.keys, node.values, strict=True) if k is not None
            }
            for key in ("runtimesessionid", SESSION_ID_HEADER):
                if key in keys and (finding := _session_id_finding(keys[key], f"{key!r}: ")) is not None:
                    code.session_ids.append(finding)
            if "mcp-session-id" in keys:
                code.session_headers.append(ClientFinding(node.lineno, N_("a headers dict sets Mcp-Session-Id")))
            if (_const_str(keys.get("method")) or "") == "initialize" and "params" in keys:
                params = keys["params"]
                if isinstance(params, ast.Dict) and not params.keys:
                    code.initialize_empty_params.append(
                        ClientFinding(node.lineno, '{"method": "initialize", "params": {}}')
                    )
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and (_const_str(target.slice) or "").lower() == "mcp-session-id":
                    code.session_headers.append(ClientFinding(node.lineno, "headers['Mcp-Session-Id'] = …"))
                if isinstance(target, ast.Subscript) and (_const_str(target.slice) or "").lower() == SESSION_ID_HEADER:
                    if (finding := _session_id_finding(node.value, "headers[…] = ")) is not None:
                        code.session_ids.append(finding)
                if isinstance(target, ast.Attribute) and target.attr == "model_validate_json":
                    owner = _dotted(target.value)
                    if owner.endswith("JSONRPCMessage"):
                        code.uuid_patches.append(ClientFinding(node.lineno, f"{owner}.model_validate_json = …"))
        elif isinstance(node, ast.Call):
            func = _dotted(node.func)
            if func == "setattr" and len(node.args) >= 2 and _const_str(node.args[1]) == "model_validate_json":
                if _dotted(node.args[0]).endswith("JSONRPCMessage"):
                    code.uuid_patches.append(
                        ClientFinding(node.lineno, "setattr(JSONRPCMessage, 'model_validate_json', …)")
                    )
            if func.rsplit(".", 1)[-1] == "streamablehttp_client":
                code.v1_api.append(ClientFinding(node.lineno, "streamablehttp_client(…)"))
            for kw in node.keywords:
                if kw.arg == "runtimeSessionId" and (finding := _session_id_finding(kw.value, "runtimeSessionId=")):
                    code.session_ids.append(finding)
                if kw.arg == "read_timeout_seconds" and isinstance(kw.value, ast.Call):
                    if _dotted(kw.value.func).rsplit(".", 1)[-1] == "timedelta":
                        code.v1_api.append(ClientFinding(kw.value.lineno, "read_timeout_seconds=timedelta(…)"))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                call, names = item.context_expr, item.optional_vars
                if (
                    isinstance(call, ast.Call)
                    and _dotted(call.func).rsplit(".", 1)[-1] == "streamable_http_client"
                    and isinstance(names, ast.Tuple)
                    and len(names.elts) == 3
                ):
                    code.v1_api.append(
                        ClientFinding(call.lineno, "streamable_http_client(…) as (read, write, get_session_id)")
                    )
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mcp"):
            for alias in node.names:
                if alias.name == "streamablehttp_client":
                    code.v1_api.append(ClientFinding(node.lineno, f"from {node.module} import streamablehttp_client"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if INITIALIZE_EMPTY_PARAMS.search(node.value[:20_000]):
                code.initialize_empty_params.append(ClientFinding(node.lineno, N_('a JSON body with "params": {}')))
    # one finding per line is enough to point at the code
    for name in ("session_headers", "uuid_patches", "initialize_empty_params", "v1_api", "session_ids"):
        unique: dict[int, ClientFinding] = {}
        for f in getattr(code, name):
            unique.setdefault(f.line, f)
        setattr(code, name, sorted(unique.values(), key=lambda f: f.line))
    return code


def client_files(root: str | Path) -> list[ClientCode]:
    """Every client file of the project, analysed."""
    out = []
    for path in python_files(root):
        text = read_text(path)
        if is_client_file(path, text):
            out.append(analyse_client(path, text))
    return out
