"""The IAM actions agentcore-triage's own principal needs: the checks' reads, declared once.

Each AWS fix declares its own actions with ``@fixer(permissions=...)``. ``docs/permissions.md``
is checked against both (tests/test_aws_permissions.py), and the sandbox's IAM enforcement runs
the checks with exactly ``read_policy()`` to prove it suffices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

CHECK_ACTIONS: dict[str, tuple[str, ...]] = {
    "aws.identity": ("sts:GetCallerIdentity",),
    "aws.region": ("sts:GetCallerIdentity",),
    "runtime.discover": (
        "bedrock-agentcore:ListAgentRuntimes",
        "bedrock-agentcore:GetAgentRuntime",
        "bedrock-agentcore:GetAgentRuntimeEndpoint",
    ),
    "runtime.status": ("bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:GetAgentRuntimeEndpoint"),
    "iam.role.trust": ("iam:GetRole",),
    **{
        check: (
            "iam:GetRole",
            "iam:ListRolePolicies",
            "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:SimulatePrincipalPolicy",
        )
        for check in ("iam.role.logs", "iam.role.xray", "iam.role.metrics", "iam.role.ecr")
    },
    "logs.group.runtime": ("logs:DescribeLogGroups",),
    "logs.group.otel": ("logs:DescribeLogGroups",),
    "logs.policy.xray": ("logs:DescribeResourcePolicies",),
    "logs.errors.recent": (
        "logs:FilterLogEvents",
        "logs:DescribeLogGroups",  # which of the runtime's groups exist (the logs reader)
        "logs:StartQuery",  # ranges over 6 h read through Logs Insights
        "logs:GetQueryResults",
    ),
    "xray.destination": ("xray:GetTraceSegmentDestination",),
    "runtime.protocol": ("bedrock-agentcore:GetAgentRuntime",),
    "runtime.failure_reason": ("bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:GetAgentRuntimeEndpoint"),
    "logs.otel.sources": ("logs:DescribeLogGroups", "logs:DescribeLogStreams"),
}
"""Check id → the IAM actions it calls (reads only; the read-only guard refuses anything else)."""

NO_PERMISSION_NEEDED = frozenset({"sts:GetCallerIdentity"})
"""Actions every principal may call (AWS: GetCallerIdentity needs no permission and cannot be denied)."""


def action_of(declared: str) -> str:
    """``"logs:DeleteLogGroup (undo)"`` → ``"logs:DeleteLogGroup"``."""
    return declared.split(" ", 1)[0].strip()


def read_actions() -> list[str]:
    """Every action the checks need, sorted, without those nobody needs permission for."""
    return sorted({a for actions in CHECK_ACTIONS.values() for a in actions} - NO_PERMISSION_NEEDED)


def fix_actions(declared: Iterable[str]) -> list[str]:
    return sorted({action_of(d) for d in declared})


def read_policy() -> dict[str, Any]:
    """The minimal identity policy for the checks, grouped by service (what docs/permissions.md shows)."""
    by_service: dict[str, list[str]] = {}
    for action in read_actions():
        by_service.setdefault(action.split(":", 1)[0], []).append(action)
    sids = {"bedrock-agentcore": "Runtime", "iam": "Role", "logs": "Logs", "xray": "XRay"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AgentcoreTriage" + sids.get(service, re.sub(r"[^A-Za-z0-9]", "", service.title())),
                "Effect": "Allow",
                "Action": actions,
                "Resource": "*",
            }
            for service, actions in by_service.items()
        ],
    }
