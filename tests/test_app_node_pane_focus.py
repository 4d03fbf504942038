"""The node pane's border brightens while one of its widgets has the focus (set inline, not by a ``:focus-within``
rule that restyled the whole pane at every focus change)."""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_app, wait_until
from textual.color import Color

from tui.app.node_pane import NodePane
from tui.app.path_tree import PathTree


async def test_border_follows_focus_in_and_out_of_the_pane(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test() as pilot:
        await pilot.pause()
        pane = app.screen.query_one(NodePane)
        primary = Color.parse(app.get_css_variables()["primary"])
        focused_border = ("round", primary.multiply_alpha(0.7))
        resting_border = ("round", primary.multiply_alpha(0.4))
        await wait_until(pilot, lambda: pane.styles.border_top == focused_border, "the choices focused, border bright")
        assert pane.has_focus_within

        app.screen.query_one(PathTree).focus()
        await wait_until(pilot, lambda: pane.styles.border_top == resting_border, "the path focused, border at rest")
        assert not pane.has_focus_within

        app.screen.query_one("#choices").focus()
        await wait_until(pilot, lambda: pane.styles.border_top == focused_border, "the choices focused again")
        assert all(edge == focused_border for edge in (pane.styles.border_right, pane.styles.border_bottom))


async def test_focused_border_follows_a_theme_change(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test() as pilot:
        await pilot.pause()
        pane = app.screen.query_one(NodePane)
        await wait_until(pilot, lambda: pane.has_focus_within, "the choices focused")
        before = pane.styles.border_top
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        primary = Color.parse(app.get_css_variables()["primary"])
        focused_border = ("round", primary.multiply_alpha(0.7))
        assert focused_border != before  # the two themes' primaries differ, so the test can see the change
        await wait_until(pilot, lambda: pane.styles.border_top == focused_border, "the new theme's focused border")
