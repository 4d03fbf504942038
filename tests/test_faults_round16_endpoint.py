"""Round 16: a real reverse proxy (``gateway`` in ``tui.sandbox.misbehaving``, served by uvicorn) in front of the real
sample MCP server, with the server down (nginx's 502), the proxy's maintenance page (503 with ``Retry-After``) and a
hung server (504), each run through every endpoint check at once.

Before: endpoint.auth passed on all three with "no credentials needed: the endpoint accepted the request without
any" (or "JWT bearer token accepted"), though the request never reached a server that could refuse it; the 503 was
"could not get an answer from the server" without its Retry-After, the 504 the same words as the 502. Now
endpoint.auth could not run, naming the answer it got and endpoint.initialize (which fails with the cause); the 503
names its Retry-After, the 504 the proxy's wait. Every other check as before: endpoint.reachable passes (the proxy
does answer on DNS/TCP), the checks behind the handshake could not run, endpoint.sdk fails naming the raw cause.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from test_endpoint_faults import assert_classified
from test_endpoint_harness import ENDPOINT_CHECKS, bounded_probes, describe, make_context, run_all  # noqa: F401

from tui.results import CheckResult, Status
from tui.sandbox.mcp_server import McpServerSandbox
from tui.sandbox.misbehaving import misbehaving

TOKEN_ENV = "AGENTCORE_TRIAGE_ROUND16_TOKEN"
OPAQUE_TOKEN = "round16-opaque-bearer-token"
BEHIND_THE_HANDSHAKE = ("endpoint.headers", "endpoint.session", "endpoint.tools", "endpoint.stream", "endpoint.latency")
OVER_CLAIMS = ("no credentials needed", "accepted", "without any")


@contextmanager
def gateway(upstream_state: str) -> Iterator[str]:
    """The proxy's URL, with the real sample server behind it ``up``, ``down`` (its port refuses: 502), ``down`` with
    a maintenance page (503 + Retry-After) or ``hung`` (accepts, never answers: 504)."""
    if upstream_state == "up":
        with McpServerSandbox() as server, misbehaving("gateway", upstream=server.url) as url:
            yield url
    elif upstream_state in ("down", "maintenance"):
        retry_after = 30 if upstream_state == "maintenance" else None
        with (
            McpServerSandbox(faults=frozenset({"server-down"})) as server,
            misbehaving("gateway", upstream=server.url, retry_after=retry_after) as url,
        ):
            yield url
    else:
        with misbehaving("slow") as hung, misbehaving("gateway", upstream=hung, read_timeout=0.5) as url:
            yield url


# (upstream state, status, words the cause names)
OUTAGES = [
    ("down", 502, ("Bad Gateway", "proxy", "logs")),
    ("maintenance", 503, ("Retry-After `30`", "temporarily unavailable", "Retry after")),
    ("hung", 504, ("Gateway Timeout", "gave up waiting", "proxy_read_timeout")),
]


def assert_could_not_run(result: CheckResult, *words: str) -> None:
    assert result.could_not_run, f"{result.check}: {result.status.value} {result.summary}"
    for word in words:
        assert word in result.summary, (word, result.summary)


@pytest.mark.parametrize(("upstream_state", "status", "words"), OUTAGES, ids=[o[0] for o in OUTAGES])
async def test_every_endpoint_check_behind_a_proxy_whose_server_is_out(
    upstream_state: str, status: int, words: tuple[str, ...]
) -> None:
    with gateway(upstream_state) as url:
        results = await run_all(make_context(url))
    table = describe(results)
    assert results["endpoint.reachable"].status is Status.PASS, table  # DNS and TCP to the proxy: observed
    auth = results["endpoint.auth"]
    assert_could_not_run(auth, f"HTTP {status}", "see endpoint.initialize")
    assert not any(claim in auth.summary for claim in OVER_CLAIMS), auth.summary
    code = "gateway-timeout" if status == 504 else "upstream"  # a 504 walks to ep-slow, 502/503 to ep-upstream-down
    assert auth.evidence["classified"]["code"] == code and auth.evidence["blocked_by"] == "endpoint.initialize"
    assert_classified(results["endpoint.initialize"], code, words=(str(status), *words))
    assert results["endpoint.initialize"].facts["endpoint.failure"] == code
    for check in BEHIND_THE_HANDSHAKE:
        assert_could_not_run(results[check], code, "see endpoint.initialize")
    sdk = results["endpoint.sdk"]
    assert sdk.status is Status.FAIL and sdk.evidence["classified"]["code"] == code, sdk.summary
    assert f"HTTP {status}" in sdk.summary, sdk.summary
    failing = {c for c, r in results.items() if r.status is Status.FAIL}
    assert failing == {"endpoint.initialize", "endpoint.sdk"}, table
    green = {c for c, r in results.items() if r.status is Status.PASS}
    assert green == {"endpoint.reachable"}, table


async def test_a_bearer_token_is_not_called_accepted_by_a_proxy_whose_server_is_down(monkeypatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, OPAQUE_TOKEN)
    with gateway("down") as url:
        results = await run_all(make_context(url, token_env=TOKEN_ENV), only=("endpoint.auth",))
    auth = results["endpoint.auth"]
    assert auth.facts["endpoint.auth_mode"] == "bearer"
    assert_could_not_run(auth, "HTTP 502", "see endpoint.initialize")
    assert "accepted" not in auth.summary, auth.summary
    assert OPAQUE_TOKEN not in auth.model_dump_json()


async def test_the_same_proxy_with_its_server_up_is_green() -> None:
    """The proxy relays faithfully: with the server up, every check passes through it (the findings above are the
    server's outage, not the proxy), and "no credentials needed" is then a fact the server's answer showed."""
    with gateway("up") as url:
        results = await run_all(make_context(url))
    assert all(r.status is Status.PASS for r in results.values()), describe(results)
    assert results["endpoint.auth"].summary.startswith("no credentials needed"), results["endpoint.auth"].summary


@pytest.mark.parametrize(
    ("mode", "code", "owner"),
    [
        ("html-login", "html-login", "endpoint.initialize"),  # an SSO proxy's sign-in page
        ("not-found", "not-found", "endpoint.initialize"),  # nothing serves the path
    ],
)
async def test_auth_could_not_run_on_other_answers_not_from_an_mcp_server(mode: str, code: str, owner: str) -> None:
    with misbehaving(mode) as url:
        results = await run_all(make_context(url), only=("endpoint.auth", "endpoint.initialize"))
    auth = results["endpoint.auth"]
    assert_could_not_run(auth, f"see {owner}")
    assert not any(claim in auth.summary for claim in OVER_CLAIMS), auth.summary
    assert auth.evidence["classified"]["code"] == code
    assert results["endpoint.initialize"].status is Status.FAIL, describe(results)


async def test_auth_could_not_run_on_a_connection_reset() -> None:
    with misbehaving("reset") as url:
        results = await run_all(make_context(url, timeout=10), only=("endpoint.auth",))
    assert_could_not_run(results["endpoint.auth"], "could not test credentials", "reset")


async def test_an_answer_from_the_server_itself_still_shows_the_credentials() -> None:
    """A JSON-RPC error from the MCP server is its answer: no credentials were asked for, so auth still passes."""
    with misbehaving("old-protocol") as url:
        results = await run_all(make_context(url), only=("endpoint.auth",))
    auth = results["endpoint.auth"]
    assert auth.status is Status.PASS and auth.summary.startswith("no credentials needed"), auth.summary
