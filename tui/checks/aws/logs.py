"""CloudWatch Logs: the runtime's log groups, the X-Ray resource policy, and known errors in the logs."""

from __future__ import annotations

import time
from typing import Any

from tui.aws.errors import aws_errors, error_code
from tui.aws.logs import group_exists
from tui.checks.aws._common import client
from tui.checks.base import CheckContext
from tui.playbook.patterns import PatternError, compile_pattern
from tui.redact import redact_text
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned


class GroupParams(CheckParams):
    log_group: str
    region: str = ""


@check(
    "logs.group.runtime",
    title="The runtime's log group exists",
    severity=Severity.HIGH,
    params=GroupParams,
    needs=("aws",),
    remediation="AgentCore creates `/aws/bedrock-agentcore/runtimes/<id>-DEFAULT` on the first write if the role may "
    "`logs:CreateLogGroup` there; fix the role (iam.role.logs) or create the group (fix `logs.create_group`).",
)
@aws_errors
def runtime_group(ctx: CheckContext, params: GroupParams) -> CheckResult:
    """DescribeLogGroups for /aws/bedrock-agentcore/runtimes/<id>-DEFAULT."""
    exists, info = group_exists(client(ctx, "logs", params.region), params.log_group)
    evidence = {"log_group": params.log_group, **info}
    if exists:
        return passed(f"log group {params.log_group} exists", evidence=evidence)
    return failed(
        f"log group {params.log_group} does not exist: the runtime has never written a log line",
        details="Either the container never started, or the execution role may not create/write it "
        "(a policy on `/aws/bedrock/agentcore/*` instead of `/aws/bedrock-agentcore/*` is a classic). "
        "The client then sees errors but there are no logs to read.",
        evidence=evidence,
    )


@check(
    "logs.group.otel",
    title="The custom OTEL log group exists",
    severity=Severity.MEDIUM,
    params=GroupParams,
    needs=("aws",),
    remediation="Create the log group named in `OTEL_EXPORTER_OTLP_LOGS_HEADERS` (fix `logs.create_group`): "
    "the OTLP logs exporter does not create it.",
)
@aws_errors
def otel_group(ctx: CheckContext, params: GroupParams) -> CheckResult:
    """The group named by x-aws-log-group in OTEL_EXPORTER_OTLP_LOGS_HEADERS (e.g. agents/mcp-server-logs)."""
    if not params.log_group:
        return skipped("the runtime's environment names no custom OTEL log group (x-aws-log-group)")
    exists, info = group_exists(client(ctx, "logs", params.region), params.log_group)
    evidence = {"log_group": params.log_group, **info}
    if exists:
        return passed(f"OTEL log group {params.log_group} exists", evidence=evidence)
    return failed(
        f'OTEL log group {params.log_group} does not exist: exports fail with "The specified log group does not exist"',
        details="The runtime's environment sends OpenTelemetry logs to this group, and the exporter never creates it "
        "(400 `The specified log group does not exist.` in the runtime logs).",
        evidence=evidence,
    )


class SpansPolicyParams(CheckParams):
    region: str
    account: str
    partition: str = "aws"


@check(
    "logs.policy.xray",
    title="A logs resource policy lets X-Ray write aws/spans",
    severity=Severity.HIGH,
    params=SpansPolicyParams,
    needs=("aws",),
    remediation="Put a CloudWatch Logs resource policy letting `xray.amazonaws.com` call `logs:PutLogEvents` on "
    "`log-group:aws/spans:*` (no leading slash), with `aws:SourceArn`/`aws:SourceAccount` conditions "
    "(fix `logs.xray_resource_policy`).",
)
@aws_errors
def spans_policy(ctx: CheckContext, params: SpansPolicyParams) -> CheckResult:
    """DescribeResourcePolicies; judged by content (principal, action, resource, conditions), not by policy name."""
    from tui.aws.transaction_search import POLICY_NAME, judge, list_policies

    items = list_policies(client(ctx, "logs", params.region), params.partition, params.region, params.account)
    v = judge(items, params.partition, params.region, params.account)
    evidence: dict[str, Any] = {
        "policies": v.names,
        "allowing": [
            {"policy": n, "decided_by": e.decided_by.as_dict() if e.decided_by else None} for n, e in v.allowed_by
        ],
        "slash_resources": [{"policy": n, "resource": r} for n, r in v.slash],
    }
    slash_note = (
        f"Policy {v.slash[0][0]} names `{v.slash[0][1]}`: the spans group is `aws/spans` with no leading slash, "
        "so that resource matches nothing."
        if v.slash
        else ""
    )
    if v.denied_by:
        name, ev = v.denied_by[0]
        return failed(
            f"resource policy {name} denies X-Ray PutLogEvents on aws/spans ({ev.explain()})", evidence=evidence
        )
    if v.allowed_by:
        name = v.allowed_by[0][0]
        return passed(
            f"resource policy {name} lets xray.amazonaws.com PutLogEvents on aws/spans",
            details=slash_note,
            evidence=evidence,
        )
    if v.uncertain:
        name, ev = v.uncertain[0]
        return warned(
            f"resource policy {name} lets X-Ray write aws/spans only under conditions agentcore-triage cannot evaluate",
            details=ev.explain(),
            evidence=evidence,
        )
    if v.slash:
        return failed(
            f"resource policy {v.slash[0][0]} names /aws/spans (leading slash); X-Ray writes aws/spans, so Transaction Search cannot be enabled",
            details=slash_note + " UpdateTraceSegmentDestination then fails with AccessDenied.",
            evidence=evidence,
        )
    named = POLICY_NAME in v.names
    return failed(
        "no logs resource policy lets xray.amazonaws.com PutLogEvents on aws/spans"
        + (f" ({POLICY_NAME} exists but its content does not allow it)" if named else ""),
        details='Without it `UpdateTraceSegmentDestination` to CloudWatchLogs fails with "XRay does not have '
        'permission to call PutLogEvents on the aws/spans Log Group", and traces never reach Transaction Search.',
        evidence=evidence,
    )


