"""Fixes on CloudWatch Logs: create a log group; the resource policy X-Ray needs for aws/spans."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tui.fixes.aws._common import refuse
from tui.fixes.base import ApiCall, Fix, Plan
from tui.i18n import _
from tui.registry import CheckParams, fixer
from tui.results import Risk

if TYPE_CHECKING:
    from tui.aws.session import AwsClient


class CreateGroupParams(CheckParams):
    log_group: str
    region: str = ""
    log_stream: str = ""
    """Also create this stream in the group (the OTLP logs exporter writes to the `x-aws-log-stream` it names)."""


@fixer(
    "logs.create_group",
    title="Create the log group",
    risk=Risk.MUTATING,
    params=CreateGroupParams,
    permissions=(
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:DeleteLogGroup (undo)",
        "logs:DeleteLogStream (undo)",
    ),
    undoable=True,
)
class CreateLogGroup(Fix):
    """CreateLogGroup for a missing runtime or OTEL log group. Refuses reserved `aws/` names (AWS creates those)."""

    undo_operations = frozenset({"logs.delete_log_group", "logs.delete_log_stream"})

    def plan(self) -> Plan:
        from tui.aws.logs import group_exists

        name = self.params.log_group.strip()
        region = self.params.region or None
        if not name:
            refuse(_("logs.create_group: no log group name (the runtime names no such group)"))
        if name.lower().startswith("aws/"):
            refuse(
                _(
                    "{group} is in the reserved aws/ namespace: CreateLogGroup rejects it ({aws_message}). X-Ray "
                    "creates aws/spans itself once Transaction Search is on: fix the logs resource policy and the "
                    "trace segment destination instead."
                ).format(group=name, aws_message='"Log groups starting with AWS/ are reserved for AWS"')
            )
        reader = self.ctx.reader("logs", region)
        exists, _detail = group_exists(reader, name)
        title = _("Create log group {group}").format(group=name)
        stream = self.params.log_stream.strip()
        create_stream = ApiCall(
            service="logs",
            operation="create_log_stream",
            params={"logGroupName": name, "logStreamName": stream},
            region=region,
            description=_("create the stream the exporter writes to"),
        )
        if exists and stream and not _stream_exists(reader, name, stream):
            return Plan(
                fix=self.id,
                title=_("Create log stream {stream} in {group}").format(stream=stream, group=name),
                risk=Risk.MUTATING,
                summary=_("create CloudWatch Logs stream {stream} in the existing group {group}").format(
                    stream=stream, group=name
                ),
                actions=[create_stream],
                undo=[
                    create_stream.model_copy(
                        update={"operation": "delete_log_stream", "description": _("delete the stream")}
                    )
                ],
                permissions=["logs:CreateLogStream", _("{action} (undo only)").format(action="logs:DeleteLogStream")],
                before={"log_group": name, "exists": True, "log_stream": stream, "stream_exists": False},
            )
        if exists:
            return Plan(
                fix=self.id,
                title=title,
                risk=Risk.MUTATING,
                summary=_("log group {group} already exists").format(group=name),
                before={"log_group": name, "exists": True},
            )
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=(
                _("create CloudWatch Logs group {group} in {region}")
                if region
                else _("create CloudWatch Logs group {group}")
            ).format(group=name, region=region),
            actions=[
                ApiCall(
                    service="logs",
                    operation="create_log_group",
                    params={"logGroupName": name},
                    region=region,
                    description=_("create the group"),
                ),
                *([create_stream] if stream else []),
            ],
            undo=[
                ApiCall(
                    service="logs",
                    operation="delete_log_group",
                    params={"logGroupName": name},
                    region=region,
                    description=_("delete the group (and any events written since)"),
                )
            ],
            permissions=[
                "logs:CreateLogGroup",
                *(["logs:CreateLogStream"] if stream else []),
                _("{action} (undo only)").format(action="logs:DeleteLogGroup"),
            ],
            before={"log_group": name, "exists": False},
            notes=[
                _(
                    "Retention stays at the account default (never expire); set one with "
                    "`aws logs put-retention-policy`."
                ),
                _("Undo deletes the group, including any events written after the fix."),
            ],
        )


def _stream_exists(logs: AwsClient, group: str, stream: str) -> bool:
    found = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream, limit=50).get("logStreams", [])
    return any(s.get("logStreamName") == stream for s in found)


class SpansPolicyParams(CheckParams):
    region: str
    account: str
    partition: str = "aws"


@fixer(
    "logs.xray_resource_policy",
    title="Let X-Ray write aws/spans (logs resource policy)",
    risk=Risk.MUTATING,
    params=SpansPolicyParams,
    permissions=("logs:DescribeResourcePolicies", "logs:PutResourcePolicy", "logs:DeleteResourcePolicy (undo)"),
    undoable=True,
)
class XRayResourcePolicy(Fix):
    """Creates (or merges into) TransactionSearchXRayAccess: xray.amazonaws.com may PutLogEvents on aws/spans, with SourceArn/SourceAccount."""

    undo_operations = frozenset({"logs.put_resource_policy", "logs.delete_resource_policy"})

    def plan(self) -> Plan:
        from tui.aws.transaction_search import (
            MAX_POLICIES,
            MAX_POLICY_CHARS,
            POLICY_NAME,
            judge,
            list_policies,
            merged_document,
        )

        p = self.params
        region = p.region or None
        items = list_policies(self.ctx.reader("logs", region), p.partition, p.region, p.account)
        account_scoped = [i for i in items if i.get("policyScope", "ACCOUNT") != "RESOURCE"]
        verdict = judge(items, p.partition, p.region, p.account)
        title = _("Put logs resource policy {policy}").format(policy=POLICY_NAME)
        if verdict.allowed_by:
            return Plan(
                fix=self.id,
                title=title,
                risk=Risk.MUTATING,
                summary=_("resource policy {policy} already lets X-Ray write aws/spans").format(
                    policy=verdict.allowed_by[0][0]
                ),
                before={"policies": verdict.names},
            )
        existing = next((i for i in account_scoped if i.get("policyName") == POLICY_NAME), None)
        if existing is None and len(account_scoped) >= MAX_POLICIES:
            refuse(
                _(
                    "this region already has {count} CloudWatch Logs resource policies (the quota): merge the "
                    "aws/spans statement into one of them by hand"
                ).format(count=MAX_POLICIES)
            )
        old_doc = str(existing["policyDocument"]) if existing else None
        new_doc = merged_document(old_doc, p.partition, p.region, p.account)
        if len(new_doc) > MAX_POLICY_CHARS:
            refuse(
                _(
                    "{policy} would be {size} characters with the aws/spans statement, above CloudWatch Logs' "
                    "{limit}-character limit for one resource policy; PutResourcePolicy would fail. Move some of its "
                    "statements to another resource policy, then run the fix again."
                ).format(policy=POLICY_NAME, size=len(new_doc), limit=MAX_POLICY_CHARS)
            )
        undo = (
            [
                ApiCall(
                    service="logs",
                    operation="put_resource_policy",
                    params={"policyName": POLICY_NAME, "policyDocument": old_doc},
                    region=region,
                    description=_("restore the previous document"),
                )
            ]
            if old_doc is not None
            else [
                ApiCall(
                    service="logs",
                    operation="delete_resource_policy",
                    params={"policyName": POLICY_NAME},
                    region=region,
                    description=_("delete the added policy"),
                )
            ]
        )
        notes = [
            _(
                "Statement from the starter toolkit (research §3.4): aws/spans has no leading slash; conditions pin "
                "it to this account's X-Ray."
            )
        ]
        if old_doc is not None:
            notes.append(
                _("{policy} exists: its statement with Sid {sid} is replaced, every other statement is kept.").format(
                    policy=POLICY_NAME, sid=repr(POLICY_NAME)
                )
            )
        other_slash = [n for n, _slash in verdict.slash if n != POLICY_NAME]
        if other_slash:
            notes.append(
                _(
                    "Policy {policy} names /aws/spans, which matches nothing; agentcore-triage leaves it alone — "
                    "delete it if unused."
                ).format(policy=other_slash[0])
            )
        return Plan(
            fix=self.id,
            title=title,
            risk=Risk.MUTATING,
            summary=(
                _("merge the aws/spans statement into logs resource policy {policy}")
                if old_doc
                else _("create logs resource policy {policy}")
            ).format(policy=POLICY_NAME),
            actions=[
                ApiCall(
                    service="logs",
                    operation="put_resource_policy",
                    params={"policyName": POLICY_NAME, "policyDocument": new_doc},
                    region=region,
                )
            ],
            undo=undo,
            permissions=[
                "logs:PutResourcePolicy",
                _("{action} (undo only)").format(action="logs:DeleteResourcePolicy"),
            ],
            before={
                "policy_name": POLICY_NAME,
                "document": json.loads(old_doc) if old_doc else None,
                "policies": verdict.names,
            },
            notes=notes,
        )
