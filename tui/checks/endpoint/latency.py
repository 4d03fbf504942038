"""endpoint.latency: N small requests, p50/p95."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import (
    HANDSHAKE_NEEDS,
    EndpointParams,
    cause_fields,
    handshake,
    light_method,
    setup,
    tools_list_unusable,
)
from tui.i18n import _
from tui.registry import check
from tui.results import CheckResult, Severity, could_not_run, failed, passed, warned

IN_FLIGHT = 5
"""Samples in flight at once: a few round trips instead of ``count``, while a server that handles one request at
a time still shows mostly its own latency (the detail says how the samples were taken)."""


class LatencyParams(EndpointParams):
    count: int = 10
    warn_ms: float = 2000.0
    """p95 above this is a warning."""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@check(
    "endpoint.latency",
    title="Round-trip latency (p50/p95)",
    severity=Severity.LOW,
    params=LatencyParams,
    publishes=("endpoint.latency_p50_ms", "endpoint.latency_p95_ms"),
    needs=HANDSHAKE_NEEDS,
    remediation="Look at cold starts, the region, and what the server does per request.",
)
async def endpoint_latency(ctx: CheckContext, params: LatencyParams) -> CheckResult:
    """Sends `count` tools/list requests, a few at a time over kept-alive connections opened by an unmeasured
    warm-up round, and reports p50 and p95 round-trip times (connection set-up is not in the samples)."""
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import classify

    s = await setup(ctx, params, handshake=True)
    if isinstance(s, CheckResult):
        return s
    evidence: dict[str, Any] = s.base_evidence()
    times: list[float] = []
    async with s.prober() as p:
        init, sid, cause, hdrs = await handshake(s, p)
        if cause is not None:
            return could_not_run(
                _("initialize fails ({code}); see endpoint.initialize").format(code=cause.code),
                evidence={**evidence, "classified": cause_fields(cause, init)},
            )
        count = max(1, params.count)
        in_flight = min(count, IN_FLIGHT)
        # tools/list, or ping when the server declares no tools (tools are optional; it would answer -32601)
        method = light_method(init)

        async def tools_list(request_id: int) -> Any:
            return await p.post(method, jsonrpc.request(method, request_id), session_id=sid, headers=hdrs)

        # Unmeasured: opens the connections the samples then reuse, so no sample pays for a TCP/TLS handshake.
        warm_up = await asyncio.gather(*(tools_list(90 + i) for i in range(in_flight)))
        if (unserved := tools_list_unusable(method, warm_up[0])) is not None:
            # declared but not served: endpoint.tools reports it; the latency is sampled on ping instead
            evidence["tools_list_error"] = unserved
            method = "ping"
            warm_up = await asyncio.gather(*(tools_list(90 + i) for i in range(in_flight)))
        evidence["method"] = method
        sent = 0
        for probe in warm_up:
            if (c := classify(probe, s.target)) is not None:
                return failed(
                    _("a warm-up {method} failed: {cause}").format(method=method, cause=c.summary),
                    remediation=c.advice,
                    evidence={**evidence, "classified": cause_fields(c, probe)},
                )
        while sent < count and s.remaining() >= 0.3:
            wave = min(in_flight, count - sent)
            probes = await asyncio.gather(*(tools_list(100 + sent + i) for i in range(wave)))
            for i, probe in enumerate(probes):
                c = classify(probe, s.target)
                if c is not None:
                    return failed(
                        _("request {number} of {count} failed: {cause}").format(
                            number=sent + i + 1, count=params.count, cause=c.summary
                        ),
                        remediation=c.advice,
                        evidence={**evidence, "classified": cause_fields(c, probe)},
                    )
                times.append(probe.elapsed * 1000)
            sent += wave
        if sid:
            await p.request(
                "DELETE", "close session", b"", {"Mcp-Session-Id": sid, **hdrs}, timeout=min(1.0, s.probe_timeout)
            )
    p50, p95 = percentile(times, 50), percentile(times, 95)
    facts = {"endpoint.latency_p50_ms": round(p50, 1), "endpoint.latency_p95_ms": round(p95, 1)}
    evidence["ms"] = [round(t, 1) for t in times]
    evidence["sampling"] = {"in_flight": in_flight, "warm_up_requests": in_flight, "connections": "kept alive, reused"}
    summary = _(
        "{count} {method} requests, {in_flight} at a time over warm kept-alive connections: "
        "p50 {p50} ms, p95 {p95} ms (max {max} ms)"
    ).format(
        count=len(times),
        method=method,
        in_flight=in_flight,
        p50=f"{p50:.0f}",
        p95=f"{p95:.0f}",
        max=f"{max(times):.0f}",
    )
    if len(times) < params.count:
        summary += _(" — only {done} of {count} fit in the time budget").format(done=len(times), count=params.count)
    how = _(
        "Sampled as {count} {method} requests in the same session, {in_flight} in flight at a time, each on a "
        "connection already open (an unmeasured warm-up round of {in_flight} requests opened them), so the times are "
        "request round trips without TCP/TLS set-up; a server that handles one request at a time adds queueing to them."
    ).format(count=len(times), method=method, in_flight=in_flight)
    if p95 > params.warn_ms:
        details = _("p95 is above {ms} ms.").format(ms=f"{params.warn_ms:.0f}") + " " + how
        return warned(summary, details=details, evidence=evidence, facts=facts)
    return passed(summary, details=how, evidence=evidence, facts=facts)
