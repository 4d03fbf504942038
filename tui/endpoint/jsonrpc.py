"""Building JSON-RPC requests and picking results and errors out of replies."""

from __future__ import annotations

import json
from typing import Any

from tui import __version__
from tui.i18n import _

PROTOCOL_VERSION = "2025-11-25"
"""The classic (handshake-era) protocol version agentcore-triage offers in initialize."""
HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
"""The versions a handshake-era client accepts in the ``initialize`` answer (mcp's ``HANDSHAKE_PROTOCOL_VERSIONS``;
tests/test_faults_round14_protocol.py holds them equal). The SDK client gives up on any other answer."""

CLIENT_INFO = {"name": "agentcore-triage", "version": __version__}


def request(method: str, id: int | str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def notification(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def initialize(id: int | str = 1, protocol_version: str = PROTOCOL_VERSION) -> dict[str, Any]:
    return request(
        "initialize",
        id,
        {"protocolVersion": protocol_version, "capabilities": {}, "clientInfo": dict(CLIENT_INFO)},
    )


def dumps(msg: Any) -> bytes:
    return json.dumps(msg, separators=(",", ":")).encode()


def messages_from_json(text: str) -> list[dict[str, Any]]:
    """JSON-RPC messages in a JSON body (an object or a batch array); [] when it is not JSON."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return []
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return [m for m in data if isinstance(m, dict)]
    return []


def find_response(messages: list[dict[str, Any]], id: int | str | None) -> dict[str, Any] | None:
    """The response to request ``id`` (exact type match: 1 and "1" are different ids); else an id-null error."""
    for msg in messages:
        if "result" in msg or "error" in msg:
            if id is not None and msg.get("id") == id and type(msg.get("id")) is type(id):
                return msg
    for msg in messages:
        # Only a real JSON-RPC error object: ``{"error": "upstream connection lost"}`` (a proxy's own JSON, an
        # ``event: error`` payload) is no answer at all, and taking it for one passed an initialize without a result.
        if isinstance(msg.get("error"), dict) and msg.get("id") is None:
            return msg
    return None


def envelope_problem(msg: dict[str, Any] | None) -> str | None:
    """What is wrong with a response's ``jsonrpc`` member (it must be exactly ``"2.0"``), or None.

    The official clients (Python ``mcp``, TypeScript SDK) validate it and refuse the message: the request then
    fails with a parse error although its id, result and HTTP status are right."""
    if msg is None or msg.get("jsonrpc") == "2.0":
        return None
    if "jsonrpc" not in msg:
        return _('it has no `"jsonrpc"` member')
    return _('it carries `"jsonrpc": {value}`').format(value=json.dumps(msg["jsonrpc"])[:40])


def error_of(msg: dict[str, Any] | None) -> dict[str, Any] | None:
    if not msg:
        return None
    err = msg.get("error")
    return err if isinstance(err, dict) else None
