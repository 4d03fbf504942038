"""The fix dialog cannot be skipped (issue 11 §3): buttons always visible, only the plan scrolls, Apply only
after the whole change was on screen, Enter never applies. The plan is the largest the product makes: the
merged IAM inline policy."""

from __future__ import annotations

import json
import re

import pytest
from test_app_support import screen_text, wait_screen, wait_until
from textual.app import App
from textual.widgets import Button

from tui.app.fix_modal import FixModal
from tui.fixes.aws.iam import merge_statements
from tui.fixes.base import ApiCall, Plan
from tui.results import Risk

ACCOUNT, REGION = "123456789012", "us-east-1"


def merged_policy_plan() -> Plan:
    """What iam.role_policy plans for the logs scope on a role that already has agentcore-triage-logs."""
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/bedrock-agentcore/runtimes/mcp_server-AbCdEf1234-DEFAULT"
    otel = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/bedrock-agentcore/runtimes/mcp_server-AbCdEf1234-otel"
    existing = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "KeepMe",
                "Effect": "Allow",
                "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
                "Resource": "*",
            }
        ],
    }
    grants = [
        {
            "Sid": "AgentcoreTriageLogsGroup",
            "Effect": "Allow",
            "Action": ["logs:DescribeLogStreams", "logs:CreateLogGroup"],
            "Resource": group,
        },
        {
            "Sid": "AgentcoreTriageLogsStreams",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{group}:log-stream:*",
        },
        {
            "Sid": "AgentcoreTriageLogsOtel",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{otel}:log-stream:*",
        },
        {
            "Sid": "AgentcoreTriageLogsDescribe",
            "Effect": "Allow",
            "Action": ["logs:DescribeLogGroups"],
            "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*",
        },
    ]
    doc = merge_statements(existing, grants)
    return Plan(
        fix="iam.role_policy",
        title="Put inline policy agentcore-triage-logs on role AgentCoreRuntimeRole",
        risk=Risk.MUTATING,
        summary="merge into inline policy agentcore-triage-logs on AgentCoreRuntimeRole: "
        + "; ".join(f"{', '.join(g['Action'])} on {g['Resource']}" for g in grants),
        actions=[
            ApiCall(
                service="iam",
                operation="put_role_policy",
                params={
                    "RoleName": "AgentCoreRuntimeRole",
                    "PolicyName": "agentcore-triage-logs",
                    "PolicyDocument": json.dumps(doc, separators=(",", ":")),
                },
            )
        ],
        undo=[
            ApiCall(
                service="iam",
                operation="put_role_policy",
                params={
                    "RoleName": "AgentCoreRuntimeRole",
                    "PolicyName": "agentcore-triage-logs",
                    "PolicyDocument": json.dumps(existing),
                },
            )
        ],
        permissions=["iam:PutRolePolicy", "iam:DeleteRolePolicy (undo only)"],
        notes=[
            "Adds logs:CreateLogGroup, logs:CreateLogStream, logs:DescribeLogGroups, logs:DescribeLogStreams, "
            "logs:PutLogEvents; other policies of AgentCoreRuntimeRole stay as they are.",
            "IAM changes take a few seconds to propagate; new runtime sessions pick them up.",
        ],
    )


class ModalApp(App[None]):
    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan
        self.answer: bool | None = None

    def on_mount(self) -> None:
        def done(answer: bool | None) -> None:
            self.answer = answer

        self.push_screen(FixModal(self.plan, node_title="Execution role"), done)


def _visible(app: App, widget_id: str) -> bool:
    widget = app.screen.query_one(f"#{widget_id}")
    region = widget.region
    return region.height > 0 and app.screen.region.contains_region(region)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_buttons_stay_visible_and_apply_waits_for_the_whole_change(size: tuple[int, int]) -> None:
    """Seen at 120x40 and 80x24: the buttons off screen, PageDown not scrolling, y/Enter applying unseen changes."""
    app = ModalApp(merged_policy_plan())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, FixModal)
        assert _visible(app, "apply") and _visible(app, "cancel") and _visible(app, "fix-hint")
        scroll = modal.query_one("#fix-plan")
        assert scroll.max_scroll_y > 0  # the largest plan does not fit: only it scrolls
        assert modal.query_one("#apply", Button).disabled
        await pilot.press("enter", "y")
        await pilot.pause()
        assert app.screen is modal and app.answer is None  # not applied: the end of the change was not shown
        while scroll.scroll_y < scroll.max_scroll_y:
            before = scroll.scroll_y
            await pilot.press("pagedown")
            await pilot.pause()
            assert scroll.scroll_y > before  # PageDown scrolls the plan
            assert _visible(app, "apply") and _visible(app, "cancel")
        assert not modal.query_one("#apply", Button).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal and app.answer is None  # Enter never applies
        await pilot.press("y")
        await pilot.pause()
        assert app.answer is True


