"""Importing the TUI must not import boto3, botocore, mcp or httpx: the first frame must not wait for them."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.xdist_group("import_hygiene")  # both tests on one worker: one probe process serves them

HEAVY = ("boto3", "botocore", "mcp", "httpx")

APP_MODULES = [
    "tui.app.main",
    "tui.app.walk_screen",
    "tui.app.start_screen",
    "tui.app.fix_modal",
    "tui.app.search_screen",
    "tui.app.export_screen",
    "tui.app.audit_screen",
    "tui.app.help_screen",
    "tui.app.commands",
    "tui.app.path_tree",
    "tui.app.checks_table",
    "tui.app.check_detail",
    "tui.app.choice_list",
]


@functools.cache
def _modules_after_each(*statements: str) -> list[set[str]]:
    """``sys.modules`` in one fresh interpreter after each statement in turn (a process per test module, not per test).

    Imports only add modules, and the set after ``A`` then ``B`` is the set after importing both at once: each later
    snapshot is what a fresh interpreter running all the statements so far would hold.
    """
    code = "import json, sys\n" + "\n".join(f"{s}\nprint(json.dumps(sorted(sys.modules)))" for s in statements)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return [set(json.loads(line)) for line in out.stdout.strip().splitlines()[-len(statements) :]]


def _app_then_every_app_module() -> list[set[str]]:
    return _modules_after_each(
        "import tui.app.main",
        "\n".join(f"import {m}" for m in APP_MODULES)
        + "\nimport tui.engine.walk, tui.engine.fixing, tui.engine.report",
    )


def test_app_module_imports_no_heavy_dependency() -> None:
    loaded = _app_then_every_app_module()[0]
    assert "tui.app.main" in loaded
    assert not [m for m in HEAVY if m in loaded]
    # nor the engine: it loads after the first frame
    assert "tui.engine.walk" not in loaded and "pydantic" not in loaded


def test_every_app_module_imports_no_heavy_dependency() -> None:
    loaded = _app_then_every_app_module()[1]
    assert set(APP_MODULES) | {"tui.engine.walk", "tui.engine.fixing", "tui.engine.report"} <= loaded
    assert not [m for m in HEAVY if m in loaded]
