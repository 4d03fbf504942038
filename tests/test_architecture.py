"""The import contract of ``docs/architecture.md``, checked over the real import graph of ``tui/``.

Every ``import`` counts (module level, inside functions, and under ``TYPE_CHECKING``): a lazy import is still a
dependency. The rules:

* a module imports only modules of its own layer or of the layers below it (``LAYERS``, bottom first);
* check modules and fix modules never import each other (they share contracts, not code);
* no import cycle between modules (``TYPE_CHECKING`` imports aside: they never run);
* the layer table of ``docs/architecture.md`` lists exactly these layers, in this order, with these modules.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import tui

pytestmark = pytest.mark.xdist_group("architecture")  # one worker parses the import graph once for every test

ROOT = Path(tui.__file__).parent
DOC = ROOT.parent / "docs" / "architecture.md"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "data",
        (
            "tui",
            "tui.results",
            "tui.redact",
            "tui.context",
            "tui.i18n",
            "tui.project.agentcore_file",
            "tui.project.agentcore_config",
        ),
    ),
    ("services", ("tui.aws", "tui.endpoint", "tui.project")),
    (
        "contracts",
        ("tui.playbook", "tui.registry", "tui.checks.base", "tui.fixes.base", "tui.fixes.audit"),
    ),
    ("logs", ("tui.logs",)),
    ("plugins", ("tui.checks", "tui.fixes")),
    ("engine", ("tui.engine",)),
    ("support", ("tui.support",)),
    ("app", ("tui.app",)),
    ("sandbox", ("tui.sandbox",)),
    ("cli", ("tui.cli", "tui.__main__", "tui.completion")),
]
"""Bottom first. A module belongs to the layer of its longest matching prefix."""

CHECK_PLUGINS, FIX_PLUGINS = "tui.checks", "tui.fixes"

KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}
"""Ratchet: imports that break the contract today, each with where it goes. Only ever shrinks: an entry whose
import is gone fails the test until it is deleted here."""


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    type_only: bool


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    # the sample project is a user's code the sandbox serves, not part of the product
    return {module_name(p, root): p for p in sorted(root.rglob("*.py")) if "sample_project" not in p.parts}


def _statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement, however nested (function and class bodies, branches, handlers, match cases), without going into
    expressions: an ``import`` is a statement, and expressions are most of a tree's nodes (``ast.walk`` visited them
    all, at most of this module's CPU)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.stmt):
            yield node
        for _field, value in ast.iter_fields(node):
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.stmt | ast.excepthandler | ast.match_case))


def _type_checking_lines(statements: list[ast.stmt]) -> set[int]:
    lines: set[int] = set()
    for node in statements:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(known: dict[str, Path]) -> Iterator[Import]:
    for name, path in known.items():
        statements = list(_statements(ast.parse(path.read_text(encoding="utf-8"))))
        type_only = _type_checking_lines(statements)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in statements:
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from tui.checks.aws import iam` imports the module tui.checks.aws.iam
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
            for target in targets:
                resolved = _known_prefix(target, known)
                if resolved is not None and resolved != name:
                    yield Import(name, resolved, node.lineno, node.lineno in type_only)


def _known_prefix(target: str, known: dict[str, Path]) -> str | None:
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def layer_of(module: str) -> int:
    best, best_len = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    assert best >= 0, f"{module} is in no layer: add it to LAYERS and to the table in docs/architecture.md"
    return best


def plugin_kind(module: str) -> str | None:
    """``check`` or ``fix`` for a check or fix module (not the contracts beside them)."""
    if layer_of(module) != [n for n, _ in LAYERS].index("plugins"):
        return None
    return "check" if module.startswith(CHECK_PLUGINS + ".") else "fix"


@functools.cache
def project_imports() -> tuple[Import, ...]:
    """Every import of ``tui/``, scanned once per test process (two tests ask)."""
    return tuple(imports(modules()))


def violations(root: Path = ROOT) -> list[tuple[Import, str]]:
    out = []
    for imp in project_imports() if root == ROOT else imports(modules(root)):
        src, dst = layer_of(imp.source), layer_of(imp.target)
        if dst > src:
            out.append((imp, f"upward: {LAYERS[src][0]} imports {LAYERS[dst][0]}"))
        kinds = {plugin_kind(imp.source), plugin_kind(imp.target)}
        if kinds == {"check", "fix"}:
            out.append((imp, "a check module and a fix module import each other"))
    return out


def test_every_module_is_in_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_no_upward_import_and_checks_and_fixes_stay_apart() -> None:
    found = violations()
    unexpected = [
        f"{imp.source}:{imp.line} imports {imp.target} ({why})"
        for imp, why in found
        if (imp.source, imp.target) not in KNOWN_VIOLATIONS
    ]
    assert not unexpected, "\n".join(unexpected)
    still_there = {(imp.source, imp.target) for imp, _ in found}
    fixed = [pair for pair in KNOWN_VIOLATIONS if pair not in still_there]
    assert not fixed, f"fixed, delete from KNOWN_VIOLATIONS: {fixed}"


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for imp in project_imports():
        if not imp.type_only:
            graph.setdefault(imp.source, set()).add(imp.target)
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    # A package's __init__ importing its own submodules (registration, re-exports) is how packages work.
    real = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert not real, "\n".join(" -> ".join(c) for c in real)


def doc_layers() -> list[tuple[str, tuple[str, ...]]]:
    """The layer table of docs/architecture.md: (layer, the modules its `where` cell names), top row first."""
    rows = []
    in_table = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| layer |"):
            in_table = True
            continue
        if in_table and line.startswith("|---"):
            continue
        if in_table and not line.startswith("|"):
            break
        if in_table:
            cells = [c.strip() for c in line.strip("|").split("|")]
            paths = re.findall(r"`([^`]+)`", cells[1])
            rows.append((cells[0], tuple(_path_to_module(p) for p in paths)))
    return rows


def _path_to_module(path: str) -> str:
    path = path.rstrip("/").removesuffix(".py").removesuffix("/__init__")
    return path.replace("/", ".")


def test_the_doc_table_is_the_contract() -> None:
    """docs/architecture.md lists the same layers, in the same order (lowest first), with the same modules."""
    assert doc_layers() == LAYERS


def test_the_checker_catches_a_seeded_upward_import_and_a_check_importing_a_fix(tmp_path: Path) -> None:
    fake = tmp_path / "tui"
    files = {
        "__init__.py": "",
        "engine/__init__.py": "",
        "engine/walk.py": "from tui.app.main import TriageApp\n",
        "app/__init__.py": "",
        "app/main.py": "def run() -> None:\n    from tui.engine import walk\n",
        "checks/__init__.py": "",
        "checks/aws.py": "from tui.fixes.aws import CreateLogGroup\n",
        "checks/base.py": "",
        "fixes/__init__.py": "",
        "fixes/aws.py": "from tui.checks.base import CheckContext\n",
    }
    for name, text in files.items():
        (fake / name).parent.mkdir(parents=True, exist_ok=True)
        (fake / name).write_text(text)
    found = {(imp.source, imp.target, why.split(":")[0]) for imp, why in violations(fake)}
    assert found == {
        ("tui.engine.walk", "tui.app.main", "upward"),
        ("tui.checks.aws", "tui.fixes.aws", "a check module and a fix module import each other"),
    }


def test_the_app_binds_keys_through_textuals_public_api() -> None:
    """Dynamic keys are class-level BINDINGS plus check_action (tui/app/node_keys.py), not BindingsMap internals."""
    private = {"_add_binding", "_bindings", "_merged_bindings"}
    used = [
        f"{path.name}:{node.lineno} .{node.attr}"
        for path in sorted((ROOT / "app").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in private
    ]
    assert not used, used
