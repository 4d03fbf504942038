"""endpoint.auth reads credentials as accepted only from an answer that shows it: an MCP initialize result, a JSON-RPC
error from the server, or a refusal an MCP transport writes. JSON that answers something else, a plain-text 500 or a
health route's ``OK`` say nothing about credentials: the check could not run, and names endpoint.initialize, which
owns the cause. Nor does an AgentCore ``ValidationException`` (the request rejected as invalid): nothing shows it comes
only after the authorizer took the credentials. Real servers (Starlette under uvicorn on 127.0.0.1), one per module;
the path picks the answer."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from test_endpoint_harness import TOKEN_ENV, bounded_probes, make_context, run_check  # noqa: F401

from tui.results import CheckResult, Status

INIT_RESULT = {
    "protocolVersion": "2025-11-25",
    "capabilities": {"tools": {}},
    "serverInfo": {"name": "t", "version": "1"},
}


def _jwt() -> str:
    """An unsigned JWT that expires in 2100 (the check decodes it, never verifies it)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"iss": "https://issuer.example", "client_id": "client-abc", "exp": 4102444800}
    return f"{part({'alg': 'none'})}.{part(claims)}."


def _answer(kind: str, message: dict[str, Any], authorization: str) -> Any:
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

    rpc_id = message.get("id")
    if "id" not in message:
        return Response(status_code=202)  # notifications, the session-closing DELETE's friends
    if kind == "status-ok":
        return JSONResponse({"status": "ok"})
    if kind == "other-id":
        return JSONResponse({"jsonrpc": "2.0", "id": "not-yours", "result": INIT_RESULT})
    if kind == "array":
        return JSONResponse([{"status": "ok"}])
    if kind == "proxy-json-500":
        return JSONResponse({"error": {"message": "upstream connect error"}}, status_code=500)  # JSON, not JSON-RPC
    if kind == "text-500":
        return PlainTextResponse("Internal Server Error", status_code=500)
    if kind == "text-ok":
        return PlainTextResponse("OK")
    if kind == "rpc-32600":
        error = {"code": -32600, "message": "Invalid Request"}
        return JSONResponse({"jsonrpc": "2.0", "id": None, "error": error}, status_code=400)
    if kind == "rpc-32602":
        error = {"code": -32602, "message": "Invalid request parameters"}
        return JSONResponse({"jsonrpc": "2.0", "id": rpc_id, "error": error})
    if kind == "host-421":
        return PlainTextResponse("Invalid Host header", status_code=421)  # mcp's transport security, plain text
    if kind == "needs-token":
        if not authorization:
            return PlainTextResponse("Unauthorized", status_code=401, headers={"www-authenticate": "Bearer"})
        return JSONResponse({"jsonrpc": "2.0", "id": rpc_id, "result": INIT_RESULT})
    if kind in ("login-without-token", "health-without-token", "open"):
        if not authorization and kind == "login-without-token":
            return HTMLResponse("<html><body><form action='/login'>Sign in</form></body></html>")  # an SSO proxy
        if not authorization and kind == "health-without-token":
            return JSONResponse({"status": "ok"})
        return JSONResponse({"jsonrpc": "2.0", "id": rpc_id, "result": INIT_RESULT})
    if kind == "refuses-token":
        return PlainTextResponse("Unauthorized", status_code=401, headers={"www-authenticate": "Bearer"})
    raise AssertionError(kind)


SHORT_SESSION = (
    "1 validation error detected: Value at 'runtimeSessionId' failed to satisfy constraint: Member must have length "
    "greater than or equal to 33"
)


def _agentcore_answer(kind: str, message: dict[str, Any]) -> Any:
    """What an AgentCore front door answers: AWS errors carry ``x-amzn-ErrorType`` and a JSON ``message``."""
    from starlette.responses import JSONResponse, Response

    if "id" not in message:
        return Response(status_code=202)
    if kind == "short_session":  # as the sandbox's front door and the InvokeAgentRuntime API reference say
        return JSONResponse(
            {"message": SHORT_SESSION}, status_code=400, headers={"x-amzn-ErrorType": "ValidationException"}
        )
    if kind == "coral_type":  # the error type with AWS's namespace suffix, and in the body's __type only
        body = {"__type": "com.amazon.coral.validate#ValidationException", "Message": "Invalid qualifier"}
        return JSONResponse(body, status_code=400)
    if kind == "mmds":
        headers = {
            "x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/"
        }
        return JSONResponse({"message": "This runtime is not MMDSv2-enabled"}, status_code=400, headers=headers)
    if kind == "initialized":
        return JSONResponse({"jsonrpc": "2.0", "id": message["id"], "result": INIT_RESULT})
    if kind == "runtime_500":  # an AWS error that is not a validation (read as after the authorizer, unchanged)
        return JSONResponse(
            {"message": "boom"}, status_code=500, headers={"x-amzn-ErrorType": "InternalServerException"}
        )
    raise AssertionError(kind)


