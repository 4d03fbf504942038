"""The AgentCore front door: auth, Accept, session headers, forwarding, -32010, OIDC discovery."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import pytest

from tui.sandbox.aws import DEFAULT_CLIENT_ID
from tui.sandbox.frontdoor import (
    ACCEPT_MESSAGE,
    AUTH_MISMATCH_MESSAGE,
    INIT_TIMEOUT_MESSAGE,
    INTERNAL_ERROR_MESSAGE,
    RUNTIME_SESSION_HEADER,
    WRONG_CLIENT_MESSAGE,
    FrontDoorSandbox,
)
from tui.sandbox.mcp_server import McpServerSandbox

HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}
TOOLS_LIST = {"jsonrpc": "2.0", "id": "6f1c2e1e-0000-4000-8000-000000000001", "method": "tools/list"}


def rpc_body(response: httpx.Response) -> dict[str, Any]:
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(response.json())


@pytest.fixture
def http() -> Any:
    # Plain HTTP to 127.0.0.1: no TLS, so no CA bundle to load (httpx loads it for every client unless told not to:
    # ~50-100 ms of CPU under load, for each of this module's tests).
    with httpx.Client(timeout=httpx.Timeout(10.0), verify=False) as client:
        yield client


@pytest.fixture
def door(mcp_server: Callable[..., McpServerSandbox], front_door: Callable[..., FrontDoorSandbox]) -> FrontDoorSandbox:
    return front_door(mcp_server().url)


def auth(door: FrontDoorSandbox, kind: str = "valid") -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {door.issue_token(kind)}"}


@pytest.mark.parametrize("json_response", [False, True])
def test_valid_token_forwards_to_the_server(
    json_response: bool,
    mcp_server: Callable[..., McpServerSandbox],
    front_door: Callable[..., FrontDoorSandbox],
    http: httpx.Client,
) -> None:
    door = front_door(mcp_server(json_response=json_response).url)
    assert "/runtimes/arn%3Aaws%3Abedrock-agentcore%3A" in door.invocation_url
    assert door.invocation_url.endswith("/invocations?qualifier=DEFAULT")
    init = http.post(door.invocation_url, json=INIT, headers=auth(door))
    assert init.status_code == 200
    assert rpc_body(init)["result"]["serverInfo"]["name"] == "mcp_server"
    # The platform mints a runtime session id (>= 33 chars) and, classic contract, an Mcp-Session-Id.
    runtime_session = init.headers[RUNTIME_SESSION_HEADER]
    assert len(runtime_session) >= 33 and init.headers["mcp-session-id"] == runtime_session
    listed = http.post(
        door.invocation_url, json=TOOLS_LIST, headers={**auth(door), RUNTIME_SESSION_HEADER: runtime_session}
    )
    assert listed.headers[RUNTIME_SESSION_HEADER] == runtime_session
    body = rpc_body(listed)
    assert body["id"] == TOOLS_LIST["id"]
    assert {t["name"] for t in body["result"]["tools"]} == {"add_numbers", "multiply_numbers", "greet_user"}


def test_missing_accept_type_gives_406(door: FrontDoorSandbox, http: httpx.Client) -> None:
    for accept in (None, "application/json", "text/event-stream", "*/*"):
        headers = {k: v for k, v in auth(door).items() if k != "Accept"}
        if accept:
            headers["Accept"] = accept
        response = http.post(door.invocation_url, json=INIT, headers=headers)
        assert response.status_code == 406, accept
        assert response.json()["message"] == ACCEPT_MESSAGE


@pytest.mark.parametrize(
    ("authorization", "status", "error_type", "message"),
    [
        (None, 401, "UnauthorizedException", "Missing Authentication Token"),
        ("Basic dXNlcjpwdw==", 401, "UnauthorizedException", "Missing Authentication Token"),
        ("Bearer not-a-jwt", 401, "UnauthorizedInboundTokenException", "Invalid token"),
        (
            "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=host, Signature=00",
            403,
            "AccessDeniedException",
            AUTH_MISMATCH_MESSAGE,
        ),
    ],
)
def test_auth_rejections(
    authorization: str | None, status: int, error_type: str, message: str, door: FrontDoorSandbox, http: httpx.Client
) -> None:
    headers = dict(HEADERS)
    if authorization is not None:
        headers["Authorization"] = authorization
    response = http.post(door.invocation_url, json=INIT, headers=headers)
    assert response.status_code == status
    assert response.headers["x-amzn-errortype"] == error_type
    assert response.json()["message"].startswith(message)


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("expired", 401, "Token has expired"),
        ("wrong-client", 403, WRONG_CLIENT_MESSAGE),
        ("bad-signature", 401, "Invalid token"),
    ],
)
def test_bad_tokens(kind: str, status: int, message: str, door: FrontDoorSandbox, http: httpx.Client) -> None:
    headers = auth(door, kind)
    for _attempt in range(2):  # the same token again: the door's memory of verified tokens changes no answer
        response = http.post(door.invocation_url, json=INIT, headers=headers)
        assert response.status_code == status
        assert response.json()["message"].startswith(message)


def test_a_remembered_token_is_refused_once_it_expires(
    door: FrontDoorSandbox, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The door remembers tokens it verified; a remembered one past its ``exp`` is refused as PyJWT refuses it."""
    import datetime as dt
    import time
    import types

    from tui.sandbox import frontdoor

    headers = auth(door)
    assert http.post(door.invocation_url, json=INIT, headers=headers).status_code == 200
    assert http.post(door.invocation_url, json=INIT, headers=headers).status_code == 200
    later = time.time() + 7200  # tokens live an hour

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return dt.datetime.fromtimestamp(later, tz)

    monkeypatch.setattr(frontdoor, "time", types.SimpleNamespace(time=lambda: later))
    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)  # PyJWT's clock, two hours on
    response = http.post(door.invocation_url, json=INIT, headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] == "Token has expired"


