"""Save pytest's assertion-rewritten bytecode of the test modules once, before the workers start (``make test``).

pytest rewrites each test module's ``assert`` statements (for its failure messages) and compiles the result. It
caches that code in ``__pycache__/<module>.<tag>-pytest-<version>.pyc``, but only where Python may write bytecode,
and this machine's environment may forbid it (``PYTHONDONTWRITEBYTECODE``): then each of ``make test``'s workers
rewrites every module itself (measured: a worker's collection 4.1 s of CPU, 2.2 s with the cache).

Until now the cache was made by one serial ``pytest --collect-only`` before the run, 4.5 s of wall of which about a
third is rewriting and the rest importing what the test modules import. This does only the rewriting, without
importing any test module: ``rewrite_asserts`` and the cache file's layout are pytest's own (the layout is checked
against pytest's reader by ``tests/test_rewrite_ahead.py``, and a stale or foreign file is simply rewritten again by
pytest). Any failure here costs speed only: ``make test`` then falls back to the collection.

The helper modules imported plainly (``engine_support``, ``gc_support``; a plugin may be too) get ordinary bytecode,
as the collection gave them. Usage: ``python tests/rewrite_ahead.py`` (exit 0 when every module was saved).
"""

from __future__ import annotations

import ast
import importlib.util
import marshal
import os
import py_compile
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cache_path(source: Path) -> Path:
    """Where pytest looks for ``source``'s rewritten bytecode (``_pytest.assertion.rewrite.PYC_TAIL``)."""
    import pytest

    tag = f"{sys.implementation.cache_tag}-pytest-{pytest.__version__}"
    return source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"


def rewritten(source: Path) -> tuple[os.stat_result, object]:
    """``source`` read, its asserts rewritten and compiled, as pytest's import hook does (``_rewrite_test``)."""
    from _pytest.assertion.rewrite import rewrite_asserts

    stat = os.stat(source)
    text = source.read_bytes()
    tree = ast.parse(text, filename=str(source))
    rewrite_asserts(tree, text, str(source), None)  # no config: no assertion-pass hook, which pyproject leaves off
    return stat, compile(tree, str(source), "exec", dont_inherit=True)


def save(source: Path) -> Path:
    """Write ``source``'s rewritten bytecode where pytest reads it: header as ``_pytest``'s ``_write_pyc_fp``
    (magic, no flags, 32-bit mtime and size of the source), written to a private name and renamed into place, so a
    worker that reads it at the same moment sees either no file or a whole one."""
    stat, code = rewritten(source)
    target = cache_path(source)
    target.parent.mkdir(exist_ok=True)
    header = importlib.util.MAGIC_NUMBER + b"\x00\x00\x00\x00"
    header += struct.pack("<LL", int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size & 0xFFFFFFFF)
    private = target.with_name(f"{target.name}.{os.getpid()}")
    private.write_bytes(header + marshal.dumps(code))
    os.replace(private, target)
    return target


def current(source: Path) -> bool:
    """``source``'s saved bytecode is the one pytest would accept for it as it is now: the header ``_read_pyc`` checks
    (this interpreter's magic, no flags, the source's 32-bit mtime and size). A second ``make test`` in the same
    checkout then rewrites only what changed (2.5 s of the step's critical path when nothing did)."""
    try:
        with open(cache_path(source), "rb") as saved:
            header = saved.read(16)
        stat = os.stat(source)
    except OSError:
        return False
    expected = importlib.util.MAGIC_NUMBER + b"\x00\x00\x00\x00"
    expected += struct.pack("<LL", int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size & 0xFFFFFFFF)
    return header == expected


def rewritten_modules(tests: Path = HERE) -> list[Path]:
    """The modules pytest rewrites here: ``conftest.py``, the test files (``test_*.py``; the suite's plugin
    ``test_app_support`` is one) and the other plugins ``conftest.py`` loads (``pytest_plugins``)."""
    plugins: list[str] = []
    conftest = ast.parse((tests / "conftest.py").read_text(encoding="utf-8"))
    for node in conftest.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytest_plugins" for t in node.targets):
            plugins = [ast.literal_eval(element) for element in getattr(node.value, "elts", [])]
    names = {"conftest.py", *(f"{plugin}.py" for plugin in plugins)}
    return sorted(path for path in tests.glob("*.py") if path.name in names or path.name.startswith("test_"))


def main() -> int:
    rewritten_ones = rewritten_modules()
    for source in rewritten_ones:
        if not current(source):
            save(source)
    for helper in sorted(HERE.glob("*.py")):
        if not helper.name.startswith("test_"):  # engine_support, gc_support; a plugin may be imported plainly too
            py_compile.compile(str(helper), doraise=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