async def test_a_small_plan_is_applyable_at_once_and_the_mouse_click_applies() -> None:
    plan = Plan(
        fix="logs.create_group",
        title="Create log group g",
        risk=Risk.MUTATING,
        summary="create g",
        actions=[ApiCall(service="logs", operation="create_log_group", params={"logGroupName": "g"})],
    )
    app = ModalApp(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        apply = (await wait_screen(app, pilot, FixModal)).query_one("#apply", Button)
        # unlocked once a layout has shown the whole plan, without scrolling (a check after the next refresh)
        await wait_until(pilot, lambda: not apply.disabled, "Apply unlocked without scrolling")
        await pilot.click("#apply")
        await pilot.pause()
        assert app.answer is True


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_merged_policy(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(ModalApp(merged_policy_plan()), terminal_size=size)


class NeededByApp(App[None]):
    def __init__(self, plan: Plan, needed_by: str) -> None:
        super().__init__()
        self.plan, self.needed_by = plan, needed_by

    def on_mount(self) -> None:
        self.push_screen(FixModal(self.plan, node_title="Is Transaction Search on?", needed_by=self.needed_by))


async def test_at_80_columns_the_title_and_why_a_prerequisite_comes_first_are_whole() -> None:
    """Seen at 80x24: "at needed first by:" cut at the edge (pressing t opened another fix with no reason shown),
    and "Allow the runtime's actions in boundary" without the boundary's name."""
    plan = Plan(
        fix="logs.xray_resource_policy",
        title="Allow the runtime's actions in boundary agentcore-runtime-boundary of the execution role",
        risk=Risk.MUTATING,
        summary="put policy",
        actions=[ApiCall(service="logs", operation="put_resource_policy", params={"policyName": "p"})],
    )
    app = NeededByApp(plan, "Switch the trace segment destination to CloudWatchLogs")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = re.sub(r"[█▀▄\s]+", " ", screen_text(app))  # the dialog's lines joined, its border left out
        assert "needed first by: Switch the trace segment destination to CloudWatchLogs" in text
        assert "at Is Transaction Search on?" not in text  # the reason replaces the node, not "at needed first by"
        assert "boundary agentcore-runtime-boundary of the execution role" in text
        assert _visible(app, "apply") and _visible(app, "cancel")


async def test_end_shows_the_end_of_the_plan_and_unlocks_apply() -> None:
    """End jumps to the end at once (in tmux under load an animated End was still half-way a second later)."""
    app = ModalApp(merged_policy_plan())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, FixModal) and not modal.seen_all
        await pilot.press("end")
        await pilot.pause()
        scroll = modal.query_one("#fix-plan")
        assert scroll.scroll_y == scroll.max_scroll_y and modal.seen_all
        await pilot.press("home")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("y")
        await pilot.pause()
        assert app.answer is True


@pytest.mark.parametrize("keys", [("end",), ("pagedown",) * 40], ids=["end", "pagedown"])
async def test_end_and_pagedown_jump_without_animating_while_the_plan_has_the_focus(keys: tuple[str, ...]) -> None:
    """The plan (a scroll container, focused) had its own End and PageDown bindings, which Textual checks before the
    dialog's: End animated the scroll over a second (Apply stayed locked until it ended; longer in tmux under load),
    and the dialog's jump without animation ran only when a button had the focus."""
    app = ModalApp(merged_policy_plan())
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await wait_screen(app, pilot, FixModal)
        scroll = modal.query_one("#fix-plan")
        assert scroll.has_focus  # the plan is focused for a mutating fix (a destructive one focuses Cancel)
        positions: list[float] = []
        modal.watch(scroll, "scroll_y", lambda value: positions.append(value), init=False)
        for key in keys:
            await pilot.press(key)
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
        assert scroll.scroll_y == scroll.max_scroll_y
        await wait_until(pilot, lambda: modal.seen_all, "Apply unlocked at the end of the plan")
        page = scroll.scrollable_content_region.height
        steps = [after - before for before, after in zip([0.0, *positions], positions, strict=False)]
        # each key one jump: to the end, or a whole page (the last one to the end); an animation passes in between
        assert all(step == page or after == scroll.max_scroll_y for step, after in zip(steps, positions, strict=True))
        assert len(positions) <= len(keys)


async def test_pagedowns_quicker_than_the_screen_repaints_each_move_a_page() -> None:
    """A held PageDown (or keys on a loaded machine) arrives faster than the screen repaints. Each press scrolled
    after the next repaint, from where the plan stood before it, so three presses moved one page."""
    from textual import events

    app = ModalApp(merged_policy_plan())
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await wait_screen(app, pilot, FixModal)
        scroll = modal.query_one("#fix-plan")
        page = scroll.scrollable_content_region.height
        assert scroll.max_scroll_y > 3 * page  # room for three whole pages
        for _ in range(3):  # queued together, as a terminal delivers a key repeat
            app.post_message(events.Key("pagedown", None))
        await wait_until(pilot, lambda: scroll.scroll_y > 0, "the plan scrolled")
        await pilot.pause()
        assert scroll.scroll_y == 3 * page
