"""Round 17: an applied fix's mark after its check node re-runs; the status line, the logs table and the fleet
screen at narrow sizes."""

from __future__ import annotations

from pathlib import Path

from engine_support import book
from fleet_support import one_node_playbook
from test_app_support import make_context, make_registry

from tui.engine.fixing import run_fix
from tui.engine.walk import Walk
from tui.results import Status

# The demo's shape: the check node offers the fix for its failing check, and the diagnosis it leads to offers
# the same change (same fix, same parameters: one fix key).
PLAYBOOK = """
id: rerun
title: Re-run
start: role
nodes:
  role:
    kind: check
    title: Role
    checks:
      - {check: test.file_ok, params: {path: "{project}/config.txt"}}
      - {check: test.warns}
    when:
      - {check: test.file_ok, status: fail, goto: role-logs}
    default: done
    fixes:
      - {fix: test.write_file, key: l, for: test.file_ok, params: {path: "{project}/config.txt"}}
  role-logs:
    kind: diagnosis
    title: The role may not write its logs
    fixes:
      - {fix: test.write_file, key: l, params: {path: "{project}/config.txt"}}
  done:
    kind: diagnosis
    severity: info
    title: Done
"""


def _yes(_request: object) -> bool:
    return True


async def _applied_at_the_diagnosis(project: Path) -> Walk:
    walk = Walk(book(PLAYBOOK), make_context(project), registry=make_registry())
    await walk.next_step()
    assert walk.current == "role-logs"
    outcome = await run_fix(walk.offered_fixes()[0].ref, walk, _yes, node="role-logs")
    assert outcome.info.applied and outcome.verified is not None and outcome.verified.status is Status.PASS
    assert walk.offered_fixes() == []
    return walk


async def test_a_rerun_whose_check_passes_keeps_the_fix_applied_at_the_diagnosis(isolated: Path) -> None:
    """Seen in the demo: `l` at aws-role-logs, back, `r` at aws-role, forward: `l` offered again, "nothing to do"."""
    walk = await _applied_at_the_diagnosis(isolated)
    walk.back()
    await walk.run_node()  # `r` at the check node: the policy is there, its check passes
    assert walk.results["role"]["test.file_ok"].status is Status.PASS
    walk.forward()
    assert walk.current == "role-logs"
    assert walk.offered_fixes() == []  # applied, and the check says so


async def test_a_rerun_whose_check_fails_again_offers_the_fix_again(isolated: Path) -> None:
    """Someone removed the change since: the re-run's failing check is the evidence, the fix is offered again."""
    walk = await _applied_at_the_diagnosis(isolated)
    walk.back()
    (isolated / "config.txt").write_text("broken\n")
    await walk.run_node()
    assert [o.ref.key for o in walk.offered_fixes()] == ["l"]
    walk.forward()
    assert [o.ref.key for o in walk.offered_fixes()] == ["l"]


async def test_a_rerun_of_other_checks_leaves_the_mark_alone(isolated: Path) -> None:
    """A re-run of the node's other checks (``only``) says nothing about the check this fix remedies."""
    walk = await _applied_at_the_diagnosis(isolated)
    (isolated / "config.txt").write_text("broken\n")  # unseen until its check runs again
    await walk.run_node("role", only={"test.warns"})
    assert walk.offered_fixes() == []


def _line(widget) -> str:  # noqa: ANN001
    """What a one-line widget shows, padding stripped."""
    (strip,) = widget.render_lines(widget.region.reset_offset)[:1]
    return strip.text.strip()


async def test_the_status_line_drops_whole_parts_at_60_columns_in_japanese(isolated: Path) -> None:
    """Seen in `demo --lang ja` at 60x20: the line wrapped onto its hidden second row and ended in "ファクト"."""
    from test_app_support import make_app, wait_checks

    from tui import i18n
    from tui.app.status_line import StatusLine

    i18n.set_language("ja")
    try:
        app = make_app(isolated)
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.press("1")
            await wait_checks(app, pilot)
            status = app.screen.query_one(StatusLine)
            assert _line(status) == "ステップ 2 · 実行したチェック 2 件 · 問題 1 件"  # the facts went first
            await pilot.resize_terminal(100, 20)
            await wait_until_shown(pilot, status, "ファクト 0 件")
    finally:
        i18n.set_language("en")


async def wait_until_shown(pilot, widget, text: str) -> None:  # noqa: ANN001
    from test_app_support import wait_until

    await wait_until(pilot, lambda: _line(widget).endswith(text), f"{text!r} in {_line(widget)!r}")


def test_the_status_line_drops_the_least_important_parts_first() -> None:
    """English at 60 columns after a long walk; the problems are the last part to go, and a part is never cut."""
    from tui.app.status_line import FittedParts

    parts = FittedParts(
        [(1, "step 12"), (2, "31 checks run"), (4, "5 problems"), (0, "14 facts"), (3, "2 fixes applied")]
    )
    assert parts.fitted(100) == "step 12 · 31 checks run · 5 problems · 14 facts · 2 fixes applied"
    assert parts.fitted(58) == "step 12 · 31 checks run · 5 problems · 2 fixes applied"
    assert parts.fitted(45) == "31 checks run · 5 problems · 2 fixes applied"
    assert parts.fitted(30) == "5 problems · 2 fixes applied"
    assert parts.fitted(12) == "5 problems"


