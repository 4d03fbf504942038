"""Round 17: faults on healthy set-ups. Real servers that vary in ways the specs allow must leave every endpoint check
green, and the faults next to them must be named for what they are.

Healthy (every check passes; each server is the real sample ``mcp`` server behind a small ASGI layer, or the official
TypeScript SDK under node; ``tui.sandbox.misbehaving``):

* SSE written in another legal dialect: CRLF, LF or lone-CR line ends, ``: ping`` comments, ``retry:`` and ``id:``
  before the data, ``Content-Type: text/event-stream; charset=utf-8`` (WHATWG HTML, "Server-sent events", the event
  stream grammar and "dispatch the event"); the JSON-RPC message spread over several ``data:`` lines, which the SSE
  spec joins with LF. Green before too: these guard it.
* JSON replies ``application/json; charset=utf-8`` with ``Content-Encoding: gzip`` (Starlette's GZipMiddleware).
  Green before too (and the plain mcp client reads them: its httpx2 asks for and inflates gzip).
* A server that answers 400 to any request after initialize without ``MCP-Protocol-Version`` (MCP transport
  2025-06-18+, "Protocol Version Header": the client MUST send it). Before: every check was green, but
  endpoint.initialize's and endpoint.stream's "close session" DELETEs went without the header and were refused 400,
  leaving their sessions open on the server; now they carry it and nothing we send is refused.
* The official TypeScript SDK (``StreamableHTTPServerTransport``), stateless/stateful × SSE/JSON: green before too.
  Skipped, saying why, without node or the package.
* tools/list tools carrying ``title``, ``icons``, ``annotations``, ``outputSchema``, ``_meta`` and a vendor field.
  Green before too.

Faults:

* An SSE reply whose only event is ``event: error`` with a JSON body. Before: taken for an answer (a JSON object with
  an ``error`` member and no id): "initialize OK: protocol None, server None" (a warning), and "tools/list id 42 came
  back as None". Now: initialize fails naming the ``event: error`` and its data (MCP clients read only ``message``
  events, so the official client reports "SSE stream ended without a response").
* An SSE ``data:`` that is not JSON. Before: "the SSE stream ended after 1 event without the response". Now: names the
  data that is not a JSON-RPC message.
* A response with the right id and ``"jsonrpc": "1.0"`` or no ``jsonrpc``. Before: every raw check green, only
  endpoint.sdk failing "although a raw initialize succeeds". Now: named (``jsonrpc-version``) where it happens.
* Either fault on tools/list only. Before: endpoint.sdk said "tools declared but not served" (the mcp client's own
  "Failed to parse" / "SSE stream ended" error taken for the server's JSON-RPC error), and with a non-JSON event
  endpoint.session, endpoint.stream and endpoint.latency each failed on the same broken tools/list. Now endpoint.tools
  and endpoint.sdk name the fault; the checks that only need some request ask with ``ping`` and pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_endpoint_faults import assert_classified
from test_endpoint_harness import ENDPOINT_CHECKS, bounded_probes, describe, make_context, run_all  # noqa: F401

from tui.endpoint import jsonrpc
from tui.endpoint.classify import classify
from tui.endpoint.probe import Prober, ProbeResult, add_probe_listener
from tui.endpoint.sse import SseParser, parse_sse
from tui.results import CheckResult, Status
from tui.sandbox.misbehaving import PROTOCOL_HEADER_REQUIRED, misbehaving, ts_sdk_missing


@pytest.fixture
def seen() -> Iterator[list[ProbeResult]]:
    """Every probe of the test, to show what the server really sent (``bounded_probes`` bounds them too)."""
    probes: list[ProbeResult] = []
    remove = add_probe_listener(probes.append)
    yield probes
    remove()


HANDSHAKE_DEPENDENT = ("endpoint.headers", "endpoint.session", "endpoint.tools", "endpoint.stream", "endpoint.latency")


def assert_all_green(results: dict[str, CheckResult]) -> None:
    table = describe(results)
    assert all(r.status is Status.PASS for r in results.values()), table
    assert results["endpoint.tools"].facts["endpoint.tools"] == ["add_numbers", "multiply_numbers", "greet_user"], table


# --------------------------------------------------------------------------- healthy variations

SSE_DIALECTS = [
    pytest.param({"line_end": "crlf"}, "CRLF", id="crlf-ping-retry-id-charset"),
    pytest.param({"line_end": "lf", "stateless": False}, "LF", id="lf-stateful"),
    pytest.param({"line_end": "cr"}, "LF", id="lone-cr"),  # no "\r\n" in the body: counted as LF
    pytest.param({"multiline": True}, "CRLF", id="multiline-data"),
    pytest.param({"multiline": True, "line_end": "lf", "stateless": False}, "LF", id="multiline-data-lf-stateful"),
]


@pytest.mark.parametrize(("dialect", "line_ends"), SSE_DIALECTS)
async def test_sse_in_any_legal_dialect_is_green(
    dialect: dict[str, Any], line_ends: str, seen: list[ProbeResult]
) -> None:
    with misbehaving("sse-dialect", **dialect) as url:
        results = await run_all(make_context(url))
    assert_all_green(results)
    init = results["endpoint.initialize"]
    assert init.facts["endpoint.response_type"] == "sse" and init.evidence["sse_line_endings"] == line_ends
    # The server really spoke that dialect: what the probes read.
    answered = next(p for p in seen if p.label == "initialize" and p.sse and p.ok)
    assert answered.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert answered.body.startswith(": ping") and "retry: 3000" in answered.body and "id: 1" in answered.body
    if dialect.get("multiline"):
        assert answered.body.count("data: ") > 3, answered.body  # one JSON-RPC message over several data: lines


async def test_gzip_json_with_charset_is_green(seen: list[ProbeResult]) -> None:
    with misbehaving("json-gzip") as url:
        results = await run_all(make_context(url))
    assert_all_green(results)
    assert results["endpoint.initialize"].facts["endpoint.response_type"] == "json"
    answered = next(p for p in seen if p.label == "initialize" and p.ok)
    assert answered.headers.get("content-encoding") == "gzip", answered.headers
    assert answered.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param({"stateless": False, "json_response": False}, id="stateful-sse"),
        pytest.param({"stateless": True, "json_response": True}, id="stateless-json"),
    ],
)
async def test_a_server_requiring_the_protocol_version_header_is_green_and_never_refuses_us(
    mode: dict[str, bool], seen: list[ProbeResult]
) -> None:
    with misbehaving("requires-protocol-version", **mode) as url:
        results = await run_all(make_context(url))
    assert_all_green(results)
    refused = [f"{p.label}: {p.line()}" for p in seen if PROTOCOL_HEADER_REQUIRED in p.body]
    assert not refused, "requests after initialize went without MCP-Protocol-Version: " + "; ".join(refused)
    if not mode["stateless"]:
        closed = [p for p in seen if p.method == "DELETE"]
        assert closed and all(p.status == 200 for p in closed), [p.line() for p in closed]


async def test_a_request_without_the_header_is_named_for_it() -> None:
    """What a client that omits the header gets from such a server: named as the header, not a bare HTTP 400."""
    with misbehaving("requires-protocol-version", stateless=True, json_response=True) as url:
        async with Prober(url, timeout=10) as p:
            await p.post("initialize", jsonrpc.initialize())
            bare = await p.post("tools/list without the header", jsonrpc.request("tools/list", 2))
            wrong = await p.post(
                "tools/list, unknown version", jsonrpc.request("tools/list", 3), headers={"MCP-Protocol-Version": "1"}
            )
    cause = classify(bare)
    assert cause is not None and cause.code == "protocol-version", bare.line()
    assert "`MCP-Protocol-Version`" in cause.summary and "had none" in cause.summary, cause.summary
    assert "Missing required MCP-Protocol-Version header" in cause.summary
    other = classify(wrong)
    assert other is not None and other.code == "protocol-version", wrong.line()


TS_MODES = [
    pytest.param({"stateless": True, "json_response": False}, id="stateless-sse"),
    pytest.param({"stateless": False, "json_response": False}, id="stateful-sse"),
    pytest.param({"stateless": True, "json_response": True}, id="stateless-json"),
    pytest.param({"stateless": False, "json_response": True}, id="stateful-json"),
]


@pytest.mark.skipif(ts_sdk_missing() is not None, reason=f"no TypeScript SDK server here: {ts_sdk_missing()}")
@pytest.mark.parametrize("mode", TS_MODES)
async def test_the_official_typescript_sdk_server_is_green(mode: dict[str, bool]) -> None:
    with misbehaving("ts-sdk", **mode) as url:
        results = await run_all(make_context(url))
    assert_all_green(results)
    assert results["endpoint.initialize"].facts["endpoint.server_name"] == "mcp_server_ts"
    assert results["endpoint.initialize"].facts["endpoint.response_type"] == (
        "json" if mode["json_response"] else "sse"
    )
    assert results["endpoint.session"].summary.startswith("stateless" if mode["stateless"] else "stateful")


async def test_tools_with_optional_and_unknown_fields_are_green(seen: list[ProbeResult]) -> None:
    with misbehaving("extra-tool-fields") as url:
        results = await run_all(make_context(url))
    assert_all_green(results)
    listed = next(p for p in seen if p.label == "tools/list id=42")
    tool = listed.result["tools"][0]
    assert {"title", "icons", "annotations", "outputSchema", "_meta", "x-vendor"} <= tool.keys(), tool.keys()


# --------------------------------------------------------------------------- faults


def assert_blocked(results: dict[str, CheckResult], code: str) -> None:
    for check in HANDSHAKE_DEPENDENT:
        assert results[check].could_not_run, f"{check}: {results[check].status.value} {results[check].summary}"
        assert code in results[check].summary, results[check].summary


BAD_SSE = [
    pytest.param("error-event", ("`event: error`", "upstream connection lost", "`message` events"), id="event-error"),
    pytest.param("not-json", ("not a JSON-RPC message", "Internal Server Error"), id="data-not-json"),
]


@pytest.mark.parametrize(("shape", "words"), BAD_SSE)
async def test_an_sse_reply_without_a_json_rpc_message_is_named(shape: str, words: tuple[str, ...]) -> None:
    with misbehaving("bad-sse-event", shape=shape) as url:
        results = await run_all(make_context(url))
    table = describe(results)
    init = results["endpoint.initialize"]
    assert_classified(init, "sse-no-response", words=words)
    assert init.facts["endpoint.failure"] == "sse-no-response"
    assert_blocked(results, "sse-no-response")
    sdk = results["endpoint.sdk"]
    assert sdk.status is Status.FAIL and all(w in sdk.summary for w in words), sdk.summary
    assert init.evidence["probe"]["sse_not_messages"][0]["event"] == ("error" if shape == "error-event" else "message")
    assert results["endpoint.reachable"].status is Status.PASS, table


@pytest.mark.parametrize(("shape", "words"), BAD_SSE)
async def test_a_broken_tools_list_stream_is_named_by_tools_and_sdk_only(shape: str, words: tuple[str, ...]) -> None:
    with misbehaving("bad-sse-event", shape=shape, method="tools/list") as url:
        results = await run_all(make_context(url))
    table = describe(results)
    assert_classified(results["endpoint.tools"], "sse-no-response", words=words)
    sdk = results["endpoint.sdk"]
    assert sdk.status is Status.FAIL and all(w in sdk.summary for w in words), sdk.summary
    assert "not served" not in sdk.summary, sdk.summary  # the mcp client's own error, not the server's
    failing = {c for c, r in results.items() if r.status is not Status.PASS}
    assert failing == {"endpoint.tools", "endpoint.sdk"}, table
    assert results["endpoint.latency"].evidence["method"] == "ping", table


JSONRPC_VERSIONS = [
    pytest.param("1.0", '`"jsonrpc": "1.0"`', id="1.0"),
    pytest.param(None, 'no `"jsonrpc"` member', id="missing"),
]


@pytest.mark.parametrize(("version", "words"), JSONRPC_VERSIONS)
async def test_a_response_with_a_wrong_jsonrpc_member_is_named(version: str | None, words: str) -> None:
    with misbehaving("jsonrpc-version", version=version) as url:
        results = await run_all(make_context(url))
    init = results["endpoint.initialize"]
    assert_classified(init, "jsonrpc-version", words=(words, '"2.0"', "right id"))
    assert init.facts["endpoint.failure"] == "jsonrpc-version"
    assert_blocked(results, "jsonrpc-version")
    sdk = results["endpoint.sdk"]
    assert sdk.status is Status.FAIL and words in sdk.summary and "although a raw" not in sdk.summary, sdk.summary


async def test_a_tools_list_with_a_wrong_jsonrpc_member_is_named_by_tools_and_sdk_only() -> None:
    with misbehaving("jsonrpc-version", version="1.0", method="tools/list") as url:
        results = await run_all(make_context(url))
    table = describe(results)
    assert_classified(results["endpoint.tools"], "jsonrpc-version", words=('`"jsonrpc": "1.0"`',))
    sdk = results["endpoint.sdk"]
    assert sdk.status is Status.FAIL and '"jsonrpc": "1.0"' in sdk.summary, sdk.summary
    assert "not served" not in sdk.summary, sdk.summary
    failing = {c for c, r in results.items() if r.status is not Status.PASS}
    assert failing == {"endpoint.tools", "endpoint.sdk"}, table


# --------------------------------------------------------------------------- SSE and JSON-RPC rules


def test_an_event_without_data_is_not_dispatched() -> None:
    """WHATWG "dispatch the event": an empty data buffer dispatches nothing (``event:``/``id:``/``retry:`` alone)."""
    events = parse_sse("event: error\r\n\r\nid: 7\r\nretry: 10\r\n\r\n: ping\r\n\r\ndata: x\r\n\r\n")
    assert [(e.event, e.data, e.id) for e in events] == [("message", "x", "7")]


def test_one_leading_byte_order_mark_is_ignored() -> None:
    raw = "\ufeffdata: x\n\n".encode()
    for cut in range(1, len(raw)):  # the BOM's three bytes may arrive split
        parser = SseParser()
        events = parser.feed(raw[:cut]) + parser.feed(raw[cut:]) + parser.flush()
        assert [e.data for e in events] == ["x"], cut


def test_an_error_member_that_is_not_an_error_object_is_no_answer() -> None:
    assert jsonrpc.find_response([{"error": "upstream connection lost"}], 1) is None
    real = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "bad"}}
    assert jsonrpc.find_response([real], 1) is real


# endpoint.headers leaves no session behind


def session_ledger_app(inner: Any, issued: set[str], closed: set[str]) -> Any:
    """``inner`` (the real app) with every session it opens (2xx) and every one a DELETE closes (2xx) written down."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        asked = dict(scope.get("headers") or []).get(b"mcp-session-id", b"").decode()

        async def watching_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                given = dict(message.get("headers") or []).get(b"mcp-session-id")
                # a refusal (406) names a session id too, but mcp keeps no such session: accepted ones only
                if given and scope["method"] == "POST" and 200 <= message["status"] < 300:
                    issued.add(given.decode())
                if scope["method"] == "DELETE" and 200 <= message["status"] < 300 and asked:
                    closed.add(asked)
            await send(message)

        await inner(scope, receive, watching_send)

    return app


async def test_endpoint_headers_closes_every_session_its_probes_opened() -> None:
    """Seen (round 17): on a stateful server the correct-headers initialize and every probe the server accepted
    (foreign Host, foreign Origin on a local URL) opened a session that nothing closed."""
    from tui.sandbox._net import UvicornThread
    from tui.sandbox.mcp_server import build_app

    issued: set[str] = set()
    closed: set[str] = set()
    server = UvicornThread(session_ledger_app(build_app(stateless=False), issued, closed), name="test-ledger")
    port = server.start()
    try:
        results = await run_all(make_context(f"http://127.0.0.1:{port}/mcp"), only=("endpoint.headers",))
    finally:
        server.stop()
    assert results["endpoint.headers"].status is Status.PASS, describe(results)
    assert len(issued) >= 2, issued  # the correct request and at least one accepted probe
    assert issued <= closed, f"left open: {issued - closed}"
