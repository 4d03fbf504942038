"""The endpoint branch of the main playbook: walks end at the right diagnosis; the guide's error texts find it."""

from __future__ import annotations

import pytest
from test_endpoint_harness import TOKEN_ENV, bounded_probes, make_context  # noqa: F401

from tui.engine.walk import Walk
from tui.playbook.matching import match_signatures
from tui.playbook.model import DiagnosisNode
from tui.playbook.validate import resolve_playbook


def _playbook():
    return resolve_playbook("agentcore-mcp").playbook


async def walk_endpoint_branch(context) -> str:
    walk = Walk(_playbook(), context)
    walk.answer("3")
    for _ in range(10):
        if isinstance(walk.node, DiagnosisNode):
            return walk.current
        await walk.advance()
    raise AssertionError(f"no diagnosis reached; at {walk.current}")


async def test_healthy_endpoint_ends_ok(mcp_server) -> None:  # noqa: F811
    assert await walk_endpoint_branch(make_context(mcp_server().url)) == "ep-ok"


async def test_no_endpoint_asks_for_a_target() -> None:
    assert await walk_endpoint_branch(make_context(None)) == "need-target"


@pytest.mark.parametrize(
    ("faults", "token", "stateless", "node"),
    [
        ({"host-protection"}, "valid", True, "ep-host-protection"),
        ({"server-down"}, "valid", True, "ep-runtime-not-started"),
        ((), "expired", True, "ep-auth"),
        ((), "wrong-client", True, "ep-auth"),
        ((), "valid", False, "ep-stateful"),
        ({"drop-mid-stream"}, "valid", True, "ep-closed-resource"),
    ],
    ids=["421", "-32010", "expired", "wrong-client", "stateful-risk", "cut-tools-call"],
)
async def test_front_door_faults_reach_their_diagnosis(
    mcp_server, front_door, monkeypatch, faults, token, stateless, node
) -> None:  # noqa: F811
    door = front_door(mcp_server(stateless=stateless, faults=set(faults)).url, inject_session_id=stateless)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token(token))
    assert await walk_endpoint_branch(make_context(door.invocation_url, token_env=TOKEN_ENV)) == node


async def test_html_login_page_is_a_wrong_url() -> None:
    from tui.sandbox.misbehaving import misbehaving

    with misbehaving("html-login") as url:
        assert await walk_endpoint_branch(make_context(url)) == "ep-wrong-url"


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("WARNING Missing Content-Type transport_security.py:92 header in POST request", "ep-headers"),
        (
            '{"jsonrpc":"2.0","error":{"code":-32603,"message":"An internal error occurred while processing the request."},"id":"2f5b"}',
            "ep-internal-error",
        ),
        ('"body": "Error in message router", "exception.type": "ClosedResourceError"', "ep-closed-resource"),
        (
            "pydantic.errors.PydanticCustomError: Input should be a valid UUID, invalid character: expecting a-f",
            "ep-uuid",
        ),
        (
            '{"jsonrpc":"2.0","id":1,"error":{"code":-32010,"message":"Runtime initialization time exceeded."}}',
            "ep-runtime-not-started",
        ),
        ("406 - MCP Accept header must contain: application/json, text/event-stream", "ep-headers"),
        ("Not Acceptable: Client must accept both application/json and text/event-stream", "ep-headers"),
        ("Invalid Host header", "ep-host-protection"),
        ("ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)", "ep-sdk-hidden"),
        ("UnauthorizedInboundTokenException: Token has expired", "ep-auth"),
        ("Authorization method mismatch. The agent is configured for a different authorization method", "ep-auth"),
    ],
)
def test_guide_error_texts_find_the_endpoint_nodes(text: str, node: str) -> None:
    hits = [node_id for node_id, _ in match_signatures(_playbook(), text)]
    assert node in hits[:2], hits


async def test_32603_from_a_stateful_server_is_walked_to_the_session_diagnosis(
    mcp_server, front_door, monkeypatch
) -> None:  # noqa: F811
    """The guide's headline -32603, reproduced by the front door: the walk blames the session, not logs or traces."""
    door = front_door(mcp_server(stateless=False).url, inject_session_id=True, wrap_server_errors=True)
    monkeypatch.setenv(TOKEN_ENV, door.issue_token("valid"))
    walk = Walk(_playbook(), make_context(door.invocation_url, token_env=TOKEN_ENV))
    walk.answer("3")
    seen = []
    for _ in range(12):
        seen.append(walk.current)
        if walk.current == "ep-initialize-rejected":
            break
        await walk.advance()
    assert "ep-internal-error" in seen and "ep-session-probe" in seen, seen
    assert walk.current == "ep-initialize-rejected", seen
    assert not any(n.startswith("aws-") for n in seen), seen


@pytest.mark.parametrize("style", ["rpc-error", "http-400"])
async def test_a_server_refusing_the_protocol_version_is_walked_to_its_diagnosis(style: str) -> None:
    from tui.sandbox.misbehaving import misbehaving

    with misbehaving("old-protocol", style=style) as url:
        assert await walk_endpoint_branch(make_context(url)) == "ep-protocol-version"
