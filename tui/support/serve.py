"""``agentcore-triage serve``: the TUI in a browser (textual-serve), behind a random access token.

textual-serve starts one TUI process per browser connection and relays the terminal over a
websocket. Anyone who reaches that websocket drives the TUI with this host's AWS credentials,
so every request except textual-serve's static assets needs the access token: in the URL
(``?token=…``) for the page, then in an HttpOnly, SameSite=Strict cookie the page sets, which
the browser sends with the websocket handshake (textual-serve's JavaScript appends its own
query string to the websocket URL, so the token cannot ride there). A wrong or missing token
gets 403. The token is printed once, registered with the redactor, and never logged: the
access log writes paths without their query.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tui.i18n import _, os_reason

if TYPE_CHECKING:
    from aiohttp import web

TOKEN_PARAM = "token"
TOKEN_COOKIE = "agentcore_triage_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
TAB_EXIT_SECONDS = 5.0
"""How long a tab's TUI may take to quit once its websocket is gone, before it is killed."""
MISSING_EXTRA = "serve needs the 'web' extra: pip install 'agentcore-triage[web]' (textual-serve is missing)"


class ServeProblem(Exception):
    """A one-line reason ``serve`` cannot start (bad host, port taken, extra missing)."""


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def remote_warning(host: str, *, read_only: bool) -> str:
    """What serving beyond this machine means (printed before the URL)."""
    fixes = (
        "fixes stay off (read-only)" if read_only else "--allow-fixes is on: fixes would change the account with them"
    )
    return (
        f"warning: serving on {host}, reachable from other machines. Whoever opens the URL drives the TUI with "
        f"this host's AWS credentials ({fixes}). The connection is plain HTTP: prefer an SSH tunnel to 127.0.0.1."
    )


def new_token() -> str:
    """A fresh random access token (URL-safe, 192 bits)."""
    return secrets.token_urlsafe(24)


