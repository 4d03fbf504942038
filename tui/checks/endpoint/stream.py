"""endpoint.stream: a tools/call reply arrives complete; a client aborting mid-stream does not break the server."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import (
    HANDSHAKE_NEEDS,
    EndpointParams,
    cause_fields,
    handshake,
    light_method,
    md_table,
    protocol_headers,
    setup,
    tools_list_unusable,
)
from tui.i18n import N_, _
from tui.registry import check
from tui.results import CheckResult, Severity, could_not_run, failed, passed

PROBE_TOOL_PREFIX = "agentcore-triage-probe-"
"""Name prefix of the tool the check calls; a random suffix makes sure no such tool exists."""
CUT_CODES = ("reset-mid-body", "sse-no-response", "reset", "stalled", "too-large")
"""Transport failures that mean the reply started (or was due) and did not arrive whole."""

CALL_LABEL = N_("tools/call {tool} (a tool that does not exist)")
ABORTED_LABEL = N_("{method}, hung up right after the response headers")
AFTER_LABEL = N_("{method} after the abort (same session)")
FRESH_LABEL = N_("initialize after the abort (new session)")
"""Probe labels: English in the evidence, translated in the table of the details."""

NOISE_NOTE = N_(
    '`ClosedResourceError` / "Error in message router" in the server log after a client disconnects is mostly noise: '
    "mcp 1.12–1.23.1 logged it for every stateless request and for early 4xx answers, and mcp ≥ 1.23.2 logs it at debug "
    "level. It is a real problem only if replies are cut or requests after it fail — which this check tests. If the log "
    "line follows a 4xx, fix the 4xx (usually the Accept or Content-Type header). The guide's remedies "
    "(`stateless_http=False`, `connection_timeout`, `keep_alive`, `default_headers`, `@mcp.error_handler`) do not exist in mcp 2.x."
)


def probe_tool_note(name: str) -> str:
    return _(
        "The `tools/call` probe names {name}, a tool that deliberately does not exist (random suffix), so no tool code "
        "runs and nothing changes on the server: a correct server answers it completely, with an `isError: true` result "
        '("Unknown tool …") or a JSON-RPC error. Only the transport of the reply is tested.'
    ).format(name=f"`{name}`")


def _call_answer(probe: Any) -> tuple[str, str]:
    """What the server said to the nonexistent tool: (a few words, the message)."""
    err = probe.rpc_error
    if err is not None:
        return _("JSON-RPC error {code}").format(code=err.get("code")), str(err.get("message", ""))[:200]
    result = probe.result or {}
    text = " ".join(x.get("text", "") for x in result.get("content", []) if isinstance(x, dict))[:200]
    return (_("an `isError: true` result") if result.get("isError") else _("a result")), text


@check(
    "endpoint.stream",
    title="A tools/call reply arrives complete; a client aborting mid-stream does not break the server",
    severity=Severity.MEDIUM,
    params=EndpointParams,
    needs=HANDSHAKE_NEEDS,
    remediation="Read the server log at the time of the cut or the aborted request: replies must arrive whole and the next request must not fail.",
)
async def endpoint_stream(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """Calls a tool that cannot exist (`agentcore-triage-probe-<random>`, so nothing runs) and checks the reply
    arrives complete (not cut mid-body or an SSE stream that ends without it); then starts tools/list,
    closes the connection after the first bytes of the reply, and sends the same request again (same
    session) and a fresh initialize: both must succeed. Explains why the `ClosedResourceError` log line
    alone is mostly noise."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import Cause, classify

    s = await setup(ctx, params, handshake=True)
    if isinstance(s, CheckResult):
        return s
    evidence: dict[str, Any] = s.base_evidence()
    tool = PROBE_TOOL_PREFIX + uuid.uuid4().hex[:12]
    evidence["probe_tool"] = tool
    async with s.prober() as p:
        init, sid, cause, hdrs = await handshake(s, p)
        if cause is not None:
            return could_not_run(
                _("initialize fails ({code}); see endpoint.initialize").format(code=cause.code),
                evidence={**evidence, "classified": cause_fields(cause, init)},
            )
        # tools/list, or ping when the server declares no tools (tools are optional; it would answer -32601)
        method = aborted_method = light_method(init)
        call = await p.post(
            CALL_LABEL.format(tool=tool),
            jsonrpc.request("tools/call", 6, {"name": tool, "arguments": {}}),
            session_id=sid,
            headers=hdrs,
        )
    # A new connection for what follows: a cut reply may have taken the old one down.
    async with s.prober() as p:
        aborted = await p.post(
            ABORTED_LABEL.format(method=method),
            jsonrpc.request(method, 7),
            session_id=sid,
            headers=hdrs,
            stop_after_bytes=0,
        )
    # A new connection again: the aborted one is gone, as with a real client that gave up.
    async with s.prober() as p:
        # The old session and a new one, both after the abort: independent, sent at once.
        after, fresh = await asyncio.gather(
            p.post(
                AFTER_LABEL.format(method=method),
                jsonrpc.request(method, 8),
                session_id=sid,
                headers=hdrs,
            ),
            p.post(FRESH_LABEL, jsonrpc.initialize(9)),
        )
        if (unserved := tools_list_unusable(method, after)) is not None:
            # declared but not served: endpoint.tools reports it; whether the session survived is asked with ping
            evidence["tools_list_error"] = unserved
            method = "ping"
            after = await p.post(
                AFTER_LABEL.format(method=method), jsonrpc.request(method, 10), session_id=sid, headers=hdrs
            )
        closing = [{"Mcp-Session-Id": fresh.session_id, **protocol_headers(fresh)}] if fresh.session_id else []
        if sid:
            closing.append({"Mcp-Session-Id": sid, **hdrs})
        await asyncio.gather(
            *(
                p.request("DELETE", "close session", b"", headers, timeout=min(1.0, s.probe_timeout))
                for headers in closing
            )
        )
    probes = (call, aborted, after, fresh)
    shown = (
        _(CALL_LABEL).format(tool=tool),
        _(ABORTED_LABEL).format(method=aborted_method),
        _(AFTER_LABEL).format(method=method),
        _(FRESH_LABEL),
    )
    rows: list[tuple[str, ...]] = [(label, pr.line()) for label, pr in zip(shown, probes, strict=True)]
    evidence["probes"] = [pr.evidence() for pr in probes]
    table = md_table(rows, (_("request"), _("answer")))
    note = probe_tool_note(tool)

    # Any complete JSON-RPC response with the id counts (an isError result or an error): the reply arrived whole.
    complete = call.error is None and call.response is not None
    if not complete:
        c = classify(call, s.target) or Cause(
            "no-response",
            _("HTTP {status} but no JSON-RPC response with the request's id in the body").format(status=call.status),
            _("Look at the body in the evidence: something between the client and the server rewrites responses."),
            "stream",
        )
        if c.code in CUT_CODES:
            c = Cause(
                c.code,
                _("the reply to a tools/call was cut before it was complete: {cause}").format(cause=c.summary),
                _(
                    "The server (or a proxy / AgentCore in front) closes tools/call streams mid-reply — what clients see "
                    'as `ClosedResourceError` / "Connection closed": read the server log at this time for a crash, OOM '
                    "kill or worker timeout, and check proxy stream/idle timeouts; `stateless_http=False` does not fix it."
                ),
                "stream",
            )
        else:
            c = Cause(
                c.code,
                _("tools/call for a nonexistent tool got no complete answer: {cause}").format(cause=c.summary),
                c.advice,
                c.area,
            )
        return failed(
            c.summary,
            details=table + "\n\n" + note + "\n\n" + _(NOISE_NOTE),
            remediation=c.advice,
            evidence={**evidence, "classified": cause_fields(c, call)},
        )
    for probe in (after, fresh):
        broken = classify(probe, s.target)
        if broken is not None:
            return failed(
                _("after a client aborted a response, the next request failed: {cause}").format(cause=broken.summary),
                details=table
                + "\n\n"
                + _(
                    "This is the real problem behind the `ClosedResourceError` log line: the server does not recover "
                    "from a client that goes away. Upgrade `mcp` (≥ 1.23.2 in 1.x; 2.x is fine) and read the server log."
                )
                + "\n\n"
                + note
                + "\n\n"
                + _(NOISE_NOTE),
                remediation=broken.advice,
                evidence={**evidence, "classified": cause_fields(broken, probe)},
            )
    how = (
        _("right after its headers")
        if aborted.aborted
        else _("(it ended first: {outcome})").format(outcome=aborted.status or aborted.error)
    )
    kind, message = _call_answer(call)
    evidence["probe_tool_answer"] = {"kind": kind, "message": message}
    return passed(
        _(
            "a tools/call reply arrived complete ({kind} for a nonexistent tool); aborting a reply mid-stream {how} did "
            "no harm: the next request ({after_status}) and a new initialize ({fresh_status}) succeeded"
        ).format(kind=kind, how=how, after_status=after.status, fresh_status=fresh.status),
        details=table
        + "\n\n"
        + note
        + " "
        + _("This server answered with {kind}: {message}.").format(kind=kind, message=f'"{message}"')
        + "\n\n"
        + _(NOISE_NOTE),
        evidence=evidence,
    )