def test_the_logs_columns_fit_the_width_what_first() -> None:
    from tui.app.logs_screen import fit_columns

    natural = [5, 26, 55, 20, 120]  # count, node, what, last, sample
    assert fit_columns(natural, 78) == [5, 26, 41]  # 80 columns less the scrollbar's gutter: what cut, no last
    assert fit_columns(natural, 120) == [5, 26, 55, 20]  # what whole, last; no room for a sample worth reading
    assert fit_columns(natural, 160) == [5, 26, 55, 20, 44]
    assert fit_columns(natural, 40) == [5, 26, 16]  # narrower still: what keeps a readable width, the table scrolls


# Slow (justified): the running app against moto seeded with the guide's log lines.
async def test_the_logs_table_fits_80_columns_and_the_detail_line_shows_what_in_full(
    seeded_aws, aws_sandbox, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    """Seen in the demo at 80x24: the five columns scrolled sideways and "what" was cut at the screen's edge."""
    from test_app_support import open_logs_screen, wait_until
    from textual.widgets import DataTable, Static

    from tui.app.main import TriageApp
    from tui.context import build_context
    from tui.sandbox.logs_seed import seed_logs

    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    info = seeded_aws({"logs-permission-missing"})
    seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    app = TriageApp(build_context(runtime=info.runtime_arn, timeout=20), "agentcore-mcp", show_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_logs_screen(app, pilot)
        table = screen.query_one("#logs-groups", DataTable)
        await pilot.pause()
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing to scroll to sideways
        title = screen.shown[0].title
        what = table.get_row_at(0)[2]
        assert what.plain == title and what.overflow == "ellipsis"  # cut by its column with "…", never mid-row
        detail = screen.query_one("#logs-detail", Static)

        def shown() -> list[str]:
            return [strip.text.strip() for strip in detail.render_lines(detail.region.reset_offset)]

        assert shown()[0] == f"{screen.shown[0].node}: {title}", shown()
        table.move_cursor(row=1)
        second = f"{screen.shown[1].node}: {screen.shown[1].title}"
        await wait_until(pilot, lambda: shown()[0] == second, "the detail line follows the cursor")
        await pilot.resize_terminal(200, 24)
        await wait_until(pilot, lambda: len(table.columns) == 5, "every column at 200 columns")
        assert table.cursor_row == 1  # the re-render kept the highlighted group


FLEET_CHECKS = ("endpoint.reachable", "endpoint.initialize", "endpoint.session", "endpoint.stream", "endpoint.tools")
FLEET_PLAYBOOK = one_node_playbook(*(f"{{check: {check}}}" for check in FLEET_CHECKS))


async def test_the_fleet_table_fits_80_columns_with_every_failing_check_on_the_detail_line(tmp_path: Path) -> None:
    """Seen in the demo's fleet view at 80x24: a stray "▏" above the footer. It was the end of the thumb of the
    table's horizontal scrollbar (the thumb itself nearly the background's colour): FAILING listed every failing
    check id of the runtime and made the table wider than the screen."""
    from test_app_support import wait_until
    from textual.app import App
    from textual.widgets import DataTable, Static

    from tui.app.fleet_screen import FleetScreen
    from tui.context import Context
    from tui.engine.fleet import FleetTarget
    from tui.registry import CheckParams, CheckSpec, Registry
    from tui.results import Severity, failed

    playbook = tmp_path / "fleet.yaml"  # the view validates its playbook against the shipped checks
    playbook.write_text(FLEET_PLAYBOOK, "utf-8")
    registry = Registry()
    for check in FLEET_CHECKS:
        registry.add_check(CheckSpec(check, check, Severity.MEDIUM, CheckParams, lambda c, p: failed("broken")))
    runtime = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/orders_mcp-Ab12Cd34Ef"
    screen = FleetScreen(Context(region="us-east-1"), str(playbook), targets=[FleetTarget(runtime)], registry=registry)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Host().run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.finished is not None, "the end of the sweep")
        table = screen.query_one(DataTable)
        await wait_until(
            pilot,
            lambda: table.virtual_size.width <= table.scrollable_content_region.width,
            f"the table within its width ({table.virtual_size.width} > {table.scrollable_content_region.width})",
        )
        assert table.scrollbars_enabled == (False, False)  # no horizontal scrollbar: nothing stray above the footer
        failing = table.get_row_at(0)[5]
        assert set(failing.plain.split(", ")) == set(FLEET_CHECKS) and failing.overflow == "ellipsis"
        detail = screen.query_one("#fleet-detail", Static)
        shown = " ".join(strip.text.strip() for strip in detail.render_lines(detail.region.reset_offset))
        for check in FLEET_CHECKS:
            assert check in shown, shown
        assert runtime in shown.replace(" ", "")  # the ARN the row names by its id, whole
