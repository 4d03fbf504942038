"""Finding an AgentCore runtime by ARN, id or name, and what its environment names (read-only helpers shared by
the checks, the logs reader and the Logs screen)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.aws.session import AwsClient

MAX_RUNTIMES_LISTED = 5000
"""ListAgentRuntimes reads at most this many runtimes (bounded, like every call)."""


def id_from_arn(arn: str) -> str | None:
    """``…:runtime/<id>`` → ``<id>`` (real ARNs). Other shapes (botocore's model pattern) give None."""
    resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
    if resource.startswith("runtime/"):
        return resource.split("/", 2)[1] or None
    return None


def _strip_version(arn: str) -> str:
    head, _, tail = arn.rpartition(":")
    return head if tail.isdigit() and head.count(":") >= 5 else arn


def otel_target(env: dict[str, str] | None) -> tuple[str, str]:
    """(log group, stream) named by ``OTEL_EXPORTER_OTLP_LOGS_HEADERS`` (``x-aws-log-group=…``), else ("", "")."""
    headers = (env or {}).get("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "")
    found: dict[str, str] = {}
    for part in headers.split(","):
        key, sep, value = part.partition("=")
        if sep:
            found[key.strip().lower()] = value.strip()
    group = found.get("x-aws-log-group", "")
    return group, (found.get("x-aws-log-stream", "") or "default") if group else ""


RUNTIME_ID = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}")
"""What an AgentCore runtime id looks like (``name-XXXXXXXXXX``): worth a GetAgentRuntime before listing."""


def direct_id(wanted: str) -> str | None:
    """The runtime id ``wanted`` names on its face (an ARN's, or an id-shaped string), else None (a name)."""
    w = wanted.strip()
    if w.startswith("arn:"):
        return id_from_arn(w)
    return w if RUNTIME_ID.fullmatch(w) else None


def find_runtime(control: AwsClient, wanted: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(summary of the matching runtime or None, every runtime seen). Matches ARN (with or without version), id or name."""
    seen: list[dict[str, Any]] = []
    pages = control.get_paginator("list_agent_runtimes").paginate(
        PaginationConfig={"PageSize": 100, "MaxItems": MAX_RUNTIMES_LISTED}
    )
    for page in pages:
        seen.extend(page.get("agentRuntimes", []))
    w = wanted.strip()
    by_arn = [
        r
        for r in seen
        if r.get("agentRuntimeArn") in (w, _strip_version(w))
        or _strip_version(r.get("agentRuntimeArn", "")) == _strip_version(w)
    ]
    by_id = [r for r in seen if r.get("agentRuntimeId") == (id_from_arn(w) or w)]
    by_name = [r for r in seen if r.get("agentRuntimeName") == w]
    for matches in (by_arn, by_id, by_name):
        if matches:
            return matches[0], seen
    return None, seen
