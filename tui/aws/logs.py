"""CloudWatch Logs reads shared by checks and fixes (no boto3 import here: clients are passed in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.aws.session import AwsClient

MAX_GROUP_PAGES = 20
"""Pages of DescribeLogGroups read at most for one exact name (a prefix rarely matches more than a page)."""


def group_exists(logs: AwsClient, name: str) -> tuple[bool, dict[str, Any]]:
    """(exists, facts) for the log group called exactly ``name`` (DescribeLogGroups by prefix, botocore's paginator).

    The checks of one node ask about the same group at the same moment (the runtime group's existence, its
    retention, the OTEL sources): while one such read is in flight, the others share it (``coalesced``)."""
    from tui.aws.session import coalesced

    exists, facts = coalesced(
        ("group_exists", id(logs), name),
        lambda: _group_exists(logs, name),
        copy=lambda found: (found[0], dict(found[1])),
    )
    return exists, facts


def _group_exists(logs: AwsClient, name: str) -> tuple[bool, dict[str, Any]]:
    pages = logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix=name, PaginationConfig={"MaxItems": MAX_GROUP_PAGES * 50}
    )
    for page in pages:
        for g in page.get("logGroups", []):
            if g.get("logGroupName") == name:
                return True, {
                    "arn": g.get("arn"),
                    "retention_days": g.get("retentionInDays"),
                    "stored_bytes": g.get("storedBytes"),
                    **({"kms_key_id": g["kmsKeyId"]} if g.get("kmsKeyId") else {}),  # logs.group.kms reads it
                }
    return False, {}
