"""Keys of the side screens found by driving the TUI in a terminal: the fleet view's enter is shown and a walk opened
from it leads back to it; esc in the logs filter leaves the filter, not the logs screen."""

from __future__ import annotations

from pathlib import Path

from fleet_support import one_node_playbook
from test_app_support import make_app, wait_until
from textual.widgets import DataTable, Input

from tui.context import Context
from tui.engine.fleet import FleetTarget
from tui.registry import CheckParams, CheckSpec, Registry
from tui.results import Severity, passed

ONE_NODE = one_node_playbook('{check: runtime.discover, params: {runtime: "{runtime}"}}')


class RuntimeParams(CheckParams):
    runtime: str = ""


def fleet_registry() -> Registry:
    registry = Registry()
    registry.add_check(CheckSpec("runtime.discover", "Look", Severity.MEDIUM, RuntimeParams, lambda c, p: passed("ok")))
    return registry


def shown_keys(screen) -> dict[str, str]:  # noqa: ANN001
    """Keys the footer shows on ``screen`` (key → description)."""
    return {key: a.binding.description for key, a in screen.active_bindings.items() if a.binding.show and a.enabled}


async def test_the_fleet_view_shows_enter_and_a_walk_opened_from_it_goes_back_to_it(isolated: Path) -> None:
    """The fleet view's enter (open the runtime's walk) was hidden by the table's own enter. Once in that walk, b and
    esc at its first step did nothing: the fleet view and the walk shown before it stayed underneath, out of reach."""
    from tui.app.fleet_screen import FleetScreen
    from tui.app.walk_screen import WalkScreen

    playbook = isolated / "fleet.yaml"
    playbook.write_text(ONE_NODE, "utf-8")
    app = make_app(isolated)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        first_walk = app.screen
        assert isinstance(first_walk, WalkScreen)
        first_context = app.context
        app.registry = fleet_registry()  # the walk opened from the fleet uses the same checks as its sweep
        arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/orders_mcp-Ab12Cd34Ef"
        fleet = FleetScreen(
            Context(region="us-east-1"), str(playbook), targets=[FleetTarget(arn)], registry=app.registry
        )
        app.push_screen(fleet)
        await wait_until(pilot, lambda: fleet.finished is not None, "the end of the sweep")
        assert fleet.query_one(DataTable).has_focus
        assert shown_keys(fleet).get("enter") == "Open walk"

        await pilot.press("slash")  # in the filter enter only leaves the box: not offered as "Open walk" there
        assert isinstance(fleet.focused, Input)
        assert "enter" not in shown_keys(fleet)
        await pilot.press("enter")
        assert fleet.query_one(DataTable).has_focus and app.screen is fleet

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WalkScreen), "the runtime's walk")
        opened = app.screen
        assert opened is not first_walk and opened.walk.context.runtime == arn
        assert shown_keys(opened).get("b") == "Back"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is fleet, "back in the fleet view")
        assert app.walk_screen is first_walk and app.context is first_context

        await pilot.press("enter")  # again, and back with b this time
        await wait_until(pilot, lambda: isinstance(app.screen, WalkScreen), "the runtime's walk")
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen is fleet, "back in the fleet view")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is first_walk, "back in the first walk")
        await pilot.press("escape")  # the first walk itself, at its first step: stays (nothing under it to go to)
        await pilot.pause()
        assert app.screen is first_walk


async def test_esc_in_the_logs_filter_clears_it_and_keeps_the_logs_screen(isolated: Path) -> None:
    """esc typed in the filter box closed the whole logs screen (the fleet view's filter only clears itself)."""
    from tui.app.logs_screen import LogsScreen

    app = make_app(isolated)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs screen")
        logs = app.screen
        await pilot.press("slash", *"closed")
        field = logs.query_one("#logs-filter", Input)
        assert field.has_focus and field.value == "closed"
        await pilot.press("enter")  # enter keeps the filter and returns to the groups
        assert field.value == "closed" and logs.query_one("#logs-groups", DataTable).has_focus
        await pilot.press("slash", "escape")  # esc in the box clears it, still on the logs screen
        assert app.screen is logs
        assert field.value == "" and logs.query_one("#logs-groups", DataTable).has_focus
        await pilot.press("escape")  # esc outside the box closes the screen, as before
        await wait_until(pilot, lambda: not isinstance(app.screen, LogsScreen), "the walk again")
