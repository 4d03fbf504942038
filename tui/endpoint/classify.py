"""From a probe's status and body to a one-line cause and the advice that fixes it.

The texts follow what mcp 2.3.0 servers and AgentCore's front door really send
(research: mcp-endpoint.md §2, agentcore.md §0, §1.3-1.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tui.endpoint.probe import ProbeResult
from tui.i18n import _


@dataclass(frozen=True)
class Cause:
    code: str
    summary: str
    """One line: what is wrong, naming the real status/body."""
    advice: str
    """What fixes it."""
    area: str = "endpoint"
    """Which check owns it: reachable, auth, headers, initialize, session, tools, stream."""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "cause": self.summary, "advice": self.advice}


_LOGIN_RE = re.compile(r"(?i)<form|sign[ -]?in|log[ -]?in|password|sso|oauth2/authorize|saml")


def _body(probe: ProbeResult) -> str:
    return probe.body or ""


def classify(probe: ProbeResult, target: Any = None) -> Cause | None:
    """The cause of a failed probe; None when the probe got a usable JSON-RPC answer (or a 202 to a notification)."""
    if (probe.error and probe.status is None) or probe.error in (
        "redirect-loop",
        "cross-origin-redirect",
        "forbidden-address",
        "throttled",
        "too-large",
        "sse-silent",
        "stalled",
        "reset-mid-body",
        "sse-no-response",
    ):
        return _transport(probe, target)
    status = probe.status or 0
    body = _body(probe)
    low = body.lower()
    ctype = probe.content_type
    hint = ""
    if target is not None and getattr(target, "problems", None):
        hint = " " + _("Also: {problem}.").format(problem=target.problems[0])

    if 200 <= status < 300:
        from tui.endpoint.jsonrpc import envelope_problem

        envelope = envelope_problem(probe.response) if probe.request_id is not None else None
        if envelope is not None:
            return Cause(
                "jsonrpc-version",
                _(
                    "HTTP {status}: the JSON-RPC response has the right id, but {problem}; JSON-RPC 2.0 requires "
                    '`"jsonrpc": "2.0"`, and the official MCP clients refuse the message ("Failed to parse")'
                ).format(status=status, problem=envelope),
                _(
                    'Every JSON-RPC 2.0 message must carry `"jsonrpc": "2.0"` exactly; the mcp and TypeScript SDK '
                    "clients validate it and drop the answer. Fix the server's hand-written responses, or the proxy "
                    "or middleware rewriting them (servers built on an MCP SDK write it themselves)."
                ),
                "initialize",
            )
        err = probe.rpc_error
        if err is not None:
            return _rpc_error(err, status)
        if status == 202 and probe.request_id is not None:
            return Cause(
                "accepted-request",
                _("HTTP 202 Accepted to a request: the server took it for a notification and will never answer"),
                _("Use a string or integer `id` (not a float, null, boolean or object) in every JSON-RPC request."),
                "tools",
            )
        if ctype == "text/html" or low.lstrip().startswith(("<!doctype html", "<html")):
            login = bool(_LOGIN_RE.search(body))
            via = (
                _(" (after redirects to {location})").format(location=probe.redirects[-1]["location"])
                if probe.redirects
                else ""
            )
            page = (
                _("HTTP {status} with an HTML login page{via} instead of an MCP response")
                if login
                else _("HTTP {status} with an HTML page{via} instead of an MCP response")
            )
            return Cause(
                "html-login" if login else "html",
                page.format(status=status, via=via),
                _(
                    "The URL points at a web app or an SSO/auth proxy, not the MCP endpoint: use the server's `/mcp` URL "
                    "(AgentCore: `https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<encoded ARN>/invocations?qualifier=DEFAULT`) "
                    "and send a bearer token the proxy accepts."
                ),
                "initialize",
            )
        if probe.request_id is not None and probe.response is None:
            if ctype not in ("application/json", "text/event-stream"):
                return Cause(
                    "not-mcp",
                    _(
                        "HTTP {status} with Content-Type {content_type}, which is neither JSON nor SSE: not an MCP endpoint"
                    ).format(status=status, content_type=f"`{ctype or 'none'}`"),
                    _(
                        "Check the URL: MCP Streamable HTTP answers POSTs with `application/json` or `text/event-stream`."
                    ),
                    "initialize",
                )
            return Cause(
                "no-response",
                _("HTTP {status} {content_type} but no JSON-RPC response with the request's id in the body").format(
                    status=status, content_type=ctype
                ),
                _(
                    "Look at the body below: something between the client and the server rewrites responses, or this "
                    "is not an MCP server."
                ),
                "initialize",
            )
        return None

    if status == 400 and "invalid content-type" in low:
        return Cause(
            "content-type",
            _('HTTP 400 "Invalid Content-Type header": the POST had no `Content-Type: application/json`'),
            _(
                "Send `Content-Type: application/json` on every POST (the MCP SDK clients do; hand-written curl/requests "
                "code often does not). This is a 400, not a 415; mcp 1.x logged it as "
                "`Missing Content-Type header in POST request`."
            ),
            "headers",
        )
    if status == 400 and "missing session id" in low:
        return Cause(
            "missing-session",
            _('HTTP 400 "Bad Request: Missing session ID": a stateful server got a request without `Mcp-Session-Id`'),
            _(
                "Send `initialize` first and echo its `Mcp-Session-Id` on every later request, or run the server "
                "stateless (`streamable_http_app(stateless_http=True)`), which AgentCore recommends."
            ),
            "session",
        )
    if status == 400 and "unsupported protocol version" in low:
        return _protocol_version(_("HTTP 400"), body)
    if status == 400 and "mcp-protocol-version" in low:
        sent = next((v for k, v in probe.sent.items() if k.lower() == "mcp-protocol-version"), None)
        refusal = str((probe.rpc_error or {}).get("message") or body)
        return Cause(
            "protocol-version",
            _(
                'HTTP 400 "{message}": the server requires the `MCP-Protocol-Version` header after initialize, '
                "and this request {sent}"
            ).format(
                message=refusal[:160],
                sent=_("had none") if sent is None else _("sent {version}").format(version=f"`{sent[:40]}`"),
            ),
            _(
                "Since MCP 2025-06-18 a client must send the `MCP-Protocol-Version` header, set to the version "
                "initialize agreed, on every request after initialize (the mcp and TypeScript SDK clients do); servers "
                "may refuse a request without it. Add the header to the client, or upgrade a client older than "
                "2025-06-18."
            ),
            "initialize",
        )
    if status == 401 or (status == 403 and "origin" not in low):
        return _auth(probe, status, body)
    if status == 403 and "invalid origin" in low:
        return Cause(
            "origin",
            _('HTTP 403 "Invalid Origin header": the server\'s DNS-rebinding protection rejects this Origin'),
            _(
                "Only browsers send Origin: add the web app's origin to `TransportSecuritySettings(allowed_origins=[...])`."
            ),
            "headers",
        )
    if status == 404:
        if "session" in low and not any(k.lower() == "mcp-session-id" for k in probe.sent):
            return Cause(
                "injected-session",
                _(
                    'HTTP 404 "Session not found" to a request that carried no session id: something in front '
                    "(AgentCore) added an `Mcp-Session-Id` the stateful server never issued"
                ),
                _(
                    "AgentCore puts its own `Mcp-Session-Id` on requests; a stateful Python server rejects it. Run the "
                    "server stateless (`streamable_http_app(stateless_http=True)`), which AgentCore recommends."
                ),
                "session",
            )
        if "session" in low:
            return Cause(
                "unknown-session",
                _('HTTP 404 "Session not found": the `Mcp-Session-Id` is unknown or expired on this server'),
                _(
                    "Start a new session with `initialize` (the SDK client does not re-initialize after a 404). Behind "
                    "AgentCore, a stateful server loses sessions when requests land on another microVM: run it stateless."
                ),
                "session",
            )
        mounted = _slash_redirected_path(probe, target)
        if mounted is not None:
            return Cause(
                "not-found",
                _("HTTP 404 after a redirect from {path} to {path}/: nothing is served at {url}").format(
                    path=mounted, url=probe.url
                ),
                _(
                    "A redirect that only adds a trailing slash, then 404, is what a Starlette/FastAPI "
                    '`Mount("{path}", app=mcp.streamable_http_app())` answers: the mounted app keeps its own path '
                    "(`streamable_http_path`, `/mcp` by default), so the endpoint moved to {path}/mcp. Mount the MCP app "
                    'at `/`, or build it with `streamable_http_path="/"` and call {path}/ directly; AgentCore calls `/mcp`.'
                ).format(path=mounted)
                + hint,
                "initialize",
            )
        return Cause(
            "not-found",
            _("{status}: nothing is served at {url}").format(
                status=f"HTTP 404{' ' + body[:60] if body and len(body) < 60 else ''}", url=probe.url
            ),
            _(
                "Use the exact MCP path: `/mcp` for a server you run (mcp's default `streamable_http_path`), or "
                "`/runtimes/<URL-encoded runtime ARN>/invocations?qualifier=DEFAULT` on AgentCore."
            )
            + hint,
            "initialize",
        )
    if status == 405:
        return Cause(
            "method",
            "HTTP 405 Method Not Allowed ({allow})".format(allow=probe.headers.get("allow") or _("no Allow header")),
            _(
                "MCP Streamable HTTP takes POST at the MCP path; check the URL points at the MCP endpoint, not a page or "
                "health route."
            ),
            "initialize",
        )
    if status == 406:
        if "mcp accept header must contain" in low:
            return Cause(
                "accept-frontdoor",
                _('HTTP 406 from AgentCore: "MCP Accept header must contain: application/json, text/event-stream"'),
                _(
                    "Send `Accept: application/json, text/event-stream` on every request; AgentCore rejects the request "
                    "before it reaches your server."
                ),
                "headers",
            )
        both = "both" in low
        return Cause(
            "accept",
            _(
                "HTTP 406 Not Acceptable: the server needs `Accept` to list both `application/json` and `text/event-stream`"
            )
            if both
            else _("HTTP 406 Not Acceptable: the server needs `Accept` to list `application/json`"),
            _(
                "Send `Accept: application/json, text/event-stream` (SSE-mode servers need both; JSON-mode servers "
                "need application/json)."
            ),
            "headers",
        )
    if status == 413:
        return Cause(
            "request-too-large",
            "HTTP 413 Request body too large",
            _("Requests over 4 MiB are refused by mcp servers: send less data per call."),
            "initialize",
        )
    if status == 415:
        return Cause(
            "media-type",
            _(
                'HTTP 415 "Unsupported Media Type: Content-Type must be application/json" (the value is not exactly '
                "`application/json`)"
            ),
            _(
                "Send `Content-Type: application/json` in lower case; the check is case-sensitive, and "
                "`application/json-rpc` is refused too."
            ),
            "headers",
        )
    if status == 421:
        return Cause(
            "host-protection",
            _(
                'HTTP 421 "Invalid Host header": the server\'s DNS-rebinding protection rejects the Host it sees behind '
                "a proxy"
            ),
            _(
                'The app was built with the default `host="127.0.0.1"`, which turns on Host checks. Build it with '
                '`streamable_http_app(host="0.0.0.0")` (what AgentCore expects) or pass '
                '`transport_security=TransportSecuritySettings(allowed_hosts=["your.host:*"])`.'
            ),
            "headers",
        )
    if status == 429:
        return Cause(
            "throttled",
            _("HTTP 429 Too Many Requests: throttled"),
            _("Retry with backoff; check the runtime's quotas."),
            "initialize",
        )
    if status >= 500:
        err = probe.rpc_error
        if err is not None:
            cause = _rpc_error(err, status)
            if cause:
                return cause
        retry_after = probe.headers.get("retry-after", "")[:40]
        if status == 503 and retry_after:
            # Retry-After says the outage is expected to end (a restart, maintenance, overload): say when to retry.
            return Cause(
                "upstream",
                _(
                    "{status} with Retry-After {retry_after}: the server behind a proxy or load balancer is "
                    "temporarily unavailable"
                ).format(status=f"HTTP {status} {probe.reason}", retry_after=f"`{retry_after}`"),
                _(
                    "Retry after the time the answer gives; if it lasts, the server behind is down, restarting or "
                    "overloaded: check its logs and that it listens on 0.0.0.0:8000/mcp."
                ),
                "initialize",
            )
        if status == 504:
            # Its own code: a 504 is the server's slowness seen through a proxy (ep-slow), not a server that is down.
            return Cause(
                "gateway-timeout",
                _("{status}: a proxy or load balancer gave up waiting for the server's answer").format(
                    status=f"HTTP {status} {probe.reason}"
                ),
                _(
                    "The server behind it hangs or is too slow for the proxy's timeout: check its logs for a stuck "
                    "request, and the proxy's read timeout (e.g. nginx `proxy_read_timeout`)."
                ),
                "initialize",
            )
        if status in (502, 503, 504):
            return Cause(
                "upstream",
                _("{status}: a proxy or load balancer could not get an answer from the server").format(
                    status=f"HTTP {status} {probe.reason}"
                ),
                _(
                    "The server behind it is down, crashing or too slow: check its logs and that it listens on "
                    "0.0.0.0:8000/mcp."
                ),
                "initialize",
            )
        return Cause(
            "server-error",
            f"HTTP {status} {probe.reason}" + (f": {body[:120]}" if body else ""),
            _(
                "The server failed while handling the request: read its logs "
                "(AgentCore: /aws/bedrock-agentcore/runtimes/<id>-DEFAULT)."
            ),
            "initialize",
        )
    if 300 <= status < 400:
        return Cause(
            "redirect",
            _("HTTP {status} redirect to {location} that was not followed").format(
                status=status, location=probe.headers.get("location", "?")
            ),
            _("Use the final URL directly; MCP clients follow only same-origin 307/308 redirects."),
            "initialize",
        )
    return Cause(
        "http",
        f"HTTP {status} {probe.reason}" + (f": {body[:120]}" if body else ""),
        _("See the response body in the evidence."),
        "initialize",
    )


def _auth(probe: ProbeResult, status: int, body: str) -> Cause:
    low = body.lower()
    etype = probe.headers.get("x-amzn-errortype", "").lower()
    if "authorization method mismatch" in low or "different authorization method" in low:
        return Cause(
            "auth-mismatch",
            _(
                'HTTP {status} "Authorization method mismatch": the runtime expects the other auth method '
                "(OAuth JWT vs SigV4)"
            ).format(status=status),
            _(
                "A runtime with a JWT authorizer takes only `Authorization: Bearer <JWT>`; one without takes only "
                "SigV4-signed requests (boto3 `invoke_agent_runtime`). Use the method the runtime is configured for."
            ),
            "auth",
        )
    if "expired" in low:
        return Cause(
            "token-expired",
            _("HTTP {status}: the bearer token has expired").format(status=status),
            _(
                "Get a fresh token (Cognito access tokens last about an hour; use the refresh-token flow instead of a "
                "stored token)."
            ),
            "auth",
        )
    if "client" in low or "audience" in low or "aud" in re.findall(r"[a-z]+", low):
        return Cause(
            "token-client",
            _("HTTP {status}: the token's client id / audience is not one the runtime's authorizer allows").format(
                status=status
            ),
            _(
                "Get a token for an app client listed in the runtime's `customJWTAuthorizer.allowedClients` (Cognito "
                "access tokens carry `client_id`, not `aud`), or add the client id there."
            ),
            "auth",
        )
    if status == 401 and not probe.sent.get("auth"):
        return Cause(
            "token-missing",
            _("{http}: the endpoint needs credentials and none were sent").format(http="HTTP 401"),
            _(
                "Give a bearer token with `--token-env VAR` or `--token-file PATH` (JWT runtimes) or AWS credentials "
                "(SigV4 runtimes)."
            ),
            "auth",
        )
    if status == 403 and (
        "signature" in low or "security token" in low or "accessdenied" in etype or "not authorized" in low
    ):
        return Cause(
            "sigv4-denied",
            _("HTTP 403: the SigV4 request was refused ({body})").format(body=body[:120]),
            _(
                "The AWS principal needs `bedrock-agentcore:InvokeAgentRuntime` on the runtime, and the clock must be "
                "right."
            ),
            "auth",
        )
    return Cause(
        "unauthorized",
        _("HTTP {status}: credentials refused").format(status=status) + (f" ({body[:120]})" if body else ""),
        _(
            "Check the token (issuer, client id, expiry) against the runtime's authorizer, or use SigV4 for IAM runtimes."
        ),
        "auth",
    )


def _protocol_version(where: str, message: str) -> Cause:
    """The server refuses the MCP protocol version offered (in ``initialize`` or the ``MCP-Protocol-Version``
    header) instead of answering with its own: one side speaks an older or newer revision than the other."""
    return Cause(
        "protocol-version",
        _("{where} {message}: the server refuses the MCP protocol version").format(
            where=where, message=f'"{message[:160]}"'
        ),
        _(
            "Upgrade the older side (server SDK, gateway or client), or pin the client to a version the server lists. A "
            "conforming server answers `initialize` with the version it speaks instead of an error."
        ),
        "initialize",
    )


def _slash_redirected_path(probe: ProbeResult, target: Any) -> str | None:
    """The path a same-origin redirect only added a trailing slash to (``/mcp`` → ``/mcp/``), else None."""
    from urllib.parse import urlsplit

    if len(probe.redirects) != 1 or probe.redirects[0].get("followed") is False:
        return None
    path = urlsplit(str(probe.redirects[0].get("location", ""))).path
    requested = urlsplit(str(getattr(target, "url", "") or "")).path
    if len(path) < 2 or path != requested + "/":
        return None
    return requested[:200]


def answered_version(probe: ProbeResult) -> Cause | None:
    """An ``initialize`` answer naming a protocol version no handshake-era client speaks (a newer revision, a
    misspelt or made-up one): the raw handshake went through, but the official clients abort on it. None otherwise
    (no answer, not an initialize result, or a version clients accept)."""
    from tui.endpoint.jsonrpc import HANDSHAKE_VERSIONS

    result = probe.result
    if not isinstance(result, dict) or "protocolVersion" not in result:
        return None
    version = result.get("protocolVersion")
    if isinstance(version, str) and version in HANDSHAKE_VERSIONS:
        return None
    shown = repr(version)[:60] if not isinstance(version, str) else f"`{version[:60]}`"
    return Cause(
        "protocol-version",
        _(
            "initialize answered with protocol version {version}, which MCP clients do not speak (they accept "
            '{known}): the official client aborts with "Unsupported protocol version from the server"'
        ).format(version=shown, known=", ".join(HANDSHAKE_VERSIONS)),
        _(
            "A server must answer `initialize` with the version the client offered when it supports it, else with "
            "one of its own the client knows: upgrade the older side (server SDK, gateway or client), or fix what "
            "rewrites `protocolVersion` on the way."
        ),
        "initialize",
    )


def _rpc_error(err: dict[str, Any], status: int) -> Cause:
    code = err.get("code")
    message = str(err.get("message", ""))
    low = message.lower()
    where = _("HTTP {status} carrying JSON-RPC error {code}").format(status=status, code=code)
    if "unsupported protocol version" in low:
        return _protocol_version(where, message)
    if code == -32010 or "runtime initialization time exceeded" in low:
        return Cause(
            "runtime-not-started",
            _("{where} {message}: the runtime's container never started serving").format(
                where=where, message=f'"{message[:80]}"'
            ),
            _(
                "AgentCore reports READY before running your code: a crash on import, a wrong entry point, binding "
                "127.0.0.1 instead of 0.0.0.0:8000, or a missing dependency. Run the project checks and read the runtime "
                "logs."
            ),
            "initialize",
        )
    if code == -32603:
        return Cause(
            "internal-error",
            _("{where} {message}: the server failed while handling it").format(
                where=where, message=f'"{message[:100]}"'
            ),
            _(
                "Read the server log for the traceback at this time (AgentCore: the runtime log group). Tool exceptions "
                "in mcp 2.x become `isError: true` results; a -32603 means an error outside the tool body or an explicit "
                "error raised by the tool."
            ),
            "tools",
        )
    if code == -32601:
        return Cause(
            "method-not-found", f'{where} "Method not found"', _("The server does not implement this method."), "tools"
        )
    if code == -32602:
        return Cause(
            "invalid-params",
            f'{where} "{message[:100]}"',
            _("If every call gets this, an earlier `initialize` failed and the session is stuck: start a new session."),
            "initialize",
        )
    if code == -32600:
        return Cause(
            "invalid-request",
            f'{where} "{message[:100]}"',
            _("The server rejected the request envelope; see the message."),
            "initialize",
        )
    return Cause("rpc-error", f'{where} "{message[:100]}"', _("See the server's error message and logs."), "initialize")


def _transport(probe: ProbeResult, target: Any) -> Cause:
    kind = probe.error or "unexpected"
    detail = probe.error_detail
    host = getattr(target, "host", "") or ""
    port = getattr(target, "port", "?")
    table: dict[str, tuple[str, str, str]] = {
        "dns": (
            _("DNS: {host} does not resolve ({error})").format(host=host or _("the host"), error=detail),
            _("Check the host name in the URL, and DNS/VPN/proxy settings."),
            "reachable",
        ),
        "refused": (
            _("TCP: connection refused by {host} (nothing listens on port {port})").format(host=host, port=port),
            _("Start the server, or fix the port in the URL."),
            "reachable",
        ),
        "connect-timeout": (
            _("TCP: connecting to {host} timed out").format(host=host),
            _("A firewall, security group or VPC setting drops the traffic; check routing and proxies."),
            "reachable",
        ),
        "connect": (
            _("could not connect: {error}").format(error=detail),
            _("Check the URL, network and proxy settings."),
            "reachable",
        ),
        "tls-cert": (
            f"TLS: {detail}",
            _(
                "Use the right host name, or trust the CA that issued the server's certificate (never disable "
                "verification in production)."
            ),
            "reachable",
        ),
        "tls": (
            f"TLS: {detail}",
            _("Check that the port speaks HTTPS (or use http:// for a plain server) and the TLS versions/ciphers."),
            "reachable",
        ),
        "timeout": (
            _("no answer within {seconds} s ({error}): the server is too slow or stuck").format(
                seconds=f"{probe.timeout:g}", error=detail
            ),
            _(
                "Look at what the server is doing (logs, CPU, a slow tool or dependency); raise `--timeout` only if it "
                "is legitimately slow."
            ),
            "initialize",
        ),
        "stalled": (
            _("the response stalled: {error}").format(error=detail),
            _("The server or a proxy stopped sending mid-body; check its logs and buffering proxies."),
            "initialize",
        ),
        "sse-silent": (
            f"{detail}",
            _(
                "The server (or a buffering proxy) holds the SSE stream open without sending the reply: check the "
                "handler, and that proxies do not buffer `text/event-stream` (`X-Accel-Buffering: no`)."
            ),
            "initialize",
        ),
        "sse-no-response": (
            f"{detail}",
            _("The server closed the stream before answering: read its log for an exception at this time."),
            "initialize",
        ),
        "reset": (
            _("connection reset: {error}").format(error=detail),
            _("The server process crashed or a proxy cut the connection; read the server log at this time."),
            "stream",
        ),
        "reset-mid-body": (
            _("connection cut mid-response: {error}").format(error=detail),
            _(
                "The server crashed or was killed while answering, or a proxy timed out the stream; read the server "
                "log at this time."
            ),
            "stream",
        ),
        "cross-origin-redirect": (
            _("redirected to another origin: {error}").format(error=detail),
            _(
                "The endpoint sends clients elsewhere; agentcore-triage never follows a redirect to another origin (the "
                "token and the answer stay within the URL you gave). If that origin is the real endpoint, probe it "
                "directly with --endpoint; otherwise fix the redirect rule (a proxy, a load balancer or the app)."
            ),
            "initialize",
        ),
        "forbidden-address": (
            _("refused to contact the endpoint: {error}").format(error=detail),
            _(
                "Link-local and cloud metadata addresses (169.254.0.0/16, fd00:ec2::254) hold the machine's own "
                "credentials; agentcore-triage never sends requests there. Use the MCP server's real URL."
            ),
            "reachable",
        ),
        "throttled": (
            _("throttled: {error}").format(error=detail),
            _(
                "The endpoint (or AgentCore) rate-limits these requests: retry with backoff, run fewer checks at once, "
                "and check the runtime's quotas."
            ),
            "initialize",
        ),
        "redirect-loop": (
            _("redirect loop: {error}").format(error=detail),
            _(
                "A proxy or the app redirects in a circle (often http↔https or a trailing-slash rule): fix its redirect "
                "rules and use the final URL."
            ),
            "initialize",
        ),
        "too-large": (
            _("response too large: {error}").format(error=detail),
            _(
                "Something returned a huge body instead of a JSON-RPC reply (an error page, a file, or an enormous tool "
                "list); the MCP SDK refuses SSE events over 1 MiB."
            ),
            "initialize",
        ),
        "protocol": (
            _("HTTP protocol error: {error}").format(error=detail),
            _("Something on the path does not speak HTTP correctly (wrong port? TLS to a plain port?)."),
            "reachable",
        ),
    }
    summary, advice, area = table.get(kind, (f"{kind}: {detail}", _("See the evidence."), "initialize"))
    return Cause(kind, summary, advice, area)
