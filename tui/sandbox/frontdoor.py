"""An ASGI stand-in for the AgentCore Runtime invocation endpoint (agentcore.md §1.3–1.6).

``POST /runtimes/{URL-encoded runtime ARN}/invocations?qualifier=DEFAULT`` with
``Authorization: Bearer <JWT>`` is checked the way a runtime with a
``customJWTAuthorizer`` checks it, then forwarded to the MCP server:

* no/malformed token → 401 ``Missing Authentication Token`` / ``UnauthorizedInboundTokenException``;
  expired → 401 ``Token has expired``; bad signature → 401; a ``client_id`` not in
  ``allowedClients`` → 403 ``Claim 'client_id' value mismatch with configuration.``;
* ``Authorization: AWS4-HMAC-SHA256 …`` at this JWT runtime → 403 ``AccessDeniedException``
  "Authorization method mismatch …" (§1.5);
* ``Accept`` without both ``application/json`` and ``text/event-stream`` → 406
  ``MCP Accept header must contain: application/json, text/event-stream`` (§1.3);
* a ``X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`` shorter than 33 chars → 400 ValidationException;
* the platform's session headers: a runtime session id is minted when absent and
  returned; in the classic contract (``inject_session_id=True``, default) the
  platform also puts an ``Mcp-Session-Id`` on requests that lack one — which is
  what breaks stateful Python servers (§1.2);
* the server behind it unreachable → HTTP **200** with JSON-RPC error ``-32010``
  "Runtime initialization time exceeded" (§0.7);
* with ``wrap_server_errors=True``: a POST the container answers with a 5xx, or with a 400/404 that
  rejects the session (a stateful server and the platform's ``Mcp-Session-Id``), comes back as HTTP
  **200** with JSON-RPC error ``-32603`` "An internal error occurred while processing the request."
  and the request's id: what clients of a real runtime see (agentcore.md §1.2, argoproj-labs/mcp-for-argocd#88;
  the guide's headline error). The HTTP status of the real wrapper is not documented; 200 follows the
  documented ``-32010`` case. Off by default so the endpoint checks' tests still see the container's own
  answer (404 "Session not found", 421, …).

It also serves the issuer's ``/.well-known/openid-configuration`` and JWKS, so the
runtime's ``discoveryUrl`` can point here. Tokens come from ``issue_token(kind)``.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from tui.sandbox._net import KEEP_ALIVE_SECONDS, LOOPBACK, UvicornThread

if TYPE_CHECKING:
    from starlette.responses import JSONResponse

TOKEN_KINDS = ("valid", "expired", "wrong-client", "bad-signature")
FORWARDED_HOST = "agentcore-runtime.internal:8000"
"""Host header the front door sends to the container. Any non-loopback name will do: it is what
makes the SDK's default DNS-rebinding protection answer 421 (the ``host-protection`` fault)."""
ACCEPT_MESSAGE = "MCP Accept header must contain: application/json, text/event-stream"
INIT_TIMEOUT_MESSAGE = "Runtime initialization time exceeded. Please make sure that initialization completes in 30s."
INTERNAL_ERROR_MESSAGE = "An internal error occurred while processing the request."
MAX_WRAPPED_BODY = 64 * 1024
"""How much of a rejected answer the door reads before wrapping it (the rest is discarded unread)."""
AUTH_MISMATCH_MESSAGE = (
    "Authorization method mismatch. The agent is configured for a different authorization method than what was "
    "used in your request. Please use the authorization method that the agent is configured with (OAuth or SigV4)."
)
WRONG_CLIENT_MESSAGE = "Claim 'client_id' value mismatch with configuration."
FORWARD_REQUEST_HEADERS = (
    "content-type",
    "accept",
    "mcp-protocol-version",
    "mcp-session-id",
    "last-event-id",
    "mcp-method",
    "mcp-name",
    "x-amzn-bedrock-agentcore-runtime-session-id",
    "traceparent",
    "tracestate",
    "baggage",
    "x-amzn-trace-id",
)
RETURN_RESPONSE_HEADERS = (
    "content-type",
    "mcp-session-id",
    "mcp-protocol-version",
    "cache-control",
    "x-accel-buffering",
)
RUNTIME_SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
MAX_VERIFIED_TOKENS = 256
"""Verified tokens a door remembers at most (then it forgets them all and verifies afresh)."""
UPSTREAM_KEEPALIVE_EXPIRY = KEEP_ALIVE_SECONDS / 2.5
"""Seconds the door reuses an idle connection to the container: well under the container's keep-alive
(``KEEP_ALIVE_SECONDS``). httpx's default (5 s) outlived the server's, and a request sent as the server closed the
idle connection failed with a ReadError the door turned into a 500 (the SDK's "-32603 Server returned an error
response" in one doctor run of many)."""


