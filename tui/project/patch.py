"""Source patches for the server's own files, made from the AST so they touch only what is wrong."""

from __future__ import annotations

import ast
import re

from tui.i18n import _
from tui.project import pyparse
from tui.project.scan import NONEXISTENT_DECORATORS, NONEXISTENT_KWARGS, V2_RUN_ONLY_KWARGS


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _line_span(text: str, starts: list[int], first: int, last: int) -> tuple[int, int]:
    """Offsets covering whole lines first..last (1-based, inclusive)."""
    return starts[first - 1], starts[min(last, len(starts) - 1)]


def _start(starts: list[int], node: ast.expr | ast.keyword) -> int:
    """Offset of ``node``'s first character."""
    return starts[node.lineno - 1] + node.col_offset


def _end(starts: list[int], node: ast.expr | ast.keyword) -> int:
    """Offset just past ``node``'s last character (``ast.parse`` always sets end positions)."""
    if node.end_lineno is None or node.end_col_offset is None:
        raise ValueError(f"{type(node).__name__} at line {node.lineno} has no end position")
    return starts[node.end_lineno - 1] + node.end_col_offset


def _remove_keyword(text: str, starts: list[int], kw: ast.keyword) -> tuple[int, int]:
    """Span that removes one keyword argument with its comma (whole lines when it stands on its own lines)."""
    begin = _start(starts, kw)
    end = _end(starts, kw)
    last_line = kw.end_lineno or kw.lineno
    line_start = starts[kw.lineno - 1]
    line_end = starts[last_line] if last_line < len(starts) else len(text)
    before = text[line_start:begin]
    after = text[end:line_end]
    if before.strip() == "" and re.fullmatch(r"\s*,?\s*(#.*)?\n?", after):
        return line_start, line_end
    m = re.match(r"\s*,\s*", text[end:])
    if m:
        return begin, end + m.end()
    m = re.search(r",\s*$", text[:begin])
    return (m.start(), end) if m else (begin, end)


def fix_server_code(text: str) -> tuple[str, list[str]]:
    """Remove invented APIs, make the server reachable (host 0.0.0.0) and move 2.x run-only options to run().

    Returns the new text and a list of what changed (for the plan's notes).
    """
    tree = pyparse.parse(text)
    starts = _offsets(text)
    notes: list[str] = []
    cuts: list[tuple[int, int, str]] = []
    era = _era(tree)
    server_var, ctor = _server(tree)
    if server_var is None or ctor is None:
        return text, []
    run_call: ast.Call | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run":
            if isinstance(node.func.value, ast.Name) and node.func.value.id == server_var:
                run_call = node
    # 1. functions decorated with APIs that do not exist
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == server_var
                    and target.attr in NONEXISTENT_DECORATORS
                ):
                    first = min(d.lineno for d in node.decorator_list)
                    a, b = _line_span(text, starts, first, node.end_lineno or node.lineno)
                    lines = text[a:b]
                    indent = lines[: len(lines) - len(lines.lstrip())]
                    cuts.append(
                        (
                            a,
                            b,
                            f"{indent}# agentcore-triage: removed {node.name}(): {server_var}.{target.attr} is not a decorator API\n",
                        )
                    )
                    notes.append(
                        _("remove {function}() decorated with {decorator} (line {line})").format(
                            function=node.name, decorator=f"@{server_var}.{target.attr}", line=first
                        )
                    )
                    break
    # 2. constructor keywords that do not exist, or belong to run() in 2.x
    moved: dict[str, str] = {}
    for kw in ctor.keywords:
        if kw.arg in NONEXISTENT_KWARGS or (era == "v2" and kw.arg in V2_RUN_ONLY_KWARGS):
            a, b = _remove_keyword(text, starts, kw)
            cuts.append((a, b, ""))
            if kw.arg in V2_RUN_ONLY_KWARGS:
                moved[kw.arg] = ast.get_source_segment(text, kw.value) or ""
                notes.append(_("move {option} from MCPServer(...) to run(...)").format(option=f"{kw.arg}="))
            else:
                notes.append(
                    _("remove {option} (line {line}): not an option").format(option=f"{kw.arg}=", line=kw.lineno)
                )
    if run_call is not None:
        for kw in run_call.keywords:
            if kw.arg in NONEXISTENT_KWARGS:
                cuts.append((*_remove_keyword(text, starts, kw), ""))
                notes.append(
                    _("remove {option} (line {line}): not an option").format(option=f"run({kw.arg}=)", line=kw.lineno)
                )
    # 3. host: where the era expects it
    host_call = run_call if era == "v2" else ctor
    if era == "v2" and "host" in moved:
        moved["host"] = (
            '"0.0.0.0"' if moved["host"].strip("'\"") in ("127.0.0.1", "localhost", "::1") else moved["host"]
        )
    if host_call is not None:
        host_kw = next((kw for kw in host_call.keywords if kw.arg == "host"), None)
        if host_kw is not None:
            value = _literal_or_none(host_kw.value)
            if value in ("127.0.0.1", "localhost", "::1"):
                a, b = _start(starts, host_kw.value), _end(starts, host_kw.value)
                cuts.append((a, b, '"0.0.0.0"'))
                notes.append(f'host {value!r} -> "0.0.0.0"')
        elif "host" not in moved:
            moved["host"] = '"0.0.0.0"'
            notes.append(_("bind {option} (the SDK default 127.0.0.1 is unreachable)").format(option='host="0.0.0.0"'))
    # 4. add moved/missing options to the call that takes them
    target_call = run_call if era == "v2" else ctor
    if moved and target_call is not None:
        existing = {kw.arg for kw in target_call.keywords}
        extra = ", ".join(f"{k}={v}" for k, v in moved.items() if k not in existing)
        if extra:
            end = _end(starts, target_call) - 1
            has_args = bool(target_call.args or [kw for kw in target_call.keywords if kw.arg not in moved])
            inner = text[_start(starts, target_call) : end]
            sep = "" if not has_args else (" " if inner.rstrip().endswith(",") else ", ")
            cuts.append((end, end, sep + extra))
    if not cuts:
        return text, []
    return _apply(text, cuts), notes


