"""The Logs screen (L) against the sandbox's moto: groups by node, noise last, filter, events, attach, enter jumps."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_support import open_logs_screen, wait_group
from textual.widgets import DataTable

from tui.app.main import TriageApp
from tui.app.walk_screen import WalkScreen
from tui.sandbox.logs_seed import seed_logs


# Slow (justified): the running app, moto seeded with log events, and a walk from the logs screen to the node.
@pytest.mark.slow
async def test_logs_screen_groups_filters_attaches_and_jumps(
    seeded_aws, aws_sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.context import build_context

    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    info = seeded_aws({"logs-permission-missing"})
    seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    ctx = build_context(runtime=info.runtime_arn, timeout=20)
    app = TriageApp(ctx, "agentcore-mcp", show_start=False, export_dir=str(tmp_path / "out"), export_stamp="t")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        walk_screen = app.screen
        assert isinstance(walk_screen, WalkScreen)
        screen = await open_logs_screen(app, pilot)
        nodes = [g.node for g in screen.shown]
        assert nodes[0] == "aws-role-logs" and "ep-closed-resource" in nodes
        assert screen.shown[-1].noise  # the cold-start noise is the biggest group and still last
        table = screen.query_one("#logs-groups", DataTable)
        assert table.row_count == len(screen.shown)

        # the filter box narrows the groups (here: by node id)
        await pilot.press("slash")
        await pilot.press(*"closed")
        await pilot.pause()
        assert [g.node for g in screen.shown] == ["ep-closed-resource"]
        table.focus()
        await pilot.pause()

        # see the group's events: both groups' lines
        await pilot.press("v")
        await wait_group(app, "logs-events", pilot)
        assert {e.log_group for e in screen.events} == {info.runtime_log_group, info.otel_log_group}

        # attach the highlighted event to the walk's current node
        await pilot.press("a")
        await pilot.pause()
        attached = walk_screen.walk.facts["logs.evidence"][walk_screen.walk.current]
        assert attached and attached[0]["node"] == "ep-closed-resource"

        # enter on the group jumps to the node that explains it
        table.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is walk_screen
        assert walk_screen.walk.current == "ep-closed-resource"


def test_logs_modules_import_nothing_heavy() -> None:
    """The Logs screen, the `logs` command and the CLI that registers it load no boto3 (nor the reader)."""
    import json
    import subprocess
    import sys

    code = (
        "import json, sys\nimport tui.app.logs_screen, tui.logs.command, tui.cli\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not {"boto3", "botocore", "mcp", "httpx", "tui.logs.reader"} & loaded
