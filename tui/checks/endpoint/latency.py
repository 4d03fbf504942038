"""endpoint.latency: N small requests, p50/p95."""

from __future__ import annotations

import math
from typing import Any

from tui.checks.base import CheckContext
from tui.checks.endpoint._common import HANDSHAKE_NEEDS, EndpointParams, cause_fields, handshake, setup
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned


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
            return skipped(
                f"initialize fails ({cause.code}); see endpoint.initialize",
                evidence={**evidence, "classified": cause_fields(cause, init)},
            )
        for i in range(max(1, params.count)):
            if s.remaining() < 0.3:
                break
            probe = await p.post("tools/list", jsonrpc.request("tools/list", 100 + i), session_id=sid, headers=hdrs)
            c = classify(probe, s.target)
            if c is not None:
                return failed(
                    f"request {i + 1} of {params.count} failed: {c.summary}",
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
    summary = f"{len(times)} tools/list requests: p50 {p50:.0f} ms, p95 {p95:.0f} ms (max {max(times):.0f} ms)"
    if len(times) < params.count:
        summary += f" — only {len(times)} of {params.count} fit in the time budget"
    if p95 > params.warn_ms:
        return warned(summary, details=f"p95 is above {params.warn_ms:.0f} ms.", evidence=evidence, facts=facts)
    return passed(summary, evidence=evidence, facts=facts)
