"""Small real servers that misbehave the way things in front of an MCP endpoint do.

Faults the MCP server sandbox does not cover, each a tiny ASGI app served by
uvicorn on 127.0.0.1 (or, for TCP-level faults, a raw asyncio socket server):

* ``html-login``     – every path redirects to ``/login``, an HTML sign-in page (an SSO proxy in front)
* ``sse-silent``     – 200 ``text/event-stream`` and then nothing, forever
* ``huge-body``      – 200 ``application/json`` streaming 10 MB of JSON-ish bytes
* ``redirect-loop``  – ``/mcp`` → ``/mcp/`` → ``/mcp`` …
* ``not-found``      – 404 ``text/plain`` ``Not Found`` for everything
* ``slow``           – answers only after ``delay`` seconds
* ``reset``          – raw TCP: accepts and resets the connection without a response
* ``cut-body``       – raw TCP: sends SSE headers and half an event, then resets

Hostile endpoints (the attack matrix of the hardening issue):

* ``no-headers``        – raw TCP: ``HTTP/1.1 200 OK`` with no header at all, a JSON-RPC body, then close
* ``drip``              – 200 ``application/json``, one byte per second, forever
* ``gzip-bomb``         – 200 ``Content-Encoding: gzip``: 64 KB on the wire, 64 MB inflated
* ``huge-body``         – (``size=`` 100 MB) as above
* ``infinite-sse``      – 200 ``text/event-stream`` with notification events forever, never the response
* ``huge-sse-line``     – 200 ``text/event-stream``: ``data:`` and then 100 MB without a line end
* ``invalid-json``      – 200 ``application/json`` that is not JSON (quoting the request's Authorization header)
* ``wrong-id``          – a well-formed JSON-RPC result for another request id
* ``old-protocol``      – refuses the protocol version offered (``style=`` ``rpc-error`` or ``http-400``)
* ``redirect``          – 307 to ``location=`` (another origin; a metadata address)
* ``metadata``          – a metadata-service-shaped credentials answer; ``hits=`` (a list) records each request
* ``many-headers``      – 1,000 response headers
* ``reflect-token``     – a JSON-RPC error whose message and a header echo the Authorization header
* ``throttle``          – 429 ``Retry-After: 30`` whose body never finishes

Real servers answering what they should not:

* ``answers-version``   – the sandbox's real ``mcp`` server (JSON replies) whose ``initialize`` answer names
  ``version=`` as its protocol version, as a gateway rewriting it or a server on a revision clients do not speak
* ``mounted``           – the real sample server mounted in a Starlette app at ``/mcp`` (``Mount``, as FastAPI users
  do); ``inner_path=`` is the app's ``streamable_http_path``: ``/mcp`` (the default) puts the endpoint at
  ``/mcp/mcp``, ``/`` at ``/mcp/``. Either way ``/mcp`` answers 307 to ``/mcp/``
* ``proxy-error``       – an nginx reverse proxy whose upstream is down: ``status=`` 502/503/504 with nginx's HTML page

Healthy servers that are easy to mistake for broken ones (tools are optional in MCP):

* ``zero-tools``        – a real ``MCPServer`` with one resource and no tool: declares ``tools``, lists none
* ``no-tools``          – a real low-level ``mcp`` ``Server`` with only a resources handler: no ``tools`` capability,
  so ``tools/list`` and ``tools/call`` answer JSON-RPC -32601 "Method not found"
* ``paginated-tools``   – a real low-level ``mcp`` ``Server`` whose ``tools/list`` answers ``pages=`` pages of
  ``per_page=`` tools linked by ``nextCursor`` (``pages=0``: a cursor on every page, forever)
* ``log-before-reply``  – a real low-level ``mcp`` ``Server`` (stateful, SSE replies) that sends a
  ``notifications/message`` log notification on the request's stream before every tools/list and tools/call answer

Real servers that declare tools and do not serve them:

* ``tools-not-served``  – a real low-level ``mcp`` ``Server`` whose initialize declares ``tools`` and whose
  ``tools/list`` answers JSON-RPC ``code=`` (-32601 "Method not found" or -32603 "Internal error")
* ``bad-tools-list``    – the real sample server (JSON replies) whose ``tools/list`` result is rewritten to be
  schema-invalid: ``shape=`` ``missing`` (no ``tools`` member), ``not-list`` (``tools`` an object), ``no-name`` (a
  tool without ``name``) or ``no-schema`` (a tool without ``inputSchema``)

A real reverse proxy in front of a real server:

* ``gateway``           – relays every request over HTTP to ``upstream=`` (an ``http://`` URL, e.g. the sandbox's
  MCP server) and answers as nginx does when the upstream fails: 502 Bad Gateway when it refuses the connection
  (the server is down), 504 Gateway Time-out when it accepts but does not answer within ``read_timeout=``
  seconds (the server hangs); with ``retry_after=`` seconds, an upstream that refuses is a 503 maintenance page
  carrying ``Retry-After`` instead
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tui.sandbox._asgi import json_method, read_body, rewriting
from tui.sandbox._net import LOOPBACK, UvicornThread, bind_loopback

TEN_MB = 10 * 1024 * 1024


async def _drain(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def _send_simple(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def html_login_app() -> Any:
    page = (
        b"<!DOCTYPE html><html><head><title>Sign in - Corporate SSO</title></head><body>"
        b"<h1>Sign in</h1><form method='post' action='/login'><input name='username'>"
        b"<input type='password' name='password'><button>Sign in</button></form></body></html>"
    )

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        if scope["path"] == "/login":
            await _send_simple(send, 200, page, [(b"content-type", b"text/html; charset=utf-8")])
        else:
            await _send_simple(send, 302, b"", [(b"location", b"/login?next=" + scope["path"].encode())])

    return app


def sse_silent_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")],
            }
        )
        await send({"type": "http.response.body", "body": b"", "more_body": True})
        while True:  # never an event; end when the client goes away
            message = await receive()
            if message["type"] == "http.disconnect":
                return

    return app


def huge_body_app(size: int = TEN_MB) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        chunk = b'{"padding":"' + b"x" * (64 * 1024) + b'"}\n'
        sent = 0
        try:
            while sent < size:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent += len(chunk)
            await send({"type": "http.response.body", "body": b""})
        except OSError:
            return

    return app


def redirect_loop_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        target = b"/mcp/" if scope["path"] == "/mcp" else b"/mcp"
        await _send_simple(send, 307, b"", [(b"location", target)])

    return app


def not_found_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await _send_simple(send, 404, b"Not Found", [(b"content-type", b"text/plain; charset=utf-8")])

    return app


def slow_app(delay: float = 30.0) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:
            return
        await _send_simple(send, 200, b'{"jsonrpc":"2.0","id":1,"result":{}}', [(b"content-type", b"application/json")])

    return app


def _authorization(scope: Any) -> bytes:
    return next((v for k, v in scope.get("headers", []) if k == b"authorization"), b"")


async def _until_disconnect(receive: Any) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def drip_app(interval: float = 1.0) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        try:
            for byte in b'{"jsonrpc":"2.0","id":1,"result":{' + b" " * 1_000_000:
                await send({"type": "http.response.body", "body": bytes([byte]), "more_body": True})
                await asyncio.sleep(interval)
        except (OSError, asyncio.CancelledError):
            return

    return app


def gzip_bomb_app(inflated: int = 64 * 1024 * 1024) -> Any:
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    bomb = b"".join(compressor.compress(block) for _ in range(inflated // len(block))) + compressor.flush()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        headers = [(b"content-type", b"application/json"), (b"content-encoding", b"gzip")]
        await _send_simple(send, 200, bomb, headers)

    return app


def infinite_sse_app() -> Any:
    event = b'event: message\r\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"tick"}}\r\n\r\n'

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        try:
            while True:
                await send({"type": "http.response.body", "body": event * 64, "more_body": True})
                await asyncio.sleep(0.01)
        except (OSError, asyncio.CancelledError):
            return

    return app


def huge_sse_line_app(size: int = 100 * 1024 * 1024, stall: bool = False) -> Any:
    """``data:`` and ``size`` bytes without a line end; ``stall``: then nothing more (the stream stays open)."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        chunk = b"x" * (256 * 1024)
        try:
            await send({"type": "http.response.body", "body": b"event: message\r\ndata: ", "more_body": True})
            for _ in range(size // len(chunk)):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if stall:
                await _until_disconnect(receive)
                return
            await send({"type": "http.response.body", "body": b"\r\n\r\n"})
        except (OSError, asyncio.CancelledError):
            return

    return app


def invalid_json_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        body = b'{"jsonrpc": "2.0", "id": 1, "result": {"debug": "' + _authorization(scope) + b'", oops'
        await _send_simple(send, 200, body, [(b"content-type", b"application/json")])

    return app


def wrong_id_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        body = b'{"jsonrpc":"2.0","id":424242,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"x","version":"1"}}}'
        await _send_simple(send, 200, body, [(b"content-type", b"application/json")])

    return app


def old_protocol_app(style: str = "rpc-error") -> Any:
    """A server that refuses the protocol version it is offered instead of negotiating: ``rpc-error`` answers
    ``initialize`` with a JSON-RPC -32602 naming the version (a strict gateway); ``http-400`` answers every POST with
    the 400 a TypeScript SDK 1.x server gives a version it does not know."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks: list[bytes] = []
        while sum(map(len, chunks)) < 65536:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        try:
            request = json.loads(b"".join(chunks)[:65536])
            request_id, offered = request.get("id"), str(request["params"]["protocolVersion"])[:40]
        except (ValueError, KeyError, TypeError, AttributeError):
            request_id, offered = None, "?"
        if style == "http-400":
            text = "Bad Request: Unsupported protocol version (supported versions: 2025-06-18, 2025-03-26, 2024-11-05)"
            body = json.dumps({"jsonrpc": "2.0", "error": {"code": -32000, "message": text}, "id": None})
            await _send_simple(send, 400, body.encode(), [(b"content-type", b"application/json")])
            return
        error = {"code": -32602, "message": f"unsupported protocol version: {offered}"}
        body = json.dumps({"jsonrpc": "2.0", "id": request_id, "error": error})
        await _send_simple(send, 200, body.encode(), [(b"content-type", b"application/json")])

    return app


def redirect_app(location: str = "http://169.254.169.254/latest/meta-data/iam/security-credentials/role") -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await _send_simple(send, 307, b"", [(b"location", location.encode())])

    return app


METADATA_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLESECRET"
"""The secret access key the ``metadata`` fault hands out: must never appear in any output."""


def metadata_app(hits: list[str] | None = None) -> Any:
    answer = (
        b'{"Code" : "Success", "Type" : "AWS-HMAC", "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey" : "'
        + METADATA_SECRET.encode()
        + b'", "Token" : "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDtoken", "Expiration" : "2026-12-01T00:00:00Z"}'
    )

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        if hits is not None:
            hits.append(f"{scope['method']} {scope['path']}")
        await _send_simple(send, 200, answer, [(b"content-type", b"application/json")])

    return app


def many_headers_app(count: int = 1000) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        headers = [(b"content-type", b"application/json")] + [
            (f"x-filler-{i}".encode(), b"v" * 40) for i in range(count)
        ]
        await _send_simple(send, 200, b'{"jsonrpc":"2.0","id":1,"result":{}}', headers)

    return app


def reflect_token_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        auth = _authorization(scope)
        body = b'{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"token not accepted: ' + auth + b'"}}'
        headers = [(b"content-type", b"application/json"), (b"x-debug-authorization", auth or b"none")]
        await _send_simple(send, 400, body, headers)

    return app


def throttle_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        headers = [(b"content-type", b"application/json"), (b"retry-after", b"30"), (b"content-length", b"200")]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"message": "Too Many', "more_body": True})
        await _until_disconnect(receive)  # the rest of the answer never comes

    return app


def answers_version_app(version: str = "2026-07-28") -> Any:
    """The real sample server (stateless, JSON replies); ``protocolVersion`` in every initialize answer becomes
    ``version``. Everything else (tools/list, tools/call, the headers) is the real server's."""
    from tui.sandbox.mcp_server import build_app

    inner = build_app(stateless=True, json_response=True)
    wanted = json.dumps(version).encode()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        await inner(
            scope,
            receive,
            rewriting(
                send, lambda body: body.replace(b'"protocolVersion":"2025-11-25"', b'"protocolVersion":' + wanted)
            ),
        )

    return app


def mounted_app(inner_path: str = "/mcp") -> Any:
    import contextlib

    from starlette.applications import Starlette
    from starlette.routing import Mount

    from tui.sandbox.mcp_server import build_server

    mcp = build_server()
    inner = mcp.streamable_http_app(stateless_http=True, host="0.0.0.0", streamable_http_path=inner_path)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        async with mcp.session_manager.run():
            yield

    return Starlette(routes=[Mount("/mcp", app=inner)], lifespan=lifespan)


def zero_tools_app() -> Any:
    """A real ``MCPServer`` (stateless, SSE replies) with a resource and no tool: ``tools`` is declared (MCPServer
    always declares it), ``tools/list`` answers an empty list."""
    from tui.sandbox.mcp_server import quiet_mcpserver

    mcp = quiet_mcpserver("resources-only")

    @mcp.resource("notes://readme")
    def readme() -> str:
        return "a server with resources and no tools"

    return mcp.streamable_http_app(stateless_http=True, host="0.0.0.0")


def no_tools_app() -> Any:
    """A real low-level ``mcp`` ``Server`` with only ``resources/list`` (stateful, SSE replies): its initialize
    answer has no ``tools`` capability and ``tools/list`` / ``tools/call`` answer -32601 "Method not found"."""
    import mcp_types as types
    from mcp.server.lowlevel import Server

    async def list_resources(ctx: Any, params: Any) -> Any:
        return types.ListResourcesResult(resources=[types.Resource(uri="notes://readme", name="readme")])

    server: Any = Server("resources-only-lowlevel", version="1.0.0", on_list_resources=list_resources)
    return server.streamable_http_app(host="0.0.0.0")


def _tool(name: str) -> Any:
    import mcp_types as types

    return types.Tool(name=name, description=f"sandbox tool {name}", input_schema={"type": "object", "properties": {}})


def paginated_tools_app(pages: int = 3, per_page: int = 2) -> Any:
    """A real low-level ``mcp`` ``Server`` (stateful, SSE replies) listing ``pages`` × ``per_page`` tools
    (``page1_tool1`` …), one page per ``tools/list``, linked by ``nextCursor`` ``"page-<n>"``. ``pages=0``: every
    page carries a next cursor, forever (a server paging wrongly)."""
    import mcp_types as types
    from mcp.server.lowlevel import Server

    async def list_tools(ctx: Any, params: Any) -> Any:
        cursor = getattr(params, "cursor", None) if params is not None else None
        page = int(cursor.removeprefix("page-")) if cursor and cursor.startswith("page-") else 1
        tools = [_tool(f"page{page}_tool{i}") for i in range(1, per_page + 1)]
        more = pages == 0 or page < pages
        return types.ListToolsResult(tools=tools, next_cursor=f"page-{page + 1}" if more else None)

    server: Any = Server("paginated-tools", version="1.0.0", on_list_tools=list_tools)
    return server.streamable_http_app(host="0.0.0.0")


def tools_not_served_app(code: int = -32601) -> Any:
    """A real low-level ``mcp`` ``Server`` (stateful, SSE replies): a ``tools/list`` handler is registered, so the
    initialize answer declares ``tools``, but the handler answers JSON-RPC ``code`` (-32601 or -32603)."""
    from mcp.server.lowlevel import Server
    from mcp.shared.exceptions import MCPError

    message = {-32601: "Method not found", -32603: "Internal error"}.get(code, "Error")

    async def list_tools(ctx: Any, params: Any) -> Any:
        raise MCPError(code, message)

    server: Any = Server("tools-not-served", version="1.0.0", on_list_tools=list_tools)
    return server.streamable_http_app(host="0.0.0.0")


BAD_TOOLS_SHAPES = ("missing", "not-list", "no-name", "no-schema")


def bad_tools_list_app(shape: str = "missing") -> Any:
    """The real sample server (stateless, JSON replies) whose ``tools/list`` result is rewritten to ``shape``;
    initialize, tools/call and the headers are the real server's."""
    from tui.sandbox.mcp_server import build_app

    if shape not in BAD_TOOLS_SHAPES:
        raise ValueError(f"shape must be one of {BAD_TOOLS_SHAPES}")
    inner = build_app(stateless=True, json_response=True)

    def rewrite(body: bytes) -> bytes:
        try:
            reply = json.loads(body)
        except ValueError:
            return body
        result = reply.get("result") if isinstance(reply, dict) else None
        if not isinstance(result, dict) or not isinstance(result.get("tools"), list):
            return body
        if shape == "missing":
            del result["tools"]
        elif shape == "not-list":
            result["tools"] = {t["name"]: t for t in result["tools"]}
        elif shape == "no-name":
            result["tools"][0].pop("name", None)
        else:
            result["tools"][0].pop("inputSchema", None)
        return json.dumps(reply).encode()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await inner(scope, receive, send)
            return
        body, replay = await read_body(receive)
        if json_method(body) != "tools/list":
            await inner(scope, replay, send)
            return
        await inner(scope, replay, rewriting(send, rewrite))

    return app


LOG_LINE = "sandbox log line sent before the answer"


def log_before_reply_app() -> Any:
    """A real low-level ``mcp`` ``Server`` (stateful, SSE replies) with two tools; its tools/list and tools/call
    handlers first send a ``notifications/message`` (level info) on the request's own stream, then answer."""
    import mcp_types as types
    from mcp.server.lowlevel import Server

    async def log(ctx: Any) -> None:
        await ctx.session.send_log_message("info", LOG_LINE, logger="sandbox", related_request_id=ctx.request_id)

    async def list_tools(ctx: Any, params: Any) -> Any:
        await log(ctx)
        return types.ListToolsResult(tools=[_tool("echo"), _tool("noop")])

    async def call_tool(ctx: Any, params: Any) -> Any:
        await log(ctx)
        return types.CallToolResult(content=[types.TextContent(type="text", text=params.name)])

    server: Any = Server("log-before-reply", version="1.0.0", on_list_tools=list_tools, on_call_tool=call_tool)
    return server.streamable_http_app(host="0.0.0.0")


NGINX_REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


def proxy_error_app(status: int = 502) -> Any:
    reason = NGINX_REASONS[status]
    page = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1>"
        "</center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
    ).encode()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        await _send_simple(send, status, page, [(b"content-type", b"text/html"), (b"server", b"nginx/1.25.3")])

    return app


