"""Servers without tools are healthy: tools are optional in MCP.

A server may declare only ``resources`` (and/or ``prompts``) in its initialize ``capabilities``; then ``tools/list``
answers JSON-RPC -32601 "Method not found" (``tui.sandbox.misbehaving`` ``no-tools``: a real low-level ``mcp``
``Server`` with only a resources handler). Or it declares ``tools`` and lists none (``zero-tools``: a real
``MCPServer`` with one resource).

Before: against ``no-tools`` endpoint.session, endpoint.tools, endpoint.stream, endpoint.latency and endpoint.sdk all
failed on the -32601; against ``zero-tools`` endpoint.tools read "0 tools: ; integer id 42 and a UUID string id both
echoed".
"""

from __future__ import annotations

import asyncio

import httpx
from test_endpoint_harness import bounded_probes, make_context, run_check  # noqa: F401

from tui.i18n import set_language
from tui.results import Status
from tui.sandbox.misbehaving import misbehaving

CHECKS = (
    "endpoint.initialize",
    "endpoint.headers",
    "endpoint.session",
    "endpoint.tools",
    "endpoint.stream",
    "endpoint.latency",
    "endpoint.sdk",
)
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def run_all(url: str) -> dict[str, object]:
    results = await asyncio.gather(*(run_check(name, make_context(url)) for name in CHECKS))
    return dict(zip(CHECKS, results, strict=True))


async def test_the_no_tools_server_really_has_no_tools() -> None:
    """The fixture is what it claims: no tools capability, -32601 for tools/list, ping and resources/list answer."""
    with misbehaving("no-tools") as url:
        async with httpx.AsyncClient(timeout=10) as client:
            init = await client.post(
                url,
                headers=ACCEPT,
                json={
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": "2025-11-25",
                        "capabilities": {},
                        "clientInfo": {"name": "t", "version": "1"},
                    },
                },
            )
            assert '"resources"' in init.text and '"tools"' not in init.text, init.text
            headers = {**ACCEPT, "Mcp-Session-Id": init.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-11-25"}
            await client.post(url, headers=headers, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
            listed = await client.post(url, headers=headers, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
            ping = await client.post(url, headers=headers, json={"jsonrpc": "2.0", "id": 3, "method": "ping"})
    assert '"code":-32601' in listed.text, listed.text
    assert '"result":{}' in ping.text, ping.text


async def test_a_server_without_the_tools_capability_is_not_reported_broken() -> None:
    with misbehaving("no-tools") as url:
        results = await run_all(url)
    for name, result in results.items():
        assert result.status in (Status.PASS, Status.SKIP), f"{name}: {result.status} {result.summary}"  # type: ignore[attr-defined]
    tools = results["endpoint.tools"]
    assert "no tools capability" in tools.summary, tools.summary  # type: ignore[attr-defined]
    assert tools.facts["endpoint.tool_count"] == 0  # type: ignore[attr-defined]
    # The id echo is still judged from the error replies.
    assert "42" in tools.summary, tools.summary  # type: ignore[attr-defined]
    assert "ping" in results["endpoint.latency"].summary  # type: ignore[attr-defined]
    assert results["endpoint.session"].facts["endpoint.mode"] == "stateful"  # type: ignore[attr-defined]


async def test_zero_tools_reads_properly() -> None:
    with misbehaving("zero-tools") as url:
        results = await run_all(url)
        set_language("ja")
        try:
            ja = await run_check("endpoint.tools", make_context(url))
        finally:
            set_language("en")
    for name, result in results.items():
        assert result.status is Status.PASS, f"{name}: {result.status} {result.summary}"  # type: ignore[attr-defined]
    tools = results["endpoint.tools"]
    assert tools.summary.startswith("no tools listed;"), tools.summary  # type: ignore[attr-defined]
    assert ": ;" not in tools.summary and "0 tools" not in tools.summary  # type: ignore[attr-defined]
    assert ja.summary.startswith("一覧にツールはありません"), ja.summary  # "no tools listed", not "0 tools: ;"
    assert ": ;" not in ja.summary