def test_tokens_verify_against_published_jwks(door: FrontDoorSandbox, http: httpx.Client) -> None:
    config = http.get(door.discovery_url).json()
    assert config["issuer"] == door.issuer
    keys = http.get(config["jwks_uri"]).json()["keys"]
    key = jwt.PyJWK(keys[0])
    claims = jwt.decode(door.issue_token("valid"), key.key, algorithms=["RS256"], issuer=door.issuer)
    assert claims["client_id"] == DEFAULT_CLIENT_ID and claims["token_use"] == "access" and "aud" not in claims
    expired = jwt.decode(door.issue_token("expired"), key.key, algorithms=["RS256"], options={"verify_exp": False})
    assert expired["exp"] < claims["iat"]
    with pytest.raises(ValueError):
        door.issue_token("forever")


def test_wrong_arn_or_qualifier_is_404(door: FrontDoorSandbox, http: httpx.Client) -> None:
    other = door.invocation_url.replace("mcp_server-SandboxT01", "mcp_server-Other00000")
    assert http.post(other, json=INIT, headers=auth(door)).status_code == 404
    assert http.post(door.invocation_url.replace("DEFAULT", "prod"), json=INIT, headers=auth(door)).status_code == 404
    # Half-encoded ARN ('/' left raw) splits the path: not the runtime.
    raw_slash = door.invocation_url.replace("%2F", "/")
    assert http.post(raw_slash, json=INIT, headers=auth(door)).status_code == 404


def test_short_runtime_session_id_rejected(door: FrontDoorSandbox, http: httpx.Client) -> None:
    response = http.post(door.invocation_url, json=INIT, headers={**auth(door), RUNTIME_SESSION_HEADER: "my-session"})
    assert response.status_code == 400 and "33" in response.json()["message"]


def test_server_down_gives_200_with_32010(front_door: Callable[..., FrontDoorSandbox], http: httpx.Client) -> None:
    down = McpServerSandbox(faults=frozenset({"server-down"}))
    try:
        for backend in (down.start(), None):
            door = front_door(backend)
            response = http.post(door.invocation_url, json=INIT, headers=auth(door))
            assert response.status_code == 200
            body = response.json()
            assert body["id"] == 1
            assert body["error"]["code"] == -32010 and body["error"]["message"] == INIT_TIMEOUT_MESSAGE
    finally:
        down.stop()


def test_host_protection_fault_surfaces_as_421_through_the_door(
    mcp_server: Callable[..., McpServerSandbox], front_door: Callable[..., FrontDoorSandbox], http: httpx.Client
) -> None:
    door = front_door(mcp_server(faults={"host-protection"}).url)
    response = http.post(door.invocation_url, json=INIT, headers=auth(door))
    assert (response.status_code, response.text) == (421, "Invalid Host header")


