"""Start-up stays lean: the CLI, the engine and every check/fix module import without boto3, mcp or httpx."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("boto3", "botocore", "mcp", "httpx", "httpx2", "textual")

PROBE = """
import json, sys
import tui.cli
import tui.engine.walk, tui.engine.doctor, tui.engine.report
from tui.registry import load_all
registry = load_all()
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps({"heavy": heavy, "checks": len(registry.checks), "fixes": len(registry.fixes)}))
"""


def test_cli_engine_and_registry_import_no_heavy_library() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["checks"] > 0 and data["fixes"] > 0
    assert data["heavy"] == [], f"imported at start-up: {data['heavy']}"
