"""Small ASGI pieces the sandbox's fault-injecting wrappers share: read a request's body and hand it on again,
and buffer a response to rewrite its body whole."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]


async def read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a ``receive`` that gives it to the wrapped app again (then the real one)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Any:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def json_method(body: bytes) -> str | None:
    """The JSON-RPC ``method`` of a request body, or None (not JSON, a batch, a response)."""
    try:
        method = json.loads(body or b"{}").get("method")
    except (ValueError, AttributeError):
        return None
    return method if isinstance(method, str) else None


def rewriting(send: Send, rewrite: Callable[[bytes], bytes]) -> Send:
    """A ``send`` that buffers the response and sends it once, its body rewritten and Content-Length set to match."""
    start: Any = None
    parts: list[bytes] = []

    async def rewriting_send(message: Any) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        parts.append(message.get("body", b""))
        if message.get("more_body"):
            return
        new = rewrite(b"".join(parts))
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(new)).encode())]})
        await send({"type": "http.response.body", "body": new})

    return rewriting_send


def rewriting_answers(inner: Any, rewrite: Callable[[bytes], bytes], method: str | None = "tools/list") -> Any:
    """``inner`` with the body of its answers to POSTed ``method`` requests (every POST when None) rewritten whole."""

    async def app(scope: Any, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await inner(scope, receive, send)
            return
        body, replay = await read_body(receive)
        if method is not None and json_method(body) != method:
            await inner(scope, replay, send)
            return
        await inner(scope, replay, rewriting(send, rewrite))

    return app
