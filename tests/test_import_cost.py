"""Start-up stays lean: the CLI, the engine and every check/fix module import without boto3, mcp or httpx; the replay
and served apps paint before boto3/mcp/httpx load, and the CLI loads aiohttp only for `serve`."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.xdist_group("import_cost")  # both tests on one worker: one probe process serves them

HEAVY = ("boto3", "botocore", "mcp", "httpx", "httpx2", "textual")
SUPPORT_MODULES = [
    "tui.cli",
    "tui.app.replay_app",
    "tui.app.replay_screen",
    "tui.app.recorded_screen",
    "tui.app.bundle_key",
    "tui.app.served_app",
    "tui.support.serve",
    "tui.support.replay",
]

# One fresh interpreter, two snapshots of sys.modules: imports only add modules, so the second snapshot is what a fresh
# interpreter importing both steps' modules would hold (the support modules' check allows textual, the first does not).
PROBE = """
import json, sys
import tui.cli
import tui.engine.walk, tui.engine.doctor, tui.engine.report
from tui.registry import load_all
registry = load_all()
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps({"heavy": heavy, "checks": len(registry.checks), "fixes": len(registry.fixes)}))
for name in json.loads(sys.argv[2]):
    __import__(name)
print(json.dumps(sorted(sys.modules)))
"""


@functools.cache
def _probe() -> tuple[dict[str, object], set[str]]:
    args = [sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(SUPPORT_MODULES)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    start_up, after_support = proc.stdout.splitlines()[-2:]
    return json.loads(start_up), set(json.loads(after_support))


def test_cli_engine_and_registry_import_no_heavy_library() -> None:
    data = _probe()[0]
    assert data["checks"] and data["fixes"]
    assert data["heavy"] == [], f"imported at start-up: {data['heavy']}"


def test_the_support_modules_import_nothing_heavy() -> None:
    loaded = _probe()[1]
    assert set(SUPPORT_MODULES) <= loaded
    assert not loaded & {"boto3", "botocore", "mcp", "httpx", "aiohttp", "textual_serve"}