def _invocation_url(base: str, kind: str) -> str:
    from urllib.parse import quote

    arn = f"arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/{kind}-AbCdEf1234"
    return f"{base}/runtimes/{quote(arn, safe='')}/invocations?qualifier=DEFAULT"


@pytest.fixture(scope="module")
def answers() -> Iterator[str]:
    """The server's base URL: ``{base}/{kind}/mcp`` answers every POST the way ``_answer`` says."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from tui.sandbox._net import UvicornThread

    async def mcp(request: Request) -> Response:
        if request.method != "POST":
            return Response(status_code=405)
        try:
            message = json.loads(await request.body())
        except ValueError:
            message = {}
        message = message if isinstance(message, dict) else {}
        return _answer(request.path_params["kind"], message, request.headers.get("authorization", ""))

    async def invocations(request: Request) -> Response:
        """An AgentCore invocation URL (``/runtimes/<ARN>/invocations``): the runtime id picks the answer."""
        if request.method != "POST":
            return Response(status_code=405)
        try:
            message = json.loads(await request.body())
        except ValueError:
            message = {}
        message = message if isinstance(message, dict) else {}
        kind = request.path_params["arn"].rsplit("/", 1)[-1].rsplit("-", 1)[0]
        return _agentcore_answer(kind, message)

    server = UvicornThread(
        Starlette(
            routes=[
                Route("/{kind}/mcp", mcp, methods=["GET", "POST", "DELETE"]),
                Route("/runtimes/{arn:path}/invocations", invocations, methods=["GET", "POST", "DELETE"]),
            ]
        )
    )
    port = server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


async def _auth_and_initialize(
    base: str, kind: str, token: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[CheckResult, CheckResult]:
    if token:
        monkeypatch.setenv(TOKEN_ENV, _jwt())
    ctx = make_context(f"{base}/{kind}/mcp", token_env=TOKEN_ENV if token else None, timeout=20)
    auth = await run_check("endpoint.auth", ctx)
    initialize = await run_check("endpoint.initialize", ctx)
    assert auth.facts.get("endpoint.auth_mode") == ("bearer" if token else "none")
    return auth, initialize


@pytest.mark.parametrize("token", [False, True], ids=["no-auth", "bearer"])
@pytest.mark.parametrize(
    "kind",
    [
        "status-ok",  # (a) a health route's JSON
        "other-id",  # (a) a JSON-RPC response, but to another request
        "array",  # (a) a JSON array
        "proxy-json-500",  # a proxy's own JSON error: an "error" object, but no JSON-RPC
        "text-500",  # (b) a proxy's or a crashed framework's bare 500
        "text-ok",  # (c) a health endpoint taken for /mcp
    ],
)
async def test_an_answer_that_is_no_mcp_answer_does_not_pass_auth(
    answers: str, kind: str, token: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth, initialize = await _auth_and_initialize(answers, kind, token, monkeypatch)
    assert auth.status is Status.SKIP and auth.could_not_run, f"{auth.status.value} {auth.summary}"
    assert auth.summary.startswith("could not test credentials: "), auth.summary
    assert auth.summary.endswith("see endpoint.initialize"), auth.summary
    assert auth.evidence["blocked_by"] == "endpoint.initialize"
    assert "accepted" not in auth.summary and "no credentials needed" not in auth.summary
    # The check it points at does own the cause: it fails, naming what came back.
    assert initialize.status is Status.FAIL, f"{initialize.status.value} {initialize.summary}"
    assert auth.evidence["classified"]["cause"] in auth.summary


@pytest.mark.parametrize("token", [False, True], ids=["no-auth", "bearer"])
@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("rpc-32600", "http"),  # HTTP 400 with an id-null JSON-RPC error
        ("rpc-32602", "invalid-params"),
        ("host-421", "host-protection"),  # an MCP transport's own plain-text refusal
    ],
)
async def test_a_server_refusal_after_auth_still_reads_as_accepted(
    answers: str, kind: str, code: str, token: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth, initialize = await _auth_and_initialize(answers, kind, token, monkeypatch)
    assert auth.status is Status.PASS, f"{auth.status.value} {auth.summary}"
    expected = "JWT bearer token accepted" if token else "no credentials needed"
    assert expected in auth.summary
    assert f"(the request itself then failed: {code}, see the other checks)" in auth.summary
    assert initialize.status is not Status.PASS


async def test_a_real_401_still_fails_with_the_refined_cause(answers: str, monkeypatch: pytest.MonkeyPatch) -> None:
    without, _ = await _auth_and_initialize(answers, "needs-token", False, monkeypatch)
    assert without.status is Status.FAIL and without.evidence["classified"]["code"] == "token-missing", without.summary
    assert "none were sent" in without.summary
    refused, _ = await _auth_and_initialize(answers, "refuses-token", True, monkeypatch)
    assert refused.status is Status.FAIL and refused.evidence["classified"]["code"] == "unauthorized", refused.summary
    accepted, initialize = await _auth_and_initialize(answers, "needs-token", True, monkeypatch)
    assert accepted.status is Status.PASS and accepted.summary.startswith("JWT bearer token accepted"), accepted.summary
    assert initialize.status is Status.PASS, initialize.summary


@pytest.mark.parametrize("kind", ["login-without-token", "health-without-token"])
async def test_a_non_mcp_answer_without_credentials_does_not_mean_the_token_is_unchecked(
    answers: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2xx to the request without credentials is no initialize result: an SSO proxy's login page (or a health
    route's JSON) shows that something does check the token; "the token is not checked" would be a guess."""
    auth, initialize = await _auth_and_initialize(answers, kind, True, monkeypatch)
    assert auth.evidence["probe_without_credentials"]["status"] == 200
    assert auth.status is Status.PASS, f"{auth.status.value} {auth.summary}"
    assert auth.summary.startswith("JWT bearer token accepted"), auth.summary
    assert initialize.status is Status.PASS, initialize.summary


