"""endpoint.sdk: the official mcp client end to end (classic handshake + list_tools)."""

from __future__ import annotations

from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import (
    HANDSHAKE_NEEDS,
    NOT_SERVED_ADVICE,
    SDK_MODULES,
    EndpointParams,
    cause_fields,
    close_sessions,
    imported,
    protocol_headers,
    setup,
)
from tui.i18n import _, ngettext
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed

CLIENT_MADE_ERRORS = (
    "Failed to parse",
    "SSE stream ended",
    "SSE stream failed",
    "Unexpected content type",
    "Server returned an error response",
)
"""How the mcp client's own errors begin: it makes them up when the transport or an answer's shape fails (an
unparsable body, a stream without the response, an HTTP error status), so they say nothing about the server's
tools/list handler; the raw request tells what happened."""


@check(
    "endpoint.sdk",
    title="Official MCP client end to end",
    severity=Severity.HIGH,
    params=EndpointParams,
    publishes=("endpoint.sdk_ok",),
    needs=HANDSHAKE_NEEDS,
    remediation="Fix the cause the raw probe shows; the SDK's own message hides the HTTP status.",
)
async def endpoint_sdk(ctx: CheckContext, params: EndpointParams) -> CheckResult:
    """Runs the `mcp` package's own client (`ClientSession.initialize()` + `list_tools()`, headers via
    `httpx2.AsyncClient(headers=..., timeout=...)`). Nested ExceptionGroups ("unhandled errors in a
    TaskGroup") are unwrapped into one cause, and a failure is traced back to the raw HTTP answer."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import answered_version, classify

    s = await setup(ctx, params, handshake=True)
    if isinstance(s, CheckResult):
        return s
    await imported(*SDK_MODULES)  # 0.5-3 s of imports: never on the event loop
    from tui.endpoint.sdk import run_sdk

    evidence: dict[str, Any] = s.base_evidence()
    budget = max(1.0, min(s.probe_timeout * 1.5, s.remaining() - min(s.probe_timeout, 2.0) - 0.3))
    outcome = await run_sdk(s.target.url, s.auth, budget)
    evidence["sdk"] = {
        "ok": outcome.ok,
        "protocol_version": outcome.protocol_version,
        "server": outcome.server_name,
        "tools": outcome.tools,
        "tools_declared": outcome.tools_declared,
        "tool_pages": outcome.tool_pages,
        "tools_more": outcome.tools_more,
        "elapsed_s": round(outcome.elapsed, 3),
        "timeout_s": round(budget, 3),
    }
    if outcome.library_log:
        evidence["sdk"]["library_log"] = outcome.library_log  # the mcp library's own log, redacted (not stderr)
    if outcome.ok and not outcome.tools_declared:
        return passed(
            _(
                "mcp client: initialize ({version}, {server}) + ping in {ms} ms; the server declares no tools "
                "capability, so list_tools was not called"
            ).format(version=outcome.protocol_version, server=outcome.server_name, ms=f"{outcome.elapsed * 1000:.0f}"),
            details=_(
                "The official `mcp` client (legacy handshake via `ClientSession`) works against this endpoint with the "
                "same URL and credentials. Tools are optional in MCP: this server declares none in its initialize "
                "answer, so the client pinged it instead of listing tools."
            ),
            evidence=evidence,
            facts={"endpoint.sdk_ok": True},
        )
    if outcome.ok and (outcome.tools_more or outcome.tool_pages > 1):
        listing = (
            _(
                "at least {count} tools in the first {pages} pages (the server offers more: nextCursor not followed further)"
            )
            if outcome.tools_more
            else _("{count} tools over {pages} pages")
        ).format(count=len(outcome.tools), pages=outcome.tool_pages)
        return passed(
            _("mcp client: initialize ({version}, {server}) + list_tools → {listing} in {ms} ms").format(
                version=outcome.protocol_version,
                server=outcome.server_name,
                listing=listing,
                ms=f"{outcome.elapsed * 1000:.0f}",
            ),
            details=_(
                "The official `mcp` client (legacy handshake via `ClientSession`) works against this endpoint with the "
                "same URL and credentials."
            ),
            evidence=evidence,
            facts={"endpoint.sdk_ok": True},
        )
    if outcome.ok:
        return passed(
            ngettext(
                "mcp client: initialize ({version}, {server}) + list_tools → {count} tool in {ms} ms",
                "mcp client: initialize ({version}, {server}) + list_tools → {count} tools in {ms} ms",
                len(outcome.tools),
            ).format(
                version=outcome.protocol_version,
                server=outcome.server_name,
                count=len(outcome.tools),
                ms=f"{outcome.elapsed * 1000:.0f}",
            ),
            details=_(
                "The official `mcp` client (legacy handshake via `ClientSession`) works against this endpoint with the "
                "same URL and credentials."
            ),
            evidence=evidence,
            facts={"endpoint.sdk_ok": True},
        )
    evidence["sdk"].update(
        {
            "error": outcome.error,
            "error_type": outcome.error_type,
            "error_code": outcome.error_code,
            "exception_tree": outcome.chain,
        }
    )
    sdk_line = (
        f"{outcome.error_type}{f' {outcome.error_code}' if outcome.error_code is not None else ''}: {outcome.error}"
    )
    if outcome.stage == "tools/list" and outcome.error_type == "ValidationError":
        return failed(
            _(
                "mcp client: the server's tools/list answer does not match the MCP schema — the client refused it "
                "({error})"
            ).format(error=f"`{sdk_line[:160]}`"),
            details=_("The client raised (unwrapped from its ExceptionGroups):")
            + "\n\n```\n"
            + ("\n".join(outcome.chain) or sdk_line)
            + "\n```",
            remediation=_(
                "A tools/list result must be an object whose `tools` member is a list, and every tool must have a "
                "string `name` and an object `inputSchema`. See endpoint.tools for the raw answer."
            ),
            evidence=evidence,
            facts={"endpoint.sdk_ok": False},
        )
    if (
        outcome.stage == "tools/list"
        and outcome.tools_declared
        and outcome.error_code is not None
        and not str(outcome.error or "").startswith(CLIENT_MADE_ERRORS)
    ):
        # A JSON-RPC error answer to tools/list from a server that declared tools: the server, not the transport.
        return failed(
            _(
                "mcp client: tools declared but not served — the server declares the tools capability, yet list_tools "
                'got {code} "{message}"'
            ).format(code=outcome.error_code, message=str(outcome.error)[:120]),
            details=_("The client raised (unwrapped from its ExceptionGroups):")
            + "\n\n```\n"
            + ("\n".join(outcome.chain) or sdk_line)
            + "\n```",
            remediation=_(NOT_SERVED_ADVICE),
            evidence=evidence,
            facts={"endpoint.sdk_ok": False},
        )
    # The SDK hides HTTP causes ("Server returned an error response"): ask the raw probe what really happened, at
    # the step where the client failed (a tools/list answer it could not parse is not explained by initialize).
    async with s.prober() as p:
        probe = init = await p.post("initialize (raw, to explain the SDK error)", jsonrpc.initialize())
        cause = classify(probe, s.target) or answered_version(probe)
        hdrs = protocol_headers(init)
        if cause is None and outcome.stage == "tools/list":
            await p.post(
                "notifications/initialized",
                jsonrpc.notification("notifications/initialized"),
                session_id=init.session_id,
                headers=hdrs,
            )
            probe = await p.post(
                "tools/list (raw, to explain the SDK error)",
                jsonrpc.request("tools/list", 2),
                session_id=init.session_id,
                headers=hdrs,
            )
            cause = classify(probe, s.target)
        await close_sessions(p, [init], timeout=min(1.0, s.probe_timeout))
    evidence["raw_probe"] = probe.evidence()
    tree = "\n".join(outcome.chain) if outcome.chain else sdk_line
    details = (
        _("The client raised (unwrapped from its ExceptionGroups):")
        + f"\n\n```\n{tree}\n```\n\n"
        + _("The same request sent raw: {line}").format(line=f"`{probe.line()}`")
    )
    if cause is not None:
        evidence["classified"] = cause_fields(cause, probe)
        return failed(
            _("mcp client failed with {error} — the raw request shows: {cause}").format(
                error=f"`{sdk_line[:120]}`", cause=cause.summary
            ),
            details=details + f"\n\n```\n{probe.body[:300]}\n```",
            remediation=cause.advice,
            evidence=evidence,
            facts={"endpoint.sdk_ok": False},
        )
    return failed(
        _("mcp client failed with {error} during {stage}, although a raw initialize succeeds").format(
            error=f"`{sdk_line[:160]}`", stage=outcome.stage
        ),
        details=details
        + "\n\n"
        + _(
            "The raw handshake works, so the failure is in a later step (tools/list, the standalone GET stream, "
            "or a response the client cannot parse). Run the client with `logging.basicConfig(level=logging.DEBUG)`."
        ),
        evidence=evidence,
        facts={"endpoint.sdk_ok": False},
    )