def _aws_error(status: int, error_type: str, message: str) -> JSONResponse:
    from starlette.responses import JSONResponse

    return JSONResponse({"message": message}, status_code=status, headers={"x-amzn-ErrorType": error_type})


@functools.cache
def _rsa_key(role: str) -> Any:
    """One 2048-bit RSA key per role (``issuer`` signs, ``impostor`` signs the bad-signature tokens) per process.

    Generating one costs 50-150 ms of CPU, and the test suite starts hundreds of front doors. Doors sharing the
    issuer key stay apart: each has its own issuer URL (checked as ``iss``) and its own ``kid``.
    """
    from cryptography.hazmat.primitives.asymmetric import rsa

    del role  # the cache key: a separate key per role
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FrontDoorSandbox:
    """The runtime's invocation endpoint on ``http://127.0.0.1:<free port>``, plus an OIDC issuer.

    ``backend_url`` is the MCP server (``…/mcp``); ``None`` means the container never came up.
    """

    def __init__(
        self,
        backend_url: str | None,
        runtime_arn: str,
        allowed_client: str,
        *,
        inject_session_id: bool = True,
        read_timeout: float = 120.0,
        wrap_server_errors: bool = False,
    ) -> None:
        self.backend_url = backend_url
        self.runtime_arn = runtime_arn
        self.allowed_client = allowed_client
        self.inject_session_id = inject_session_id
        self.read_timeout = read_timeout
        self.wrap_server_errors = wrap_server_errors
        self.kid = f"sandbox-{uuid.uuid4().hex[:8]}"
        self._key = _rsa_key("issuer")
        self._public_key = self._key.public_key()
        self._verified: dict[str, dict[str, Any]] = {}
        """Claims of tokens this door verified, keyed by the exact token. A doctor run presents one token ~40
        times; verifying each (PyJWT's parse and RSA check) was ~6 % of the sandbox's CPU. Only what can change
        with time is checked again on reuse: ``exp`` (a cached token past it is decoded afresh, so the client sees
        the same "Token has expired"). Signature, issuer and ``iat`` of the same bytes cannot change."""
        self._thread = UvicornThread(self._build_app(), name="sandbox-frontdoor")
        self.base_url = f"http://{LOOPBACK}:{self._thread.bind()}"

    # ------------------------------------------------------------------ urls and tokens

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    @property
    def invocation_url(self) -> str:
        """``{base}/runtimes/{URL-encoded ARN}/invocations?qualifier=DEFAULT`` (agentcore.md §1.4)."""
        return f"{self.base_url}/runtimes/{quote(self.runtime_arn, safe='')}/invocations?qualifier=DEFAULT"

    def issue_token(self, kind: str = "valid") -> str:
        """A Cognito-style RS256 access token: ``valid``, ``expired``, ``wrong-client`` or ``bad-signature``."""
        import jwt

        if kind not in TOKEN_KINDS:
            raise ValueError(f"unknown token kind {kind!r}; known: {', '.join(TOKEN_KINDS)}")
        now = int(time.time())
        iat, exp = (now - 7200, now - 3600) if kind == "expired" else (now, now + 3600)
        claims = {
            "sub": str(uuid.uuid4()),
            "iss": self.issuer,
            "client_id": "some-other-app-client" if kind == "wrong-client" else self.allowed_client,
            "origin_jti": str(uuid.uuid4()),
            "token_use": "access",
            "scope": "openid",
            "auth_time": iat,
            "iat": iat,
            "exp": exp,
            "jti": str(uuid.uuid4()),
        }
        key = _rsa_key("impostor") if kind == "bad-signature" else self._key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        from jwt.algorithms import RSAAlgorithm

        jwk = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return {"keys": [jwk]}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> str:
        """Start serving; return the base URL."""
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving; idempotent."""
        self._thread.stop()

    def __enter__(self) -> FrontDoorSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ the app

    def _check_token(self, authorization: str) -> JSONResponse | None:
        """None when the bearer token is acceptable, else the error response."""
        import jwt

        if authorization.upper().startswith("AWS4-HMAC-SHA256"):
            return _aws_error(403, "AccessDeniedException", AUTH_MISMATCH_MESSAGE)
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _aws_error(401, "UnauthorizedException", "Missing Authentication Token")
        token = token.strip()
        claims = self._verified.get(token)
        if claims is not None and int(claims["exp"]) <= time.time():
            # Expired since it was verified (PyJWT's own test): decode afresh, so the answer is PyJWT's.
            del self._verified[token]
            claims = None
        if claims is None:
            try:
                claims = jwt.decode(
                    token,
                    self._public_key,
                    algorithms=["RS256"],
                    issuer=self.issuer,
                    options={"require": ["exp", "iat", "iss"], "verify_aud": False},
                )
            except jwt.ExpiredSignatureError:
                return _aws_error(401, "UnauthorizedInboundTokenException", "Token has expired")
            except jwt.PyJWTError as exc:
                return _aws_error(401, "UnauthorizedInboundTokenException", f"Invalid token: {exc}")
            if isinstance(claims.get("exp"), (int, float)):
                if len(self._verified) >= MAX_VERIFIED_TOKENS:
                    self._verified.clear()
                self._verified[token] = claims
        if claims.get("client_id") != self.allowed_client:
            return _aws_error(403, "AccessDeniedException", WRONG_CLIENT_MESSAGE)
        return None

    def _build_app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse, Response, StreamingResponse
        from starlette.routing import Route

        from tui.sandbox.relay import Upstream, UpstreamUnreachable

        door = self
        state: dict[str, Upstream] = {}

        async def openid_configuration(request: Request) -> Response:
            return JSONResponse(
                {
                    "issuer": door.issuer,
                    "jwks_uri": f"{door.base_url}/.well-known/jwks.json",
                    "authorization_endpoint": f"{door.base_url}/oauth2/authorize",
                    "token_endpoint": f"{door.base_url}/oauth2/token",
                    "response_types_supported": ["code", "token"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "scopes_supported": ["openid"],
                }
            )

        async def jwks(request: Request) -> Response:
            return JSONResponse(door.jwks())

        async def invocations(request: Request) -> Response:
            # The ARN must arrive as ONE URL-encoded path segment (':' → %3A, '/' → %2F);
            # an unencoded or half-encoded ARN does not name the runtime (agentcore.md §1.4).
            raw = request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0].split("/")
            if len(raw) != 4 or unquote(raw[2]) != door.runtime_arn:
                return _aws_error(
                    404, "ResourceNotFoundException", f"No agent runtime found for {request.path_params['arn']}"
                )
            qualifier = request.query_params.get("qualifier", "DEFAULT")
            if qualifier != "DEFAULT":
                return _aws_error(404, "ResourceNotFoundException", f"No endpoint {qualifier!r} for this agent runtime")
            denied = door._check_token(request.headers.get("authorization", ""))
            if denied is not None:
                return denied
            accept = request.headers.get("accept", "").lower()
            if request.method == "POST" and not ("application/json" in accept and "text/event-stream" in accept):
                return _aws_error(406, "ValidationException", ACCEPT_MESSAGE)
            runtime_session = request.headers.get(RUNTIME_SESSION_HEADER) or str(uuid.uuid4())
            if len(runtime_session) < 33:
                return _aws_error(
                    400,
                    "ValidationException",
                    "1 validation error detected: Value at 'runtimeSessionId' failed to satisfy constraint: "
                    "Member must have length greater than or equal to 33",
                )
            headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARD_REQUEST_HEADERS}
            headers[RUNTIME_SESSION_HEADER] = runtime_session
            injected = None
            if door.inject_session_id and "mcp-session-id" not in request.headers:
                injected = headers["mcp-session-id"] = runtime_session
            headers["host"] = FORWARDED_HOST
            body = await request.body()
            try:
                rpc_id = json.loads(body or b"{}").get("id")
            except (ValueError, AttributeError):
                rpc_id = None
            extra = {RUNTIME_SESSION_HEADER: runtime_session}
            if door.backend_url is None:
                return _init_timeout(rpc_id, extra)
            container = state.get("upstream")
            if container is None:
                container = state["upstream"] = Upstream(
                    door.backend_url,
                    connect_timeout=2.0,
                    read_timeout=door.read_timeout,
                    keepalive_expiry=UPSTREAM_KEEPALIVE_EXPIRY,
                )
            try:
                upstream = await container.send(request.method, headers, body)
            except UpstreamUnreachable:
                return _init_timeout(rpc_id, extra)
            chunks = upstream.chunks()
            prefix = b""
            if door.wrap_server_errors and request.method == "POST" and upstream.status_code >= 400:
                rejected, prefix = await _rejected(upstream.status_code, chunks)
                if rejected:
                    await upstream.aclose()
                    return _internal_error(rpc_id, extra)
            out_headers = {k: v for k, v in upstream.headers.items() if k.lower() in RETURN_RESPONSE_HEADERS}
            out_headers.update(extra)
            if "mcp-session-id" not in upstream.headers and injected:
                out_headers["mcp-session-id"] = injected

            async def relay() -> Any:
                # A backend that drops mid-stream raises here; uvicorn then drops our client too.
                try:
                    if prefix:
                        yield prefix
                    async for chunk in chunks:
                        yield chunk
                finally:
                    await upstream.aclose()

            return StreamingResponse(relay(), status_code=upstream.status_code, headers=out_headers)

        async def _rejected(status: int, chunks: Any) -> tuple[bool, bytes]:
            """(wrap it?, the part of the body read to decide): a 5xx, or a 400/404 that names the session."""
            if status >= 500:
                return True, b""
            if status not in (400, 404):
                return False, b""
            body = b""
            async for chunk in chunks:
                body += chunk
                if len(body) >= MAX_WRAPPED_BODY:
                    break
            return b"session" in body.lower(), body

        def _internal_error(rpc_id: Any, extra: dict[str, str]) -> Response:
            return JSONResponse(
                {"jsonrpc": "2.0", "id": rpc_id, "error": {"code": -32603, "message": INTERNAL_ERROR_MESSAGE}},
                status_code=200,
                headers=extra,
            )

        def _init_timeout(rpc_id: Any, extra: dict[str, str]) -> Response:
            return JSONResponse(
                {"jsonrpc": "2.0", "id": rpc_id, "error": {"code": -32010, "message": INIT_TIMEOUT_MESSAGE}},
                status_code=200,
                headers=extra,
            )

        async def lifespan(app: Any) -> Any:
            yield
            container = state.pop("upstream", None)
            if container is not None:
                await container.aclose()

        from contextlib import asynccontextmanager

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", openid_configuration, methods=["GET"]),
                Route("/.well-known/jwks.json", jwks, methods=["GET"]),
                Route("/runtimes/{arn:path}/invocations", invocations, methods=["POST", "GET", "DELETE"]),
            ],
            lifespan=asynccontextmanager(lifespan),
        )


__all__ = [
    "ACCEPT_MESSAGE",
    "AUTH_MISMATCH_MESSAGE",
    "FORWARDED_HOST",
    "INIT_TIMEOUT_MESSAGE",
    "INTERNAL_ERROR_MESSAGE",
    "TOKEN_KINDS",
    "UPSTREAM_KEEPALIVE_EXPIRY",
    "WRONG_CLIENT_MESSAGE",
    "FrontDoorSandbox",
]
