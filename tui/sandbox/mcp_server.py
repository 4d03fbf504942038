"""A real ``mcp`` 2.x ``MCPServer`` with the AgentCore sample's tools, served by uvicorn on 127.0.0.1.

Every transport mode (stateless|stateful × SSE|JSON responses) and these fault switches:

* ``host-protection`` – build the app with the SDK default ``host="127.0.0.1"``, which turns
  DNS-rebinding protection on; any request whose ``Host`` is not 127.0.0.1/localhost
  (e.g. through the AgentCore front door) gets ``421 Invalid Host header``.
  Healthy builds use ``host="0.0.0.0"`` like the sample.
* ``tool-raises`` – adds the tool ``raise_error`` whose body raises; the SDK turns it into a
  ``tools/call`` result with ``isError: true``.
* ``slow-tool`` – adds the tool ``slow_echo`` that sleeps ``slow_seconds`` before answering.
* ``drop-mid-stream`` – the connection is cut in the middle of every ``tools/call`` response
  (half of the first chunk is sent, then the socket is closed), as a crashing or
  killed container does.
* ``server-down`` – nothing ever listens: ``start()`` returns the URL of a closed port.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from tui.sandbox._asgi import json_method, read_body
from tui.sandbox._net import LOOPBACK, DeadPort, UvicornThread

if TYPE_CHECKING:
    from mcp.server import MCPServer

MCP_FAULTS: frozenset[str] = frozenset(
    {"host-protection", "tool-raises", "slow-tool", "drop-mid-stream", "server-down"}
)
SAMPLE_TOOLS = ("add_numbers", "multiply_numbers", "greet_user")
RAISING_TOOL = "raise_error"
SLOW_TOOL = "slow_echo"
RAISED_MESSAGE = "simulated failure inside the tool (sandbox fault tool-raises)"
SERVER_NAME = "mcp_server"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def quiet_mcpserver(name: str) -> MCPServer:
    """A bare ``MCPServer`` named ``name``, without the logging set-up its constructor does."""
    import mcp.server.mcpserver.server as mcpserver_module
    from mcp.server import MCPServer

    # MCPServer() calls logging.basicConfig with a Rich handler on stderr when the
    # root logger has none; in the demo that would scribble over the TUI. The
    # sandbox routes server logs itself (runner), so skip that one call.
    module_globals = vars(mcpserver_module)  # configure_logging is imported there, not exported
    original = module_globals["configure_logging"]
    module_globals["configure_logging"] = lambda *args, **kwargs: None
    try:
        return MCPServer(name, version="1.0.0")
    finally:
        module_globals["configure_logging"] = original


def build_server(faults: frozenset[str] = frozenset(), slow_seconds: float = 3.0) -> Any:
    """The sample's ``MCPServer`` (tools add_numbers, multiply_numbers, greet_user) plus fault tools."""
    mcp = quiet_mcpserver(SERVER_NAME)

    @mcp.tool()
    def add_numbers(a: int, b: int) -> int:
        """Add two numbers together"""
        return a + b

    @mcp.tool()
    def multiply_numbers(a: int, b: int) -> int:
        """Multiply two numbers together"""
        return a * b

    @mcp.tool()
    def greet_user(name: str) -> str:
        """Greet a user by name"""
        return f"Hello, {name}! Nice to meet you."

    if "tool-raises" in faults:

        @mcp.tool(name=RAISING_TOOL)
        def raise_error(message: str = "boom") -> str:
            """A tool whose implementation raises (sandbox fault)."""
            raise RuntimeError(f"{RAISED_MESSAGE}: {message}")

    if "slow-tool" in faults:

        @mcp.tool(name=SLOW_TOOL)
        async def slow_echo(text: str = "slow") -> str:
            """Echo the text after a long pause (sandbox fault)."""
            await asyncio.sleep(slow_seconds)
            return text

    return mcp