class RecentErrorsParams(CheckParams):
    log_group: str
    region: str = ""
    minutes: int = 60
    max_events: int = 5000


def _signatures(ctx: CheckContext) -> list[tuple[str, str, str, Any]]:
    """(node id, node title, regex text, compiled) for every signature of the playbook."""
    out = []
    pb = ctx.playbook
    if pb is None:
        return out
    for node_id, node in pb.nodes.items():
        for sig in node.signatures:
            try:
                out.append((node_id, node.title, sig, compile_pattern(sig)))  # RE2: never hangs
            except PatternError:
                continue
    return out


def _sample(event: dict[str, Any]) -> dict[str, Any]:
    ts = event.get("timestamp")
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts / 1000)) if isinstance(ts, (int, float)) else None
    message = redact_text(str(event.get("message", "")).strip())
    return {
        "time": when,
        "stream": event.get("logStreamName"),
        "message": message[:400] + ("…" if len(message) > 400 else ""),
    }


def _last_fix_time() -> int | None:
    """When agentcore-triage last applied (or undid) a fix, in epoch ms; None when never (the audit log)."""
    from datetime import datetime

    from tui.fixes import audit

    times = []
    for record in audit.records():
        if record.outcome in ("applied", "undone"):
            try:
                times.append(int(datetime.fromisoformat(record.time).timestamp() * 1000))
            except ValueError:
                continue
    return max(times) if times else None


@check(
    "logs.errors.recent",
    title="Known errors in the runtime's recent logs",
    severity=Severity.MEDIUM,
    params=RecentErrorsParams,
    publishes=("logs.errors.node", "logs.errors.nodes"),
    needs=("aws",),
    remediation="Open the node each error leads to (or search the text with `/`).",
)
@aws_errors
def recent_errors(ctx: CheckContext, params: RecentErrorsParams) -> CheckResult:
    """FilterLogEvents over the last N minutes; counts and first/last (redacted) sample per playbook signature."""
    sigs = _signatures(ctx)
    if not sigs:
        return skipped("the playbook declares no error signatures to look for")
    logs = client(ctx, "logs", params.region)
    start = int((time.time() - params.minutes * 60) * 1000)
    kwargs: dict[str, Any] = {"logGroupName": params.log_group, "startTime": start, "limit": 1000}
    scanned = 0
    hits: dict[str, dict[str, Any]] = {}
    truncated = False
    try:
        while True:
            if ctx.cancelled.is_set():
                break
            page = logs.filter_log_events(**kwargs)
            for event in page.get("events", []):
                scanned += 1
                message = str(event.get("message", ""))
                for node_id, title, sig, rx in sigs:
                    if rx.search(message):
                        h = hits.setdefault(
                            node_id,
                            {
                                "node": node_id,
                                "title": title,
                                "signature": sig,
                                "count": 0,
                                "first": None,
                                "last": None,
                            },
                        )
                        h["count"] += 1
                        if h["first"] is None:
                            h["first"] = _sample(event)
                        h["last"] = _sample(event)
                        h["last_ms"] = max(h.get("last_ms", 0), int(event.get("timestamp") or 0))
                        break
            token = page.get("nextToken")
            if not token or scanned >= params.max_events:
                truncated = bool(token)
                break
            kwargs["nextToken"] = token
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return skipped(f"log group {params.log_group} does not exist (see logs.group.runtime)")
        raise
    evidence: dict[str, Any] = {
        "log_group": params.log_group,
        "minutes": params.minutes,
        "events_scanned": scanned,
        "truncated": truncated,
    }
    if not hits:
        return passed(f"no known error in {scanned} log events of the last {params.minutes} min", evidence=evidence)
    ranked = sorted(hits.values(), key=lambda h: -h["count"])
    evidence["matches"] = ranked
    fixed_at = _last_fix_time()
    if fixed_at is not None:
        evidence["last_fix_applied"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(fixed_at / 1000))
        stale = [h for h in ranked if h["last_ms"] < fixed_at]
        ranked = [h for h in ranked if h["last_ms"] >= fixed_at]
        if not ranked:
            return passed(
                f"no known error since the last fix agentcore-triage applied ({sum(h['count'] for h in stale)} older matches before "
                f"{evidence['last_fix_applied']})",
                details="The older matches are in the evidence. New traffic shows whether they are gone.",
                evidence=evidence,
            )
    listing = ", ".join(f"{h['count']}× {h['title']} ({h['node']})" for h in ranked[:4])
    return warned(
        f"known errors in the last {params.minutes} min: {listing}",
        details="Each match leads to the node that explains it. They may predate a fix: compare the last sample's time.",
        evidence=evidence,
        facts={"logs.errors.node": ranked[0]["node"], "logs.errors.nodes": [h["node"] for h in ranked]},
    )