def _era(tree: ast.AST) -> str | None:
    """``v1`` (FastMCP from mcp 1.x), ``v2`` (MCPServer from mcp 2.x) by the module's imports, else None."""
    era = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("mcp.server.fastmcp", "mcp.server.fastmcp.server"):
            era = "v1"
        elif isinstance(node, ast.ImportFrom) and node.module in ("mcp.server", "mcp.server.mcpserver"):
            era = "v2"
    return era


def _server(tree: ast.AST) -> tuple[str | None, ast.Call | None]:
    """The (last) ``name = FastMCP(...)``/``MCPServer(...)`` assignment: the name and the constructor call."""
    server_var, ctor = None, None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            f = node.value.func
            name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", None)
            if name in ("FastMCP", "MCPServer") and isinstance(node.targets[0], ast.Name):
                server_var, ctor = node.targets[0].id, node.value
    return server_var, ctor


def _apply(text: str, cuts: list[tuple[int, int, str]]) -> str:
    """``text`` with the cuts (start, end, replacement) made; raises ``SyntaxError`` unless it is valid Python."""
    out = text
    tidy = []
    for a, b, repl in _merge(cuts):
        # a deletion that now ends the argument list takes the comma before it along
        m = re.search(r",[ \t]*$", text[:a])
        if not repl and m and re.match(r"\s*\)", text[b:]) and "\n" not in text[a:b]:
            a = m.start()
        tidy.append((a, b, repl))
    for a, b, repl in sorted(tidy, key=lambda c: (c[0], c[1]), reverse=True):
        out = out[:a] + repl + out[b:]
    pyparse.parse(out)  # the patch must leave valid Python
    return out


def _merge(cuts: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Union overlapping deletions (two removed keywords can share a comma); keep insertions as they are."""
    merged: list[tuple[int, int, str]] = []
    for a, b, repl in sorted(cuts):
        if merged and not repl and not merged[-1][2] and a < merged[-1][1]:
            pa, pb, _ = merged[-1]
            merged[-1] = (pa, max(pb, b), "")
        else:
            merged.append((a, b, repl))
    return merged


def _literal_or_none(node: ast.AST) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError):
        return None


def make_stateless(text: str) -> tuple[str, list[str]]:
    """Set ``stateless_http=True`` where the server's mcp version takes it: ``FastMCP(...)`` on 1.x, ``run(...)`` on 2.x.

    Returns the new text and what changed; unchanged text (and a note saying why) when there is no server to
    patch. An existing ``stateless_http=`` is rewritten in place; on 2.x one left in ``MCPServer(...)`` (a
    ``TypeError`` there) moves to ``run(...)``.
    """
    tree = pyparse.parse(text)
    starts = _offsets(text)
    era = _era(tree)
    server_var, ctor = _server(tree)
    if server_var is None or ctor is None or era is None:
        return text, ["no FastMCP/MCPServer server found: set stateless_http=True by hand"]
    run_call: ast.Call | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("run", "streamable_http_app") and _dotted_name(node.func.value) == server_var:
                run_call = node
    target = ctor if era == "v1" else run_call
    if target is None:
        return text, [f"no {server_var}.run(...) call: pass stateless_http=True to run() or streamable_http_app()"]
    cuts: list[tuple[int, int, str]] = []
    notes: list[str] = []
    method = target.func.attr if isinstance(target.func, ast.Attribute) else "run"
    where = "FastMCP(...)" if era == "v1" else f"{server_var}.{method}(...)"
    in_target = next((kw for kw in target.keywords if kw.arg == "stateless_http"), None)
    if era == "v2":
        stray = next((kw for kw in ctor.keywords if kw.arg == "stateless_http"), None)
        if stray is not None:
            cuts.append((*_remove_keyword(text, starts, stray), ""))
            notes.append(
                _("remove stateless_http= from MCPServer(...) (line {line}): 2.x takes it in run()").format(
                    line=stray.lineno
                )
            )
    if in_target is not None:
        if _literal_or_none(in_target.value) is True:
            if not cuts:
                return text, []
        else:
            a, b = _start(starts, in_target.value), _end(starts, in_target.value)
            cuts.append((a, b, "True"))
            notes.append(
                f"{where}: stateless_http={ast.get_source_segment(text, in_target.value)} -> True "
                + _("(line {line})").format(line=in_target.lineno)
            )
    else:
        end = _end(starts, target) - 1
        inner = text[_start(starts, target) : end]
        has_args = bool(target.args or target.keywords)
        sep = "" if not has_args else (" " if inner.rstrip().endswith(",") else ", ")
        cuts.append((end, end, sep + "stateless_http=True"))
        notes.append(_("{call}: add stateless_http=True (line {line})").format(call=where, line=target.lineno))
    return _apply(text, cuts), notes


def _dotted_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted_name(node.value)}.{node.attr}"
    return ""
