"""The flagship end-to-end walk and the support bundle's replay, on one walk of the seed-guide sandbox (TUI + moto +
MCP server + front door): a user walks to a diagnosis, tries the logs fix and declines it, presses B; then goes back,
applies the fix against moto and sees its check turn green, goes back, searches a symptom from the guide and
exports. `open` on the bundle shows the same path and results, screen by screen, with no socket opened, no AWS
credentials, and nothing applied.

(One walk, not two: the walk to the role node is most of each test's CPU, and the bundle is written before the fix
is applied, so the replay sees exactly what a walk that only declined would have recorded.)"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from test_app_support import (
    paste_into_search,
    read_through,
    screen_text,
    wait_checks,
    wait_group,
    wait_screen,
    wait_until,
)

from tui.app.checks_table import ChecksTable
from tui.app.fix_modal import FixModal
from tui.app.main import TriageApp
from tui.app.recorded_screen import RecordedScreen
from tui.app.replay_app import ReplayApp
from tui.app.replay_screen import ReplayWalkScreen
from tui.app.walk_screen import WalkScreen
from tui.results import Status

pytestmark = pytest.mark.slow


def screen_state(screen: WalkScreen) -> dict[str, Any]:
    """What a walk screen shows of the walk: the node, the path to it, every check row with its result, and
    where the checks lead (with the reason)."""
    walk = screen.walk
    rows = []
    if walk.node.kind == "check":
        for key, row in screen.query_one("#checks", ChecksTable).rows_by_key.items():
            result = row.result
            rows.append(
                (
                    key,
                    row.state,
                    result.status.value if result else None,
                    result.summary if result else None,
                    json.dumps(result.evidence, sort_keys=True, default=str) if result else None,
                    result.duration if result else None,
                )
            )
    return {"node": walk.current, "path": walk.path, "rows": rows, "decision": walk.decision()}


# Slow (justified): the flagship end-to-end path, TUI + moto + MCP server + front door, a real fix applied and
# verified, and the bundle of that walk replayed offline.
async def test_seed_guide_walk_bundle_fix_and_verify_then_the_bundle_replays_the_same_screens_offline(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.context import build_context
    from tui.fixes import audit
    from tui.support.replay import open_replay

    sandbox("seed-guide")
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    out = tmp_path / "out"
    out.mkdir()
    ctx = build_context(timeout=20)
    assert ctx.sandbox and ctx.runtime
    app = TriageApp(ctx, "agentcore-mcp", show_start=False, export_dir=str(out), export_stamp="s")
    seen: list[dict[str, Any]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WalkScreen)
        walk = screen.walk
        seen.append(screen_state(screen))
        await pilot.press("2")  # no logs / traces: the AWS branch
        await wait_checks(app, pilot)
        assert walk.current == "aws-start"
        assert all(r.status is Status.PASS for r in walk.results["aws-start"].values()), walk.results["aws-start"]
        seen.append(screen_state(screen))
        for expected in ("aws-runtime", "aws-role"):
            await pilot.press("n")
            await wait_checks(app, pilot)
            assert walk.current == expected, walk.explain()
            seen.append(screen_state(screen))
        assert walk.results["aws-role"]["iam.role.logs"].status is Status.FAIL
        assert walk.decision()[0] == "aws-role-logs"
        assert "l" in {k for k, b in screen.active_bindings.items() if b.enabled and b.binding.show}
        # the user looks at the logs fix and declines it: the plan is recorded, nothing applied
        await pilot.press("l")
        await wait_screen(app, pilot, FixModal)  # planning reads IAM in a thread
        assert "put_role_policy" in screen_text(app) and "agentcore-triage-logs" in screen_text(app)
        await pilot.press("escape")
        await wait_group(app, "fix", pilot)
        assert audit.records() == []
        await pilot.press("n")  # to the diagnosis
        assert walk.node.kind == "diagnosis"
        seen.append(screen_state(screen))
        await pilot.press("B")
        bundle = out / "agentcore-triage-bundle-s.zip"
        await wait_group(app, "bundle", pilot)
        await wait_until(pilot, bundle.exists, "the bundle file")
        assert any(n.title == "Support bundle written" for n in app._notifications)

        # -- back to the role node: this time the fix is applied against moto and verified ---------------------
        await pilot.press("b")
        assert walk.current == "aws-role"
        await pilot.press("l")
        modal = await wait_screen(app, pilot, FixModal)
        assert isinstance(modal, FixModal)
        await read_through(modal, pilot)
        await pilot.press("y")
        await wait_group(app, "fix", pilot)
        await wait_checks(app, pilot)
        logs = walk.results["aws-role"]["iam.role.logs"]
        assert logs.status is Status.PASS, logs
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
        data = json.loads((out / "agentcore-triage-session-s.json").read_text())
        assert data["fixes_applied"][0]["fix"] == "iam.role_policy"
    token = Path(ctx.token_file).read_text().strip()
    assert token not in json.dumps(data)
    assert token not in (out / "agentcore-triage-session-s.md").read_text()
    assert token.encode() not in bundle.read_bytes()

    # -- the replay: no socket, no AWS credentials, no audit log of this machine -----------------------
    connects: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        connects.append(address)
        raise OSError("the replay test allows no network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "replay-state"))

    replay_app = ReplayApp(open_replay(bundle), export_dir=str(tmp_path / "replay-out"), export_stamp="r")
    (tmp_path / "replay-out").mkdir()
    async with replay_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = replay_app.screen
        assert isinstance(screen, ReplayWalkScreen)
        assert "REPLAY of agentcore-triage-bundle-s.zip" in screen_text(replay_app)
        # it opens where the user pressed B; back through the path, every screen as the user saw it
        replayed = [screen_state(screen)]
        while screen.walk.history:
            await pilot.press("b")
            replayed.append(screen_state(screen))
        replayed.reverse()
        assert [s["node"] for s in replayed] == [s["node"] for s in seen]
        for original, replay in zip(seen, replayed, strict=True):
            assert replay["rows"] == original["rows"], original["node"]
            assert replay["decision"] == original["decision"], original["node"]
            assert replay["path"] == original["path"]
        # and forward again with n: the recorded steps, redone
        for original in seen[1:]:
            await pilot.press("n")
            assert screen_state(screen)["node"] == original["node"]
            assert screen_state(screen)["rows"] == original["rows"]
        # at the role node the fix key shows the recorded plan, and never applies it
        await pilot.press("b")
        assert screen.walk.current == "aws-role"
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(replay_app.screen, RecordedScreen), "the recorded plan")
        text = screen_text(replay_app)
        assert "put_role_policy" in text and "declined" in text and "never plans or applies" in text
        await pilot.press("escape")
        assert not any(isinstance(s, FixModal) for s in replay_app.screen_stack)
        # H: every recorded run of this node's checks (here one: what the user saw)
        await pilot.press("H")
        await wait_until(pilot, lambda: isinstance(replay_app.screen, RecordedScreen), "the recorded runs")
        text = screen_text(replay_app)
        assert "Run 1" in text and "Run 2" not in text and "iam.role.logs" in text and "fail" in text
        await pilot.press("escape")
        # L shows the log excerpts the recorded checks read, not CloudWatch
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(replay_app.screen, RecordedScreen), "the recorded log excerpts")
        assert "Log excerpts in the bundle" in screen_text(replay_app)
        await pilot.press("escape")
        # r does nothing; a node the session never ran is not run either
        assert screen.check_action("rerun", ()) is False
        await pilot.press("r")
        screen.jump_to("aws-logs", "test: a check node the recorded session never reached")
        await pilot.pause()
        assert "aws-logs" not in screen.walk.results
        assert any(n.title == "Not recorded" for n in replay_app._notifications)
        assert all(w.group != "checks" for w in replay_app.workers)
        # search and export work on the replay
        await pilot.press("slash")
        await paste_into_search(
            pilot, "Failed to export logs batch code: 400, reason: 'The specified log group does not exist.'"
        )
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert screen.walk.current == "aws-otel-group-missing"
        assert all(w.group != "checks" for w in replay_app.workers)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        exported = json.loads((tmp_path / "replay-out" / "agentcore-triage-session-r.json").read_text())
        assert [s["node"] for s in exported["walk"]["path"]][:4] == ["symptom", "aws-start", "aws-runtime", "aws-role"]
    assert connects == []
    assert audit.records() == []  # the replay's own state dir: it applied nothing
