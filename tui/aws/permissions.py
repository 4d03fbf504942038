"""The IAM actions agentcore-triage's own principal needs, as a policy.

Each AWS check declares the actions it calls beside its code (``@check(aws_actions=...)``), each AWS fix
its own (``@fixer(permissions=...)``). ``Registry.read_policy()`` puts the checks' together with
``read_policy`` here; ``docs/permissions.md`` is checked against the registry (tests/test_aws_permissions.py),
and the sandbox's IAM enforcement runs the checks with exactly that policy to prove it suffices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

NO_PERMISSION_NEEDED = frozenset({"sts:GetCallerIdentity"})
"""Actions every principal may call (AWS: GetCallerIdentity needs no permission and cannot be denied)."""


def action_of(declared: str) -> str:
    """``"logs:DeleteLogGroup (undo)"`` → ``"logs:DeleteLogGroup"``."""
    return declared.split(" ", 1)[0].strip()


def read_policy(declared: Iterable[str]) -> dict[str, Any]:
    """A policy allowing ``declared`` (less what needs no permission), one statement per service (docs/permissions.md)."""
    by_service: dict[str, list[str]] = {}
    for action in sorted(set(declared) - NO_PERMISSION_NEEDED):
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
