"""Round 18's healthy servers: real ``mcp`` 2.x ``MCPServer`` apps built the ways users build them, served by uvicorn.

Each builder returns an ASGI app; ``serving(app, path)`` serves it on 127.0.0.1 and yields the URL. No fault in any of
them: every one is a set-up the SDK's own documentation shows or that users run (sources in the test module).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from tui.sandbox._net import LOOPBACK, UvicornThread
from tui.sandbox.mcp_server import build_server, quiet_mcpserver

LONG_DESCRIPTION = (
    "Look up one record in the inventory and return it with its history. "
    "The record is found by its identifier; when several match, the newest wins. "
) * 12
"""About 1.8 KB of text: descriptions this long are common in generated tool sets (OpenAPI bridges)."""


@contextlib.contextmanager
def serving(app: Any, path: str = "/mcp") -> Iterator[str]:
    server = UvicornThread(app, name="healthy-round18")
    port = server.start()
    try:
        yield f"http://{LOOPBACK}:{port}{path}"
    finally:
        server.stop()


def prefixed_app(prefix: str = "/api/v1", *, stateless: bool = False, json_response: bool = True) -> Any:
    """The sample server mounted under ``prefix`` in a bigger Starlette app (the python-sdk README's "mounting"
    example, with the lifespan that runs the session manager): the MCP endpoint is ``<prefix>/mcp``."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Mount, Route

    mcp = build_server()
    inner = mcp.streamable_http_app(stateless_http=stateless, json_response=json_response, host="0.0.0.0")

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        async with mcp.session_manager.run():
            yield

    async def health(request: Any) -> Any:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/health", health), Mount(prefix, app=inner)], lifespan=lifespan)


def protected_app(*, stateless: bool = False, json_response: bool = False) -> Any:
    """The sample server with DNS-rebinding protection ON and the hosts/origins it is really reached by allowed
    (``TransportSecuritySettings``), as the SDK recommends for production."""
    from mcp.server.transport_security import TransportSecuritySettings

    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=["127.0.0.1:*", "localhost:*"],
        allowed_origins=["http://127.0.0.1:*", "http://localhost:*"],
    )
    return build_server().streamable_http_app(
        stateless_http=stateless, json_response=json_response, transport_security=security
    )


def many_tools_app(count: int = 200, *, json_response: bool = True) -> Any:
    """An ``MCPServer`` with ``count`` tools, each with a long description and a few typed parameters."""
    mcp = quiet_mcpserver("many-tools")
    for i in range(count):

        def lookup(record_id: str, include_history: bool = False, limit: int = 10) -> str:
            return record_id

        mcp.add_tool(lookup, name=f"inventory_lookup_{i:03d}", description=f"{LONG_DESCRIPTION} (#{i})")
    return mcp.streamable_http_app(stateless_http=True, json_response=json_response, host="0.0.0.0")


def prompts_only_app() -> Any:
    """An ``MCPServer`` with a prompt and a resource and no tool (stateful, SSE replies)."""
    mcp = quiet_mcpserver("prompts-and-resources")

    @mcp.prompt()
    def review_code(code: str) -> str:
        """Ask for a code review."""
        return f"Please review this code:\n\n{code}"

    @mcp.resource("config://app")
    def config() -> str:
        return "debug=false"

    return mcp.streamable_http_app(host="0.0.0.0")
