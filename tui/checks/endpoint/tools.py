"""endpoint.tools: tools/list with an integer id and with a UUID id; optionally one tools/call."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import (
    HANDSHAKE_NEEDS,
    NOT_SERVED_ADVICE,
    EndpointParams,
    cause_fields,
    declares_tools,
    handshake,
    setup,
    unserved_tools,
)
from tui.i18n import N_, _, ngettext
from tui.registry import check
from tui.results import CheckResult, Severity, could_not_run, failed, passed

METHOD_NOT_FOUND = -32601
MAX_PAGES = 10
"""tools/list pages followed through ``nextCursor`` (a server that returns a cursor forever stops here)."""
NUMERIC_ID_NOTE = N_(
    "Numeric request ids are valid JSON-RPC: JSON-RPC 2.0 allows a string or a number, MCP a string or an integer, "
    "and mcp servers echo both. Switching to UUID strings (as some guides suggest) does not fix a -32603."
)


class ToolsParams(EndpointParams):
    call: str | None = None
    """Also call this tool (off by default: tools may have side effects)."""
    arguments: dict[str, Any] = {}


@check(
    "endpoint.tools",
    title="tools/list (integer and UUID request ids)",
    severity=Severity.HIGH,
    params=ToolsParams,
    publishes=("endpoint.tool_count", "endpoint.tools"),
    needs=HANDSHAKE_NEEDS,
    remediation="See the cause above and the server log at the time of the request.",
)
async def endpoint_tools(ctx: CheckContext, params: ToolsParams) -> CheckResult:
    """Lists tools twice, with request id 42 and with a UUID string id, and checks both ids are echoed
    unchanged (numeric ids are valid JSON-RPC). With `call`, also calls that tool and classifies a tool that
    raises, a -32603, a timeout or a connection cut mid-response."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import Cause, classify

    s = await setup(ctx, params, handshake=True)
    if isinstance(s, CheckResult):
        return s
    evidence: dict[str, Any] = s.base_evidence()
    string_id = str(uuid.uuid4())
    ids: tuple[int | str, ...] = (42, string_id)
    async with s.prober() as p:
        init, sid, cause, hdrs = await handshake(s, p)
        if cause is not None:
            return could_not_run(
                _("initialize fails ({code}); see endpoint.initialize").format(code=cause.code),
                evidence={**evidence, "classified": cause_fields(cause, init)},
            )
        # Both lists are independent: sent at once (one round trip). The call comes after them: a tool that takes
        # the server down must not be reported as a failing tools/list.
        listed = list(
            await asyncio.gather(
                *(
                    p.post(f"tools/list id={rid!r}", jsonrpc.request("tools/list", rid), session_id=sid, headers=hdrs)
                    for rid in ids
                )
            )
        )
        # Pagination: follow nextCursor from the first list, a bounded number of pages (same session).
        pages = [listed[0]]
        cursor = next_cursor(listed[0])
        while cursor is not None and len(pages) < MAX_PAGES and s.remaining() > min(1.0, s.probe_timeout):
            page = await p.post(
                f"tools/list page {len(pages) + 1}",
                jsonrpc.request("tools/list", 200 + len(pages), {"cursor": cursor}),
                session_id=sid,
                headers=hdrs,
            )
            pages.append(page)
            if classify(page, s.target) is not None:
                break
            cursor = next_cursor(page)
        call_probe = None
        if params.call:
            call_probe = await p.post(
                f"tools/call {params.call}",
                jsonrpc.request("tools/call", 99, {"name": params.call, "arguments": params.arguments}),
                session_id=sid,
                headers=hdrs,
            )
        if sid:
            await p.request(
                "DELETE", "close session", b"", {"Mcp-Session-Id": sid, **hdrs}, timeout=min(1.0, s.probe_timeout)
            )
    evidence["probes"] = [pr.evidence() for pr in listed]
    facts: dict[str, Any] = {}
    declared = declares_tools(init)
    not_found = [
        not declared and pr.error is None and pr.ok and (pr.rpc_error or {}).get("code") == METHOD_NOT_FOUND
        for pr in listed
    ]
    if not all(not_found):  # one answered, the other did not: the server is inconsistent, judge both as usual
        not_found = [False] * len(listed)
    if declared and (unserved := unserved_tools("tools/list", listed[0])) is not None:
        return failed(
            _(
                "tools declared but not served: the server declares the tools capability in its initialize answer, "
                'yet answers tools/list with {code} "{message}"'
            ).format(code=unserved["code"], message=unserved["message"][:120]),
            details=f"`{listed[0].line()}`\n\n```\n{listed[0].body[:300]}\n```",
            remediation=_(NOT_SERVED_ADVICE),
            evidence={**evidence, "tools_list_error": unserved},
            facts=facts,
        )
    for probe, rid, absent in zip(listed, ids, not_found, strict=False):
        c = None if absent else classify(probe, s.target)
        if c is not None:
            return failed(
                _("tools/list with id {id}: {cause}").format(id=repr(rid), cause=c.summary),
                details=f"`{probe.line()}`\n\n```\n{probe.body[:300]}\n```\n\n{_(NUMERIC_ID_NOTE)}",
                remediation=c.advice,
                evidence={**evidence, "classified": cause_fields(c, probe)},
                facts=facts,
            )
        echoed = (probe.response or {}).get("id")
        if echoed != rid or type(echoed) is not type(rid):
            return failed(
                _("tools/list id {id} came back as {echoed}: the server (or a proxy) does not echo request ids").format(
                    id=repr(rid), echoed=repr(echoed)
                ),
                details=_(NUMERIC_ID_NOTE),
                remediation=_(
                    "Responses must carry the request's id unchanged; clients drop replies they cannot match."
                ),
                evidence=evidence,
                facts=facts,
            )
    for number, page in enumerate(pages[1:], start=2):
        c = classify(page, s.target)
        if c is not None:
            evidence["pages"] = [pr.evidence() for pr in pages[1:]]
            return failed(
                _("tools/list page {number} (cursor from page {previous}): {cause}").format(
                    number=number, previous=number - 1, cause=c.summary
                ),
                details=f"`{page.line()}`\n\n```\n{page.body[:300]}\n```",
                remediation=c.advice,
                evidence={**evidence, "classified": cause_fields(c, page)},
                facts=facts,
            )
    if not all(not_found):
        for number, page in enumerate(pages, start=1):
            problem = schema_problem(page.result)
            if problem is not None:
                where = _(" (page {number})").format(number=number) if number > 1 else ""
                return failed(
                    _(
                        "tools/list answer does not match the MCP schema: {problem}{where}; clients (the official mcp "
                        "client included) refuse the whole list"
                    ).format(problem=problem, where=where),
                    details=f"`{page.line()}`\n\n```\n{page.body[:300]}\n```",
                    remediation=_(
                        "A tools/list result must be an object whose `tools` member is a list, and every tool must "
                        "have a string `name` and an object `inputSchema`. Fix the server (or the proxy rewriting its answers); servers built with "
                        "the `mcp` SDK produce this shape themselves."
                    ),
                    evidence={**evidence, "schema_problem": problem},
                    facts=facts,
                )
    tools = [str(t.get("name")) for page in pages for t in (page.result or {}).get("tools", []) if isinstance(t, dict)]
    more = cursor is not None
    if len(pages) > 1:
        evidence["pages"] = len(pages)
        evidence["more_pages"] = more
    facts = {"endpoint.tool_count": len(tools), "endpoint.tools": tools}
    details = _(NUMERIC_ID_NOTE)
    if all(not_found):
        evidence["tools_declared"] = False
        summary = _(
            "the server declares no tools capability (tools are optional in MCP) and answers tools/list with "
            '-32601 "Method not found" as it should; integer id 42 and a UUID string id both echoed'
        )
        details = (
            _(
                "Its initialize answer lists capabilities without `tools` (only resources, prompts or others), so there "
                "are no tools to list or call; clients that need tools will find none on this server."
            )
            + "\n\n"
            + details
        )
    elif more:
        summary = _(
            "at least {count} tools in the first {pages} pages (the server offers more: nextCursor not followed "
            "further): {names}; integer id 42 and a UUID string id both echoed"
        ).format(count=len(tools), pages=len(pages), names=f"{', '.join(tools[:8])}{'…' if len(tools) > 8 else ''}")
    elif len(pages) > 1:
        summary = _("{count} tools over {pages} pages: {names}; integer id 42 and a UUID string id both echoed").format(
            count=len(tools), pages=len(pages), names=f"{', '.join(tools[:8])}{'…' if len(tools) > 8 else ''}"
        )
    elif not tools:
        summary = _("no tools listed; integer id 42 and a UUID string id both echoed")
    else:
        summary = ngettext(
            "{count} tool: {names}; integer id 42 and a UUID string id both echoed",
            "{count} tools: {names}; integer id 42 and a UUID string id both echoed",
            len(tools),
        ).format(count=len(tools), names=f"{', '.join(tools[:8])}{'…' if len(tools) > 8 else ''}")
    if call_probe is not None:
        evidence["call"] = call_probe.evidence()
        c = classify(call_probe, s.target)
        result = call_probe.result
        if c is None and result is not None and result.get("isError"):
            text = " ".join(x.get("text", "") for x in result.get("content", []) if isinstance(x, dict))[:300]
            c = Cause(
                "tool-error",
                _("tools/call {tool}: the tool raised and the server returned an error result: {text}").format(
                    tool=params.call, text=text[:160]
                ),
                _(
                    "The exception is in the tool's own code: read the server log for its traceback (mcp 2.x sends "
                    'only "Error executing tool …" as an `isError: true` result; the exception text stays in the log). '
                    'Older servers and AgentCore clients show the same failure as JSON-RPC -32603 "Internal error".'
                ),
                "tools",
            )
        if c is not None:
            if c.code in ("timeout", "sse-silent", "stalled"):
                c = Cause(
                    "slow-tool",
                    _("tools/call {tool}: no answer within {seconds} s — the tool is too slow (or stuck)").format(
                        tool=params.call, seconds=f"{call_probe.timeout:g}"
                    ),
                    _(
                        "Make the tool faster or asynchronous, or raise the client's read timeout "
                        "(`read_timeout_seconds`) and `--timeout`; AgentCore's own limits apply too."
                    ),
                    "tools",
                )
            return failed(
                c.summary,
                details=f"`{call_probe.line()}`\n\n```\n{call_probe.body[:300]}\n```",
                remediation=c.advice,
                evidence={**evidence, "classified": cause_fields(c, call_probe)},
                facts=facts,
            )
        summary += _("; tools/call {tool} OK in {ms} ms").format(
            tool=params.call, ms=f"{call_probe.elapsed * 1000:.0f}"
        )
    return passed(summary, details=details, evidence=evidence, facts=facts)


