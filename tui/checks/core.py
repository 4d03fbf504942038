"""Checks about the troubleshooting context itself."""

from __future__ import annotations

from typing import Any

from tui.checks.base import CheckContext
from tui.i18n import _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, failed, passed, skipped

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
    at_least_one: bool = False
    """True: one of ``names`` is enough (a playbook that can start from any of them); fails only when none is set."""


class GivenParams(CheckParams):
    names: list[str]
    """Context values a branch works on; each may be left out (its checks then do not apply)."""


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
    values, derived = _given_values(ctx, params.names)
    missing = [n for n in params.names if values.get(n) in (None, "")]
    if params.at_least_one and len(missing) < len(params.names):
        missing = []
    if missing:
        hints = _flag_hints(missing)
        if params.at_least_one:
            return failed(
                _("none of {names} is set").format(names=", ".join(missing)),
                details=_("Give at least one of them: {hints}.").format(hints=hints),
                evidence={"missing": missing},
            )
        return failed(
            _("not set: {names}").format(names=", ".join(missing)),
            details=_("Give them with {hints}.").format(hints=hints),
            evidence={"missing": missing},
        )
    return _all_set(params.names, values, derived)


@check(
    "context.given",
    title="Which inputs were given",
    severity=Severity.INFO,
    params=GivenParams,
)
def context_given(ctx: CheckContext, params: GivenParams) -> CheckResult:
    """Passes when these values were given. One left out is not a fault of the target: this check then skips
    ("not applicable"), and so do the checks that need the value."""
    # ``doctor --endpoint URL`` on a healthy server must not fail because no runtime or project was named; a walk
    # routes on this skip to the node that says which flag to give. ``context.required`` is for a value without
    # which nothing at all can be checked.
    values, derived = _given_values(ctx, params.names)
    if "endpoint" in params.names and values.get("endpoint") in (None, "") and values.get("runtime"):
        # a runtime id or name: the endpoint is built from the ARN that runtime.discover finds (doctor, fleet)
        values["endpoint"] = "(not known yet)"  # evidence: a value, kept in English like the others
        derived["endpoint"] = _("runtime's ARN, once AWS finds the runtime")
    missing = [n for n in params.names if values.get(n) in (None, "")]
    if missing:
        return skipped(
            _("not given: {names} (give {flags} to run the checks that need it)").format(
                names=", ".join(missing), flags=", ".join(_FLAGS.get(n, "--" + n) for n in missing)
            ),
            evidence={"missing": missing},
        )
    return _all_set(params.names, values, derived)


def _given_values(ctx: CheckContext, names: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The context's values, with the endpoint built from the runtime ARN when ``names`` asks for it."""
    values = dict(ctx.context.values())
    derived: dict[str, str] = {}
    if "endpoint" in names and values.get("endpoint") in (None, ""):
        from tui.endpoint.target import resolve_target

        target = resolve_target(ctx.context, ctx.facts)
        if target is not None:
            values["endpoint"] = target.url
            derived["endpoint"] = target.source
    return values, derived


def _flag_hints(missing: list[str]) -> str:
    return "; ".join(f"{n}: {_FLAGS.get(n, '--' + n)}" for n in missing)


def _all_set(names: list[str], values: dict[str, Any], derived: dict[str, str]) -> CheckResult:
    given = [n for n in names if values.get(n) not in (None, "")]
    shown = [_("{name} (from the {source})").format(name=n, source=derived[n]) if n in derived else n for n in given]
    evidence: dict[str, Any] = {n: str(values[n]) for n in given if n != "token_source"}
    if derived:
        evidence["derived"] = derived
    return passed(_("set: {names}").format(names=", ".join(shown)), evidence=evidence)
