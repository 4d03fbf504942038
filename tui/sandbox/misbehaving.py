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

Legitimate server variations (healthy set-ups that must stay green) and the faults next to them:

* ``sse-dialect``       – the real sample server (SSE replies) whose events are written in another legal SSE
  dialect: ``line_end=`` ``crlf`` / ``lf`` / ``cr``, a ``: ping`` comment, ``retry:`` and ``id:`` before the data,
  ``Content-Type: text/event-stream; charset=utf-8``; ``multiline=True`` spreads each JSON-RPC message over several
  ``data:`` lines (pretty-printed JSON, which the SSE spec joins with ``\\n``)
* ``json-gzip``         – the real sample server (JSON replies) behind Starlette's ``GZipMiddleware``: bodies come
  ``Content-Encoding: gzip`` (to clients that accept it) as ``application/json; charset=utf-8``
* ``requires-protocol-version`` – the real sample server (``stateless=``, ``json_response=``) behind a check that
  answers 400 to every request but ``initialize`` that lacks a known ``MCP-Protocol-Version`` header (spec
  2025-06-18+: clients must send it after initialize)
* ``extra-tool-fields`` – the real sample server (JSON replies) whose tools carry the optional and unknown fields a
  newer server may send: ``title``, ``icons``, ``annotations``, ``outputSchema``, ``_meta`` and a vendor extension
* ``bad-sse-event``     – the real sample server (SSE replies) except for ``method=`` (every request when None),
  answered with an SSE stream whose only event is ``shape=`` ``error-event`` (``event: error`` with a JSON body) or
  ``not-json`` (``data: Internal Server Error``)
* ``jsonrpc-version``   – the real sample server (JSON replies) whose answers to ``method=`` (every request when None)
  carry ``"jsonrpc": version=`` (``"1.0"``), or no ``jsonrpc`` member with ``version=None``
