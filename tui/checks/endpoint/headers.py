"""endpoint.headers: a correct initialize, then the header mistakes clients make, each classified."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import (
    BLOCKED_BY,
    ENDPOINT_NEEDS,
    EndpointParams,
    cause_fields,
    close_sessions,
    md_table,
    no_credentials_skip,
    setup,
    unauthenticated_refusal,
)
from tui.i18n import N_, _
from tui.registry import check
from tui.results import CheckResult, Severity, could_not_run, failed, passed, warned

# (key, what the probe leaves out or changes, accept, content type)
NEGATIVE = [
    ("no-content-type", N_("no Content-Type"), "application/json, text/event-stream", None),
    ("no-accept", N_("no Accept"), None, "application/json"),
    ("accept-json-only", N_("Accept: application/json only"), "application/json", "application/json"),
    ("accept-sse-only", N_("Accept: text/event-stream only"), "text/event-stream", "application/json"),
    ("content-type-case", "Content-Type: Application/JSON", "application/json, text/event-stream", "Application/JSON"),
]


def _is_literal_or_local(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


@check(
    "endpoint.headers",
    title="Request headers: what the endpoint accepts and rejects",
    severity=Severity.HIGH,
    params=EndpointParams,
    publishes=("endpoint.host_protection", "endpoint.failure"),
    needs=ENDPOINT_NEEDS,
    remediation="Send `Content-Type: application/json` and `Accept: application/json, text/event-stream` on every POST.",
)
async def endpoint_headers(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """Sends a correct initialize, then negative probes at once (no Content-Type, no Accept, one Accept type only,
    `Application/JSON`) and shows how each is answered: 400 "Invalid Content-Type header" (not 415), 406,
    415, 421 Invalid Host (DNS-rebinding protection behind a proxy), 403 Origin."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import classify

    s = await setup(ctx, params)
    if isinstance(s, CheckResult):
        return s
    evidence: dict[str, Any] = s.base_evidence()
    facts: dict[str, Any] = {}
    async with s.prober() as p:
        local = not s.target.agentcore and _is_literal_or_local(s.target.host)
        # The correct request and every mistake are probed at once (they are independent): one round trip, not one
        # each. The mistakes' answers are read only when the correct request passes. Rows keep this order.
        good, *answers = await asyncio.gather(
            p.post("initialize, correct headers", jsonrpc.initialize()),
            *(
                p.post(label, jsonrpc.initialize(), accept=accept, content_type=ctype)
                for _, label, accept, ctype in NEGATIVE
            ),
            *(
                (
                    p.post("initialize, foreign Host", jsonrpc.initialize(), headers={"Host": "mcp.example.com"}),
                    p.post(
                        "initialize, foreign Origin",
                        jsonrpc.initialize(),
                        headers={"Origin": "https://app.example.com"},
                    ),
                )
                if local
                else ()
            ),
        )
        # Each initialize a server accepted opened a session: close them all (a stateful server keeps them otherwise).
        await close_sessions(p, [good, *answers], timeout=min(1.0, s.probe_timeout))
        evidence["correct"] = good.evidence()
        cause = classify(good, s.target)
        if cause is not None and unauthenticated_refusal(cause.code, s.auth):
            return no_credentials_skip()
        if cause is not None and cause.area == "auth":  # refused for its credentials, not its headers
            return could_not_run(
                _("a correct initialize is refused for its credentials ({code}); see endpoint.auth").format(
                    code=cause.code
                ),
                evidence={**evidence, "classified": cause_fields(cause, good), BLOCKED_BY: "endpoint.auth"},
            )
        if cause is not None:
            if cause.area in ("headers",) or good.status in (400, 406, 415, 421, 403):
                facts["endpoint.failure"] = cause.code
                if cause.code == "host-protection":
                    facts["endpoint.host_protection"] = True
                return failed(
                    cause.summary,
                    details=_(
                        "A correct request (`Content-Type: application/json`, `Accept: application/json, "
                        "text/event-stream`) got {line}:"
                    ).format(line=f"`{good.line()}`")
                    + f"\n\n```\n{good.body[:300]}\n```",
                    remediation=cause.advice,
                    evidence={**evidence, "classified": cause_fields(cause, good)},
                    facts=facts,
                )
            return could_not_run(
                _("a correct initialize already fails ({code}); see endpoint.initialize").format(code=cause.code),
                evidence={**evidence, "classified": cause_fields(cause, good)},
            )
        negatives: dict[str, Any] = {}
        rows: list[tuple[str, ...]] = []
        for (key, label, _accept, _ctype), probe in zip(NEGATIVE, answers, strict=False):
            c = classify(probe, s.target)
            entry: dict[str, Any] = {"sent": label, "seen": probe.line()}
            if c is not None:
                entry.update(c.as_dict())
            else:
                entry["cause"] = "accepted"
            negatives[key] = entry
            rows.append(
                (_(label), probe.line(), c.summary if c else _("accepted by this server"), c.advice if c else "")
            )
        extra: list[str] = []
        host_protection = None
        if local:
            probe = answers[len(NEGATIVE)]
            c = classify(probe, s.target)
            host_protection = bool(c and c.code == "host-protection")
            negatives["foreign-host"] = {
                "sent": "Host: mcp.example.com",
                "seen": probe.line(),
                **(c.as_dict() if c else {"cause": "accepted"}),
            }
            rows.append(
                (
                    "Host: mcp.example.com",
                    probe.line(),
                    c.summary if c else _("accepted (no Host allow-list)"),
                    c.advice if c else "",
                )
            )
            probe = answers[len(NEGATIVE) + 1]
            c = classify(probe, s.target)
            negatives["foreign-origin"] = {
                "sent": "Origin: https://app.example.com",
                "seen": probe.line(),
                **(c.as_dict() if c else {"cause": "accepted"}),
            }
            rows.append(
                (
                    "Origin: https://app.example.com",
                    probe.line(),
                    c.summary if c else _("accepted (no Origin allow-list)"),
                    c.advice if c else "",
                )
            )
            if host_protection:
                facts["endpoint.host_protection"] = True
                extra.append("host")
            else:
                facts["endpoint.host_protection"] = False
    evidence["negative_probes"] = negatives
    table = md_table(rows, (_("sent"), _("answer"), _("meaning"), _("fix")))
    details = (
        _("A correct initialize got {line}. Then each common mistake, one at a time:").format(line=f"`{good.line()}`")
        + f"\n\n{table}\n\n"
        + _(
            'A missing Content-Type is a **400 "Invalid Content-Type header"** in mcp 2.x (not 415); 415 is only for '
            'near misses like `Application/JSON`. AgentCore itself answers a missing Accept with **406** "MCP Accept '
            'header must contain: application/json, text/event-stream" before your server sees it.'
        )
    )
    mode = "SSE" if good.sse else "JSON"
    summary = _(
        "correct headers accepted ({mode} reply); without Content-Type → {no_content_type}, without Accept → {no_accept}"
    ).format(
        mode=mode,
        no_content_type=negatives.get("no-content-type", {}).get("seen", "?").split("→ ")[-1],
        no_accept=negatives.get("no-accept", {}).get("seen", "?").split("→ ")[-1],
    )
    if "host" in extra:
        return warned(
            _(
                'DNS-rebinding protection is on: requests with another Host get 421 "Invalid Host header" (as behind a '
                "proxy or on AgentCore)"
            ),
            details=details,
            remediation=_(
                'Build the app with `streamable_http_app(host="0.0.0.0")` or allow the proxy\'s Host in '
                "`TransportSecuritySettings(allowed_hosts=[...])` before deploying behind a proxy."
            ),
            evidence=evidence,
            facts=facts,
        )
    return passed(summary, details=details, evidence=evidence, facts=facts)
