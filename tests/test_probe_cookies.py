"""Probe cookies: the probes of one Prober share the cookies their endpoint set (a load balancer's sticky-session
cookie); another Prober (another check) starts without them, even on the run's shared connection pool."""

from __future__ import annotations

from typing import Any

import pytest

from tui.endpoint.pool import shared_connections
from tui.endpoint.probe import Prober
from tui.sandbox._net import LOOPBACK, UvicornThread


@pytest.fixture
def sticky_server() -> Any:
    """Answers every GET with the Cookie header it got; sets ``AWSALB`` when the request carried none."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def echo(request: Request) -> Response:
        response = JSONResponse({"cookie": request.headers.get("cookie")})
        if "cookie" not in request.headers:
            response.set_cookie("AWSALB", "sticky-1", path="/")
        return response

    thread = UvicornThread(Starlette(routes=[Route("/mcp", echo)]), name="test-sticky")
    port = thread.start()
    yield f"http://{LOOPBACK}:{port}/mcp"
    thread.stop()


async def _cookie_seen(prober: Prober) -> Any:
    result = await prober.request("GET", "echo", b"", {"Accept": "application/json"})
    assert result.status == 200, result.line()
    import json

    return json.loads(result.body)["cookie"]


async def test_a_probers_requests_carry_the_cookies_its_endpoint_set(sticky_server: str) -> None:
    async with shared_connections():
        async with Prober(sticky_server, shared=True) as first:
            assert await _cookie_seen(first) is None
            assert await _cookie_seen(first) == "AWSALB=sticky-1"
            assert await _cookie_seen(first) == "AWSALB=sticky-1"
        async with Prober(sticky_server, shared=True) as other:
            assert await _cookie_seen(other) is None
