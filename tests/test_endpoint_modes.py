"""Every MCP server mode passes every endpoint check, directly and through the AgentCore front door."""

from __future__ import annotations

import pytest
from test_endpoint_harness import (  # noqa: F401
    ENDPOINT_CHECKS,
    TOKEN_ENV,
    bounded_probes,
    describe,
    make_context,
    run_all,
    run_check,
)

from tui.results import Status

MODES = [(True, False), (True, True), (False, False), (False, True)]
IDS = ["stateless-sse", "stateless-json", "stateful-sse", "stateful-json"]


@pytest.mark.parametrize(("stateless", "json_response"), MODES, ids=IDS)
async def test_direct(mcp_server, stateless: bool, json_response: bool) -> None:  # noqa: F811
    server = mcp_server(stateless=stateless, json_response=json_response)
    results = await run_all(make_context(server.url))
    assert all(r.status == Status.PASS for r in results.values()), describe(results)
    facts = {k: v for r in results.values() for k, v in r.facts.items()}
    assert facts["endpoint.mode"] == ("stateless" if stateless else "stateful")
    assert facts["endpoint.response_type"] == ("json" if json_response else "sse")
    assert facts["endpoint.protocol_version"] == "2025-11-25"
    assert facts["endpoint.server_name"] == "mcp_server"
    assert facts["endpoint.tool_count"] == 3
    assert facts["endpoint.url"] == server.url
    assert facts["endpoint.sdk_ok"] is True


@pytest.mark.parametrize(("stateless", "json_response"), MODES, ids=IDS)
async def test_through_front_door(mcp_server, front_door, monkeypatch, stateless: bool, json_response: bool) -> None:  # noqa: F811
    server = mcp_server(stateless=stateless, json_response=json_response)
    # Stateful servers only work behind the platform's newer contract (it forwards, not injects, Mcp-Session-Id).
    door = front_door(server.url, inject_session_id=stateless)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    results = await run_all(make_context(door.invocation_url, token_env=TOKEN_ENV))
    expected = {c: {Status.PASS} for c in ENDPOINT_CHECKS}
    if not stateless:
        expected["endpoint.session"] = {Status.WARN}  # stateful behind AgentCore: a risk, not an error
    assert all(results[c].status in expected[c] for c in ENDPOINT_CHECKS), describe(results)
    assert results["endpoint.auth"].facts["endpoint.auth_mode"] == "bearer"
    assert "client" in results["endpoint.auth"].summary
    assert results["endpoint.session"].facts["endpoint.mode"] == ("stateless" if stateless else "stateful")
    assert results["endpoint.initialize"].facts["endpoint.response_type"] == ("json" if json_response else "sse")
    assert results["endpoint.tools"].facts["endpoint.tool_count"] == 3


async def test_latency_warns_above_its_threshold(mcp_server) -> None:  # noqa: F811
    """The warning path without a race: every round trip takes more than 0 ms (the suite's other runs use a ceiling)."""
    result = await run_check("endpoint.latency", make_context(mcp_server().url), warn_ms=0.0)
    assert result.status is Status.WARN, result.summary
    assert "p95 is above 0 ms" in (result.details or "")
    assert result.facts["endpoint.latency_p95_ms"] >= result.facts["endpoint.latency_p50_ms"] > 0
