"""UvicornThread.stop: with or without connections open, the app's shutdown runs and nothing is left listening."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tui.sandbox._net import LOOPBACK, UvicornThread


def _server(events: list[str]) -> UvicornThread:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    async def hello(request: Request) -> Response:
        return PlainTextResponse("hello")

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        events.append("started")
        yield
        events.append("shut down")

    return UvicornThread(Starlette(routes=[Route("/", hello)], lifespan=lifespan), name="test-stop")


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((LOOPBACK, port)) != 0


@pytest.mark.parametrize("keep_a_connection_open", [False, True])
def test_stop_runs_the_apps_shutdown_and_leaves_nothing_listening(keep_a_connection_open: bool) -> None:
    events: list[str] = []
    server = _server(events)
    port = server.start()
    client = None
    if keep_a_connection_open:  # an idle kept-alive connection: uvicorn's own graceful path closes it
        client = socket.create_connection((LOOPBACK, port), timeout=10)
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while not answer.endswith(b"hello"):
            chunk = client.recv(4096)
            assert chunk, answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200")
    try:
        server.stop()
        assert events == ["started", "shut down"]
        assert _refused(port)
        if client is not None:
            assert client.recv(4096) == b""  # the server closed it
    finally:
        if client is not None:
            client.close()