def test_stateful_server_rejects_platform_session_id(
    mcp_server: Callable[..., McpServerSandbox], front_door: Callable[..., FrontDoorSandbox], http: httpx.Client
) -> None:
    """agentcore.md §1.2: the injected Mcp-Session-Id on initialize is unknown to a stateful server."""
    door = front_door(mcp_server(stateless=False).url)
    response = http.post(door.invocation_url, json=INIT, headers=auth(door))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Session not found"
    # Newer platform contract (no injection): the stateful handshake works.
    modern = front_door(mcp_server(stateless=False).url, inject_session_id=False)
    ok = http.post(modern.invocation_url, json=INIT, headers=auth(modern))
    assert ok.status_code == 200 and len(ok.headers["mcp-session-id"]) == 32


def test_drop_mid_stream_propagates_through_the_door(
    mcp_server: Callable[..., McpServerSandbox], front_door: Callable[..., FrontDoorSandbox], http: httpx.Client
) -> None:
    door = front_door(mcp_server(faults={"drop-mid-stream"}).url)
    call = {
        "jsonrpc": "2.0",
        "id": 5,
        "method": "tools/call",
        "params": {"name": "add_numbers", "arguments": {"a": 1, "b": 2}},
    }
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(door.invocation_url, json=call, headers=auth(door))


def test_invocation_url_encodes_the_arn_fully(front_door: Callable[..., FrontDoorSandbox]) -> None:
    arn = "arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/mcp_server-AbCdEfGhIj"
    door = front_door(None, runtime_arn=arn)
    assert door.invocation_url == f"{door.base_url}/runtimes/{quote(arn, safe='')}/invocations?qualifier=DEFAULT"


# --------------------------------------------------------------------------- -32603: AgentCore wraps a rejection


def test_stateful_rejection_of_the_platform_session_becomes_32603(
    mcp_server: Callable[..., McpServerSandbox], front_door: Callable[..., FrontDoorSandbox], http: httpx.Client
) -> None:
    """The guide's headline error: the container's 404 "Session not found" reaches the client as HTTP 200 + -32603."""
    door = front_door(mcp_server(stateless=False).url, wrap_server_errors=True)
    response = http.post(door.invocation_url, json=INIT, headers=auth(door))
    assert response.status_code == 200
    assert response.json() == {"jsonrpc": "2.0", "id": 1, "error": {"code": -32603, "message": INTERNAL_ERROR_MESSAGE}}
    assert len(response.headers[RUNTIME_SESSION_HEADER]) >= 33
    # the same server without the platform's injected id works: the wrapper hides only rejections
    assert "Session not found" not in response.text


def test_wrapping_leaves_answers_that_are_not_rejections_alone(
    mcp_server: Callable[..., McpServerSandbox], front_door: Callable[..., FrontDoorSandbox], http: httpx.Client
) -> None:
    door = front_door(mcp_server().url, wrap_server_errors=True)
    ok = http.post(door.invocation_url, json=INIT, headers=auth(door))
    assert ok.status_code == 200 and rpc_body(ok)["result"]["serverInfo"]
    # a 400 that is not about the session (no Content-Type) passes through whole: the part read to decide is replayed
    no_type = http.post(
        door.invocation_url,
        content=json.dumps(TOOLS_LIST),
        headers={k: v for k, v in auth(door).items() if k != "Content-Type"},
    )
    assert no_type.status_code == 400 and "Content-Type" in no_type.text
    host = front_door(mcp_server(faults={"host-protection"}).url, wrap_server_errors=True)
    assert http.post(host.invocation_url, json=INIT, headers=auth(host)).status_code == 421


def test_a_5xx_from_the_container_becomes_32603(
    front_door: Callable[..., FrontDoorSandbox], http: httpx.Client
) -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from tui.sandbox._net import LOOPBACK, UvicornThread

    async def boom(request: Any) -> Any:
        await request.body()
        return PlainTextResponse("Internal Server Error", status_code=500)

    server = UvicornThread(Starlette(routes=[Route("/mcp", boom, methods=["POST"])]), name="test-500")
    port = server.start()
    try:
        door = front_door(f"http://{LOOPBACK}:{port}/mcp", wrap_server_errors=True)
        response = http.post(door.invocation_url, json=TOOLS_LIST, headers=auth(door))
        assert response.status_code == 200
        assert response.json()["error"] == {"code": -32603, "message": INTERNAL_ERROR_MESSAGE}
        assert response.json()["id"] == TOOLS_LIST["id"]
        passthrough = front_door(f"http://{LOOPBACK}:{port}/mcp")
        assert http.post(passthrough.invocation_url, json=TOOLS_LIST, headers=auth(passthrough)).status_code == 500
    finally:
        server.stop()
