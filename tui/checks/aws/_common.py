"""Helpers shared by the AWS checks (no boto3 import here either)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.checks.base import CheckContext

if TYPE_CHECKING:
    from tui.aws.session import AwsClient


def client(ctx: CheckContext, service: str, region: str | None = None) -> AwsClient:
    """A read-only client, in ``region`` when given (the runtime's region), else the session's."""
    if not region or region == ctx.context.region:
        return ctx.aws(service)
    from tui.aws.session import read_only_client

    return read_only_client(ctx.context.model_copy(update={"region": region}), service, timeout=ctx.timeout)


def short_arn(arn: str) -> str:
    """The part of an ARN after the account (``role/agentcore-mcp_server-role``) for one-line summaries."""
    parts = arn.split(":", 5)
    return parts[5] if len(parts) == 6 else arn
