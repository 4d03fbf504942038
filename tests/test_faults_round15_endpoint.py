"""Round 15: tools/list faults and healthy variations, each against a real server under uvicorn.

* ``paginated-tools`` (``tui.sandbox.misbehaving``): a real low-level ``mcp`` ``Server`` paging tools/list with
  ``nextCursor``. Before: endpoint.tools read "2 tools: page1_tool1, page1_tool2" and endpoint.sdk "list_tools → 2
  tools" for a server with 6 tools over 3 pages (and for one that pages forever).
* ``tools-not-served``: a real low-level ``Server`` that declares ``tools`` and answers tools/list with -32601 or
  -32603. Before: endpoint.tools failed without saying the capability was declared; endpoint.session failed with
  "the server issued session id … but rejected it" (the session was fine), endpoint.stream blamed the aborted reply
  ("after a client aborted a response, the next request failed"), endpoint.latency failed its warm-up.
* ``bad-tools-list``: the real sample server whose tools/list result is rewritten schema-invalid. Before:
  endpoint.tools passed ("no tools listed", or "3 tools: None, …"), endpoint.sdk failed with a bare
  "ValidationError: 1 validation error for ListToolsResult".
* The sample server stateful with JSON responses, and ``log-before-reply`` (a real low-level ``Server`` sending a
  ``notifications/message`` on the request's SSE stream before each answer): all green, before and after.
"""

from __future__ import annotations

import httpx
import pytest
from test_endpoint_harness import bounded_probes, describe, make_context, run_all  # noqa: F401

from tui.results import Status
from tui.sandbox.mcp_server import McpServerSandbox
from tui.sandbox.misbehaving import LOG_LINE, misbehaving

ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


