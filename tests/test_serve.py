"""`agentcore-triage serve`: the TUI behind textual-serve, driven by a real websocket client on 127.0.0.1.

The server runs in the test's loop (``tui.support.serve.serving``); each websocket starts a real
TUI process (``python -m tui.support.served``) against the seed-guide sandbox, as a browser tab would.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

aiohttp = pytest.importorskip("aiohttp", reason="serve needs the 'web' extra (textual-serve, aiohttp)")
pytest.importorskip("textual_serve", reason="serve needs the 'web' extra (textual-serve)")

from gc_support import only_new_garbage  # noqa: E402
from yarl import URL  # noqa: E402 - aiohttp's URL type

from tui.support.serve import TOKEN_COOKIE, is_loopback, serving, shell_command, tui_command  # noqa: E402

pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
SETTLE = 90.0
"""Upper bound on waiting for a served TUI to draw something (a hang guard, not a timing assertion)."""


class Terminal:
    """The text a served TUI has drawn so far (escape sequences stripped), read from its websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.text = ""

    async def until(self, needle: str) -> str:
        """Read frames until ``needle`` has been drawn; returns the text drawn since the last call."""
        start = len(self.text)

        async def read() -> None:
            while needle not in self.text[start:]:
                message = await self.ws.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.text += ANSI.sub("", message.data.decode("utf-8", "replace"))
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    raise AssertionError(f"the served TUI closed before drawing {needle!r}:\n{self.text[-2000:]}")

        await asyncio.wait_for(read(), SETTLE)
        return self.text[start:]

    async def press(self, keys: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", keys]))


async def test_served_tui_start_screen_keys_drive_the_walk_and_a_wrong_token_is_refused(sandbox) -> None:  # noqa: ANN001
    sandbox("seed-guide")
    async with serving(tui_command([], read_only=True), port=0) as served:
        assert served.host == "127.0.0.1"
        # unsafe=True: keep cookies of an IP-address host, as browsers do for 127.0.0.1
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            # the page, with the token from the printed URL: 200 and the cookie the websocket will carry
            async with browser.get(served.url) as page:
                assert page.status == 200
                assert page.headers["Referrer-Policy"] == "no-referrer"
                assert f"ws://127.0.0.1:{served.port}/ws" in await page.text()
            # through a tunnel or by another name, the page points at the address the browser used
            async with browser.get(served.url, headers={"Host": f"localhost:{served.port + 1}"}) as tunnelled:
                assert f"ws://localhost:{served.port + 1}/ws" in await tunnelled.text()
            assert browser.cookie_jar.filter_cookies(URL(served.base))[TOKEN_COOKIE].value == served.token
            # the websocket as textual.js opens it: no token in its URL, the cookie carries it
            async with browser.ws_connect(f"{served.base}/ws?width=120&height=40") as ws:
                term = Terminal(ws)
                drawn = await term.until("Start walk")
                assert "read-only" in drawn and "SANDBOX" in drawn
                await term.press("\x13")  # ctrl+s: start the walk
                await term.until("What are you seeing?")
                await term.press("2")  # the AWS branch: its checks run against the sandbox
                await term.until("Which runtime, and can agentcore-triage read it?")

                # meanwhile a second client with a wrong token, or none, is refused: page and websocket
                async with aiohttp.ClientSession() as intruder:
                    for url in (f"{served.base}/", f"{served.base}/?token=wrong", f"{served.base}/download/x"):
                        async with intruder.get(url) as refused:
                            assert refused.status == 403, url
                    for url in (f"{served.base}/ws?token=wrong", f"{served.base}/ws?width=80&height=24"):
                        with pytest.raises(aiohttp.WSServerHandshakeError) as handshake:
                            await intruder.ws_connect(url)
                        assert handshake.value.status == 403
                    # the right token from another site's page: refused too (the cookie must not drive it)
                    with pytest.raises(aiohttp.WSServerHandshakeError) as handshake:
                        await intruder.ws_connect(
                            f"{served.base}/ws?token={served.token}", headers={"Origin": "http://evil.example"}
                        )
                    assert handshake.value.status == 403
                # textual-serve's own assets need no token
                async with browser.get(f"{served.base}/static/js/textual.js", cookies={}) as asset:
                    assert asset.status == 200


SLOW_TO_QUIT = """
import os, sys, time
sys.stdout.buffer.write(b"__GANGLION__\\n" + b"D" + (5).to_bytes(4, "big") + b"ready")
sys.stdout.buffer.flush()
os.close(1)  # textual-serve has read this tab to the end of its output
time.sleep(0.5)  # and the process is still winding down (a TUI restoring its terminal, a loaded machine)
# served-tui
"""
"""A tab's program that draws, ends its output, and quits half a second later."""

NEVER_QUITS = """
import sys, time
sys.stdout.buffer.write(b"__GANGLION__\\n" + b"D" + (5).to_bytes(4, "big") + b"ready")
sys.stdout.buffer.flush()
time.sleep(600)  # ignores textual-serve's quit
# served-tui
"""
"""A tab's program that draws and then hangs."""


GRACE = 1.5
"""The server's grace period in this test (5 s in use): the slow tab quits within it, the hanging one never."""


@pytest.mark.waits  # the hanging tab: the grace period twice, idle
@pytest.mark.parametrize("program", [SLOW_TO_QUIT, NEVER_QUITS], ids=["slow-to-quit", "never-quits"])
def test_the_server_ends_with_its_tabs_processes_and_leaves_nothing_for_after_its_loop(program: str) -> None:
    """A tab's TUI still quitting when the server stops is waited for, one that hangs is killed after the grace
    period, and their pipes are closed while the loop runs.

    textual-serve never waits for a tab's process: it and its input pipe were thrown away by the garbage collector
    once the process ended, after the loop had closed ("Event loop is closed" from the transport's ``__del__``,
    reported as a warning under whichever test ran then).
    """
    import gc
    import sys
    import time

    async def one_tab() -> None:
        command = shell_command([sys.executable, "-c", program])
        async with serving(command, port=0, grace=GRACE) as served:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
                async with browser.get(served.url) as page:
                    assert page.status == 200
                async with browser.ws_connect(f"{served.base}/ws?width=80&height=24") as ws:
                    assert (await asyncio.wait_for(ws.receive(), SETTLE)).data == b"ready"

    raised: list[Any] = []
    previous, sys.unraisablehook = sys.unraisablehook, raised.append
    try:
        with only_new_garbage():  # an earlier test's garbage is not this server's
            asyncio.run(one_tab())
            deadline = time.monotonic() + SETTLE  # a hang guard: the tab's process ends soon after its output
            while served_tabs_still_running() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert served_tabs_still_running() == []
            gc.collect()
    finally:
        sys.unraisablehook = previous
    assert [f"{r.exc_value} ({r.err_msg or 'from'} {r.object!r})" for r in raised] == []


def served_tabs_still_running() -> list[str]:
    """Command lines of this process's descendants that run a served TUI (read from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while we looked
        if fields[0] != "Z":  # a zombie has ended; only its parent's wait is missing
            parents[int(stat.parent.name)] = int(fields[1])

    def descends(pid: int) -> bool:
        for _ in range(64):
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
            if pid <= 1:
                return False
        return False

    found = []
    for pid in sorted(p for p in parents if descends(p)):
        try:
            cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "served-tui" in cmdline:
            found.append(cmdline)
    return found


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no headless browser: `apt-get install chromium` runs this end-to-end test; the websocket test above "
    "covers serve without one",
)
async def test_a_real_browser_opens_the_served_tui_and_a_wrong_token_gets_nothing(sandbox, tmp_path: Path) -> None:  # noqa: ANN001
    """Headless Chromium loads the page with the token; textual.js opens the websocket with the cookie, and the
    served TUI runs; with a wrong token the page is the 403 text and no terminal."""
    sandbox("seed-guide")
    lines: list[str] = []

    async def dump_dom(url: str, profile: str) -> str:
        browser = await asyncio.create_subprocess_exec(
            str(CHROMIUM),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        out, _ = await asyncio.wait_for(browser.communicate(), SETTLE)
        return out.decode("utf-8", "replace")

    async with serving(tui_command([], read_only=True), port=0, log=lines.append) as served:
        dom = await dump_dom(served.url, "profile-1")
        assert 'class="textual-terminal -connected"' in dom  # textual.js: the websocket opened
        assert any(line.startswith("serve: browser session opened") for line in lines)
        # A wrong token gets a plain-text 403 (no page, no script), so what a browser shows is the body an HTTP client
        # reads: no second browser start (each costs seconds of CPU) is needed to see it.
        async with aiohttp.ClientSession() as client, client.get(f"{served.base}/?token=wrong") as refused:
            body = await refused.text()
            assert refused.status == 403 and refused.content_type == "text/plain"
        assert "access token missing or wrong" in body and "textual-terminal" not in body
        assert any(line.startswith("serve: 403 GET / ") for line in lines)


def test_serve_refuses_a_remote_host_without_allow_remote_and_warns_with_it() -> None:
    from click.testing import CliRunner

    from tui.cli import main

    def serve(*args: str) -> Any:  # in-process: an unexpected exception fails here, where a process would print it
        return CliRunner().invoke(
            main, ["serve", *args, "--endpoint", "http://127.0.0.1:9/mcp"], catch_exceptions=False
        )

    refused = serve("--host", "0.0.0.0")
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1 and "--allow-remote" in refused.stderr and not refused.stdout
    # with --allow-remote: the warning about the host's AWS credentials comes before anything is served
    # (port 1 cannot be bound by an unprivileged user... nor by root on 0.0.0.0 twice: take a taken port)
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        warned = serve("--host", "0.0.0.0", "--port", str(port), "--allow-remote")
    assert "this host's AWS credentials" in warned.stderr and "fixes stay off (read-only)" in warned.stderr
    assert warned.exit_code == 2 and f"cannot listen on 0.0.0.0:{port}" in warned.stderr


def test_loopback_names() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.com"))


def test_served_command_is_read_only_unless_fixes_are_allowed() -> None:
    assert tui_command(["--region", "us-east-1"], read_only=True).endswith("--region us-east-1 --read-only")
    assert "--read-only" not in tui_command([], read_only=False)


async def test_a_served_read_only_session_stays_read_only_when_the_form_box_is_unticked() -> None:
    from textual.widgets import Checkbox

    from tui.app.served_app import ServedApp
    from tui.context import Context

    app = ServedApp(Context(read_only=True, endpoint="http://127.0.0.1:9/mcp"), "agentcore-mcp", lock_read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):  # the form mounts after the first frame
            await pilot.pause()
            box = app.screen.query_one_optional("#read-only", Checkbox)
            if box is not None:
                break
        assert box is not None and box.value
        box.value = False
        await pilot.press("ctrl+s")
        for _ in range(200):
            await pilot.pause()
            if app.walk_screen is not None:
                break
        assert app.walk_screen.walk.context.read_only
        assert any(n.title == "Read-only" for n in app._notifications)


@pytest.mark.parametrize("host", ["not a host", "bad_host!", "a..b"])
def test_a_host_that_is_no_address_or_name_is_called_that(host: str) -> None:
    """QA sweep 2 F19: `--host 'not a host'` was refused as "reachable from other machines"."""
    from click.testing import CliRunner

    from tui.cli import main

    refused = CliRunner().invoke(main, ["serve", "--host", host, "--endpoint", "http://127.0.0.1:9/mcp"])
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "not an address or a host name" in refused.stderr and "other machines" not in refused.stderr
