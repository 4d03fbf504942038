"""A TCP proxy on 127.0.0.1 that adds network latency: the round trip time of a faraway service.

Every byte is held for half the RTT in each direction (so one request and its answer cost one RTT,
however many are in flight at once: delays overlap, as on a real link), and a new connection costs
one RTT before its first byte goes through (the TCP handshake). Used by ``bench.doctor_latency``.

``keep_alive=True`` is for an upstream that closes every connection (moto's werkzeug server sends
``Connection: close`` after each answer) standing in for one that does not (AWS keeps connections alive, and
botocore reuses them): the proxy speaks HTTP/1.1 to the client, keeps the client's connection open, and
forwards each request over a fresh local upstream connection. Latency stays the same: half an RTT each way per
request, one RTT per new client connection. Without it, every AWS call in the benchmark would pay a new
connection, which no real client far from a region pays.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from urllib.parse import urlsplit, urlunsplit


class LatencyProxy:
    """Forward ``127.0.0.1:<port>`` to ``upstream`` (host, port) with ``rtt`` seconds of round trip time."""

    def __init__(self, upstream_host: str, upstream_port: int, rtt: float, *, keep_alive: bool = False) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.rtt = rtt
        self.keep_alive = keep_alive
        self.port = 0
        self.connections = 0
        self.requests = 0
        """HTTP requests forwarded (``keep_alive`` mode only)."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="latency-proxy", daemon=True)
        self._server: asyncio.Server | None = None

    @classmethod
    def for_url(cls, url: str, rtt: float, *, keep_alive: bool = False) -> tuple[LatencyProxy, str]:
        """A started proxy in front of ``url``'s host and port, and the same URL through the proxy."""
        parts = urlsplit(url)
        assert parts.hostname is not None
        port = parts.port or (443 if parts.scheme == "https" else 80)
        proxy = cls(parts.hostname, port, rtt, keep_alive=keep_alive).start()
        return proxy, urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))

    def start(self) -> LatencyProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        ).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop listening, end the connections still open, then stop and close the proxy's loop.

        Connections are ended here, while the loop still runs. Left pending, their tasks were found later by the
        garbage collector after the loop had closed, and each raised "Event loop is closed" as it was thrown away
        (a warning reported under whichever test ran then).
        """

        async def close() -> None:
            if self._server is not None:
                self._server.close()
            here = asyncio.current_task()
            open_connections = [task for task in asyncio.all_tasks() if task is not here]
            for task in open_connections:
                task.cancel()
            await asyncio.gather(*open_connections, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await asyncio.sleep(self.rtt)  # SYN, SYN-ACK
        if self.keep_alive:
            await self._serve_http(client_reader, client_writer)
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
            return_exceptions=True,
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Copy one direction, each chunk delivered half an RTT after it arrived (order kept, delays overlap)."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not chunk:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                writer.write(chunk)
                await writer.drain()

        delivering = asyncio.create_task(deliver())
        try:
            while True:
                chunk = await reader.read(65536)
                queue.put_nowait((time.monotonic() + self.rtt / 2, chunk))
                if not chunk:
                    break
            await delivering
        except (OSError, asyncio.CancelledError):
            delivering.cancel()
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve_http(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        """HTTP/1.1 with the client, one plain upstream connection per request (``keep_alive`` mode)."""
        try:
            while True:
                request = await _read_message(client_reader, request=True)
                if request is None:
                    return
                self.requests += 1
                await asyncio.sleep(self.rtt / 2)  # the request travels to the region
                upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
                try:
                    upstream_writer.write(request)
                    await upstream_writer.drain()
                    response = await _read_message(upstream_reader, request=False)
                finally:
                    upstream_writer.close()
                if response is None:
                    return
                await asyncio.sleep(self.rtt / 2)  # the answer travels back
                client_writer.write(response)
                await client_writer.drain()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            with contextlib.suppress(Exception):
                client_writer.close()


async def _read_message(reader: asyncio.StreamReader, *, request: bool) -> bytes | None:
    """One HTTP/1.1 message, whole. A response read to its end (no length) gets a Content-Length; every response
    loses ``Connection: close``, so the client keeps its connection. None at a clean end of the stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise
    lines = head[:-4].split(b"\r\n")
    headers = [line for line in lines[1:] if line]
    fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(b":") for h in headers)}
    status = 0 if request else int(lines[0].split()[1])
    if b"content-length" in fields:
        body = await reader.readexactly(int(fields[b"content-length"]))
    elif fields.get(b"transfer-encoding", b"").lower() == b"chunked":
        body = b""
        while True:
            size_line = await reader.readuntil(b"\r\n")
            body += size_line
            size = int(size_line.split(b";")[0], 16)
            body += await reader.readexactly(size + 2)
            if size == 0:
                break
    elif request or status in (204, 304) or 100 <= status < 200:
        body = b""
    else:
        body = await reader.read()
        headers.append(b"Content-Length: %d" % len(body))
    if not request:
        headers = [h for h in headers if h.split(b":")[0].strip().lower() != b"connection"]
    return b"\r\n".join([lines[0], *headers]) + b"\r\n\r\n" + body
