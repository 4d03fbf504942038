"""endpoint.session: stateful or stateless, session id issued and reusable, bogus id behaviour."""

from __future__ import annotations

import asyncio
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import (
    HANDSHAKE_NEEDS,
    EndpointParams,
    cause_fields,
    handshake,
    light_method,
    md_table,
    setup,
    short_id,
    tools_list_unusable,
)
from tui.i18n import N_, _
from tui.registry import check
from tui.results import CheckResult, Severity, could_not_run, failed, passed, warned

BOGUS_SESSION = "agentcore-triage-bogus-session-0000000000"


@check(
    "endpoint.session",
    title="Session handling (stateful or stateless)",
    severity=Severity.MEDIUM,
    params=EndpointParams,
    publishes=("endpoint.mode", "endpoint.session_issued"),
    needs=HANDSHAKE_NEEDS,
    remediation="Run the server stateless (`streamable_http_app(stateless_http=True)`) unless it needs elicitation/sampling.",
)
async def endpoint_session(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """Finds out whether the server keeps sessions: is an `Mcp-Session-Id` issued and accepted again, what a
    bogus id and a missing id get (stateful: 404 "Session not found" / 400 "Missing session ID"; stateless:
    ignored). A stateful server behind AgentCore is flagged as a risk, not an error."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import classify

    s = await setup(ctx, params, handshake=True)
    if isinstance(s, CheckResult):
        return s
    evidence: dict[str, Any] = s.base_evidence()
    rows: list[tuple[str, ...]] = []
    async with s.prober() as p:
        init, sid, cause, hdrs = await handshake(s, p)
        if cause is not None:
            return could_not_run(
                _("initialize fails ({code}); see endpoint.initialize").format(code=cause.code),
                evidence={**evidence, "classified": cause_fields(cause, init)},
            )
        rows.append(
            (
                "initialize",
                init.line(),
                _("session id {id}").format(id=short_id(sid)) if sid else _("no session id"),
            )
        )

        async def nothing() -> None:
            return None

        # tools/list, or ping when the server declares no tools (tools are optional; it would answer -32601)
        method = light_method(init)

        async def three_ways(method: str) -> tuple[Any, Any, Any]:
            # The issued id, a bogus one and none at all: independent requests, sent at once (one round trip).
            return await asyncio.gather(
                p.post(f"{method} with the issued session id", jsonrpc.request(method, 2), session_id=sid, headers=hdrs)
                if sid
                else nothing(),
                p.post(
                    f"{method} with a bogus session id",
                    jsonrpc.request(method, 3),
                    session_id=BOGUS_SESSION,
                    headers=hdrs,
                ),
                p.post(f"{method} without a session id", jsonrpc.request(method, 4), headers=hdrs),
            )

        reuse, bogus, missing = await three_ways(method)
        if (unserved := tools_list_unusable(method, reuse if sid else missing)) is not None:
            # declared but not served: endpoint.tools reports it; the session is judged on ping instead
            evidence["tools_list_error"] = unserved
            method = "ping"
            reuse, bogus, missing = await three_ways(method)
        if reuse is not None:
            rows.append(
                (
                    N_("{method} + issued id"),
                    reuse.line(),
                    _("reused") if reuse.ok and reuse.result is not None else _("rejected"),
                )
            )
        rows.append((N_("{method} + bogus id"), bogus.line(), _meaning(bogus)))
        rows.append((N_("{method}, no id"), missing.line(), _meaning(missing)))
        closed = None
        if sid:
            closed = await p.request(
                "DELETE",
                "DELETE session",
                b"",
                {"Mcp-Session-Id": sid, "Accept": "application/json, text/event-stream", **hdrs},
                timeout=min(2.0, s.probe_timeout),
            )
            rows.append(
                (N_("DELETE + issued id"), closed.line(), _("session closed") if closed.ok else _("not closed"))
            )
    evidence["probes"] = {r[0].format(method=method): r[1] for r in rows}
    evidence["session_id_issued"] = bool(sid)
    low_bogus = (bogus.body or "").lower()
    stateful = (bogus.status == 404 and "session" in low_bogus) or (
        missing.status == 400 and "session" in (missing.body or "").lower()
    )
    mode = "stateful" if stateful else "stateless"
    facts = {"endpoint.mode": mode, "endpoint.session_issued": bool(sid)}
    # the evidence keeps the English request labels; the table shows them in the current language
    table = md_table([(_(r[0]).format(method=method), *r[1:]) for r in rows], (_("request"), _("answer"), _("meaning")))
    if stateful and sid and reuse is not None and not (reuse.ok and reuse.result is not None):
        c = classify(reuse, s.target)
        return failed(
            _("the server issued session id {id} but rejected it on the next request ({line})").format(
                id=short_id(sid), line=reuse.line()
            ),
            details=table
            + "\n\n"
            + _("Behind a load balancer or AgentCore this happens when the next request lands on another instance."),
            remediation=(
                c.advice
                if c
                else _("Run the server stateless, or make requests sticky to the instance that issued the session.")
            ),
            evidence={**evidence, "classified": cause_fields(c, reuse) if c else {}},
            facts=facts,
        )
    if stateful and not sid:
        return failed(
            _("the server wants a session id but the initialize response carried none"),
            details=table
            + "\n\n"
            + _("Something between client and server strips the `Mcp-Session-Id` response header."),
            remediation=_("Let proxies pass `Mcp-Session-Id` through in both directions."),
            evidence=evidence,
            facts=facts,
        )
    if not stateful and bogus.status is not None and not bogus.ok:
        c = classify(bogus, s.target)
        if c is not None and c.code not in ("unknown-session", "missing-session"):
            return failed(
                _("a request with an unknown session id fails: {cause}").format(cause=c.summary),
                details=table,
                remediation=c.advice,
                evidence={**evidence, "classified": cause_fields(c, bogus)},
                facts=facts,
            )
    if stateful:
        summary = _(
            "stateful: session id issued ({id}) and reusable; bogus id → {bogus_status}, no id → {missing_status}"
        ).format(id=short_id(sid), bogus_status=bogus.status, missing_status=missing.status)
        if s.target.agentcore:
            return warned(
                _("stateful server behind AgentCore: works only while every request carries the same Mcp-Session-Id"),
                details=table
                + "\n\n"
                + _(
                    "AgentCore supports stateful MCP servers, but sessions live in one microVM: a client that does not "
                    'echo `Mcp-Session-Id`, an idle timeout or a new microVM ends the session (404 "Session not '
                    'found"). Stateless is the default recommendation unless the server needs elicitation, sampling or '
                    "progress."
                ),
                remediation=_(
                    "Keep it stateful only if you need server→client requests; otherwise `stateless_http=True`."
                ),
                evidence=evidence,
                facts=facts,
            )
        return passed(summary, details=table, evidence=evidence, facts=facts)
    issued = (
        _("session id {id} returned (by the platform)").format(id=short_id(sid)) if sid else _("no session id issued")
    )
    return passed(
        _("stateless: {issued}; unknown and missing session ids are ignored").format(issued=issued),
        details=table,
        evidence=evidence,
        facts=facts,
    )


def _meaning(probe: Any) -> str:
    body = (probe.body or "").lower()
    if probe.status == 404 and "session" in body:
        return _("Session not found (stateful)")
    if probe.status == 400 and "missing session" in body:
        return _("Missing session ID (stateful)")
    if probe.ok:
        return _("answered (session id not needed)")
    return probe.error or f"HTTP {probe.status}"
