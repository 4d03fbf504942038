"""Fewer endpoint round trips: one connection pool per run, independent requests at once, honest latency samples."""

from __future__ import annotations

import asyncio

from test_endpoint_harness import make_context, run_check

from bench.latency_proxy import LatencyProxy
from tui.endpoint import jsonrpc
from tui.endpoint.pool import pooled_client, shared_connections
from tui.endpoint.probe import Prober
from tui.results import Status


async def test_pool_exists_only_inside_the_scope_and_the_last_one_out_closes_it() -> None:
    import httpx

    assert pooled_client("k", httpx.AsyncClient) is None  # outside any run: each prober has its own client
    left = asyncio.Event()

    async def first_run() -> httpx.AsyncClient:
        async with shared_connections():
            client = pooled_client("k", httpx.AsyncClient)
            assert pooled_client("k", httpx.AsyncClient) is client
            await left.wait()  # still inside while the other run leaves
            assert not client.is_closed
            return client

    async def second_run() -> httpx.AsyncClient:
        async with shared_connections():
            client = pooled_client("k", httpx.AsyncClient)
        left.set()
        return client

    one, two = await asyncio.gather(first_run(), second_run())
    assert one is two  # concurrent runs on one loop (a fleet sweep) share the pool ...
    assert one.is_closed  # ... and it is closed once nobody uses it
    assert pooled_client("k", httpx.AsyncClient) is None


async def test_probers_of_one_run_reuse_a_kept_alive_connection(mcp_server) -> None:
    server = mcp_server(stateless=True)
    proxy, url = LatencyProxy.for_url(server.url, 0.0)
    try:
        async with shared_connections():
            for request_id in (1, 2):
                async with Prober(url, shared=True) as p:
                    assert (await p.post("initialize", jsonrpc.initialize(request_id))).ok
        shared = proxy.connections
        for request_id in (3, 4):
            async with Prober(url, shared=True) as p:  # no run: a client (and connection) each
                assert (await p.post("initialize", jsonrpc.initialize(request_id))).ok
    finally:
        proxy.stop()
    assert shared == 1
    assert proxy.connections == 3


async def test_latency_samples_over_warm_connections_and_says_so(mcp_server) -> None:
    server = mcp_server(stateless=False)
    result = await run_check("endpoint.latency", make_context(server.url), count=7, warn_ms=60_000)
    assert result.status is Status.PASS, result.summary
    assert len(result.evidence["ms"]) == 7  # 5 then 2: every sample taken
    assert result.evidence["sampling"]["in_flight"] == 5
    assert "5 at a time over warm kept-alive connections" in result.summary
    assert "unmeasured warm-up" in result.details


async def test_headers_probes_keep_their_order_when_sent_at_once(mcp_server) -> None:
    server = mcp_server(stateless=True)
    result = await run_check("endpoint.headers", make_context(server.url))
    assert result.status in (Status.PASS, Status.WARN), result.summary
    assert list(result.evidence["negative_probes"]) == [
        "no-content-type",
        "no-accept",
        "accept-json-only",
        "accept-sse-only",
        "content-type-case",
        "foreign-host",
        "foreign-origin",
    ]
    assert result.evidence["negative_probes"]["foreign-host"]["sent"] == "Host: mcp.example.com"


async def test_concurrent_first_probes_share_one_tls_context() -> None:
    from tui.endpoint import probe

    saved = dict(probe._ssl_contexts)
    probe._ssl_contexts.clear()
    try:
        contexts = await asyncio.gather(*(probe.tls_context(True) for _ in range(12)))
    finally:
        probe._ssl_contexts.clear()
        probe._ssl_contexts.update(saved)
    assert len({id(c) for c in contexts}) == 1  # built once, not once per probe that asked at the same time


def test_an_endpoint_checks_budget_counts_from_its_start_not_from_after_its_set_up() -> None:
    import time

    from tui.checks.base import CheckContext
    from tui.checks.endpoint._common import EndpointParams, Setup

    ctx = CheckContext(context=make_context("http://127.0.0.1:1/mcp"), timeout=10.0)
    started = time.monotonic() - 4.0  # set-up waited 4 s for worker threads (a fleet sweep on a busy machine)
    s = Setup(ctx, EndpointParams(), target=None, auth=None, started=started)
    assert s.deadline == started + 8.5  # 10 s less the margin that lets a probe end as an explained result
