"""Each fault is named by the right check, with a one-line cause and the advice that fixes it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from test_endpoint_harness import TOKEN_ENV, bounded_probes, make_context, run_check  # noqa: F401

from tui.results import CheckResult, Status
from tui.sandbox.misbehaving import misbehaving


def assert_classified(
    result: CheckResult, code: str, *, status: Status = Status.FAIL, words: tuple[str, ...] = ()
) -> dict[str, Any]:
    assert result.status == status, f"{result.check}: {result.status.value} {result.summary}"
    classified = result.evidence.get("classified") or {}
    assert classified.get("code") == code, (result.summary, classified)
    assert "\n" not in result.summary and len(result.summary) < 400
    assert result.remediation.strip(), "no advice"
    for word in words:
        assert word.lower() in (result.summary + " " + result.remediation).lower(), (
            word,
            result.summary,
            result.remediation,
        )
    return classified


# --------------------------------------------------------------------------- headers


async def test_missing_content_type_is_400_not_415(mcp_server) -> None:  # noqa: F811
    server = mcp_server(stateless=True)
    result = await run_check("endpoint.headers", make_context(server.url))
    assert result.status == Status.PASS, result.summary
    probe = result.evidence["negative_probes"]["no-content-type"]
    assert probe["code"] == "content-type"
    assert "400" in probe["cause"] and "Invalid Content-Type header" in probe["cause"]
    assert "Content-Type: application/json" in probe["advice"]
    assert result.evidence["negative_probes"]["content-type-case"]["code"] == "media-type"  # 415 only for near misses
    assert "400" in result.summary


@pytest.mark.parametrize("json_response", [False, True], ids=["sse", "json"])
async def test_missing_accept_at_the_server(mcp_server, json_response: bool) -> None:  # noqa: F811
    server = mcp_server(stateless=False, json_response=json_response)
    result = await run_check("endpoint.headers", make_context(server.url))
    negatives = result.evidence["negative_probes"]
    assert negatives["no-accept"]["code"] == "accept"
    assert "Accept: application/json, text/event-stream" in negatives["no-accept"]["advice"]
    # JSON-mode servers need only application/json; SSE-mode servers need both.
    assert negatives["accept-json-only"]["code" if not json_response else "cause"] == (
        "accept" if not json_response else "accepted"
    )
    assert negatives["accept-sse-only"]["code"] == "accept"


async def test_missing_accept_at_the_front_door(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server().url)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    result = await run_check("endpoint.headers", make_context(door.invocation_url, token_env=TOKEN_ENV))
    probe = result.evidence["negative_probes"]["no-accept"]
    assert probe["code"] == "accept-frontdoor"
    assert "MCP Accept header must contain" in probe["cause"]


async def test_host_protection_421_behind_the_front_door(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server(faults={"host-protection"}).url)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    ctx = make_context(door.invocation_url, token_env=TOKEN_ENV)
    headers = await run_check("endpoint.headers", ctx)
    assert_classified(headers, "host-protection", words=("421", "Invalid Host header", 'host="0.0.0.0"'))
    assert headers.facts["endpoint.failure"] == "host-protection"
    init = await run_check("endpoint.initialize", ctx)
    assert_classified(init, "host-protection")
    # The official client only says "Server returned an error response"; the check shows the 421 behind it.
    sdk = await run_check("endpoint.sdk", ctx)
    classified = assert_classified(sdk, "host-protection")
    assert "Server returned an error response" in sdk.summary and "421" in sdk.summary
    assert "421" in classified["seen"]
    assert sdk.evidence["sdk"]["error_code"] == -32603


async def test_host_protection_spotted_before_deploying(mcp_server) -> None:  # noqa: F811
    server = mcp_server(faults={"host-protection"})
    result = await run_check("endpoint.headers", make_context(server.url))
    assert result.status == Status.WARN
    assert "421" in result.summary and result.facts["endpoint.host_protection"] is True


# --------------------------------------------------------------------------- auth


@pytest.mark.parametrize(
    ("kind", "code", "words"),
    [
        ("expired", "token-expired", ("expired", "fresh token")),
        ("wrong-client", "token-client", ("some-other-app-client", "allowedClients")),
    ],
)
async def test_token_refused(mcp_server, front_door, monkeypatch, kind: str, code: str, words: tuple[str, ...]) -> None:  # noqa: F811
    door = front_door(mcp_server().url)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token(kind))
    result = await run_check("endpoint.auth", make_context(door.invocation_url, token_env=TOKEN_ENV))
    assert_classified(result, code, words=words)
    claims = result.evidence["auth"]["token_claims"]
    assert claims["issuer"] == door.issuer and claims["expired"] is (kind == "expired")


async def test_token_missing(mcp_server, front_door) -> None:  # noqa: F811
    door = front_door(mcp_server().url)
    result = await run_check("endpoint.auth", make_context(door.invocation_url), auth="none")
    assert_classified(result, "token-missing", words=("--token-env",))


async def test_no_credentials_given_is_one_failure_and_the_rest_could_not_run(mcp_server, front_door) -> None:  # noqa: F811
    """No token for a JWT runtime: endpoint.auth fails and says which flag to give. initialize, headers and the checks
    behind the handshake used to fail (or, headers, point at initialize) with the same 401 three more times."""
    door = front_door(mcp_server().url)
    ctx = make_context(door.invocation_url)
    assert_classified(await run_check("endpoint.auth", ctx, auth="none"), "token-missing", words=("--token-env",))
    init = await run_check("endpoint.initialize", ctx, auth="none")
    assert init.could_not_run, (init.status, init.summary)
    assert init.summary == "the endpoint asks for credentials and none were given; see endpoint.auth"
    facts = {"endpoint.failure": init.facts["endpoint.failure"]}  # what the handshake's node hands on
    assert facts["endpoint.failure"] in ("unauthorized", "token-missing")
    for check in ("endpoint.headers", "endpoint.session", "endpoint.tools", "endpoint.sdk"):
        result = await run_check(check, ctx, facts=facts, auth="none")
        assert result.could_not_run and result.summary.endswith("see endpoint.auth"), (check, result.summary)


async def test_a_refused_token_still_fails_the_handshake(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    """Credentials that were given and refused are the finding: initialize keeps failing with the cause."""
    door = front_door(mcp_server().url)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("expired"))
    result = await run_check("endpoint.initialize", make_context(door.invocation_url, token_env=TOKEN_ENV))
    assert result.status is Status.FAIL and "401" in result.summary, result.summary


async def test_sigv4_sent_to_a_jwt_runtime(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server().url)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    # No token and an AgentCore URL: auto picks SigV4, which this JWT runtime refuses.
    result = await run_check("endpoint.auth", make_context(door.invocation_url, region="us-east-1"))
    assert result.facts["endpoint.auth_mode"] == "sigv4"
    assert_classified(result, "auth-mismatch", words=("Authorization method mismatch", "bearer"))


async def test_expiring_token_is_called_out(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    import time

    import jwt

    door = front_door(mcp_server().url)
    claims = jwt.decode(door.issue_token("valid"), options={"verify_signature": False})
    claims["exp"] = int(time.time()) + 120
    token = jwt.encode(claims, door._key, algorithm="RS256", headers={"kid": door.kid})
    monkeypatch.setenv(TOKEN_ENV, token)
    result = await run_check("endpoint.auth", make_context(door.invocation_url, token_env=TOKEN_ENV))
    assert result.status == Status.WARN and "5 minutes" in result.summary


# --------------------------------------------------------------------------- the server behind


async def test_backend_down_is_32010(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server(faults={"server-down"}).url)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    ctx = make_context(door.invocation_url, token_env=TOKEN_ENV)
    result = await run_check("endpoint.initialize", ctx)
    assert_classified(result, "runtime-not-started", words=("-32010", "never started", "logs"))
    assert "project checks" in result.details
    assert result.facts["endpoint.failure"] == "runtime-not-started"
    auth = await run_check("endpoint.auth", ctx)
    assert auth.status == Status.PASS  # the front door accepted the token; the container is the problem


async def test_tool_raising(mcp_server) -> None:  # noqa: F811
    server = mcp_server(faults={"tool-raises"})
    result = await run_check("endpoint.tools", make_context(server.url), call="raise_error", arguments={"message": "x"})
    assert_classified(result, "tool-error", words=("Error executing tool raise_error", "-32603", "traceback"))


@pytest.mark.waits
async def test_slow_tool_times_out(mcp_server) -> None:  # noqa: F811
    server = mcp_server(faults={"slow-tool"}, slow_seconds=10)
    result = await run_check("endpoint.tools", make_context(server.url, timeout=4), call="slow_echo")
    assert_classified(result, "slow-tool", words=("slow_echo", "timeout"))


async def test_connection_dropped_mid_stream(mcp_server) -> None:  # noqa: F811
    server = mcp_server(faults={"drop-mid-stream"})
    result = await run_check("endpoint.tools", make_context(server.url), call="add_numbers", arguments={"a": 1, "b": 2})
    assert_classified(result, "reset-mid-body", words=("crash",))


MODES = [(True, False), (True, True), (False, False), (False, True)]
MODE_IDS = ["stateless-sse", "stateless-json", "stateful-sse", "stateful-json"]


async def _stream_check(
    mcp_server, front_door, monkeypatch, stateless: bool, json_response: bool, via: str, faults: set[str]
) -> CheckResult:  # noqa: F811
    server = mcp_server(stateless=stateless, json_response=json_response, faults=faults)
    if via == "direct":
        return await run_check("endpoint.stream", make_context(server.url))
    door = front_door(server.url, inject_session_id=stateless)  # stateful servers: the newer contract (forwarded ids)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    return await run_check("endpoint.stream", make_context(door.invocation_url, token_env=TOKEN_ENV))


@pytest.mark.parametrize("via", ["direct", "front-door"])
@pytest.mark.parametrize(("stateless", "json_response"), MODES, ids=MODE_IDS)
async def test_tools_call_cut_mid_stream_without_calling_a_tool(
    mcp_server, front_door, monkeypatch, stateless: bool, json_response: bool, via: str
) -> None:  # noqa: F811
    """No `call` param needed: a tools/call for a tool that cannot exist shows the cut, and runs no tool code."""
    result = await _stream_check(
        mcp_server, front_door, monkeypatch, stateless, json_response, via, {"drop-mid-stream"}
    )
    classified = assert_classified(result, "reset-mid-body", words=("tools/call", "cut", "crash"))
    assert "200" in classified["seen"] and "reset-mid-body" in classified["seen"]
    tool = result.evidence["probe_tool"]
    assert tool.startswith("agentcore-triage-probe-") and len(tool) > len("agentcore-triage-probe-") + 8
    assert tool not in ("add_numbers", "multiply_numbers", "greet_user")
    assert "deliberately does not exist" in result.details and "no tool code runs" in result.details
    assert result.evidence["probes"][0]["error"] == "reset-mid-body"


@pytest.mark.parametrize("via", ["direct", "front-door"])
@pytest.mark.parametrize(("stateless", "json_response"), MODES, ids=MODE_IDS)
async def test_tools_call_reply_complete_on_a_healthy_server(
    mcp_server, front_door, monkeypatch, stateless: bool, json_response: bool, via: str
) -> None:  # noqa: F811
    result = await _stream_check(mcp_server, front_door, monkeypatch, stateless, json_response, via, set())
    assert result.status == Status.PASS, (result.summary, result.details[:800])
    assert "arrived complete" in result.summary and "isError" in result.summary
    answer = result.evidence["probe_tool_answer"]
    assert "Unknown tool" in answer["message"] and result.evidence["probe_tool"] in answer["message"]
    assert "deliberately does not exist" in result.details


async def test_stateful_server_behind_the_classic_front_door(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server(stateless=False).url, inject_session_id=True)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    result = await run_check("endpoint.initialize", make_context(door.invocation_url, token_env=TOKEN_ENV))
    assert_classified(result, "injected-session", words=("stateless_http=True",))


# --------------------------------------------------------------------------- what answers instead of MCP


@pytest.mark.parametrize(
    ("kind", "code", "words"),
    [
        ("html-login", "html-login", ("HTML login page", "SSO")),
        pytest.param("sse-silent", "sse-silent", ("no event", "buffer"), marks=pytest.mark.waits),
        ("huge-body", "too-large", ("too large", "1 MiB")),
        ("redirect-loop", "redirect-loop", ("redirect loop", "final URL")),
        ("not-found", "not-found", ("404", "/mcp")),
        pytest.param("slow", "timeout", ("no answer within", "slow"), marks=pytest.mark.waits),
        ("reset", "reset", ("reset", "crashed")),
        ("cut-body", "reset-mid-body", ("mid-response",)),
    ],
)
async def test_misbehaving_endpoint(kind: str, code: str, words: tuple[str, ...]) -> None:
    # The modes whose outcome is the timeout (slow, sse-silent) get a short one: the server's headers come at once and
    # the classification reads what came before it, so a longer one only sleeps longer. The others keep 5 s, a ceiling
    # for a loaded machine (a 1 MiB body, a redirect loop).
    timeout = 2.0 if kind in ("slow", "sse-silent") else 5
    with misbehaving(kind) as url:
        # Two independent connections: the modes that sit out the timeout wait it once, not twice.
        result, sdk = await asyncio.gather(
            run_check("endpoint.initialize", make_context(url, timeout=timeout)),
            run_check("endpoint.sdk", make_context(url, timeout=timeout)),
        )
        assert_classified(result, code, words=words)
        assert sdk.status == Status.FAIL and sdk.evidence["classified"]["code"] == code, (
            sdk.summary,
            sdk.details[:500],
        )


async def test_wrong_path_on_a_real_server(mcp_server) -> None:  # noqa: F811
    server = mcp_server()
    url = server.url.replace("/mcp", "/api/mcp")
    result = await run_check("endpoint.initialize", make_context(url))
    assert_classified(result, "not-found", words=("404", "/mcp"))
    sdk = await run_check("endpoint.sdk", make_context(url))
    assert sdk.evidence["sdk"]["error_type"] == "MCPError"  # unwrapped from two ExceptionGroups
    assert any("ExceptionGroup" in line for line in sdk.evidence["sdk"]["exception_tree"])
    assert "404" in sdk.summary


async def test_half_encoded_arn(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server().url)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    half = door.invocation_url.replace("%2F", "/")  # ':' encoded, '/' not
    ctx = make_context(half, token_env=TOKEN_ENV)
    reach = await run_check("endpoint.reachable", ctx)
    assert reach.status == Status.FAIL and "partly URL-encoded" in reach.details
    assert reach.evidence["target"]["suggested_url"] == door.invocation_url
    init = await run_check("endpoint.initialize", ctx)
    assert_classified(init, "not-found")
    assert "partly URL-encoded" in init.details


# --------------------------------------------------------------------------- network


async def test_connection_refused(mcp_server) -> None:  # noqa: F811
    server = mcp_server(faults={"server-down"})
    result = await run_check("endpoint.reachable", make_context(server.url))
    assert result.status == Status.FAIL and "refused" in result.summary and "TCP" in result.summary


async def test_dns_failure() -> None:
    result = await run_check("endpoint.reachable", make_context("http://no-such-host.invalid/mcp", timeout=4))
    assert result.status == Status.FAIL and result.summary.startswith("DNS"), result.summary


async def test_no_target_is_a_skip() -> None:
    result = await run_check("endpoint.initialize", make_context(None))
    assert result.status == Status.SKIP and "--endpoint" in result.summary


async def test_sdk_signs_with_sigv4_and_explains_the_mismatch(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server().url)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    result = await run_check("endpoint.sdk", make_context(door.invocation_url, region="us-east-1"), auth="sigv4")
    assert_classified(result, "auth-mismatch")
    assert "MCPError" in result.summary


async def test_sdk_expired_token_behind_taskgroup(mcp_server, front_door, monkeypatch) -> None:  # noqa: F811
    door = front_door(mcp_server().url)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("expired"))
    result = await run_check("endpoint.sdk", make_context(door.invocation_url, token_env=TOKEN_ENV))
    assert_classified(result, "token-expired", words=("expired",))


@pytest.mark.parametrize("style", ["rpc-error", "http-400"])
async def test_a_server_that_refuses_the_protocol_version_is_named(style: str) -> None:
    """A strict gateway answering initialize with -32602 "unsupported protocol version: …", or a TypeScript SDK 1.x
    server's 400: either way the finding says the version is refused and how to get past it, not "invalid params"."""
    with misbehaving("old-protocol", style=style) as url:
        result, sdk = await asyncio.gather(
            run_check("endpoint.initialize", make_context(url)), run_check("endpoint.sdk", make_context(url))
        )
    classified = assert_classified(result, "protocol-version", words=("protocol version", "upgrade the older side"))
    assert ("2025-11-25" if style == "rpc-error" else "supported versions") in classified["cause"]
    assert sdk.status == Status.FAIL, sdk.summary
    assert "protocol version" in (sdk.summary + sdk.details).lower(), (sdk.summary, sdk.details[:500])
