"""What a new user stumbled on in tmux at 80x24 (issue 11's acceptance tryout), each at the size it was seen.

The real project fix ``project.otel_distro`` (a file change with an undo) on a small playbook: a check node that
offers it, and a diagnosis that offers the same change.
"""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_context, screen_text, wait_checks, wait_group, wait_screen, wait_until

from tui.app.audit_screen import AuditScreen
from tui.app.fix_modal import FixModal
from tui.app.refusal_modal import RefusalModal
from tui.app.walk_screen import WalkScreen
from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix
from tui.fixes import audit
from tui.results import Status

PLAYBOOK = """
id: tryout
title: Tryout
start: symptom
nodes:
  symptom:
    kind: question
    title: What do you see?
    choices:
      - {key: "1", label: No traces, goto: proj}
  proj:
    kind: check
    title: Does the project send telemetry?
    checks:
      - {check: project.otel_distro, params: {dir: "{project}"}}
    when:
      - {check: project.otel_distro, status: fail, goto: no-telemetry}
    default: done
    fixes:
      - {fix: project.otel_distro, key: o, for: project.otel_distro, params: {dir: "{project}"}}
  no-telemetry:
    kind: diagnosis
    title: The project sends no telemetry
    body: Press o to add the distro.
    fixes:
      - {fix: project.otel_distro, key: o, params: {dir: "{project}"}}
  done:
    kind: diagnosis
    severity: info
    title: Nothing wrong here
"""


def _app(project: Path):  # noqa: ANN202
    (project / "requirements.txt").write_text("mcp>=2.3,<3\n")
    return _app_keeping(project)


def _enabled(screen) -> set[str]:  # noqa: ANN001
    return {k for k, b in screen.active_bindings.items() if b.enabled}


async def _first_run(app, pilot) -> WalkScreen:  # noqa: ANN001
    await wait_screen(app, pilot, WalkScreen)
    screen = app.screen
    assert isinstance(screen, WalkScreen)
    await pilot.press("1")
    await wait_until(pilot, lambda: "proj" in screen.walk.results and screen.running_node is None, "the first run")
    return screen


async def _read_and_apply(app, pilot) -> None:  # noqa: ANN001
    """Scroll the dialog's plan to its end (Apply unlocks there), then y."""
    modal = await wait_screen(app, pilot, FixModal)
    while not modal.seen_all:
        await pilot.press("pagedown")
        await pilot.pause()
    await pilot.press("y")


async def test_a_fix_at_a_diagnosis_turns_its_check_green_and_leaves_the_footer(isolated: Path) -> None:
    """Seen: applied at a diagnosis, the path kept the check red ('1 problem') and the footer kept a dead key."""
    app = _app(isolated)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _first_run(app, pilot)
        assert screen.walk.results["proj"]["project.otel_distro"].status is Status.FAIL
        await pilot.press("n")
        await pilot.pause()
        assert screen.walk.current == "no-telemetry" and "o" in _enabled(screen)
        await pilot.press("o")
        await _read_and_apply(app, pilot)
        await wait_group(app, "fix", pilot)
        await wait_checks(app, pilot)
        assert "aws-opentelemetry-distro" in (isolated / "requirements.txt").read_text()
        assert screen.walk.results["proj"]["project.otel_distro"].status is Status.PASS  # verified where it failed
        assert "o" not in _enabled(screen)  # nothing left to apply: the key leaves the footer
        assert "0 problems" in screen_text(app)
        assert any("project.otel_distro: pass" in n.message for n in app._notifications)


async def test_an_undo_in_the_viewer_brings_the_finding_back(isolated: Path) -> None:
    """Seen: after u in the audit viewer the walk still showed the check green ("Re-run (r)" meant Reload there)."""
    app = _app(isolated)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _first_run(app, pilot)
        await pilot.press("o")
        await _read_and_apply(app, pilot)
        await wait_group(app, "fix", pilot)
        await wait_checks(app, pilot)
        assert screen.walk.results["proj"]["project.otel_distro"].status is Status.PASS
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("u")
        await wait_group(app, "undo", pilot)
        modal = await wait_screen(app, pilot, FixModal)
        text = screen_text(app)
        # the undo's own title (not "Apply fix: Undo: …") and what it needs (not "none beyond file access")
        assert "Undo: Add aws-opentelemetry-distro" in text and "Apply fix: Undo" not in text
        assert modal.plan.permissions == [f"write {isolated.resolve() / 'requirements.txt'}"]
        node = screen.walk.playbook.nodes["proj"]
        assert modal.node_title == f"{node.title} (proj)"  # the node's title, not only its id
        await _read_and_apply(app, pilot)
        await wait_until(pilot, lambda: len(audit.records()) == 2, "the undo's audit record")
        await wait_screen(app, pilot, AuditScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the walk again")
        await wait_group(app, "recheck", pilot)
        await wait_checks(app, pilot)
        assert screen.walk.results["proj"]["project.otel_distro"].status is Status.FAIL  # the finding is back
        assert "o" in _enabled(screen)  # and its fix offered again


async def test_a_refused_undo_shows_the_three_way_difference_in_a_dialog(isolated: Path) -> None:
    """Seen at 80x24: the drift refusal was a notification whose top was off screen and which vanished."""
    (isolated / "requirements.txt").write_text("mcp>=2.3,<3\n")
    ctx = Context(project=str(isolated))
    record = apply_plan(plan_fix("project.otel_distro", {"dir": str(isolated)}, ctx, {}), ctx)
    patched = (isolated / "requirements.txt").read_text()
    (isolated / "requirements.txt").write_text(patched + "requests\n")  # right after the fix's line: a conflict
    app = _app_keeping(isolated)
    async with app.run_test(size=(80, 24)) as pilot:
        await _first_run(app, pilot)
        await pilot.press("a")
        await wait_group(app, "audit-targets", pilot)
        viewer = app.screen
        assert isinstance(viewer, AuditScreen)
        row = [str(cell) for cell in viewer.query_one("#audit-table").get_row_at(0)]
        assert row[0] == record.time[5:10] + " " + record.time[11:19]  # short time: the target column fits at 80
        await pilot.press("u")
        await wait_group(app, "undo", pilot)
        dialog = await wait_screen(app, pilot, RefusalModal)
        assert dialog.message.startswith(f"record {record.id}:") and "changed since the fix" in dialog.message
        assert "what changed since:" in dialog.message and "+requests" in dialog.message
        assert "Undo refused" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is viewer
        assert (isolated / "requirements.txt").read_text() == patched + "requests\n"  # nothing was touched


def _app_keeping(project: Path):  # noqa: ANN202
    """The app without resetting requirements.txt."""
    from tui.app.main import TriageApp
    from tui.playbook.loader import load_playbook
    from tui.registry import load_all

    playbook = project.parent / "tryout-playbook.yaml"
    playbook.write_text(PLAYBOOK)
    return TriageApp(
        make_context(project),
        load_playbook(playbook),
        registry=load_all(),
        show_start=False,
        export_dir=str(project),
        export_stamp="test",
    )
