"""Turn Transaction Search on: trace segments to CloudWatch Logs (needs the aws/spans resource policy first)."""

from __future__ import annotations

from tui.fixes.base import ApiCall, Fix, Plan
from tui.registry import CheckParams, fixer
from tui.results import Risk


class DestinationParams(CheckParams):
    region: str
    account: str
    partition: str = "aws"


@fixer(
    "xray.destination",
    title="Send trace segments to CloudWatch Logs (Transaction Search)",
    risk=Risk.MUTATING,
    params=DestinationParams,
    permissions=(
        "xray:GetTraceSegmentDestination",
        "xray:UpdateTraceSegmentDestination",
        "logs:DescribeResourcePolicies",
    ),
    undoable=True,
)
class TraceDestination(Fix):
    """UpdateTraceSegmentDestination → CloudWatchLogs. Requires `logs.xray_resource_policy` first (set as prerequisite)."""

    def plan(self) -> Plan:
        from tui.aws.transaction_search import judge, list_policies

        p = self.params
        region = p.region or None
        current = self.ctx.reader("xray", region).get_trace_segment_destination()
        dest, status = str(current.get("Destination")), str(current.get("Status"))
        before = {"Destination": dest, "Status": status}
        title = "Switch the trace segment destination to CloudWatchLogs"
        if dest == "CloudWatchLogs":
            summary = "already CloudWatchLogs" + (
                f" ({status}: wait 10-15 min for ACTIVE)" if status != "ACTIVE" else " and ACTIVE"
            )
            return Plan(fix=self.id, title=title, risk=Risk.MUTATING, summary=summary, before=before)
        verdict = judge(list_policies(self.ctx.reader("logs", region)), p.partition, p.region, p.account)
        prerequisites = [] if verdict.allowed_by else ["logs.xray_resource_policy"]
        notes = [
            "The status stays PENDING for ~10-15 minutes; OTLP trace exports fail with HTTP 400 until it is ACTIVE.",
            "Indexing (the X-Ray `Default` rule's sampling percentage) is left as it is.",
        ]
        if prerequisites:
            notes.insert(
                0,
                "Needs the aws/spans logs resource policy first (fix logs.xray_resource_policy), "
                "otherwise AWS answers AccessDenied: it is applied before this one.",
            )
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=f"UpdateTraceSegmentDestination from {dest} to CloudWatchLogs"
            + (f" in {region}" if region else ""),
            actions=[
                ApiCall(
                    service="xray",
                    operation="update_trace_segment_destination",
                    params={"Destination": "CloudWatchLogs"},
                    region=region,
                )
            ],
            undo=[
                ApiCall(
                    service="xray",
                    operation="update_trace_segment_destination",
                    params={"Destination": dest},
                    region=region,
                    description=f"back to {dest}",
                )
            ],
            permissions=["xray:UpdateTraceSegmentDestination"],
            before=before,
            notes=notes,
            prerequisites=prerequisites,
        )
