"""The TUI against the demo sandbox (moto + MCP server + front door): a fix that needs another fix first.

(The flagship walk of the seed-guide scenario, logs fix applied and verified, back, search, export, is in
test_support_replay.py, on the same walk as the support bundle it replays.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_support import read_through, screen_text, wait_checks, wait_group, wait_until

from tui.app.fix_modal import FixModal
from tui.app.main import TriageApp
from tui.app.walk_screen import WalkScreen
from tui.results import Status

pytestmark = pytest.mark.slow


async def _modal(app, pilot, after: FixModal | None = None) -> FixModal:  # noqa: ANN001
    """The next fix modal (not ``after``, the one just answered), read through to its end."""
    await wait_until(  # planning reads AWS in a thread
        pilot, lambda: isinstance(app.screen, FixModal) and app.screen is not after, "the next fix modal"
    )
    modal = app.screen
    assert isinstance(modal, FixModal)
    await read_through(modal, pilot)
    return modal


# Slow (justified): a whole sandbox, the AWS branch run, then two fixes applied against moto in order.
async def test_fix_with_a_prerequisite_asks_for_the_prerequisite_first(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    """`t` (trace destination) needs the aws/spans resource policy first: two modals, in order, two audit lines."""
    from tui.context import build_context
    from tui.fixes import audit

    box = sandbox("seed-guide")
    # the switch stays PENDING for the whole test, as on AWS for 10-15 minutes (the sandbox's timer is not raced)
    box.aws.xray_pending_seconds = 900.0
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    app = TriageApp(
        build_context(timeout=20), "agentcore-mcp", show_start=False, export_dir=str(tmp_path), export_stamp="s"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WalkScreen)
        await pilot.press("2")
        await wait_checks(app, pilot)
        screen.jump_to("aws-traces", "test: straight to the traces node")
        await wait_checks(app, pilot)
        walk = screen.walk
        assert walk.current == "aws-traces"
        assert walk.results["aws-traces"]["xray.destination"].status is Status.FAIL
        await pilot.press("t")
        first = await _modal(app, pilot)
        assert first.plan.fix == "logs.xray_resource_policy"
        assert "needed first by" in screen_text(app)
        await pilot.press("y")
        second = await _modal(app, pilot, after=first)
        assert second.plan.fix == "xray.destination"
        await pilot.press("y")
        await wait_group(app, "fix", pilot)
        await wait_checks(app, pilot)
        assert [(r.fix, r.outcome) for r in audit.records()] == [
            ("logs.xray_resource_policy", "applied"),
            ("xray.destination", "applied"),
        ]
        assert walk.results["aws-traces"]["logs.policy.xray"].status is Status.PASS
        assert walk.results["aws-traces"]["xray.destination"].status is Status.WARN  # PENDING for a while, as on AWS