class DropMidStream:
    """ASGI wrapper that cuts the connection in the middle of ``tools/call`` responses.

    It lets the headers and half of the first body chunk through, swallows the
    rest, then raises so uvicorn aborts the socket: the client sees a truncated
    SSE event / JSON body and "peer closed connection", the way a dying container looks.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        body, replay = await read_body(receive)
        is_call = json_method(body) == "tools/call"
        if not is_call:
            await self.app(scope, replay, send)
            return
        cut = False

        async def cutting_send(message: Message) -> None:
            nonlocal cut
            if cut:
                return
            if message["type"] == "http.response.start":
                # Drop content-length so the half body is not "complete".
                message = dict(message)
                message["headers"] = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
                await send(message)
            elif message["type"] == "http.response.body" and message.get("body"):
                data = message["body"]
                await send({"type": "http.response.body", "body": data[: max(1, len(data) // 2)], "more_body": True})
                cut = True

        await self.app(scope, replay, cutting_send)
        if cut:
            raise ConnectionAbortedError("sandbox fault drop-mid-stream: connection dropped mid-response")


def build_app(
    *,
    stateless: bool = True,
    json_response: bool = False,
    faults: frozenset[str] = frozenset(),
    slow_seconds: float = 3.0,
) -> Any:
    """The Starlette app for one mode and fault set (a fresh app per server: the session manager runs once)."""
    mcp = build_server(faults, slow_seconds)
    # "0.0.0.0" (as in the sample) leaves Host/Origin checks off; the SDK default
    # "127.0.0.1" turns DNS-rebinding protection on (mcp-endpoint.md §2.4).
    host = "127.0.0.1" if "host-protection" in faults else "0.0.0.0"
    app = mcp.streamable_http_app(stateless_http=stateless, json_response=json_response, host=host)
    return DropMidStream(app) if "drop-mid-stream" in faults else app


class McpServerSandbox:
    """The sample MCP server on ``http://127.0.0.1:<free port>/mcp`` in a uvicorn thread.

    >>> with McpServerSandbox(stateless=False, json_response=True) as srv:
    ...     srv.url  # 'http://127.0.0.1:40123/mcp'
    """

    def __init__(
        self,
        stateless: bool = True,
        json_response: bool = False,
        faults: frozenset[str] = frozenset(),
        *,
        slow_seconds: float = 3.0,
    ) -> None:
        unknown = frozenset(faults) - MCP_FAULTS
        if unknown:
            raise ValueError(f"unknown MCP server fault(s) {sorted(unknown)}; known: {sorted(MCP_FAULTS)}")
        self.stateless = stateless
        self.json_response = json_response
        self.faults = frozenset(faults)
        self.slow_seconds = slow_seconds
        self.url: str | None = None
        self._thread: UvicornThread | None = None
        self._port: int | None = None
        self._dead: DeadPort | None = None

    def reserve(self) -> str:
        """Fix the port (and so the URL) before starting, so others can be wired to it concurrently."""
        if self._port is None:
            if "server-down" in self.faults:
                self._dead = DeadPort()  # held until stop(): no other server may take the port meanwhile
                self._port = self._dead.port
            else:
                # The app is built in start(): building imports mcp (the slow part) and the
                # caller may want the URL before paying for that.
                self._thread = UvicornThread(None, name="sandbox-mcp-server")
                self._port = self._thread.bind()
        return f"http://{LOOPBACK}:{self._port}/mcp"

    def start(self) -> str:
        """Start serving and return the URL ending in ``/mcp`` (with ``server-down``: a URL nobody answers)."""
        url = self.reserve()
        if self._thread is not None and self.url is None:
            self._thread.app = build_app(
                stateless=self.stateless,
                json_response=self.json_response,
                faults=self.faults,
                slow_seconds=self.slow_seconds,
            )
            self._thread.start()
        self.url = url
        return url

    def stop(self) -> None:
        """Stop serving; idempotent."""
        if self._thread is not None:
            self._thread.stop()
            self._thread = None
        if self._dead is not None:
            self._dead.close()
            self._dead = None
        self._port = None
        self.url = None

    def __enter__(self) -> McpServerSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = [
    "MCP_FAULTS",
    "RAISED_MESSAGE",
    "RAISING_TOOL",
    "SAMPLE_TOOLS",
    "SLOW_TOOL",
    "McpServerSandbox",
    "build_app",
    "build_server",
]
