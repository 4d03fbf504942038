"""endpoint.stream: abort a response mid-stream, then prove the next request still succeeds."""

from __future__ import annotations

from typing import Any

from tui.checks.endpoint._common import EndpointParams, cause_fields, handshake, md_table, setup
from tui.engine.checkctx import CheckContext
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, skipped

NOISE_NOTE = (
    "`ClosedResourceError` / \"Error in message router\" in the server log after a client disconnects is mostly noise: "
    "mcp 1.12–1.23.1 logged it for every stateless request and for early 4xx answers, and mcp ≥ 1.23.2 logs it at debug "
    "level. It is a real problem only if requests after it fail — which this check tests. If the log line follows a 4xx, "
    "fix the 4xx (usually the Accept or Content-Type header). The guide's remedies (`stateless_http=False`, "
    "`connection_timeout`, `keep_alive`, `default_headers`, `@mcp.error_handler`) do not exist in mcp 2.x."
)


@check(
    "endpoint.stream",
    title="A client aborting mid-stream does not break the server",
    severity=Severity.MEDIUM,
    params=EndpointParams,
    needs=("endpoint",),
    remediation="Read the server log right after the aborted request: the next request must not fail.",
)
async def endpoint_stream(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """Starts tools/list, closes the connection after the first bytes of the reply, then sends the same
    request again (same session) and a fresh initialize: both must succeed. Explains why the
    `ClosedResourceError` log line alone is mostly noise."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import classify

    s = await setup(ctx, params)
    if isinstance(s, CheckResult):
        return s
    evidence: dict[str, Any] = s.base_evidence()
    async with s.prober() as p:
        init, sid, cause, hdrs = await handshake(s, p)
        if cause is not None:
            return skipped(f"initialize fails ({cause.code}); see endpoint.initialize", evidence={**evidence, "classified": cause_fields(cause, init)})
        aborted = await p.post("tools/list, hung up right after the response headers", jsonrpc.request("tools/list", 7), session_id=sid, headers=hdrs, stop_after_bytes=0)
    # A new connection for what follows: the aborted one is gone, as with a real client that gave up.
    async with s.prober() as p:
        after = await p.post("tools/list after the abort (same session)", jsonrpc.request("tools/list", 8), session_id=sid, headers=hdrs)
        fresh = await p.post("initialize after the abort (new session)", jsonrpc.initialize(9))
        for probe in (fresh,):
            if probe.session_id:
                await p.request("DELETE", "close session", b"", {"Mcp-Session-Id": probe.session_id}, timeout=min(1.0, s.probe_timeout))
        if sid:
            await p.request("DELETE", "close session", b"", {"Mcp-Session-Id": sid, **hdrs}, timeout=min(1.0, s.probe_timeout))
    rows = [(pr.label, pr.line()) for pr in (aborted, after, fresh)]
    evidence["probes"] = [pr.evidence() for pr in (aborted, after, fresh)]
    table = md_table(rows, ("request", "answer"))
    for probe in (after, fresh):
        c = classify(probe, s.target)
        if c is not None:
            return failed(
                f"after a client aborted a response, the next request failed: {c.summary}",
                details=table + "\n\nThis is the real problem behind the `ClosedResourceError` log line: the server does not recover "
                "from a client that goes away. Upgrade `mcp` (≥ 1.23.2 in 1.x; 2.x is fine) and read the server log.\n\n" + NOISE_NOTE,
                remediation=c.advice,
                evidence={**evidence, "classified": cause_fields(c, probe)},
            )
    how = "right after its headers" if aborted.aborted else f"(it ended first: {aborted.status or aborted.error})"
    return passed(
        f"aborting a reply mid-stream {how} did no harm: the next request ({after.status}) and a new initialize ({fresh.status}) succeeded",
        details=table + "\n\n" + NOISE_NOTE,
        evidence=evidence,
    )
