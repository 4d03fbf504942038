"""Small networking helpers shared by the sandbox servers: loopback-only binding and a uvicorn thread.

Every sandbox server binds 127.0.0.1 on an ephemeral port chosen by the kernel
(bind to port 0 and keep the socket), so there is no "find a free port, then
bind it" race and parallel test workers never collide.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from tui.i18n import _

LOOPBACK = "127.0.0.1"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
READY_TIMEOUT = 10.0
"""Seconds a server may take to come up before ``start()`` gives up."""
STOP_TIMEOUT = 5.0
KEEP_ALIVE_SECONDS = 5
"""How long a sandbox server keeps an idle connection open (uvicorn's default). Well above every client's idle
reuse window (the probes' ``KEEPALIVE_EXPIRY``, the front door's ``UPSTREAM_KEEPALIVE_EXPIRY``): a client must
never send on a connection the server is closing at that very moment. At 2 s, equal to the probes' window, a
request on a connection idle for ~2 s met the server's keep-alive close (ECONNRESET before any answer): the
front door answered 500 and the endpoint checks differed from run to run."""
TICK_SECONDS = 1.0
"""How often an idle sandbox server wakes up (uvicorn's own loop: every 0.1 s). Nothing needs it sooner: ``stop()``
wakes the server at once, and uvicorn refreshes its Date header once a second either way."""


class SandboxError(RuntimeError):
    """The sandbox refused to do something or could not start."""


def require_local(url: str, *, what: str = "endpoint") -> None:
    """Raise ``SandboxError`` unless ``url`` points at this machine's loopback interface.

    The sandbox writes (creates roles, runtimes, policies). Sending those calls to
    real AWS by accident would be harmful, so every seeding entry point calls this.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in LOCAL_HOSTS:
        raise SandboxError(
            _("refusing to use {what} {url}: the sandbox only talks to 127.0.0.1/localhost, never to real AWS").format(
                what=what, url=repr(url)
            )
        )


def bind_loopback() -> socket.socket:
    """A listening-ready TCP socket on 127.0.0.1 with a kernel-chosen free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    return sock


class DeadPort:
    """A port on 127.0.0.1 that nothing listens on, held until ``close()`` (used for "server down").

    The socket stays bound, never listening, and without ``SO_REUSEADDR``: a connection to it is refused, as to a
    closed port, and the kernel hands the port to no other socket meanwhile. A port only bound and released (as
    before) could be given to the next server any process started: in a full test run, a "server down" front door
    once reached another test's server and was answered with a 404 (the walk ended at ep-wrong-url).
    """

    def __init__(self) -> None:
        self._sock: socket.socket | None = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((LOOPBACK, 0))
        self.port = int(self._sock.getsockname()[1])

    def close(self) -> None:
        """Release the port; idempotent."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> DeadPort:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def quiet_logging_config() -> dict[str, Any]:
    """uvicorn log config that sends everything to the ``tui.sandbox`` logger tree instead of stderr.

    In the demo the TUI owns the terminal; a stray uvicorn line would corrupt the
    screen. The runner attaches a file handler to ``tui.sandbox`` when it wants logs.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"null": {"class": "logging.NullHandler"}},
        "loggers": {
            "uvicorn": {"handlers": ["null"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["null"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": ["null"], "level": "WARNING", "propagate": False},
        },
    }


def _prompt_server(config: Any) -> Any:
    """A ``uvicorn.Server`` whose main loop ends as soon as ``stop()`` asks, and otherwise wakes once a second.

    uvicorn polls ``should_exit`` every 0.1 s. The demo starts two servers and the test suite hundreds: each stop
    waited out a tick (about a tenth of a second of idle wall time per server), and each idle server woke ten times a
    second for nothing (three idle sandboxes: 1.4 % of a core, 0.45 % with a tick a second; a test worker keeps up to
    four). ``wake()`` (any thread) cuts the wait short; ``on_tick`` still runs between waits, as uvicorn's once-a-second
    tick, so its Date header and request limits behave as before.
    """
    import uvicorn

    class PromptServer(uvicorn.Server):
        _loop: asyncio.AbstractEventLoop | None = None
        _woken: asyncio.Event | None = None

        async def main_loop(self) -> None:
            self._loop, self._woken = asyncio.get_running_loop(), asyncio.Event()
            should_exit = await self.on_tick(0)
            while not should_exit:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), TICK_SECONDS)
                should_exit = await self.on_tick(0)  # 0: uvicorn's "a second has passed" tick (the Date header)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            if self.server_state.connections or self.server_state.tasks:
                await super().shutdown(sockets=sockets)  # connections to close: uvicorn's graceful path
                return
            # Nothing open: uvicorn's shutdown would pause a fixed 0.1 s for connections to close, and there are
            # none (a sandbox stop waited 0.2 s for its two servers, every test server 0.1 s). The rest as uvicorn.
            for server in self.servers:
                server.close()
            for sock in sockets or []:
                sock.close()
            for server in self.servers:
                await server.wait_closed()
            if not self.force_exit:
                await self.lifespan.shutdown()

        def wake(self) -> None:
            loop, woken = self._loop, self._woken
            if loop is not None and woken is not None:
                with contextlib.suppress(RuntimeError):  # the loop has already closed: nothing to wake
                    loop.call_soon_threadsafe(woken.set)

    return PromptServer(config)


class UvicornThread:
    """Serve an ASGI app with uvicorn in a daemon thread on 127.0.0.1 (lifespan on).

    ``bind()`` reserves the port early so callers can learn the URL before the
    server is up (the runner wires the front door to the MCP server this way);
    ``start()`` waits until uvicorn reports ``started``; ``stop()`` asks it to
    exit, joins the thread and closes the socket so no listening port is left.
    """

    def __init__(self, app: Any, *, name: str = "sandbox-uvicorn") -> None:
        self.app = app
        self.name = name
        self._sock: socket.socket | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def bind(self) -> int:
        """Reserve the listening socket (idempotent); return the port."""
        if self._sock is None:
            self._sock = bind_loopback()
        return int(self._sock.getsockname()[1])

    @property
    def port(self) -> int:
        return self.bind()

    def start(self, timeout: float = READY_TIMEOUT) -> int:
        """Start serving and block until ready; return the port."""
        import uvicorn

        port = self.bind()
        config = uvicorn.Config(
            self.app,
            log_config=quiet_logging_config(),
            lifespan="on",
            # Idle connections do not hold up stop(): a graceful shutdown closes them at once.
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            timeout_graceful_shutdown=1,
        )
        self._server = _prompt_server(config)
        # uvicorn installs signal handlers only in the main thread; a thread is safe.
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name=self.name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise SandboxError(_("{name} exited during start-up").format(name=self.name))
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxError(
                    _("{name} did not start within {seconds} s").format(name=self.name, seconds=f"{timeout:.0f}")
                )
            time.sleep(0.005)
        return port

    def stop(self) -> None:
        """Stop serving; idempotent. Leaves no thread and no listening socket behind."""
        if self._server is not None:
            self._server.should_exit = True
            self._server.wake()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
            if self._thread.is_alive() and self._server is not None:
                # Connections still open after the graceful period: force it.
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._server = None


logger = logging.getLogger("tui.sandbox")
