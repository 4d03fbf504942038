"""Turn Transaction Search on: trace segments to CloudWatch Logs (needs the aws/spans resource policy first)."""

from __future__ import annotations

from tui.aws.errors import PENDING_WAIT
from tui.fixes.aws._common import refuse
from tui.fixes.base import ApiCall, Fix, Plan
from tui.i18n import _
from tui.registry import CheckParams, fixer
from tui.results import Risk

TRANSACTION_SEARCH_PERMISSIONS = (
    "xray:UpdateTraceSegmentDestination",
    "application-signals:StartDiscovery",
    "iam:CreateServiceLinkedRole (AWSServiceRoleForCloudWatchApplicationSignals)",
    "logs:CreateLogGroup (aws/spans, /aws/application-signals/data)",
    "logs:CreateLogStream (aws/spans, /aws/application-signals/data)",
    "logs:PutRetentionPolicy (aws/spans, /aws/application-signals/data)",
)
"""What enabling Transaction Search needs besides the X-Ray call: AWS sets up the spans log group and
Application Signals' service-linked role with the caller's permissions (CloudWatch user guide,
"Getting started with Transaction Search", prerequisites policy)."""


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
        "logs:DescribeResourcePolicies",
        *TRANSACTION_SEARCH_PERMISSIONS,
    ),
    undoable=True,
)
class TraceDestination(Fix):
    """UpdateTraceSegmentDestination → CloudWatchLogs. Requires `logs.xray_resource_policy` first (set as prerequisite)."""

    undo_operations = frozenset({"xray.update_trace_segment_destination"})

    def plan(self) -> Plan:
        from tui.aws.transaction_search import judge, list_policies

        p = self.params
        region = p.region or None
        current = self.ctx.reader("xray", region).get_trace_segment_destination()
        dest, status = str(current.get("Destination")), str(current.get("Status"))
        before = {"Destination": dest, "Status": status}
        title = _("Switch the trace segment destination to {destination}").format(destination="CloudWatchLogs")
        if dest == "CloudWatchLogs":
            summary = (
                _("already {destination} ({status}: {wait})").format(
                    destination=dest, status=status, wait=_(PENDING_WAIT)
                )
                if status != "ACTIVE"
                else _("already {destination} and {status}").format(destination=dest, status=status)
            )
            return Plan(fix=self.id, title=title, risk=Risk.MUTATING, summary=summary, before=before)
        if status == "PENDING":
            refuse(
                _(
                    "the trace segment destination is switching to {destination} (PENDING): X-Ray refuses updates "
                    "until it is ACTIVE; {wait}, then run the fix again"
                ).format(destination=dest, wait=_(PENDING_WAIT))
            )
        verdict = judge(
            list_policies(self.ctx.reader("logs", region), p.partition, p.region, p.account),
            p.partition,
            p.region,
            p.account,
        )
        prerequisites = [] if verdict.allowed_by else ["logs.xray_resource_policy"]
        notes = [
            _("The status stays PENDING for ~10-15 minutes; OTLP trace exports fail with HTTP 400 until it is ACTIVE."),
            _("Indexing (the X-Ray `Default` rule's sampling percentage) is left as it is."),
        ]
        if prerequisites:
            notes.insert(
                0,
                _(
                    "Needs the aws/spans logs resource policy first (fix logs.xray_resource_policy), "
                    "otherwise AWS answers AccessDenied: it is applied before this one."
                ),
            )
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=(
                _("UpdateTraceSegmentDestination from {old} to {new} in {region}")
                if region
                else _("UpdateTraceSegmentDestination from {old} to {new}")
            ).format(old=dest, new="CloudWatchLogs", region=region),
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
                    description=_("back to {destination} (refused while the status is PENDING: {wait})").format(
                        destination=dest, wait=_(PENDING_WAIT)
                    ),
                )
            ],
            permissions=[
                *TRANSACTION_SEARCH_PERMISSIONS,
                _("{action} (undo only)").format(action="xray:UpdateTraceSegmentDestination"),
            ],
            before=before,
            notes=notes,
            prerequisites=prerequisites,
        )
