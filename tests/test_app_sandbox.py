"""The TUI against the demo sandbox (moto + MCP server + front door): walk the seed-guide scenario,
apply the logs fix against moto, see the check turn green, go back, search, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_app_support import paste_into_search, screen_text, wait_checks, wait_group, wait_screen, wait_until

from tui.app.fix_modal import FixModal
from tui.app.main import TriageApp
from tui.app.walk_screen import WalkScreen
from tui.results import Status

pytestmark = pytest.mark.slow


# Slow (justified): the flagship end-to-end path: TUI + moto + MCP server + front door, a real fix applied and verified.
async def test_seed_guide_walk_fix_and_verify(sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from tui.context import build_context
    from tui.fixes import audit

    sandbox("seed-guide")
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    ctx = build_context(timeout=20)
    assert ctx.sandbox and ctx.runtime
    app = TriageApp(ctx, "agentcore-mcp", show_start=False, export_dir=str(tmp_path / "out"), export_stamp="sandbox")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WalkScreen)
        walk = screen.walk
        await pilot.press("2")  # no logs / traces: the AWS branch
        await wait_checks(app, pilot)
        assert walk.current == "aws-start"
        assert all(r.status is Status.PASS for r in walk.results["aws-start"].values()), walk.results["aws-start"]
        for expected in ("aws-runtime", "aws-role"):
            await pilot.press("n")
            await wait_checks(app, pilot)
            assert walk.current == expected, walk.explain()
        logs = walk.results["aws-role"]["iam.role.logs"]
        assert logs.status is Status.FAIL
        assert walk.decision()[0] == "aws-role-logs"
        assert "l" in {k for k, b in screen.active_bindings.items() if b.enabled and b.binding.show}
        await pilot.press("l")
        modal = await wait_screen(app, pilot, FixModal)  # planning reads IAM in a thread
        assert "put_role_policy" in screen_text(app) and "agentcore-triage-logs" in screen_text(app)
        await _read_through(modal, pilot)
        await pilot.press("y")
        await wait_group(app, "fix", pilot)
        await wait_checks(app, pilot)
        assert walk.results["aws-role"]["iam.role.logs"].status is Status.PASS, walk.results["aws-role"][
            "iam.role.logs"
        ]
        assert [r.outcome for r in audit.records()] == ["applied"]
        assert any(n.title == "Verified" for n in app._notifications)
        # back, then search a symptom from the guide and jump there
        await pilot.press("b")
        assert walk.current == "aws-runtime"
        await pilot.press("slash")
        await paste_into_search(
            pilot, "Failed to export logs batch code: 400, reason: 'The specified log group does not exist.'"
        )
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert walk.current == "aws-otel-group-missing"
        # export
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        data = json.loads((tmp_path / "out" / "agentcore-triage-session-sandbox.json").read_text())
        assert data["fixes_applied"][0]["fix"] == "iam.role_policy"
        token = Path(ctx.token_file).read_text().strip()
        assert token not in json.dumps(data)
        assert token not in (tmp_path / "out" / "agentcore-triage-session-sandbox.md").read_text()


async def _modal(app, pilot, after: FixModal | None = None) -> FixModal:  # noqa: ANN001
    """The next fix modal (not ``after``, the one just answered), read through to its end."""
    await wait_until(  # planning reads AWS in a thread
        pilot, lambda: isinstance(app.screen, FixModal) and app.screen is not after, "the next fix modal"
    )
    modal = app.screen
    assert isinstance(modal, FixModal)
    await _read_through(modal, pilot)
    return modal


async def _read_through(modal: FixModal, pilot) -> None:  # noqa: ANN001
    """Page to the end of the plan: Apply unlocks only once all of it has been on screen."""
    await pilot.pause()
    for _ in range(50):
        if modal.seen_all:
            return
        await pilot.press("pagedown")
    raise AssertionError("the plan never reached its end")


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