HOP_BY_HOP = frozenset({"host", "connection", "keep-alive", "content-length", "transfer-encoding", "upgrade"})
"""Headers a proxy does not pass on: they describe one connection, not the message."""


def _nginx_page(status: int) -> bytes:
    reason = NGINX_REASONS[status]
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1>"
        "</center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
    ).encode()


def gateway_app(upstream: str, read_timeout: float = 10.0, retry_after: int | None = None) -> Any:
    from tui.sandbox.relay import Upstream, UpstreamUnreachable

    relays: list[Upstream] = []  # made on the serving loop: its connections belong to that loop

    async def answer_page(send: Any, status: int, extra: list[tuple[bytes, bytes]]) -> None:
        headers = [(b"content-type", b"text/html"), (b"server", b"nginx/1.25.3"), *extra]
        await _send_simple(send, status, _nginx_page(status), headers)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        if not relays:
            relays.append(Upstream(upstream, connect_timeout=1.0, read_timeout=read_timeout, keepalive_expiry=2.0))
        relay = relays[0]
        headers = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in HOP_BY_HOP
        }
        headers["host"] = f"{relay.host}:{relay.port}"  # nginx's default: Host $proxy_host
        try:
            answer = await relay.send(scope["method"], headers, body)
        except UpstreamUnreachable:
            if retry_after is None:
                await answer_page(send, 502, [])
            else:
                await answer_page(send, 503, [(b"retry-after", str(retry_after).encode())])
            return
        except TimeoutError:
            await answer_page(send, 504, [])
            return
        out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items() if k not in HOP_BY_HOP]
        await send({"type": "http.response.start", "status": answer.status_code, "headers": out})
        try:
            async for chunk in answer.chunks():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await answer.aclose()
        await send({"type": "http.response.body", "body": b""})

    return app


