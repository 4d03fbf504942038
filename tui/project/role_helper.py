"""The sample's execution-role helper (``create_agentcore_role`` in ``utils.py``) deletes and re-creates the
role when it exists, and with it every inline policy someone else added (agentcore-triage's
``agentcore-triage-logs`` included). Find such helpers, and patch them to keep those policies.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tui.i18n import _
from tui.project import pyparse
from tui.project.client_scan import python_files, read_text

KEEP_MARKER = "_kept_inline_policies"
"""Name the patch introduces; a helper that has it already keeps the policies."""


@dataclass(frozen=True)
class RoleHelper:
    path: Path
    function: str
    delete_line: int
    create_line: int
    keeps_policies: bool


def _calls(node: ast.AST, method: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method
    ]


def find_role_helpers(root: str | Path) -> list[RoleHelper]:
    """Functions of the project that call both ``delete_role`` and ``create_role`` (IAM)."""
    found = []
    for path in python_files(root):
        text = read_text(path)
        if "delete_role" not in text or "create_role" not in text:
            continue
        try:
            tree = pyparse.parse(text, str(path))
        except SyntaxError:
            continue
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            deletes, creates = _calls(fn, "delete_role"), _calls(fn, "create_role")
            if deletes and creates:
                found.append(
                    RoleHelper(
                        path=path,
                        function=fn.name,
                        delete_line=deletes[0].lineno,
                        create_line=max(c.lineno for c in creates),
                        keeps_policies=KEEP_MARKER in (ast.get_source_segment(text, fn) or ""),
                    )
                )
    return found


def _block_with(tree: ast.AST, call: ast.Call) -> tuple[list[ast.stmt], int] | None:
    """(statement list, index) of the innermost statement holding ``call``."""
    best: tuple[list[ast.stmt], int] | None = None
    best_span = None
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if not isinstance(block, list):
                continue
            for i, stmt in enumerate(block):
                if isinstance(stmt, ast.stmt) and any(n is call for n in ast.walk(stmt)):
                    span = (stmt.end_lineno or stmt.lineno) - stmt.lineno
                    if best_span is None or span < best_span:
                        best, best_span = (block, i), span
    return best


def keep_inline_policies(text: str, function: str) -> tuple[str, list[str]]:
    """Patch ``function`` so the inline policies it deletes with the role are put back after ``create_role``.

    Before the first statement of the delete branch that removes policies or the role, the role's inline
    policies are read; right after the ``create_role`` that follows ``delete_role``, they are put back with
    ``put_role_policy``. Returns (new text, notes); unchanged text with a note when the shape is not one
    this patch understands.
    """
    tree = pyparse.parse(text)
    fn = next(
        (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == function),
        None,
    )
    if fn is None:
        return text, [f"no function {function}()"]
    if KEEP_MARKER in (ast.get_source_segment(text, fn) or ""):
        return text, []
    deletes = _calls(fn, "delete_role")
    if not deletes:
        return text, [f"{function}() does not call delete_role"]
    delete = deletes[0]
    located = _block_with(fn, delete)
    if located is None:
        return text, [f"{function}(): delete_role is not a plain statement; keep the inline policies by hand"]
    block, index = located
    role_kw = next((kw for kw in delete.keywords if kw.arg == "RoleName"), None)
    client = ast.get_source_segment(text, delete.func.value)  # type: ignore[attr-defined]
    if role_kw is None or not client:
        return text, [f"{function}(): delete_role has no RoleName= keyword; keep the inline policies by hand"]
    role = ast.get_source_segment(text, role_kw.value)
    after = next((j for j in range(index + 1, len(block)) if _calls(block[j], "create_role")), None)
    if after is None:
        return text, [f"{function}(): no create_role after delete_role in the same block; patch by hand"]
    # the policies must be read before the first statement of this branch that deletes any of them
    first = next(
        (j for j in range(index) if _calls(block[j], "delete_role_policy") or _calls(block[j], "detach_role_policy")),
        index,
    )
    lines = text.splitlines(keepends=True)
    indent = re.match(r"[ \t]*", lines[block[first].lineno - 1]).group(0)  # type: ignore[union-attr]
    save = (
        f"{indent}# agentcore-triage: keep inline policies added outside this helper (e.g. agentcore-triage-logs)\n"
        f"{indent}{KEEP_MARKER} = {{\n"
        f'{indent}    name: {client}.get_role_policy(RoleName={role}, PolicyName=name)["PolicyDocument"]\n'
        f'{indent}    for name in {client}.list_role_policies(RoleName={role})["PolicyNames"]\n'
        f"{indent}}}\n"
    )
    restore = (
        f"{indent}for _policy_name, _policy_document in {KEEP_MARKER}.items():\n"
        f"{indent}    {client}.put_role_policy(\n"
        f"{indent}        RoleName={role}, PolicyName=_policy_name, PolicyDocument=json.dumps(_policy_document)\n"
        f"{indent}    )\n"
    )
    create_end = block[after].end_lineno or block[after].lineno
    new_lines = lines[: block[first].lineno - 1] + [save] + lines[block[first].lineno - 1 : create_end] + [restore]
    new_lines += lines[create_end:]
    out = "".join(new_lines)
    notes = [
        _(
            "{function}(): read the role's inline policies before line {line} and put them back after create_role "
            "(line {create_line})"
        ).format(function=function, line=block[first].lineno, create_line=block[after].lineno)
    ]
    if not re.search(r"^\s*import json\b", out, re.MULTILINE):
        out = "import json\n" + out
        notes.append(_("add {statement}").format(statement="`import json`"))
    pyparse.parse(out)  # the patch must leave valid Python
    return out, notes
