"""endpoint.latency: N small requests, p50/p95."""

from __future__ import annotations

import math
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import HANDSHAKE_NEEDS, EndpointParams, cause_fields, handshake, setup
from tui.i18n import _
from tui.registry import check
from tui.results import CheckResult, Severity, could_not_run, failed, passed, warned


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
    """Sends `count` tools/list requests one after another and reports p50 and p95 round-trip times."""
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
        for i in range(max(1, params.count)):
            if s.remaining() < 0.3:
                break
            probe = await p.post("tools/list", jsonrpc.request("tools/list", 100 + i), session_id=sid, headers=hdrs)
            c = classify(probe, s.target)
            if c is not None:
                return failed(
                    _("request {number} of {count} failed: {cause}").format(
                        number=i + 1, count=params.count, cause=c.summary
                    ),
                    remediation=c.advice,
                    evidence={**evidence, "classified": cause_fields(c, probe)},
                )
            times.append(probe.elapsed * 1000)
        if sid:
            await p.request(
                "DELETE", "close session", b"", {"Mcp-Session-Id": sid, **hdrs}, timeout=min(1.0, s.probe_timeout)
            )
    p50, p95 = percentile(times, 50), percentile(times, 95)
    facts = {"endpoint.latency_p50_ms": round(p50, 1), "endpoint.latency_p95_ms": round(p95, 1)}
    evidence["ms"] = [round(t, 1) for t in times]
    summary = _("{count} tools/list requests: p50 {p50} ms, p95 {p95} ms (max {max} ms)").format(
        count=len(times), p50=f"{p50:.0f}", p95=f"{p95:.0f}", max=f"{max(times):.0f}"
    )
    if len(times) < params.count:
        summary += _(" — only {done} of {count} fit in the time budget").format(done=len(times), count=params.count)
    if p95 > params.warn_ms:
        details = _("p95 is above {ms} ms.").format(ms=f"{params.warn_ms:.0f}")
        return warned(summary, details=details, evidence=evidence, facts=facts)
    return passed(summary, evidence=evidence, facts=facts)
