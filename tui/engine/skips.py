"""Why a check skipped for want of a fact: "not applicable" when the publisher had nothing to check, "could not
run" when the publisher failed, errored, timed out or could not run itself.

``needs {runtime.role_arn}`` is good news when no runtime was given (the whole AWS side does not apply) and bad
news when ``runtime.discover`` timed out: the same skip, two meanings, and only the engine knows which.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui.registry import Registry
from tui.results import CheckResult, SkipReason, Status


def publisher_outcomes(
    fact: str, registry: Registry, results: Mapping[str, Mapping[str, CheckResult]]
) -> list[CheckResult]:
    """The latest results of every check that may publish ``fact`` (any node)."""
    publishers = {spec.id for spec in registry.checks.values() if fact in spec.publishes}
    return [r for node in results.values() for r in node.values() if r.check in publishers]


def classify_missing_fact(
    result: CheckResult, registry: Registry, results: Mapping[str, Mapping[str, CheckResult]]
) -> CheckResult:
    """A skip for a missing fact, with its reason: could not run unless every publisher was itself not applicable."""
    fact = str(result.evidence.get("missing", ""))
    if result.status is not Status.SKIP or "." not in fact:
        return result  # a missing context value or input: the user did not give it, nothing failed
    outcomes = publisher_outcomes(fact, registry, results)
    if outcomes and all(r.status is Status.SKIP and not r.could_not_run for r in outcomes):
        return result.model_copy(update={"skip_reason": SkipReason.NOT_APPLICABLE})
    blocking = next((r for r in outcomes if not r.ok), None)
    summary = result.summary
    if blocking is not None:
        summary = (
            f"needs {{{fact}}}, which {blocking.check} did not publish ({blocking.status.value}: {blocking.summary})"
        )
    return result.model_copy(update={"skip_reason": SkipReason.COULD_NOT_RUN, "summary": summary[:400]})
