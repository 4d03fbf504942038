"""endpoint.auth: are the credentials accepted, and if not, why (missing, expired, wrong client, SigV4 vs JWT)."""

from __future__ import annotations

from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import BLOCKED_BY, ENDPOINT_NEEDS, EndpointParams, cause_fields, setup
from tui.i18n import _
from tui.registry import check
from tui.results import CheckResult, Severity, could_not_run, failed, passed, warned

NOT_AN_MCP_ANSWER = frozenset(
    {"upstream", "gateway-timeout", "html", "html-login", "not-mcp", "not-found", "method", "redirect", "throttled"}
)
"""Causes whose answer came from something other than an MCP server (a proxy's 502/503/504 page, an HTML page, a
404 where nothing is served, a rate limiter): it says nothing about the credentials the server wants."""

MCP_REFUSALS = frozenset(
    {
        "accept",
        "accept-frontdoor",
        "content-type",
        "host-protection",
        "injected-session",
        "media-type",
        "missing-session",
        "origin",
        "protocol-version",
        "unknown-session",
    }
)
"""Causes recognised by the refusal text an MCP server's transport (or AgentCore's front door) writes, JSON-RPC or
plain (``Invalid Host header``, ``Missing session ID``): the request got past whatever checks credentials in front of
the MCP handler. Any other failed answer counts only with a JSON-RPC answer in its body (see ``_from_the_server``).
An AWS ``ValidationException`` never counts (``validation_message``): AgentCore's 406 for ``Accept`` is one."""


