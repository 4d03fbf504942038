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
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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


ASGI_FAULTS = {
    "html-login": html_login_app,
    "sse-silent": sse_silent_app,
    "huge-body": huge_body_app,
    "redirect-loop": redirect_loop_app,
    "not-found": not_found_app,
    "slow": slow_app,
}


class RawTcpFault:
    """A raw TCP server on 127.0.0.1 for faults below HTTP: ``reset`` and ``cut-body``."""

    def __init__(self, kind: str) -> None:
        if kind not in ("reset", "cut-body"):
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
