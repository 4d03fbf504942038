"""The sandbox MCP server: every transport mode over real HTTP, and each fault switch."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tui.sandbox.mcp_server import RAISED_MESSAGE, RAISING_TOOL, SAMPLE_TOOLS, SLOW_TOOL, McpServerSandbox

HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}
MODES = [(True, False), (True, True), (False, False), (False, True)]
MODE_IDS = ["stateless-sse", "stateless-json", "stateful-sse", "stateful-json"]


def rpc_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC message of a JSON or SSE response."""
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(response.json())


class Session:
    """Raw HTTP MCP session: initialize, then requests with the session id when the server issued one."""

    def __init__(self, url: str, client: httpx.Client) -> None:
        self.url, self.client = url, client
        self.headers = dict(HEADERS)
        self.next_id = 2

    def initialize(self) -> httpx.Response:
        response = self.client.post(self.url, json=INIT, headers=self.headers)
        if "mcp-session-id" in response.headers:
            self.headers["Mcp-Session-Id"] = response.headers["mcp-session-id"]
        self.client.post(self.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=self.headers)
        return response

    def request(self, method: str, params: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        body: dict[str, Any] = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            body["params"] = params
        self.next_id += 1
        return self.client.post(self.url, json=body, headers=self.headers, **kwargs)


@pytest.fixture
def http() -> Any:
    # Plain HTTP to 127.0.0.1: no TLS, so no CA bundle to load (httpx loads it for every client unless told not to:
    # ~50-100 ms of CPU under load, for each of this module's tests).
    with httpx.Client(timeout=httpx.Timeout(10.0), verify=False) as client:
        yield client


@pytest.mark.parametrize(("stateless", "json_response"), MODES, ids=MODE_IDS)
def test_every_mode_answers_initialize_and_tools_list(
    stateless: bool, json_response: bool, mcp_server: Callable[..., McpServerSandbox], http: httpx.Client
) -> None:
    server = mcp_server(stateless, json_response)
    assert server.url and server.url.startswith("http://127.0.0.1:") and server.url.endswith("/mcp")
    session = Session(server.url, http)
    init = session.initialize()
    assert init.status_code == 200
    expected_type = "application/json" if json_response else "text/event-stream"
    assert init.headers["content-type"].startswith(expected_type)
    assert ("mcp-session-id" in init.headers) is (not stateless)
    assert rpc_body(init)["result"]["serverInfo"]["name"] == "mcp_server"
    listed = session.request("tools/list")
    assert listed.status_code == 200
    assert sorted(t["name"] for t in rpc_body(listed)["result"]["tools"]) == sorted(SAMPLE_TOOLS)
    called = session.request("tools/call", {"name": "add_numbers", "arguments": {"a": 2, "b": 40}})
    result = rpc_body(called)["result"]
    assert result["isError"] is False and result["structuredContent"] == {"result": 42}


async def test_sdk_client_lists_and_calls_tools(mcp_server: Callable[..., McpServerSandbox]) -> None:
    """The official client (mcp 2.x ClientSession over streamable HTTP) works against it."""
    import httpx2
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    server = mcp_server(stateless=False)
    assert server.url
    async with httpx2.AsyncClient(timeout=httpx2.Timeout(10, read=10)) as hc:
        async with streamable_http_client(server.url, http_client=hc) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                assert {t.name for t in tools.tools} == set(SAMPLE_TOOLS)
                res = await session.call_tool("greet_user", {"name": "Ada"})
                assert res.content[0].text == "Hello, Ada! Nice to meet you."


def test_host_protection_gives_421_for_foreign_host(
    mcp_server: Callable[..., McpServerSandbox], http: httpx.Client
) -> None:
    protected = mcp_server(faults={"host-protection"})
    assert protected.url
    foreign = http.post(protected.url, json=INIT, headers={**HEADERS, "Host": "agentcore-runtime.internal:8000"})
    assert (foreign.status_code, foreign.text) == (421, "Invalid Host header")
    assert http.post(protected.url, json=INIT, headers=HEADERS).status_code == 200  # its own Host is fine
    open_server = mcp_server()
    assert open_server.url
    assert (
        http.post(
            open_server.url, json=INIT, headers={**HEADERS, "Host": "agentcore-runtime.internal:8000"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("json_response", [False, True])
def test_raising_tool_gives_is_error_result(
    json_response: bool, mcp_server: Callable[..., McpServerSandbox], http: httpx.Client
) -> None:
    server = mcp_server(json_response=json_response, faults={"tool-raises"})
    assert server.url
    session = Session(server.url, http)
    session.initialize()
    names = [t["name"] for t in rpc_body(session.request("tools/list"))["result"]["tools"]]
    assert RAISING_TOOL in names
    response = session.request("tools/call", {"name": RAISING_TOOL, "arguments": {}})
    assert response.status_code == 200
    result = rpc_body(response)["result"]
    assert result["isError"] is True and RAISING_TOOL in result["content"][0]["text"]
    assert RAISED_MESSAGE  # the exception text stays server-side (logged), as in a real deployment


def test_slow_tool_takes_configured_time(mcp_server: Callable[..., McpServerSandbox], http: httpx.Client) -> None:
    server = mcp_server(faults={"slow-tool"}, slow_seconds=0.6)
    assert server.url
    session = Session(server.url, http)
    session.initialize()
    t0 = time.perf_counter()
    response = session.request("tools/call", {"name": SLOW_TOOL, "arguments": {"text": "zzz"}})
    elapsed = time.perf_counter() - t0
    assert rpc_body(response)["result"]["content"][0]["text"] == "zzz"
    assert elapsed >= 0.55
    with pytest.raises(httpx.ReadTimeout):
        session.request("tools/call", {"name": SLOW_TOOL, "arguments": {}}, timeout=0.2)


@pytest.mark.parametrize("json_response", [False, True])
def test_drop_mid_stream_cuts_tool_responses(
    json_response: bool, mcp_server: Callable[..., McpServerSandbox], http: httpx.Client
) -> None:
    server = mcp_server(json_response=json_response, faults={"drop-mid-stream"})
    assert server.url
    session = Session(server.url, http)
    assert session.initialize().status_code == 200  # only tools/call is cut
    assert session.request("tools/list").status_code == 200
    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
        session.request("tools/call", {"name": "add_numbers", "arguments": {"a": 1, "b": 2}})
    # Every tools/call, like a transport fault: also one for a tool that does not exist (what endpoint.stream sends).
    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
        session.request("tools/call", {"name": "agentcore-triage-probe-0000", "arguments": {}})


def test_server_down_never_listens(http: httpx.Client) -> None:
    server = McpServerSandbox(faults=frozenset({"server-down"}))
    url = server.start()
    try:
        assert url.endswith("/mcp")
        with pytest.raises(httpx.ConnectError):
            http.post(url, json=INIT, headers=HEADERS, timeout=2)
    finally:
        server.stop()


def test_unknown_fault_rejected() -> None:
    with pytest.raises(ValueError, match="unknown MCP server fault"):
        McpServerSandbox(faults=frozenset({"explode"}))
