"""The front door's relay to the container (tui/sandbox/relay.py) against a real MCP server under uvicorn:
answers streamed, kept-alive connections reused only when an answer was read to its end and within the expiry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from gc_support import only_new_garbage

from bench.latency_proxy import LatencyProxy
from tui.sandbox.mcp_server import McpServerSandbox
from tui.sandbox.relay import Upstream, UpstreamUnreachable

HEADERS = {
    "accept": "application/json, text/event-stream",
    "content-type": "application/json",
    "host": "agentcore-runtime.internal:8000",
}
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}


@pytest.fixture
def proxied(mcp_server: Callable[..., McpServerSandbox]) -> Any:
    """(proxy counting connections, its URL) in front of a stateless MCP server that accepts any Host."""
    proxy, url = LatencyProxy.for_url(mcp_server(stateless=True).url, 0.0)
    yield proxy, url
    proxy.stop()


async def _initialize(upstream: Upstream, *, read: bool = True) -> tuple[int, dict[str, str], bytes]:
    response = await upstream.send("POST", HEADERS, json.dumps(INIT).encode())
    body = b""
    try:
        if read:
            async for chunk in response.chunks():
                body += chunk
    finally:
        await response.aclose()
    return response.status_code, response.headers, body


def _answer(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    if headers["content-type"].startswith("text/event-stream"):
        data = [line[5:].strip() for line in body.decode().splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(json.loads(body))


async def test_answers_are_relayed_and_a_read_connection_is_reused(proxied: Any) -> None:
    proxy, url = proxied
    upstream = Upstream(url, connect_timeout=2.0, read_timeout=10.0, keepalive_expiry=60.0)
    try:
        for _attempt in range(3):
            status, headers, body = await _initialize(upstream)
            assert status == 200
            assert _answer(headers, body)["result"]["serverInfo"]
    finally:
        await upstream.aclose()
    assert proxy.connections == 1


async def test_a_connection_is_not_reused_past_the_expiry_or_after_an_unread_answer(proxied: Any) -> None:
    proxy, url = proxied
    expired = Upstream(url, connect_timeout=2.0, read_timeout=10.0, keepalive_expiry=0.0)
    try:
        for _attempt in range(2):
            assert (await _initialize(expired))[0] == 200
    finally:
        await expired.aclose()
    assert proxy.connections == 2
    unread = Upstream(url, connect_timeout=2.0, read_timeout=10.0, keepalive_expiry=60.0)
    try:
        assert (await _initialize(unread, read=False))[0] == 200  # abandoned: its connection is closed
        assert (await _initialize(unread))[0] == 200
    finally:
        await unread.aclose()
    assert proxy.connections == 4


async def test_nothing_listening_is_unreachable() -> None:
    from tui.sandbox._net import DeadPort

    with DeadPort() as dead:
        upstream = Upstream(
            f"http://127.0.0.1:{dead.port}/mcp", connect_timeout=2.0, read_timeout=10.0, keepalive_expiry=1
        )
        with pytest.raises(UpstreamUnreachable):
            await upstream.send("POST", HEADERS, b"{}")


def test_a_dead_port_refuses_connections_and_no_server_can_take_it_while_held() -> None:
    """A "server down" port once reached another test's server: released at once, the kernel gave it to the next
    server any worker started. Held, it refuses connections and a server binding it (as uvicorn does, with
    SO_REUSEADDR) is refused."""
    import errno
    import socket

    from tui.sandbox._net import LOOPBACK, DeadPort

    with DeadPort() as dead, socket.socket() as server:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((LOOPBACK, dead.port), timeout=5).close()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        with pytest.raises(OSError) as taken:
            server.bind((LOOPBACK, dead.port))
        assert taken.value.errno == errno.EADDRINUSE


def test_only_plain_http_urls() -> None:
    with pytest.raises(ValueError, match="http:// URLs only"):
        Upstream("https://example.com/mcp", connect_timeout=1, read_timeout=1, keepalive_expiry=1)


def test_the_latency_proxy_ends_its_open_connections_when_it_stops() -> None:
    """A connection still open when the proxy stops is ended then, while its loop runs: left pending, its tasks were
    thrown away by the garbage collector after the loop had closed ("Event loop is closed", reported as a warning
    under whichever test ran then)."""
    import gc
    import socket
    import sys

    # Garbage an earlier test of this worker left (another loop's objects, already closed) is not this proxy's: seen
    # once in a full run, where the collection below found something that was not the proxy's and failed this test.
    with only_new_garbage(), socket.socket() as upstream:  # accepts, never answers
        upstream.bind(("127.0.0.1", 0))
        upstream.listen(1)
        proxy = LatencyProxy("127.0.0.1", upstream.getsockname()[1], 0.0).start()
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as client:
            client.sendall(b"in flight")
            accepted, _ = upstream.accept()  # the proxy has connected upstream: its pipes are running
            with accepted:
                assert accepted.recv(64) == b"in flight"
                raised: list[Any] = []
                previous, sys.unraisablehook = sys.unraisablehook, raised.append
                try:
                    proxy.stop()
                    gc.collect()
                finally:
                    sys.unraisablehook = previous
    assert proxy._loop.is_closed()
    assert [f"{r.exc_value} ({r.err_msg or 'from'} {r.object!r})" for r in raised] == []
