"""A server whose initialize answer names a protocol version no MCP client speaks (a newer revision, a made-up one,
or a gateway rewriting it): the raw handshake goes through, the official client aborts. Round 14's injected fault.

Before: endpoint.initialize warned "the server chose an older version" (also for 2026-07-28, which is newer, and
for "1.0", which is no revision at all), and endpoint.sdk failed with "the failure is in a later step" and the advice
that the SDK hides an HTTP status: neither named the version. The real sample server under uvicorn answers; only its
``protocolVersion`` is rewritten (``tui.sandbox.misbehaving`` ``answers-version``).
"""

from __future__ import annotations

import asyncio

import pytest
from test_endpoint_faults import assert_classified
from test_endpoint_harness import bounded_probes, make_context, run_check  # noqa: F401
from test_endpoint_playbook import walk_endpoint_branch

from tui.endpoint.jsonrpc import HANDSHAKE_VERSIONS
from tui.results import Status
from tui.sandbox.misbehaving import misbehaving


def test_the_versions_clients_accept_are_the_sdks() -> None:
    from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

    assert tuple(HANDSHAKE_VERSIONS) == tuple(HANDSHAKE_PROTOCOL_VERSIONS)


@pytest.mark.parametrize("version", ["2026-07-28", "1.0"])
async def test_an_initialize_answer_in_a_version_clients_do_not_speak_is_named(version: str) -> None:
    with misbehaving("answers-version", version=version) as url:
        init, sdk, tools = await asyncio.gather(
            run_check("endpoint.initialize", make_context(url)),
            run_check("endpoint.sdk", make_context(url)),
            run_check("endpoint.tools", make_context(url)),
        )
        node = await walk_endpoint_branch(make_context(url))
    classified = assert_classified(init, "protocol-version", words=(version, "Unsupported protocol version"))
    assert "2025-11-25" in classified["cause"] and "older version" not in init.summary
    assert init.facts["endpoint.failure"] == "protocol-version"
    # The official client really aborts on it, and its finding now says why instead of "a later step".
    sdk_classified = assert_classified(sdk, "protocol-version", words=(version,))
    assert "Unsupported protocol version from the server" in sdk.summary, sdk.summary
    assert "HTTP status" not in sdk.remediation and sdk_classified["code"] == "protocol-version"
    # Nothing else is wrong with the server: tools/list still answers, and is not reported broken.
    assert tools.status is Status.PASS, tools.summary
    assert node == "ep-protocol-version"


async def test_an_older_version_clients_speak_stays_a_warning() -> None:
    with misbehaving("answers-version", version="2024-11-05") as url:
        init, sdk = await asyncio.gather(
            run_check("endpoint.initialize", make_context(url)), run_check("endpoint.sdk", make_context(url))
        )
    assert init.status is Status.WARN and "older version" in init.summary, init.summary
    assert init.facts["endpoint.failure"] is None
    assert sdk.status is Status.PASS, sdk.summary