ASGI_FAULTS: dict[str, Callable[..., Any]] = {
    "html-login": html_login_app,
    "sse-silent": sse_silent_app,
    "huge-body": huge_body_app,
    "redirect-loop": redirect_loop_app,
    "not-found": not_found_app,
    "slow": slow_app,
    "drip": drip_app,
    "gzip-bomb": gzip_bomb_app,
    "infinite-sse": infinite_sse_app,
    "huge-sse-line": huge_sse_line_app,
    "invalid-json": invalid_json_app,
    "wrong-id": wrong_id_app,
    "old-protocol": old_protocol_app,
    "redirect": redirect_app,
    "metadata": metadata_app,
    "many-headers": many_headers_app,
    "reflect-token": reflect_token_app,
    "throttle": throttle_app,
    "answers-version": answers_version_app,
    "mounted": mounted_app,
    "proxy-error": proxy_error_app,
    "zero-tools": zero_tools_app,
    "no-tools": no_tools_app,
    "paginated-tools": paginated_tools_app,
    "tools-not-served": tools_not_served_app,
    "bad-tools-list": bad_tools_list_app,
    "log-before-reply": log_before_reply_app,
    "gateway": gateway_app,
}


class RawTcpFault:
    """A raw TCP server on 127.0.0.1 for faults below HTTP: ``reset``, ``cut-body`` and ``no-headers``."""

    def __init__(self, kind: str) -> None:
        if kind not in ("reset", "cut-body", "no-headers"):
            raise ValueError(kind)
        self.kind = kind
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        self._sock = bind_loopback()
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, name=f"fault-{self.kind}", daemon=True)
        self._thread.start()
        return int(self._sock.getsockname()[1])

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(2)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            if self.kind == "no-headers":
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(body) < length and (more := conn.recv(65536)):
                    body += more  # read the whole request, so closing sends FIN, not RST
                conn.sendall(b'HTTP/1.1 200 OK\r\n\r\n{"jsonrpc":"2.0","id":1,"result":{}}')
                conn.shutdown(socket.SHUT_WR)
                return
            if self.kind == "cut-body":
                part = b'event: message\r\ndata: {"jsonrpc":"2.0","id":1,"res'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                    + f"{len(part):x}\r\n".encode()
                    + part
                    + b"\r\n"
                )
                time.sleep(0.05)
            # SO_LINGER 0: close sends RST, like a crashed process or a proxy cutting the line.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self._sock is not None:
            self._sock.close()
            self._sock = None