async def test_an_initialize_result_without_credentials_still_warns(
    answers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth, _ = await _auth_and_initialize(answers, "open", True, monkeypatch)
    assert auth.status is Status.WARN, f"{auth.status.value} {auth.summary}"
    assert auth.summary == "the endpoint answers without any credentials too: the token is not checked"


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("short_session", "HTTP 400 ValidationException: " + SHORT_SESSION),
        ("coral_type", "HTTP 400 ValidationException: Invalid qualifier"),
        ("mmds", "HTTP 400 ValidationException: This runtime is not MMDSv2-enabled"),
    ],
    ids=["short-session", "coral-type", "mmds"],
)
async def test_an_agentcore_validation_exception_does_not_read_as_accepted_credentials(
    answers: str, kind: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: any AgentCore answer but 401/403 read as "JWT bearer token accepted (AgentCore accepted the
    credentials)", a ValidationException too. No source shows AgentCore validates a request only after its authorizer
    took the credentials: the check says what it knows (the request was rejected as invalid, and the message)."""
    monkeypatch.setenv(TOKEN_ENV, _jwt())
    ctx = make_context(_invocation_url(answers, kind), token_env=TOKEN_ENV, timeout=20)
    auth = await run_check("endpoint.auth", ctx)
    assert auth.status is Status.SKIP and auth.could_not_run, f"{auth.status.value} {auth.summary}"
    assert auth.summary == (
        f"could not test credentials: AgentCore rejected the request as invalid ({said}); see endpoint.initialize"
    )
    assert "accepted" not in auth.summary and "refused" not in auth.summary
    assert "neither that the credentials were accepted nor that they were refused" in auth.details
    assert auth.evidence["blocked_by"] == "endpoint.initialize"
    assert auth.facts["endpoint.auth_mode"] == "bearer"
    initialize = await run_check("endpoint.initialize", ctx)
    assert initialize.status is Status.FAIL, f"{initialize.status.value} {initialize.summary}"


@pytest.mark.parametrize(
    ("kind", "status"), [("initialized", Status.PASS), ("runtime_500", Status.PASS)], ids=["ok", "runtime-500"]
)
async def test_other_agentcore_answers_still_read_as_accepted(
    answers: str, kind: str, status: Status, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same invocation URL with an initialize result, or an AWS error other than a validation, still reads as
    accepted (as before: this change is about the ValidationException only)."""
    monkeypatch.setenv(TOKEN_ENV, _jwt())
    auth = await run_check(
        "endpoint.auth", make_context(_invocation_url(answers, kind), token_env=TOKEN_ENV, timeout=20)
    )
    assert auth.status is status, f"{auth.status.value} {auth.summary}"
    assert auth.summary.startswith("JWT bearer token accepted (AgentCore accepted the credentials)"), auth.summary