def next_cursor(probe: Any) -> str | None:
    """The ``nextCursor`` of a tools/list answer (a non-empty string), or None on the last page."""
    cursor = (probe.result or {}).get("nextCursor") if isinstance(probe.result, dict) else None
    return cursor if isinstance(cursor, str) and cursor else None


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, str):
        return _("a string")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("a boolean")
    if isinstance(value, (int, float)):
        return _("a number")
    return type(value).__name__


def schema_problem(result: Any) -> str | None:
    """What makes a tools/list ``result`` schema-invalid (the first problem found), or None."""
    if not isinstance(result, dict):
        return None  # no result at all is judged by classify
    if "tools" not in result:
        return _("the result has no `tools` member")
    tools = result["tools"]
    if not isinstance(tools, list):
        return _("`tools` is {kind}, not a list").format(kind=_kind(tools))
    for number, tool in enumerate(tools[:1000], start=1):
        if not isinstance(tool, dict):
            return _("tool {number} is {kind}, not an object").format(number=number, kind=_kind(tool))
        name = tool.get("name")
        if not isinstance(name, str) or not name:
            return _("tool {number} has no `name`").format(number=number)
        if not isinstance(tool.get("inputSchema"), dict):
            return _("tool {number} ({name}) has no `inputSchema`").format(number=number, name=name[:80])
    return None
