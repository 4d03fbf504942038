"""The front door's HTTP/1.1 connection to the container: asyncio streams and h11, kept-alive connections reused.

Why not httpx (which the door used before): the door relays every request of every doctor run (~45 a run), and
httpx's client stack (its request/response models, httpcore's pool, anyio's streams and cancel scopes, a failed
``import sniffio`` per lock) cost ~1.4 ms of CPU per relayed request: a quarter of the sandbox's CPU. This is
the same HTTP/1.1 state machine httpcore uses (h11) on plain asyncio streams, and only what the door needs: one
origin (``http://``), a request with a body, a response streamed chunk by chunk as it arrives (SSE included),
kept-alive connections reused while idle for less than ``keepalive_expiry``. It is still real HTTP between real
servers: the container is a real uvicorn server on a real socket, and a container that cuts a response short
cuts the door's relay short too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

READ_SIZE = 64 * 1024
DEFAULT_HEADERS = (("accept", "*/*"), ("accept-encoding", "gzip, deflate"))
"""Sent when the request has none of its own: what httpx sent, so the container sees the same request as before."""


class UpstreamUnreachable(Exception):
    """No connection to the container (refused, unreachable, or not within the connect timeout)."""


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    protocol: Any
    """The connection's ``h11.Connection``."""
    idle_since: float = 0.0

    def close(self) -> None:
        self.writer.close()


@dataclass
class UpstreamResponse:
    """Status and headers of the container's answer; ``chunks()`` streams its body, ``aclose()`` ends it."""

    status_code: int
    headers: dict[str, str]
    """Lower-case names; a repeated header's values joined with ", " (as httpx's ``Headers.items()``)."""
    _upstream: Upstream
    _connection: _Connection
    _read_timeout: float
    _complete: bool = False
    _closed: bool = False
    _pending: list[bytes] = field(default_factory=list)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives (transfer coding removed, content coding kept: httpx's ``aiter_raw``)."""
        import h11

        protocol = self._connection.protocol
        while not self._complete:
            event = protocol.next_event()
            if event is h11.NEED_DATA:
                protocol.receive_data(await self._upstream._read(self._connection, self._read_timeout))
            elif isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                self._complete = True

    async def aclose(self) -> None:
        """Hand the connection back for reuse when the answer was read to its end; otherwise close it."""
        if self._closed:
            return
        self._closed = True
        self._upstream._release(self._connection, reusable=self._complete)


class Upstream:
    """Requests to one ``http://host:port/path`` URL over kept-alive connections."""

    def __init__(self, url: str, *, connect_timeout: float, read_timeout: float, keepalive_expiry: float) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the front door relays to http:// URLs only, not {url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.keepalive_expiry = keepalive_expiry
        self._idle: list[_Connection] = []

    async def send(self, method: str, headers: dict[str, str], body: bytes) -> UpstreamResponse:
        """Send a request and return once the response's status and headers are in (its body streams later)."""
        import h11

        connection = self._reusable() or await self._connect()
        try:
            names = {name.lower() for name in headers}
            sent = [(name, value) for name, value in headers.items()]
            sent += [(name, value) for name, value in DEFAULT_HEADERS if name not in names]
            if body:
                sent.append(("content-length", str(len(body))))
            protocol = connection.protocol
            data = protocol.send(h11.Request(method=method, target=self.target, headers=sent))
            if body:
                data += protocol.send(h11.Data(data=body))
            data += protocol.send(h11.EndOfMessage())
            connection.writer.write(data)
            await connection.writer.drain()
            while True:
                event = protocol.next_event()
                if event is h11.NEED_DATA:
                    protocol.receive_data(await self._read(connection, self.read_timeout))
                elif isinstance(event, h11.Response):
                    break
                elif isinstance(event, h11.ConnectionClosed):
                    raise h11.RemoteProtocolError("the container closed the connection before answering")
                # an InformationalResponse (1xx): the answer is still to come
        except BaseException:
            connection.close()
            raise
        received: dict[str, str] = {}
        for raw_name, raw_value in event.headers:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            received[name] = f"{received[name]}, {value}" if name in received else value
        return UpstreamResponse(
            status_code=event.status_code,
            headers=received,
            _upstream=self,
            _connection=connection,
            _read_timeout=self.read_timeout,
        )

    async def aclose(self) -> None:
        """Close the idle connections (the door is stopping)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    # ------------------------------------------------------------------ connections

    def _reusable(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            fresh = now - connection.idle_since < self.keepalive_expiry
            if fresh and not connection.reader.at_eof() and not connection.writer.is_closing():
                return connection
            connection.close()  # idle too long (the container may be closing it) or closed by the container
        return None

    async def _connect(self) -> _Connection:
        import h11

        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, limit=READ_SIZE), self.connect_timeout
            )
        except (OSError, TimeoutError) as exc:
            raise UpstreamUnreachable(f"{self.host}:{self.port}: {exc or type(exc).__name__}") from exc
        return _Connection(reader, writer, h11.Connection(h11.CLIENT, max_incomplete_event_size=READ_SIZE * 4))

    async def _read(self, connection: _Connection, timeout: float) -> bytes:
        """Bytes from the container (``b""`` at its end), within ``timeout`` seconds."""
        return await asyncio.wait_for(connection.reader.read(READ_SIZE), timeout)

    def _release(self, connection: _Connection, *, reusable: bool) -> None:
        import h11

        protocol = connection.protocol
        if reusable and protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            protocol.start_next_cycle()
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            connection.close()


__all__ = ["Upstream", "UpstreamResponse", "UpstreamUnreachable"]
