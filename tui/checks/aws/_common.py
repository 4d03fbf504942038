"""Helpers shared by the AWS checks (no boto3 import here either)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.checks.base import CheckContext
from tui.i18n import _
from tui.results import CheckResult, could_not_run

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


MAX_LISTED = 10
"""Names a summary lists before "(+N more)": AWS caps these lists (50 variables, 16 subnets), its answers are still
untrusted, and a finding is read on one screen."""
MAX_NAME = 100
"""Characters of one name shown (AWS caps variable names at 100)."""
MAX_EVIDENCE_NAMES = 200
"""Names kept in the evidence."""


def shown_name(name: Any) -> str:
    """A name from an AWS answer as a finding shows it: cut, and quoted when it holds line breaks or escapes (a
    name must not start a new line or colour the terminal)."""
    text = str(name)[:MAX_NAME]
    return text if text.isprintable() else repr(text)


def listed(names: list[Any]) -> str:
    """At most ``MAX_LISTED`` names, then how many more."""
    shown = ", ".join(shown_name(n) for n in names[:MAX_LISTED])
    return shown + (_(" (+{count} more)").format(count=len(names) - MAX_LISTED) if len(names) > MAX_LISTED else "")


def not_a(field: str, value: Any, expected: str) -> CheckResult:
    """Could not run: AWS answered a field in a shape the API does not have (never read as 'none set')."""
    return could_not_run(
        _("GetAgentRuntime answered {field} as {kind}, not {expected}: could not read it").format(
            field=field, kind=type(value).__name__, expected=expected
        )
    )


def environment_of(runtime: dict[str, Any]) -> dict[str, Any] | CheckResult:
    """The runtime's ``environmentVariables`` (names as strings), or could-not-run when AWS answered another shape."""
    raw = runtime.get("environmentVariables") or {}
    if not isinstance(raw, dict):
        return not_a("environmentVariables", raw, _("a map of names to values"))
    return {str(name): value for name, value in raw.items()}


def variable_names(env: dict[str, Any]) -> list[str]:
    """The variables' names as the evidence keeps them: sorted, at most ``MAX_EVIDENCE_NAMES``, shown safely."""
    return [shown_name(name) for name in sorted(env)[:MAX_EVIDENCE_NAMES]]