async def raw_session(url: str, *methods: str) -> tuple[str, list[str]]:
    """initialize + the given requests in one session, raw: (initialize body, bodies)."""
    async with httpx.AsyncClient(timeout=10) as client:
        init = await client.post(url, headers=ACCEPT, json=INIT)
        headers = {**ACCEPT, "MCP-Protocol-Version": "2025-11-25"}
        if "mcp-session-id" in init.headers:
            headers["Mcp-Session-Id"] = init.headers["mcp-session-id"]
        await client.post(url, headers=headers, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        bodies = []
        for i, method in enumerate(methods):
            params = {"name": "echo", "arguments": {}} if method == "tools/call" else {}
            reply = await client.post(
                url, headers=headers, json={"jsonrpc": "2.0", "id": 10 + i, "method": method, "params": params}
            )
            bodies.append(reply.text)
    return init.text, bodies


# 1. pagination


async def test_the_paginated_server_really_pages() -> None:
    with misbehaving("paginated-tools") as url:
        _init, (first,) = await raw_session(url, "tools/list")
    assert '"nextCursor":"page-2"' in first and "page1_tool2" in first and "page2" not in first, first


async def test_every_page_of_a_paginated_tools_list_is_counted() -> None:
    with misbehaving("paginated-tools", pages=3, per_page=2) as url:
        results = await run_all(make_context(url))
    assert all(r.status is Status.PASS for r in results.values()), describe(results)
    tools, sdk = results["endpoint.tools"], results["endpoint.sdk"]
    assert tools.summary.startswith("6 tools over 3 pages:"), tools.summary
    assert "page3_tool2" in tools.facts["endpoint.tools"] and tools.facts["endpoint.tool_count"] == 6
    assert "6 tools over 3 pages" in sdk.summary, sdk.summary
    assert sdk.evidence["sdk"]["tools"][-1] == "page3_tool2"


async def test_a_cursor_that_never_ends_is_followed_a_bounded_number_of_pages() -> None:
    with misbehaving("paginated-tools", pages=0, per_page=2) as url:
        results = await run_all(make_context(url))
    assert all(r.status is Status.PASS for r in results.values()), describe(results)
    tools, sdk = results["endpoint.tools"], results["endpoint.sdk"]
    assert tools.summary.startswith("at least 20 tools in the first 10 pages (the server offers more"), tools.summary
    assert tools.facts["endpoint.tool_count"] == 20
    assert "at least 20 tools in the first 10 pages" in sdk.summary, sdk.summary


# 2. declared but not served


@pytest.mark.parametrize(("code", "name"), [(-32601, "Method not found"), (-32603, "Internal error")])
async def test_declared_tools_that_are_not_served_fail_naming_it(code: int, name: str) -> None:
    with misbehaving("tools-not-served", code=code) as url:
        init, (listed,) = await raw_session(url, "tools/list")
        results = await run_all(make_context(url))
    assert '"tools":{' in init and f'"code":{code}' in listed, (init, listed)
    tools, sdk = results["endpoint.tools"], results["endpoint.sdk"]
    assert tools.status is Status.FAIL and sdk.status is Status.FAIL, describe(results)
    for result in (tools, sdk):
        assert "declares the tools capability" in result.summary and str(code) in result.summary, result.summary
        assert "declared but not served" in result.summary, result.summary
    # Only the tools checks blame tools/list; the session, the stream and the latency are fine.
    for name_ in ("endpoint.initialize", "endpoint.session", "endpoint.stream", "endpoint.latency"):
        assert results[name_].status is Status.PASS, describe(results)
    assert results["endpoint.session"].facts["endpoint.mode"] == "stateful"
    assert "ping" in results["endpoint.latency"].summary, results["endpoint.latency"].summary


# 3. schema-invalid tools/list


@pytest.mark.parametrize(
    ("shape", "named"),
    [
        ("missing", "the result has no `tools` member"),
        ("not-list", "`tools` is an object, not a list"),
        ("no-name", "tool 1 has no `name`"),
        ("no-schema", "tool 1 (add_numbers) has no `inputSchema`"),
    ],
)
async def test_a_schema_invalid_tools_list_is_named(shape: str, named: str) -> None:
    with misbehaving("bad-tools-list", shape=shape) as url:
        results = await run_all(make_context(url))
    tools, sdk = results["endpoint.tools"], results["endpoint.sdk"]
    assert tools.status is Status.FAIL, describe(results)
    assert tools.summary.startswith("tools/list answer does not match the MCP schema:"), tools.summary
    assert named in tools.summary, tools.summary
    assert sdk.status is Status.FAIL
    assert "tools/list answer does not match the MCP schema" in sdk.summary, sdk.summary
    assert "ValidationError" in sdk.summary and "tools" in sdk.summary, sdk.summary
    for name in ("endpoint.initialize", "endpoint.session", "endpoint.stream"):
        assert results[name].status is Status.PASS, describe(results)


# 4. and 5. healthy variations


async def test_stateful_json_responses_are_all_green() -> None:
    with McpServerSandbox(stateless=False, json_response=True) as srv:
        assert srv.url is not None
        init, _ = await raw_session(srv.url)
        results = await run_all(make_context(srv.url))
    assert init.startswith("{"), init  # JSON, not SSE
    assert all(r.status is Status.PASS for r in results.values()), describe(results)
    assert results["endpoint.session"].facts["endpoint.mode"] == "stateful"
    assert "JSON (application/json)" in results["endpoint.initialize"].summary
    assert results["endpoint.tools"].facts["endpoint.tool_count"] == 3


# the sandbox server sends log messages as real servers do; mcp 2.3 deprecates the logging capability (SEP-2577)
@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_log_notifications_before_each_answer_are_all_green() -> None:
    with misbehaving("log-before-reply") as url:
        _init, (listed, called) = await raw_session(url, "tools/list", "tools/call")
        results = await run_all(make_context(url))
    for body in (listed, called):  # the notification comes first on the same stream, then the answer
        assert body.index("notifications/message") < body.index('"result"'), body
        assert LOG_LINE in body
    assert all(r.status is Status.PASS for r in results.values()), describe(results)
    assert results["endpoint.tools"].facts["endpoint.tools"] == ["echo", "noop"]