def tui_command(tui_args: Sequence[str], *, read_only: bool) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, ``-m tui served-tui``, the flags."""
    args = [sys.executable, "-m", "tui", "served-tui", *tui_args]
    if read_only and "--read-only" not in args:
        args.append("--read-only")
    return shell_command(args)


def shell_command(args: Sequence[str]) -> str:
    """``args`` as the line textual-serve hands to ``/bin/sh -c``, the shell replaced by the program (``exec``).

    Without ``exec`` the shell stayed in between: a tab's TUI that did not quit was not ended by ending the
    process the server started (the shell), and kept running after the server had stopped.
    """
    return "exec " + shlex.join(args)


def _token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def make_server(
    command: str, *, host: str, port: int, token: str, title: str, log: Callable[[str], None] = lambda _line: None
) -> Any:
    """A textual-serve ``Server`` whose aiohttp app checks the access token (imports textual-serve here)."""
    try:
        import aiohttp_jinja2
        import jinja2
        from aiohttp import web
        from aiohttp.typedefs import Handler
        from textual_serve.app_service import AppService
        from textual_serve.server import Server, to_int
    except ModuleNotFoundError as exc:
        raise ServeProblem(MISSING_EXTRA) from exc

    class TabAppService(AppService):
        """textual-serve's service for one tab, its TUI process kept so the server can see it end."""

        def __init__(self, processes: list[asyncio.subprocess.Process], *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.processes = processes

        async def start(self, width: int, height: int) -> None:
            await super().start(width, height)
            if self._process is not None:
                self.processes.append(self._process)

    class TokenGuardedServer(Server):
        """textual-serve's routes and handlers, behind the token guard; startup prints nothing of its own."""

        tab_processes: list[asyncio.subprocess.Process]
        """Every tab's TUI process, in the order the tabs opened (``end_tabs`` waits for them)."""

        def make_app(self) -> web.Application:
            app = web.Application(middlewares=[self.token_guard])
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            # The route names are the ones textual-serve's handle_index resolves.
            app.add_routes(
                [
                    web.get("/", self.handle_index, name="index"),
                    web.get("/ws", self.handle_websocket, name="websocket"),
                    web.get("/download/{key}", self.handle_download, name="download"),
                    web.static("/static", self.statics_path, name="static"),
                ]
            )
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            """The page, its asset and websocket URLs built on the address the browser used (an SSH tunnel's
            port, the machine's name with --allow-remote), not on the address bound (0.0.0.0 reaches nothing)."""
            self.public_url = f"{request.scheme}://{request.host}"  # no await before the page is rendered
            response: web.StreamResponse = await super().handle_index(request)
            return response

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """One browser tab: its own TUI process, for as long as the websocket stays open.

            textual-serve 1.1's own handler, with the service that keeps its process (``end_tabs``).
            """
            log(f"serve: browser session opened from {request.remote}")
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            service: TabAppService | None = None
            try:
                await websocket.prepare(request)
                service = TabAppService(
                    self.tab_processes,
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await service.start(width, height)
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # noqa: BLE001 - as textual-serve: one tab's failure ends that tab only
                from tui.redact import redact_text

                log(redact_text(f"serve: browser session failed: {type(error).__name__}: {error}"))
            finally:
                if service is not None:
                    await service.stop()
                log(f"serve: browser session closed ({request.remote})")
            return websocket

        async def end_tabs(self, grace: float = TAB_EXIT_SECONDS) -> None:
            """Every tab's TUI process has ended and its pipes are closed, while this loop still runs.

            textual-serve asks a tab's TUI to quit and reads it to the end of its output, but never waits for the
            process or closes its input: the process and its pipe were left to the garbage collector, which found
            them after the loop had closed ("Event loop is closed", raised from the transport's ``__del__``). A TUI
            still running after ``grace`` seconds is killed.
            """
            for process in self.tab_processes:
                if process.returncode is None:
                    try:
                        await asyncio.wait_for(process.wait(), grace)
                    except TimeoutError:
                        with suppress(ProcessLookupError):
                            process.kill()
                        with suppress(TimeoutError):
                            await asyncio.wait_for(process.wait(), grace)
                if process.stdin is not None:
                    process.stdin.close()
                    with suppress(Exception):
                        await asyncio.wait_for(process.stdin.wait_closed(), grace)
            self.tab_processes.clear()

        @web.middleware
        async def token_guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
            if request.path.startswith("/static/"):
                return await handler(request)  # textual-serve's own JS/CSS/fonts: nothing of this session
            from_query = request.query.get(TOKEN_PARAM)
            given = from_query if from_query is not None else request.cookies.get(TOKEN_COOKIE)
            if not _token_matches(given, token):
                raise web.HTTPForbidden(text="agentcore-triage serve: access token missing or wrong\n")
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                # A page on another site cannot open this websocket with the user's cookie.
                raise web.HTTPForbidden(text="agentcore-triage serve: cross-origin request refused\n")
            response = await handler(request)
            if request.path == "/" and isinstance(response, web.Response):
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict", path="/")
                response.headers["Referrer-Policy"] = "no-referrer"
                response.headers["Cache-Control"] = "no-store"
            return response

    server = TokenGuardedServer(command, host=host, port=port, title=title)
    server.tab_processes = []
    return server


def _access_logger_class(log: Callable[[str], None]) -> Any:
    from aiohttp.abc import AbstractAccessLogger

    class PathOnlyAccessLogger(AbstractAccessLogger):
        """``403 GET /ws from 127.0.0.1``: the path without its query, so the token never reaches a log."""

        def log(self, request: Any, response: Any, time: float) -> None:
            if response.status >= 400:
                log(f"serve: {response.status} {request.method} {request.path} from {request.remote}")

    return PathOnlyAccessLogger


@dataclass(frozen=True)
class Served:
    """A running server: where it listens and the URL to open (with the token)."""

    host: str
    port: int
    token: str

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/?{TOKEN_PARAM}={self.token}"


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket first, so ``--port 0`` knows its port before the page URLs are built."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeProblem(
            _("cannot listen on {host}:{port}: {reason}").format(host=host, port=port, reason=os_reason(exc))
        ) from None
    sock.listen(64)
    sock.setblocking(False)
    return sock


@asynccontextmanager
async def serving(
    command: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    title: str = "agentcore-triage",
    log: Callable[[str], None] = lambda _line: None,
    grace: float = TAB_EXIT_SECONDS,
) -> AsyncIterator[Served]:
    """Serve ``command`` (one TUI process per browser) until the block ends.

    At the end, each open tab gets ``grace`` seconds to end its session and its TUI as long again to quit; a TUI
    still running then is killed (none outlives the server).
    """
    from tui.redact import register_secret

    token = token or new_token()
    register_secret(token)
    sock = bind(host, port)
    actual_port = sock.getsockname()[1]
    server = make_server(command, host=host, port=actual_port, token=token, title=title, log=log)
    from aiohttp import web

    runner = web.AppRunner(
        server.make_app(), access_log_class=_access_logger_class(log), handle_signals=False, shutdown_timeout=grace
    )
    await runner.setup()
    site = web.SockSite(runner, sock)
    try:
        await site.start()
        yield Served(host, actual_port, token)
    finally:
        await runner.cleanup()
        sock.close()
        await server.end_tabs(grace)


def run(
    tui_args: Sequence[str],
    *,
    host: str,
    port: int,
    read_only: bool,
    echo: Callable[[str], None],
    err: Callable[[str], None],
) -> None:
    """Serve until Ctrl-C / SIGTERM (the ``serve`` command); prints the URL with the token once."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        async with serving(tui_command(tui_args, read_only=read_only), host=host, port=port, log=err) as served:
            mode = "read-only" if read_only else "fixes allowed (--allow-fixes)"
            err(f"agentcore-triage serve: {mode}; one TUI per browser tab; Ctrl-C stops.")
            echo(served.url)
            await stop.wait()

    asyncio.run(main())
