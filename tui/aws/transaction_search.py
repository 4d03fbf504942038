"""CloudWatch Transaction Search: the logs resource policy X-Ray needs, judged by content.

The toolkit names its policy ``TransactionSearchXRayAccess`` and checks only the
name (research §0.3); a console- or CLI-created policy under another name works
just as well. What matters is a statement letting ``xray.amazonaws.com`` call
``logs:PutLogEvents`` on ``log-group:aws/spans:*`` — no leading slash (§0.4).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.aws.policy_eval import Evaluation, PolicyDoc, evaluate

if TYPE_CHECKING:
    from tui.aws.session import AwsClient

XRAY_PRINCIPAL = {"Service": "xray.amazonaws.com"}
SPANS_GROUP = "aws/spans"
POLICY_NAME = "TransactionSearchXRayAccess"
SID = "TransactionSearchXRayAccess"


def spans_stream_arn(partition: str, region: str, account: str) -> str:
    return f"arn:{partition}:logs:{region}:{account}:log-group:{SPANS_GROUP}:log-stream:default"


def xray_context(partition: str, region: str, account: str) -> dict[str, str]:
    """The condition keys X-Ray's PutLogEvents call carries for this account."""
    return {
        "aws:SourceArn": f"arn:{partition}:xray:{region}:{account}:trace-segment-destination",
        "aws:SourceAccount": account,
    }


def statement(partition: str, region: str, account: str) -> dict[str, Any]:
    """The toolkit's statement (research §3.4), with SourceArn/SourceAccount conditions."""
    return {
        "Sid": SID,
        "Effect": "Allow",
        "Principal": dict(XRAY_PRINCIPAL),
        "Action": "logs:PutLogEvents",
        "Resource": [
            f"arn:{partition}:logs:{region}:{account}:log-group:{SPANS_GROUP}:*",
            f"arn:{partition}:logs:{region}:{account}:log-group:/aws/application-signals/data:*",
        ],
        "Condition": {
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:xray:{region}:{account}:*"},
            "StringEquals": {"aws:SourceAccount": account},
        },
    }


@dataclass
class SpansVerdict:
    allowed_by: list[tuple[str, Evaluation]] = field(default_factory=list)
    uncertain: list[tuple[str, Evaluation]] = field(default_factory=list)
    denied_by: list[tuple[str, Evaluation]] = field(default_factory=list)
    slash: list[tuple[str, str]] = field(default_factory=list)
    """(policy name, resource) pairs that name ``/aws/spans``."""
    names: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def judge(policies: Iterable[Mapping[str, Any]], partition: str, region: str, account: str) -> SpansVerdict:
    """Judge every logs resource policy (``describe_resource_policies`` items)."""
    verdict = SpansVerdict()
    resource = spans_stream_arn(partition, region, account)
    context = xray_context(partition, region, account)
    for item in policies:
        name = str(item.get("policyName") or "?")
        verdict.names.append(name)
        try:
            doc = PolicyDoc.parse(name, item.get("policyDocument") or "{}", "resource")
        except (ValueError, TypeError):
            verdict.unreadable.append(name)
            continue
        for stmt in doc.statements():
            resources = stmt.get("Resource")
            for r in resources if isinstance(resources, list) else [resources]:
                if isinstance(r, str) and ":log-group:/aws/spans" in r:
                    verdict.slash.append((name, r))
        ev = evaluate([doc], "logs:PutLogEvents", resource, context=context, principal=XRAY_PRINCIPAL)
        if ev.decision == "explicitDeny":
            verdict.denied_by.append((name, ev))
        elif ev.decision == "allowed" and ev.certain:
            verdict.allowed_by.append((name, ev))
        elif not ev.certain:
            verdict.uncertain.append((name, ev))
    return verdict


MAX_POLICY_CHARS = 5120
"""CloudWatch Logs quota: one resource policy document is at most 5,120 characters."""
MAX_POLICIES = 10
"""CloudWatch Logs quota: resource policies per account and region."""


def spans_group_arn(partition: str, region: str, account: str) -> str:
    return f"arn:{partition}:logs:{region}:{account}:log-group:{SPANS_GROUP}"


def list_policies(logs: AwsClient, partition: str = "", region: str = "", account: str = "") -> list[dict[str, Any]]:
    """Every logs resource policy that can decide X-Ray's writes to aws/spans, in both scopes.

    ``DescribeResourcePolicies`` answers account-scoped policies by default; a policy attached to
    the ``aws/spans`` log group itself (``policyScope=RESOURCE``, ``resourceArn``) is only listed
    when asked for. Both are read (botocore's paginator), duplicates dropped.
    """
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    queries: list[dict[str, Any]] = [{}]
    if account and region:
        queries.append({"policyScope": "RESOURCE", "resourceArn": spans_group_arn(partition or "aws", region, account)})
    for query in queries:
        for page in logs.get_paginator("describe_resource_policies").paginate(
            **query, PaginationConfig={"MaxItems": 200}
        ):
            for item in page.get("resourcePolicies", []):
                key = (str(item.get("policyName")), str(item.get("resourceArn") or ""), str(item.get("policyDocument")))
                if key not in seen:
                    seen.add(key)
                    out.append(item)
    return out


def merged_document(existing: str | None, partition: str, region: str, account: str) -> str:
    """``existing`` with the toolkit statement added (replacing a statement with the same Sid), compact JSON."""
    doc: dict[str, Any] = json.loads(existing) if existing else {"Version": "2012-10-17", "Statement": []}
    stmts = doc.get("Statement", [])
    if isinstance(stmts, dict):
        stmts = [stmts]
    stmts = [s for s in stmts if not (isinstance(s, dict) and s.get("Sid") == SID)]
    stmts.append(statement(partition, region, account))
    doc["Statement"] = stmts
    doc.setdefault("Version", "2012-10-17")
    return json.dumps(doc, separators=(",", ":"))
