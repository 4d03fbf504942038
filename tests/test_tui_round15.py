"""Round 15, the TUI as a new user meets it: keys in the footer at 80 columns, a diagnosis after its fix, a paste
that arrives as keys in the search screen."""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_app, wait_screen, wait_until
from textual import events
from textual.widgets import TextArea

from tui.app.search_screen import SearchScreen
from tui.app.walk_screen import WalkScreen


def _send_burst(app, keys: list[str]) -> None:  # noqa: ANN001
    """Keys as a terminal without bracketed paste sends pasted text: parsed in one go, before the app handles any.

    (``pilot.press`` waits until the app is idle after each key, which is how keys typed by hand arrive.)
    """
    for key in keys:
        char = {"ctrl+j": "\n", "enter": "\r", "tab": "\t", "space": " "}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_a_paste_arriving_as_keys_stays_text_until_an_explicit_ctrl_j(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        walk = app.screen.walk
        await pilot.press("slash")
        search = await wait_screen(app, pilot, SearchScreen)
        area = search.query_one(TextArea)
        await wait_until(pilot, lambda: app.focused is area, "the search text focused")
        # a log excerpt: line feeds (ctrl+j, the jump key), a tab, carriage returns, and a line feed at its end
        pasted = "2025-01-01\tERROR call failed\nHTTP/1.1 401 Unauthorized\rerror=invalid_token\n"
        keys = ["ctrl+j" if c == "\n" else "enter" if c == "\r" else "tab" if c == "\t" else c for c in pasted]
        _send_burst(app, [k if k != " " else "space" for k in keys])
        expected = pasted.replace("\r", "\n")
        await wait_until(pilot, lambda: area.text == expected, "the whole paste in the query")
        await pilot.pause()
        assert app.screen is search and app.focused is area  # neither jumped nor moved to the results
        assert walk.current == "symptom"
        assert search.matches[0][0] == "auth-failed"
        # ctrl+j pressed on its own once the paste settled jumps to the best match
        await pilot.press("ctrl+j")
        await wait_screen(app, pilot, WalkScreen)
        assert walk.current == "auth-failed"


def _footer_keys(screen) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """The footer's keys as they are laid out: action -> (first column, column after the last)."""
    from tui.app.footer import LocalizedFooter

    footer = screen.query_one(LocalizedFooter)
    return {
        str(key.action): (key.region.x, key.region.right)
        for key in footer.children
        if hasattr(key, "action") and key.region.width
    }


async def test_the_help_key_stays_in_a_narrow_footer_when_fix_keys_take_room(isolated: Path) -> None:
    app = make_app(isolated)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("1")  # the config node: its check fails, so it offers two fix keys
        await wait_until(pilot, lambda: screen.walk.current == "config" and screen.offered(), "fixes offered")
        await wait_until(pilot, lambda: "fix('f', 'config')" in _footer_keys(screen), "the fix key in the footer")
        keys = _footer_keys(screen)
        _help_start, help_end = keys["app.help"]
        palette_start, _palette_end = keys["command_palette"]
        assert help_end <= palette_start  # whole, left of the palette key: not cut at the edge, not covered
        assert all(end <= 80 for _start, end in keys.values())
        assert "fix('f', 'config')" in keys and "app.quit" in keys  # what is left out is the least needed
        assert "export" not in keys  # left out to make room (help lists it)
        # wider: every key again
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: "export" in _footer_keys(screen), "the export key back at 120 columns")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: "export" not in _footer_keys(screen), "the export key left out again")
        assert _footer_keys(screen)["app.help"][1] <= _footer_keys(screen)["command_palette"][0]


DIAGNOSIS_PLAYBOOK = """
id: offers
title: Offers
start: symptom
nodes:
  symptom:
    kind: question
    title: What do you see?
    choices:
      - {key: "1", label: No traces, goto: no-telemetry}
  no-telemetry:
    kind: diagnosis
    title: The project sends no telemetry
    body: |
      The project does not install the ADOT distro. Press `o` to add it to
      requirements.txt. A redeploy picks it up.
    fixes:
      - {fix: project.otel_distro, key: o, label: Add the distro, params: {dir: "{project}"}}
"""


def _diagnosis_app(project: Path):  # noqa: ANN202
    from test_app_support import make_context

    from tui.app.main import TriageApp
    from tui.playbook.loader import load_playbook
    from tui.registry import load_all

    (project / "requirements.txt").write_text("mcp>=2.3,<3\n")
    playbook = project.parent / "offers-playbook.yaml"
    playbook.write_text(DIAGNOSIS_PLAYBOOK)
    return TriageApp(make_context(project), load_playbook(playbook), registry=load_all(), show_start=False)


def _body(screen) -> str:  # noqa: ANN001
    from textual.widgets import Markdown

    return screen.query_one("#node-body", Markdown).source


async def test_a_diagnosis_stops_offering_its_fix_once_applied_and_offers_it_again_after_undo(isolated: Path) -> None:
    """Seen in the demo: after l (the logs policy) was applied, the diagnosis still read "Press l to add …"."""
    from test_app_support import screen_text, wait_group
    from test_app_tryout import _read_and_apply

    from tui.app.audit_screen import AuditScreen
    from tui.app.fix_modal import FixModal

    app = _diagnosis_app(isolated)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await wait_screen(app, pilot, WalkScreen)
        await pilot.press("1")
        await wait_until(pilot, lambda: screen.walk.current == "no-telemetry", "the diagnosis")
        assert "Press `o` to add it" in _body(screen) and "~~" not in _body(screen)
        await pilot.press("o")
        await _read_and_apply(app, pilot)
        await wait_group(app, "fix", pilot)
        assert "aws-opentelemetry-distro" in (isolated / "requirements.txt").read_text()
        body = _body(screen)
        # the offer is struck through and marked done; the rest of the prose stays as it was
        assert "~~Press `o` to add it to\nrequirements.txt.~~ **✓ done**" in body
        assert "A redeploy picks it up." in body and "~~ A redeploy" not in body
        text = screen_text(app).replace(" ", "")  # (the screen's text joins styled segments unspaced)
        assert "Done(applied,ornothingwaslefttodo" in text and "✓oAddthedistro" in text
        assert "o" not in {k for k, b in screen.active_bindings.items() if b.enabled}
        # undone in the audit viewer: the offer is back, plain
        await pilot.press("a")
        await wait_screen(app, pilot, AuditScreen)
        await pilot.press("u")
        await wait_group(app, "undo", pilot)
        await wait_screen(app, pilot, FixModal)
        await _read_and_apply(app, pilot)
        await wait_screen(app, pilot, AuditScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the walk again")
        await wait_group(app, "recheck", pilot)
        await wait_until(pilot, lambda: "~~" not in _body(screen), "the offer back")
        assert "Press `o` to add it" in _body(screen) and "✓oAddthedistro" not in screen_text(app).replace(" ", "")
        assert "o" in {k for k, b in screen.active_bindings.items() if b.enabled}
