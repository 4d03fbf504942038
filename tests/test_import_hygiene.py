"""Importing the TUI must not import boto3, botocore, mcp or httpx: the first frame must not wait for them."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("boto3", "botocore", "mcp", "httpx")


def _modules_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_app_module_imports_no_heavy_dependency() -> None:
    loaded = _modules_after("import tui.app.main")
    assert not [m for m in HEAVY if m in loaded]
    # nor the engine: it loads after the first frame
    assert "tui.engine.walk" not in loaded and "pydantic" not in loaded


def test_every_app_module_imports_no_heavy_dependency() -> None:
    modules = [
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
    loaded = _modules_after(
        "\n".join(f"import {m}" for m in modules) + "\nimport tui.engine.walk, tui.engine.fixing, tui.engine.report"
    )
    assert not [m for m in HEAVY if m in loaded]