@contextmanager
def misbehaving(kind: str, path: str = "/mcp", **kwargs: Any) -> Iterator[str]:
    """Serve one fault on 127.0.0.1; yields the URL to probe (``http://127.0.0.1:PORT/mcp``)."""
    if kind in ASGI_FAULTS:
        server = UvicornThread(ASGI_FAULTS[kind](**kwargs), name=f"fault-{kind}")
        port = server.start()
        try:
            yield f"http://{LOOPBACK}:{port}{path}"
        finally:
            server.stop()
    else:
        raw = RawTcpFault(kind)
        port = raw.start()
        try:
            yield f"http://{LOOPBACK}:{port}{path}"
        finally:
            raw.stop()


@contextmanager
def tls_endpoint(certfile: str, keyfile: str, path: str = "/mcp") -> Iterator[int]:
    """A TLS listener on 127.0.0.1 with the given certificate: completes handshakes, answers 404 to anything.

    Yields the port; for certificate tests (self-signed, wrong host name, expired, untrusted CA).
    """
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    sock = bind_loopback()
    sock.listen(16)
    sock.settimeout(0.1)
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        try:
            conn.settimeout(2)
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(65536)
                tls.sendall(
                    b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 9\r\nconnection: close\r\n\r\nNot Found"
                )
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, name="fault-tls", daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        sock.close()