* ``ts-sdk``            – a real server built with the official TypeScript SDK (``@modelcontextprotocol/sdk``'s
  ``StreamableHTTPServerTransport`` on ``node:http``, the sample's three tools), run by ``node`` as a subprocess;
  ``stateless=``, ``json_response=``. ``ts_sdk_missing()`` says why it cannot run here (no node, no package)
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

from tui.sandbox._asgi import json_method, read_body, rewriting, rewriting_answers
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
                # Eight events every 50 ms: a stream that never ends, without keeping the client's parser (the
                # official SDK validates every notification) and the server busy for the whole timeout.
                await send({"type": "http.response.body", "body": event * 8, "more_body": True})
                await asyncio.sleep(0.05)
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


def tools_result_rewrite(change: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    """A body rewrite that hands a JSON tools/list result (with its ``tools`` list) to ``change``, in place; any other
    body passes unchanged."""

    def rewrite(body: bytes) -> bytes:
        try:
            reply = json.loads(body)
        except ValueError:
            return body
        result = reply.get("result") if isinstance(reply, dict) else None
        if not isinstance(result, dict) or not isinstance(result.get("tools"), list):
            return body
        change(result)
        return json.dumps(reply).encode()

    return rewrite


def bad_tools_list_app(shape: str = "missing") -> Any:
    """The real sample server (stateless, JSON replies) whose ``tools/list`` result is rewritten to ``shape``;
    initialize, tools/call and the headers are the real server's."""
    from tui.sandbox.mcp_server import build_app

    if shape not in BAD_TOOLS_SHAPES:
        raise ValueError(f"shape must be one of {BAD_TOOLS_SHAPES}")
    inner = build_app(stateless=True, json_response=True)

    def change(result: dict[str, Any]) -> None:
        if shape == "missing":
            del result["tools"]
        elif shape == "not-list":
            result["tools"] = {t["name"]: t for t in result["tools"]}
        elif shape == "no-name":
            result["tools"][0].pop("name", None)
        else:
            result["tools"][0].pop("inputSchema", None)

    return rewriting_answers(inner, tools_result_rewrite(change))


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


SSE_LINE_ENDS = {"crlf": "\r\n", "lf": "\n", "cr": "\r"}


def _sse_fields(block: str) -> list[tuple[str, str]]:
    """The ``(field, value)`` lines of one SSE event as the mcp server writes it (no comments, single lines)."""
    fields = []
    for line in block.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line and not line.startswith(":"):
            name, _, value = line.partition(":")
            fields.append((name, value[1:] if value.startswith(" ") else value))
    return fields


def _redialect(send: Any, line_end: str, multiline: bool) -> Any:
    """A ``send`` that re-writes an SSE response's events, one by one as they come (a stream may stay open)."""
    counter = iter(range(1, 1 << 30))
    pending = ""
    streaming = False

    def rewrite(block: str) -> str:
        out = [": ping", "retry: 3000", f"id: {next(counter)}"]
        for name, value in _sse_fields(block):
            if name == "data" and multiline and value.strip():
                try:
                    value = json.dumps(json.loads(value), indent=1)
                except ValueError:
                    pass
                out.extend(f"data: {part}" for part in value.split("\n"))
            elif name != "id":
                out.append(f"{name}: {value}")
        return line_end.join(out) + line_end * 2

    async def dialect_send(message: Any) -> None:
        nonlocal pending, streaming
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            streaming = any(k.lower() == b"content-type" and v.startswith(b"text/event-stream") for k, v in headers)
            if streaming:
                headers = [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-length")]
                headers.append((b"content-type", b"text/event-stream; charset=utf-8"))
            await send({**message, "headers": headers})
            return
        if not streaming or message["type"] != "http.response.body":
            await send(message)
            return
        pending += message.get("body", b"").decode("utf-8")
        normalised = pending.replace("\r\n", "\n")
        *complete, pending = normalised.split("\n\n")
        body = "".join(rewrite(block) for block in complete if _sse_fields(block))
        if not message.get("more_body"):
            body += rewrite(pending) if _sse_fields(pending) else ""
            pending = ""
        await send({**message, "body": body.encode("utf-8")})

    return dialect_send


def sse_dialect_app(line_end: str = "crlf", multiline: bool = False, stateless: bool = True) -> Any:
    """The real sample server (SSE replies) with every event re-written: ``: ping``, ``retry:``, ``id:`` then the
    event's own fields, lines ended by ``line_end`` (crlf, lf or cr), ``multiline``: the data over several lines."""
    from tui.sandbox.mcp_server import build_app

    ending = SSE_LINE_ENDS[line_end]
    inner = build_app(stateless=stateless, json_response=False)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        await inner(scope, receive, _redialect(send, ending, multiline))

    return app


def json_gzip_app(stateless: bool = True, minimum_size: int = 0) -> Any:
    """The real sample server (JSON replies) behind Starlette's ``GZipMiddleware`` (``minimum_size`` 0: even a
    short initialize answer is compressed), its Content-Type ``application/json; charset=utf-8``."""
    from starlette.middleware.gzip import GZipMiddleware

    from tui.sandbox.mcp_server import build_app

    inner = build_app(stateless=stateless, json_response=True)

    async def with_charset(scope: Any, receive: Any, send: Any) -> None:
        async def charset_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (
                        k,
                        b"application/json; charset=utf-8"
                        if k.lower() == b"content-type" and v == b"application/json"
                        else v,
                    )
                    for k, v in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await inner(scope, receive, charset_send if scope["type"] == "http" else send)

    return GZipMiddleware(with_charset, minimum_size=minimum_size)


KNOWN_PROTOCOL_VERSIONS = (b"2024-11-05", b"2025-03-26", b"2025-06-18", b"2025-11-25")
PROTOCOL_HEADER_REQUIRED = "Bad Request: Missing required MCP-Protocol-Version header"


def requires_protocol_version_app(stateless: bool = False, json_response: bool = False) -> Any:
    """The real sample server; every request but ``initialize`` needs ``MCP-Protocol-Version`` with a version it
    knows, else 400 (a strict reading of the 2025-06-18 transport spec, which obliges clients to send it)."""
    from tui.sandbox.mcp_server import build_app

    inner = build_app(stateless=stateless, json_response=json_response)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        body, replay = await read_body(receive)
        if scope["method"] == "POST" and json_method(body) == "initialize":
            await inner(scope, replay, send)
            return
        version = next((v for k, v in scope["headers"] if k == b"mcp-protocol-version"), None)
        if version in KNOWN_PROTOCOL_VERSIONS:
            await inner(scope, replay, send)
            return
        message = (
            PROTOCOL_HEADER_REQUIRED
            if version is None
            else f"Bad Request: Unsupported protocol version: {version.decode('latin-1')[:40]}"
        )
        error = {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}}
        await _send_simple(send, 400, json.dumps(error).encode(), [(b"content-type", b"application/json")])

    return app


def extra_tool_fields_app() -> Any:
    """The real sample server (stateless, JSON replies) whose ``tools/list`` tools gain ``title``, ``icons``,
    ``annotations`` (with a hint no spec names), ``outputSchema``, ``_meta`` and an ``x-vendor`` member; the result
    gains ``_meta``. All of it is allowed: MCP results may carry more than the schema names."""
    from tui.sandbox.mcp_server import build_app

    inner = build_app(stateless=True, json_response=True)

    def change(result: dict[str, Any]) -> None:
        result["_meta"] = {"example.com/listed-by": "sandbox"}
        for tool in result["tools"]:
            tool["title"] = tool["name"].replace("_", " ").title()
            tool["icons"] = [{"src": "https://example.com/icon.png", "mimeType": "image/png", "sizes": ["48x48"]}]
            tool["annotations"] = {"readOnlyHint": True, "idempotentHint": True, "example.com/costly": False}
            tool.setdefault("outputSchema", {"type": "object", "properties": {"result": {}}})
            tool["_meta"] = {"example.com/owner": "team-a"}
            tool["x-vendor"] = {"rateLimit": 10}

    return rewriting_answers(inner, tools_result_rewrite(change))


BAD_SSE_SHAPES = {
    "error-event": b'event: error\r\ndata: {"error":"upstream connection lost"}\r\n\r\n',
    "not-json": b"event: message\r\ndata: Internal Server Error\r\n\r\n",
}


def bad_sse_event_app(shape: str = "error-event", method: str | None = None) -> Any:
    """The real sample server (stateless, SSE replies); requests for ``method`` (all when None) are answered
    200 ``text/event-stream`` whose only event is ``shape`` and then the stream ends."""
    from tui.sandbox.mcp_server import build_app

    event = BAD_SSE_SHAPES[shape]
    inner = build_app(stateless=True, json_response=False)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await inner(scope, receive, send)
            return
        body, replay = await read_body(receive)
        asked = json_method(body)
        is_request = b'"id"' in body
        if not is_request or (method is not None and asked != method):
            await inner(scope, replay, send)
            return
        await _send_simple(send, 200, event, [(b"content-type", b"text/event-stream")])

    return app


def jsonrpc_version_app(version: str | None = "1.0", method: str | None = None) -> Any:
    """The real sample server (stateless, JSON replies) whose answers to ``method`` (all when None) carry
    ``"jsonrpc": version``, or no ``jsonrpc`` member when ``version`` is None."""
    from tui.sandbox.mcp_server import build_app

    inner = build_app(stateless=True, json_response=True)

    def rewrite(body: bytes) -> bytes:
        try:
            reply = json.loads(body)
        except ValueError:
            return body
        if not isinstance(reply, dict):
            return body
        if version is None:
            reply.pop("jsonrpc", None)
        else:
            reply["jsonrpc"] = version
        return json.dumps(reply).encode()

    return rewriting_answers(inner, rewrite, method)


TS_SDK_DIR_ENV = "AGENTCORE_TRIAGE_TS_SDK_DIR"
"""A directory whose ``node_modules`` holds ``@modelcontextprotocol/sdk`` (and its ``zod``); default
``~/.cache/agentcore-triage/ts-sdk`` (``npm install @modelcontextprotocol/sdk`` there)."""
TS_SDK_READY_TIMEOUT = 20.0
"""Seconds node may take to load the SDK and listen (well under a second when idle)."""

TS_SDK_SERVER_JS = r"""
const http = require('node:http');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const sdkRequire = require('node:module').createRequire(path.join(process.env.TS_SDK_DIR, 'noop.js'));
const { McpServer } = sdkRequire('@modelcontextprotocol/sdk/server/mcp.js');
const { StreamableHTTPServerTransport } = sdkRequire('@modelcontextprotocol/sdk/server/streamableHttp.js');
const z = sdkRequire('zod');

const stateless = process.env.STATELESS === '1';
const enableJsonResponse = process.env.JSON_RESPONSE === '1';

function build() {
  const server = new McpServer({ name: 'mcp_server_ts', version: '1.0.0' });
  const text = (value) => ({ content: [{ type: 'text', text: String(value) }] });
  server.registerTool('add_numbers', { description: 'Add two numbers together',
    inputSchema: { a: z.number().int(), b: z.number().int() } }, async ({ a, b }) => text(a + b));
  server.registerTool('multiply_numbers', { description: 'Multiply two numbers together',
    inputSchema: { a: z.number().int(), b: z.number().int() } }, async ({ a, b }) => text(a * b));
  server.registerTool('greet_user', { description: 'Greet a user by name',
    inputSchema: { name: z.string() } }, async ({ name }) => text(`Hello, ${name}! Nice to meet you.`));
  return server;
}

const sessions = new Map();

async function handle(req, res) {
  if (!req.url.startsWith('/mcp')) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return;
  }
  if (stateless) {
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse });
    res.on('close', () => { transport.close(); server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req, res);
    return;
  }
  const sid = req.headers['mcp-session-id'];
  let transport = sid ? sessions.get(sid) : undefined;
  if (sid && !transport) {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(
      { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
    return;
  }
  if (!transport) {
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(), enableJsonResponse,
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    transport.onclose = () => { if (transport.sessionId) sessions.delete(transport.sessionId); };
    await build().connect(transport);
  }
  await transport.handleRequest(req, res);
}

const httpServer = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(err));
  });
});
httpServer.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${httpServer.address().port}\n`));
// Die with the parent: its end of stdin closes when it stops or crashes.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
"""


def ts_sdk_dir() -> str:
    import os

    return os.environ.get(TS_SDK_DIR_ENV) or os.path.expanduser("~/.cache/agentcore-triage/ts-sdk")


def ts_sdk_missing() -> str | None:
    """Why the ``ts-sdk`` server cannot run here (no node, no package), or None."""
    import os
    import shutil

    if shutil.which("node") is None:
        return "node is not installed (the ts-sdk sandbox server runs the TypeScript SDK under node)"
    modules = os.path.join(ts_sdk_dir(), "node_modules")
    for package in ("@modelcontextprotocol/sdk", "zod"):
        if not os.path.isfile(os.path.join(modules, package, "package.json")):
            return (
                f"{package} is not installed in {modules} (run `npm install @modelcontextprotocol/sdk` in "
                f"{ts_sdk_dir()}, or set {TS_SDK_DIR_ENV})"
            )
    return None


class NodeTsSdkServer:
    """The ``ts-sdk`` server: ``node`` running :data:`TS_SDK_SERVER_JS` on 127.0.0.1, a port of its choosing."""

    def __init__(self, stateless: bool = True, json_response: bool = False) -> None:
        self.stateless = stateless
        self.json_response = json_response
        self._proc: Any = None
        self._dir: Any = None

    def start(self) -> int:
        import os
        import selectors
        import shutil
        import subprocess
        import tempfile

        missing = ts_sdk_missing()
        if missing is not None:
            raise RuntimeError(missing)
        self._dir = tempfile.TemporaryDirectory(prefix="ts-sdk-server-")
        script = os.path.join(self._dir.name, "server.cjs")
        with open(script, "w", encoding="utf-8") as fh:
            fh.write(TS_SDK_SERVER_JS)
        env = {
            **os.environ,
            "TS_SDK_DIR": ts_sdk_dir(),
            "STATELESS": "1" if self.stateless else "0",
            "JSON_RESPONSE": "1" if self.json_response else "0",
        }
        self._proc = subprocess.Popen(  # noqa: S603 - node and our own script
            [shutil.which("node") or "node", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        selector = selectors.DefaultSelector()
        selector.register(self._proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + TS_SDK_READY_TIMEOUT
        line = b""
        try:
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise RuntimeError(f"the ts-sdk server did not listen within {TS_SDK_READY_TIMEOUT:g} s")
                byte = os.read(self._proc.stdout.fileno(), 1)  # unbuffered: select() sees every byte not yet read
                if not byte:
                    raise RuntimeError(f"the ts-sdk server exited (code {self._proc.wait(5)}) before listening")
                line += byte
        except BaseException:
            self.stop()
            raise
        finally:
            selector.close()
        return int(line.split()[-1])

    def stop(self) -> None:
        import subprocess

        if self._proc is not None:
            proc, self._proc = self._proc, None
            try:
                proc.stdin.close()  # the server exits on its own when stdin closes
                proc.wait(3)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(3)
            proc.stdout.close()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


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
    "sse-dialect": sse_dialect_app,
    "json-gzip": json_gzip_app,
    "requires-protocol-version": requires_protocol_version_app,
    "extra-tool-fields": extra_tool_fields_app,
    "bad-sse-event": bad_sse_event_app,
    "jsonrpc-version": jsonrpc_version_app,
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
    if kind == "ts-sdk":
        node = NodeTsSdkServer(**kwargs)
        port = node.start()
        try:
            yield f"http://{LOOPBACK}:{port}{path}"
        finally:
            node.stop()
    elif kind in ASGI_FAULTS:
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
