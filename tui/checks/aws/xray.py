"""X-Ray: is Transaction Search on (trace segments go to CloudWatch Logs)?"""

from __future__ import annotations

from tui.aws.errors import aws_errors
from tui.checks.aws._common import client
from tui.checks.base import CheckContext
from tui.i18n import _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, failed, passed, warned


class DestinationParams(CheckParams):
    region: str = ""


@check(
    "xray.destination",
    title="Transaction Search is on (trace segments go to CloudWatch Logs)",
    severity=Severity.HIGH,
    params=DestinationParams,
    publishes=("xray.destination", "xray.status"),
    needs=("aws",),
    aws_actions=("xray:GetTraceSegmentDestination",),
    remediation="Add the logs resource policy first, then `aws xray update-trace-segment-destination "
    "--destination CloudWatchLogs` (fix `xray.destination`) and wait until the status is ACTIVE (10-15 min).",
)
@aws_errors
def destination(ctx: CheckContext, params: DestinationParams) -> CheckResult:
    """GetTraceSegmentDestination: CloudWatchLogs+ACTIVE passes, PENDING warns, XRay fails (ACTIVE there means off)."""
    answer = client(ctx, "xray", params.region).get_trace_segment_destination()
    dest, status = str(answer.get("Destination") or "?"), str(answer.get("Status") or "?")
    evidence = {"destination": dest, "status": status, "region": params.region or ctx.context.region}
    facts = {"xray.destination": dest, "xray.status": status}
    if dest == "CloudWatchLogs" and status == "ACTIVE":
        return passed(_("Transaction Search is on: destination CloudWatchLogs, ACTIVE"), evidence=evidence, facts=facts)
    if dest == "CloudWatchLogs":
        return warned(
            _(
                "destination CloudWatchLogs is still {status}: OTLP trace exports fail with HTTP 400 until it is "
                "ACTIVE (10-15 min)"
            ).format(status=status),
            details=_("Nothing to fix: wait and run again. Spans sent meanwhile are lost."),
            evidence=evidence,
            facts=facts,
            # the switch is made: offering it again would plan "already CloudWatchLogs" (nothing to do)
            withheld_fixes={
                "xray.destination": _("the destination is CloudWatchLogs already; wait until it is ACTIVE (10-15 min)")
            },
        )
    return failed(
        _(
            "Transaction Search is off: destination {destination} (status {status}); OTLP exports fail with {error}"
        ).format(
            destination=dest,
            status=status,
            error='"The OTLP API is supported with CloudWatch Logs as a Trace Segment Destination"',
        ),
        details=_(
            '`Status: ACTIVE` is not "on": with `Destination: XRay` it means segments still go to X-Ray. '
            "Switch the destination to CloudWatchLogs (after the logs resource policy for aws/spans exists)."
        ),
        evidence=evidence,
        facts=facts,
    )
