"""Round 14's injected faults in front of a healthy server: a reverse proxy whose upstream is down (nginx's 502/503/504
HTML page), and the real server mounted in a Starlette/FastAPI app at ``/mcp`` (``/mcp`` → 307 ``/mcp/``).

Before: the proxy page was already named (``upstream``; test only). The mount that moved the endpoint to
``/mcp/mcp`` was reported as "HTTP 404: nothing is served at …/mcp/" with the advice to use the exact path ``/mcp``,
which is what the user already called; now the finding names the trailing-slash redirect and the mount.
"""

from __future__ import annotations

import pytest
from test_endpoint_faults import assert_classified
from test_endpoint_harness import ENDPOINT_CHECKS, bounded_probes, describe, make_context, run_all  # noqa: F401
from test_endpoint_playbook import walk_endpoint_branch

from tui.results import Status
from tui.sandbox.misbehaving import misbehaving

AFTER_A_FAILED_HANDSHAKE = {
    "endpoint.headers",
    "endpoint.session",
    "endpoint.tools",
    "endpoint.stream",
    "endpoint.latency",
}
"""Checks that need a working initialize: each is a could-not-run skip naming its cause, never green."""


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_proxy_whose_upstream_is_down_is_named_upstream(status: int) -> None:
    with misbehaving("proxy-error", status=status) as url:
        results = await run_all(make_context(url))
        node = await walk_endpoint_branch(make_context(url))
    init = results["endpoint.initialize"]
    # 502/503: the server behind is down (its own node); 504: it is too slow for the proxy (the timeouts' node)
    code, diagnosis = ("gateway-timeout", "ep-slow") if status == 504 else ("upstream", "ep-upstream-down")
    assert_classified(init, code, words=(str(status), "proxy", "logs"))
    assert results["endpoint.reachable"].status is Status.PASS  # the proxy does answer
    assert results["endpoint.sdk"].evidence["classified"]["code"] == code, results["endpoint.sdk"].summary
    for check in AFTER_A_FAILED_HANDSHAKE:
        assert results[check].status is Status.SKIP and code in results[check].summary, describe(results)
    assert "html" not in init.evidence["classified"]["code"]  # an error page, not a wrong URL
    assert node == diagnosis  # was ep-internal-error ("the server fails while handling the request") for all three


async def test_a_mount_that_moved_the_endpoint_to_mcp_mcp_is_named() -> None:
    with misbehaving("mounted", inner_path="/mcp") as url:
        results = await run_all(make_context(url))
        moved = await run_all(make_context(url + "/mcp"), only=("endpoint.initialize",))
        node = await walk_endpoint_branch(make_context(url))
    init = results["endpoint.initialize"]
    assert_classified(
        init, "not-found", words=("redirect from /mcp to /mcp/", "Mount", "/mcp/mcp", "streamable_http_path")
    )
    assert "Use the exact MCP path" not in init.remediation
    assert moved["endpoint.initialize"].status is Status.PASS  # where the mount put it: the advice is right
    for check in AFTER_A_FAILED_HANDSHAKE:
        assert results[check].status is Status.SKIP, describe(results)
    assert node == "ep-wrong-url"


async def test_a_mount_serving_at_the_slash_path_works_after_its_redirect() -> None:
    with misbehaving("mounted", inner_path="/") as url:
        results = await run_all(make_context(url))
    init = results["endpoint.initialize"]
    assert init.status is Status.WARN and "after a redirect" in init.summary, init.summary
    assert url + "/" in init.remediation
    others = {c: r for c, r in results.items() if c != "endpoint.initialize"}
    assert all(r.status is Status.PASS for r in others.values()), describe(results)


async def test_a_plain_404_keeps_its_plain_advice() -> None:
    with misbehaving("not-found") as url:
        results = await run_all(make_context(url), only=("endpoint.initialize",))
    init = results["endpoint.initialize"]
    assert_classified(init, "not-found", words=("Use the exact MCP path",))
    assert "redirect" not in init.summary