@check(
    "endpoint.auth",
    title="Credentials are accepted by the endpoint",
    severity=Severity.CRITICAL,
    params=EndpointParams,
    publishes=("endpoint.auth_mode",),
    needs=ENDPOINT_NEEDS,
    remediation="Send the credentials the runtime's authorizer expects: a fresh bearer JWT from an allowed client, or SigV4.",
)
async def endpoint_auth(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """Decodes the bearer JWT (without verifying it): issuer, client id, audience, expiry; then sends an
    authenticated initialize and explains a 401/403: no token, expired token, wrong client/audience, or
    SigV4 sent to a JWT runtime (and the reverse)."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import classify

    s = await setup(ctx, params)
    if isinstance(s, CheckResult):
        return s
    auth = s.auth
    evidence: dict[str, Any] = s.base_evidence()
    facts = {"endpoint.auth_mode": auth.mode}
    jwt = auth.jwt
    claims_line = ""
    if jwt:
        parts = [
            _("issuer {issuer}").format(issuer=jwt.issuer) if jwt.issuer else "",
            _("client {client}").format(client=jwt.client_id) if jwt.client_id else "",
            jwt.expiry_text(),
        ]
        claims_line = _("token: {claims}").format(claims=", ".join(p for p in parts if p))
    async with s.prober() as p:
        probe = await p.post("initialize (with credentials)", jsonrpc.initialize())
        evidence["probe"] = probe.evidence()
        cause = classify(probe, s.target)
        open_probe = None
        if auth.mode != "none" and probe.status is not None and cause is None:
            # Does the endpoint even need credentials? (An MCP server with no auth answers both.)
            async with s.prober(auth=None) as p2:
                open_probe = await p2.post("initialize (no credentials)", jsonrpc.initialize(), use_auth=False)
            evidence["probe_without_credentials"] = open_probe.evidence()

    if probe.status is None:
        return could_not_run(
            _("could not test credentials: {reason}").format(reason=cause.summary if cause else probe.error),
            details=_("The endpoint did not answer at HTTP level; see `endpoint.reachable` / `endpoint.initialize`."),
            evidence=evidence,
            facts=facts,
        )
    if cause is not None and (message := validation_message(probe)) is not None:
        # An AWS ValidationException (runtimeSessionId too short, an endpoint name out of pattern, a runtime setting):
        # the request was refused as invalid. No source shows AgentCore validates a request only after its authorizer
        # took the credentials, so "accepted" would be a guess, and so would "refused". Say what is known.
        owner = f"endpoint.{cause.area}" if cause.area in ("reachable", "stream") else "endpoint.initialize"
        who = _("AgentCore") if s.target.agentcore else _("the endpoint")
        error = f"HTTP {probe.status} ValidationException" + (f": {message[:160]}" if message else "")
        return could_not_run(
            _("could not test credentials: {who} rejected the request as invalid ({error}); see {check}").format(
                who=who, error=error, check=owner
            ),
            details=_(
                "The answer {seen} is a ValidationException: the request itself is invalid. It says neither that "
                "the credentials were accepted nor that they were refused (nothing shows whether the request is "
                "validated before or after the credentials are checked). {check} names the cause; run again once it "
                "is fixed."
            ).format(seen=f"`{probe.line()}`", check=f"`{owner}`"),
            remediation=_(
                "Fix what the message names (e.g. `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id` takes 33 to 256 "
                "characters; `?qualifier=` must name an endpoint of the runtime), then run again."
            ),
            evidence={**evidence, "classified": cause_fields(cause, probe), BLOCKED_BY: owner},
            facts=facts,
        )
    if cause is not None and cause.area != "auth" and not _from_the_server(probe, cause, s.target):
        # "no credentials needed" or "accepted" would be a guess: the request never reached an MCP server (or
        # AgentCore's authorizer) that could refuse it, or what answered says nothing an MCP server would (a health
        # route's `{"status": "ok"}`, a framework's bare 500). The check that owns the cause says what is wrong.
        owner = f"endpoint.{cause.area}" if cause.area in ("reachable", "stream") else "endpoint.initialize"
        summary = (
            _("could not test credentials: {cause} (not an answer from the MCP server); see {check}")
            if _not_an_mcp_answer(probe, cause)
            else _(
                "could not test credentials: {cause} (not an MCP answer: it says nothing about credentials); see {check}"
            )
        )
        return could_not_run(
            summary.format(cause=cause.summary, check=owner),
            details=_(
                "Only an answer from the MCP server (or from AgentCore once it has checked the credentials) shows "
                "whether the endpoint needs credentials and accepts these. This request got {seen} instead; {check} "
                "names the cause. Run again once the server answers."
            ).format(seen=f"`{probe.line()}`", check=f"`{owner}`"),
            remediation=cause.advice,
            evidence={**evidence, "classified": cause_fields(cause, probe), BLOCKED_BY: owner},
            facts=facts,
        )
    if cause is not None and cause.area == "auth":
        cause = _refine(cause, auth, jwt, probe.status)
        details = _claims_md(auth)
        if auth.problem:
            details += "\n\n" + _("**Problem:** {problem}").format(problem=auth.problem)
        return failed(
            cause.summary,
            details=details
            + "\n\n"
            + _("**Seen:** {line} {body}").format(line=f"`{probe.line()}`", body=probe.body[:200]),
            remediation=cause.advice,
            evidence={**evidence, "classified": cause_fields(cause, probe)},
            facts=facts,
        )
    # Anything but 401/403: authentication itself went through.
    where = _("AgentCore accepted the credentials") if s.target.agentcore else _("the endpoint accepted the request")
    if auth.mode == "none":
        summary = _("no credentials needed: {where} without any").format(where=where)
    else:
        kind = {"bearer": _("JWT bearer token"), "sigv4": _("SigV4 signature")}.get(auth.mode, auth.mode)
        summary = _("{kind} accepted ({where})").format(kind=kind, where=where)
    if claims_line:
        summary += f"; {claims_line}"
    if cause is not None:
        summary += _(" (the request itself then failed: {code}, see the other checks)").format(code=cause.code)
    if jwt and jwt.expired:
        return warned(
            summary + _(" although the token looks expired"), details=_claims_md(auth), evidence=evidence, facts=facts
        )
    if jwt and jwt.expiring_soon:
        return warned(
            _("the token expires in less than 5 minutes ({expiry})").format(expiry=jwt.expiry_text()),
            details=_claims_md(auth),
            remediation=_("Refresh the token before a long session (Cognito access tokens last about an hour)."),
            evidence=evidence,
            facts=facts,
        )
    if open_probe is not None and _initialized(open_probe, s.target) and auth.mode != "none" and not s.target.agentcore:
        return warned(
            _("the endpoint answers without any credentials too: the token is not checked"),
            details=_(
                "An initialize without `Authorization` succeeded. If this endpoint should be protected, put an "
                "authorizer in front of it."
            ),
            evidence=evidence,
            facts=facts,
        )
    return passed(summary, details=_claims_md(auth), evidence=evidence, facts=facts)


def validation_message(probe: Any) -> str | None:
    """The message of an AWS ``ValidationException`` answer (HTTP 4xx; ``x-amzn-ErrorType``, which AWS may suffix with
    ``:<namespace>``, or a JSON body's ``__type``): "" when it has none; None for any other answer."""
    import json

    status = probe.status or 0
    if not 400 <= status < 500:
        return None
    kind = (probe.headers.get("x-amzn-errortype") or "").split(":", 1)[0].strip()
    body: Any = None
    try:
        body = json.loads(probe.body or "")
    except ValueError:
        pass
    body = body if isinstance(body, dict) else {}
    if not kind and isinstance(body.get("__type"), str):
        kind = body["__type"].rsplit("#", 1)[-1].split(":", 1)[0]
    if kind != "ValidationException":
        return None
    message = body.get("message", body.get("Message"))
    return " ".join(message.split()) if isinstance(message, str) else ""


def _initialized(probe: Any, target: Any) -> bool:
    """The probe got an MCP initialize result (not merely a 2xx: an SSO proxy's login page or a health route's JSON
    to a request without credentials shows that something does check them)."""
    from tui.endpoint.classify import classify

    return probe.ok and classify(probe, target) is None and probe.result is not None


def _not_an_mcp_answer(probe: Any, cause: Any) -> bool:
    """The answer did not come from an MCP server: a cause of that kind, an answer cut, stalled or refused on the way
    (``probe.error``), or an HTML error page without a JSON-RPC error (a proxy's 500 page, say)."""
    if cause.code in NOT_AN_MCP_ANSWER or probe.error:
        return True
    body = (probe.body or "").lstrip().lower()
    html = probe.content_type == "text/html" or body.startswith(("<!doctype html", "<html"))
    return (probe.status or 0) >= 400 and probe.rpc_error is None and html


def _from_the_server(probe: Any, cause: Any, target: Any) -> bool:
    """A failed answer that still shows the credentials got through: a JSON-RPC response to our request or a JSON-RPC
    error (``-32600``/``-32602`` …), a refusal only an MCP transport writes (``MCP_REFUSALS``), or any answer from
    AgentCore that is not a proxy's or a web page's (its authorizer runs before the runtime is reached: a runtime's
    5xx or a container's odd answer comes after it). Not: JSON that answers something else (``{"status": "ok"}``,
    another id, an array), a plain-text 500, a 200 ``OK``."""
    if _not_an_mcp_answer(probe, cause):
        return False
    if target is not None and getattr(target, "agentcore", False):
        return True
    return _answers_our_request(probe) or _jsonrpc_error(probe) or cause.code in MCP_REFUSALS


def _answers_our_request(probe: Any) -> bool:
    """A JSON-RPC response carrying our request's id (its envelope may still be wrong: ``jsonrpc-version``)."""
    response = probe.response
    rpc_id = probe.request_id
    return (
        response is not None
        and rpc_id is not None
        and type(response.get("id")) is type(rpc_id)
        and response.get("id") == rpc_id
    )


def _jsonrpc_error(probe: Any) -> bool:
    """The body holds a JSON-RPC error object (a ``jsonrpc`` member and an integer ``code``), not a proxy's own JSON
    such as ``{"error": {"message": "no healthy upstream"}}``."""
    for message in probe.messages:
        error = message.get("error") if isinstance(message, dict) else None
        if "jsonrpc" in message and isinstance(error, dict) and type(error.get("code")) is int:
            return True
    return False


def _refine(cause: Any, auth: Any, jwt: Any, status: int | None) -> Any:
    """Sharpen a generic 401/403 with what we know about the credentials we sent."""
    from tui.endpoint.classify import Cause

    http = f"HTTP {status}"

    if cause.code in ("unauthorized", "token-missing", "token-expired") and jwt is not None and jwt.expired:
        return Cause(
            "token-expired",
            _("{http}: the bearer token expired ({expiry})").format(http=http, expiry=jwt.expiry_text()),
            _(
                "Get a fresh token (Cognito access tokens last about an hour; use the refresh-token flow instead of a "
                "stored token)."
            ),
            "auth",
        )
    if cause.code == "token-client" and jwt is not None:
        return Cause(
            cause.code,
            _(
                "{http}: the token's client id {client} (audience {audience}) is not allowed by the runtime's authorizer"
            ).format(http=http, client=f"`{jwt.client_id}`", audience=f"`{jwt.audience}`"),
            cause.advice,
            "auth",
        )
    if cause.code == "auth-mismatch":
        sent = {"bearer": _("a bearer JWT"), "sigv4": _("a SigV4 signature")}.get(auth.mode, _("no credentials"))
        other = _("SigV4 (IAM)") if auth.mode == "bearer" else _("a bearer JWT (OAuth)")
        return Cause(
            cause.code,
            _("{http}: Authorization method mismatch — we sent {sent}, the runtime is configured for {other}").format(
                http=http, sent=sent, other=other
            ),
            cause.advice + (_(" Re-run with `auth: sigv4`/`auth: bearer` to match.") if auth.mode != "none" else ""),
            "auth",
        )
    if cause.code == "unauthorized" and auth.mode == "none":
        return Cause(
            "token-missing",
            _("{http}: the endpoint needs credentials and none were sent").format(http=http),
            _(
                "Give a bearer token with `--token-env VAR` or `--token-file PATH` (JWT runtimes) or AWS credentials "
                "(SigV4 runtimes)."
            ),
            "auth",
        )
    if cause.code == "unauthorized" and auth.problem:
        return Cause("credentials-unavailable", f"{http}: {auth.problem}", cause.advice, "auth")
    return cause


def _claims_md(auth: Any) -> str:
    lines = [_("Auth mode: {mode} ({reason}).").format(mode=f"**{auth.mode}**", reason=auth.reason)]
    if auth.jwt:
        lines.append("")
        lines.append(_("Token claims (decoded, **not verified**):"))
        for key, value in auth.jwt.claims().items():
            lines.append(f"* {key}: `{value}`")
        if auth.jwt.audience is None and auth.jwt.client_id:
            lines.append(
                "* "
                + _(
                    "no `aud` claim (a Cognito access token): the runtime must list the client in `allowedClients`, "
                    "not `allowedAudience`"
                )
            )
    elif auth.mode == "bearer" and auth.token:
        lines.append(_("The token is not a JWT (opaque); its claims cannot be shown."))
    return "\n".join(lines)
