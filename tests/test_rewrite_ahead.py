"""tests/rewrite_ahead.py writes what pytest itself would cache for each test module, where pytest reads it.

Checked against pytest's own private functions (``_rewrite_test``, ``_read_pyc``, ``PYC_TAIL``): a pytest release that
changes them fails here, instead of ``make test`` silently losing the cache (it would still pass, only slower).
"""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest
from _pytest.assertion.rewrite import PYC_TAIL, _read_pyc, _rewrite_test
from rewrite_ahead import HERE, cache_path, current, rewritten, rewritten_modules, save


def test_the_modules_are_those_pytest_rewrites_here(request: pytest.FixtureRequest) -> None:
    names = {path.name for path in rewritten_modules()}
    assert {"conftest.py", "sandbox_fixtures.py", "test_app_support.py", "aws_recorder.py"} <= names
    assert {path.name for path in HERE.glob("test_*.py")} <= names
    assert not names & {"engine_support.py", "gc_support.py", "rewrite_ahead.py"}
    assert request.config.getini("python_files") == ["test_*.py", "*_test.py"]  # the default these names follow
    assert not request.config.getini("enable_assertion_pass_hook")  # rewrite_ahead rewrites as with it off


@pytest.mark.parametrize("name", ["conftest.py", "test_app_walk.py", "sandbox_fixtures.py", "test_rewrite_ahead.py"])
def test_the_code_is_pytests_own_rewrite(name: str, request: pytest.FixtureRequest) -> None:
    source = HERE / name
    _stat, ours = rewritten(source)
    _stat, pytests = _rewrite_test(source, request.config)
    assert marshal.dumps(ours) == marshal.dumps(pytests)


def test_pytest_reads_the_saved_file_and_refuses_it_once_the_source_changes(tmp_path: Path) -> None:
    source = tmp_path / "test_copy.py"
    shutil.copy(HERE / "test_app_walk.py", source)
    saved = save(source)
    assert saved == tmp_path / "__pycache__" / f"test_copy{PYC_TAIL}" == cache_path(source)
    code = _read_pyc(source, saved)
    assert code is not None and code.co_filename == str(source)
    assert not list(saved.parent.glob("*.pyc.*"))  # no private file left behind

    assert current(source)  # what pytest accepts, rewrite_ahead leaves as it is
    source.write_text(source.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _read_pyc(source, saved) is None  # stale: pytest rewrites the module again
    assert not current(source)  # and so does rewrite_ahead
