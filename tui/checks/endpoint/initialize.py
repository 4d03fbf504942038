"""endpoint.initialize: the MCP handshake as a raw request, with the real status and body."""

from __future__ import annotations

from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import (
    ENDPOINT_NEEDS,
    EndpointParams,
    cause_fields,
    close_sessions,
    no_credentials_skip,
    setup,
    unauthenticated_refusal,
    warm_sdk,
)
from tui.i18n import _
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, warned


@check(
    "endpoint.initialize",
    title="MCP initialize handshake",
    severity=Severity.CRITICAL,
    params=EndpointParams,
    publishes=(
        "endpoint.url",
        "endpoint.protocol_version",
        "endpoint.server_name",
        "endpoint.server_version",
        "endpoint.response_type",
        "endpoint.failure",
    ),
    needs=ENDPOINT_NEEDS,
    remediation="See the cause above; the raw status and body are in the evidence.",
)
async def endpoint_initialize(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """POSTs `initialize` (protocol 2025-11-25) and reports the negotiated protocol version, server name and
    version, and whether replies come as SSE or JSON. SSE is parsed with CRLF line ends. A JSON-RPC error
    inside an HTTP 200 is a failure (-32010 "Runtime initialization time exceeded": the container never started)."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import answered_version, classify

    s = await setup(ctx, params)
    if isinstance(s, CheckResult):
        return s
    evidence: dict[str, Any] = s.base_evidence()
    facts: dict[str, Any] = {"endpoint.url": s.target.url}
    async with s.prober() as p:
        probe = await p.post("initialize", jsonrpc.initialize())
        await close_sessions(p, [probe], timeout=min(2.0, s.probe_timeout))  # none left behind on a stateful server
    evidence["probe"] = probe.evidence()
    cause = classify(probe, s.target) or answered_version(probe)
    facts["endpoint.failure"] = cause.code if cause is not None else None
    if cause is not None and unauthenticated_refusal(cause.code, s.auth):
        skip = no_credentials_skip()  # one failure for one missing input: endpoint.auth's
        return skip.model_copy(update={"evidence": {**skip.evidence, **evidence}, "facts": facts})
    if cause is not None:
        details = _("**Seen:** {line}").format(line=f"`{probe.line()}`") + f"\n\n```\n{probe.body[:400]}\n```"
        if cause.code == "runtime-not-started":
            details += "\n\n" + _(
                "The front door answered, so URL and credentials are fine; the container behind it never served `/mcp`. "
                'Next: run the project checks (entry point, `host="0.0.0.0"`, port 8000, pinned `mcp`), and read '
                "`/aws/bedrock-agentcore/runtimes/<runtime id>-DEFAULT` for the crash."
            )
        if s.target.problems:
            details += "\n\n" + "\n".join(f"* {x}" for x in s.target.problems)
        return failed(
            cause.summary,
            details=details,
            remediation=cause.advice,
            evidence={**evidence, "classified": cause_fields(cause, probe)},
            facts=facts,
        )
    warm_sdk()  # the handshake works: endpoint.sdk will need the MCP SDK
    result = probe.result or {}
    info = result.get("serverInfo") or {}
    version = result.get("protocolVersion")
    facts.update(
        {
            "endpoint.protocol_version": version,
            "endpoint.server_name": info.get("name"),
            "endpoint.server_version": info.get("version"),
            "endpoint.response_type": "sse" if probe.sse else "json",
        }
    )
    crlf = "\r\n" in (probe.body or "")
    evidence["sse_line_endings"] = ("CRLF" if crlf else "LF") if probe.sse else None
    evidence["capabilities"] = sorted((result.get("capabilities") or {}).keys())
    summary = _("initialize OK: protocol {version}, server {server}, {reply_type} replies in {ms} ms").format(
        version=version,
        server=f"{info.get('name')} {info.get('version') or ''}".rstrip(),
        reply_type="SSE (text/event-stream)" if probe.sse else "JSON (application/json)",
        ms=f"{probe.elapsed * 1000:.0f}",
    )
    details = _("{line}; capabilities: {capabilities}.").format(
        line=f"`{probe.line()}`", capabilities=", ".join(f"`{c}`" for c in evidence["capabilities"]) or _("none")
    ) + (
        " "
        + _("Redirected via {locations}: use the final URL.").format(
            locations=", ".join(r["location"] for r in probe.redirects)
        )
        if probe.redirects
        else ""
    )
    if version != jsonrpc.PROTOCOL_VERSION:
        return warned(
            summary
            + _(" (we offered {version}; the server chose an older version)").format(version=jsonrpc.PROTOCOL_VERSION),
            details=details + " " + _("The server's `mcp` is older than the client's; upgrade it or pin the client."),
            evidence=evidence,
            facts=facts,
        )
    if probe.redirects:
        return warned(
            summary + _(" after a redirect"),
            details=details,
            evidence=evidence,
            facts=facts,
            remediation=_("Use {url} directly.").format(url=probe.url),
        )
    return passed(summary, details=details, evidence=evidence, facts=facts)
