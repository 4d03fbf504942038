"""Checks about the troubleshooting context itself."""

from __future__ import annotations

from typing import Any

from tui.checks.base import CheckContext
from tui.i18n import _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, failed, passed

_FLAGS = {
    "runtime": "--runtime ARN|ID|NAME",
    "endpoint": "--endpoint URL",
    "region": "--region REGION (or AWS_REGION)",
    "profile": "--profile NAME (or AWS_PROFILE)",
    "project": "--project DIR",
    "token_source": "--token-env VAR or --token-file PATH",
}


class RequiredParams(CheckParams):
    names: list[str]
    """Context values that must be set (``runtime``, ``endpoint``, ``project`` ...)."""


@check(
    "context.required",
    title="Required context values are set",
    severity=Severity.HIGH,
    params=RequiredParams,
    remediation="Give the missing values as flags, environment variables, or in the start screen's form.",
)
def context_required(ctx: CheckContext, params: RequiredParams) -> CheckResult:
    """Fails when a context value this branch needs was not given.

    `endpoint` counts as given when it can be built from what was given (a runtime ARN): the endpoint
    checks then probe that URL, so saying "not set" would contradict them.
    """
    values = dict(ctx.context.values())
    derived: dict[str, str] = {}
    if "endpoint" in params.names and values.get("endpoint") in (None, ""):
        from tui.endpoint.target import resolve_target

        target = resolve_target(ctx.context, ctx.facts)
        if target is not None:
            values["endpoint"] = target.url
            derived["endpoint"] = target.source
    missing = [n for n in params.names if values.get(n) in (None, "")]
    if missing:
        hints = "; ".join(f"{n}: {_FLAGS.get(n, '--' + n)}" for n in missing)
        return failed(
            _("not set: {names}").format(names=", ".join(missing)),
            details=_("Give them with {hints}.").format(hints=hints),
            evidence={"missing": missing},
        )
    shown = [
        _("{name} (from the {source})").format(name=n, source=derived[n]) if n in derived else n for n in params.names
    ]
    evidence: dict[str, Any] = {n: str(values[n]) for n in params.names if n != "token_source"}
    if derived:
        evidence["derived"] = derived
    return passed(_("set: {names}").format(names=", ".join(shown)), evidence=evidence)
