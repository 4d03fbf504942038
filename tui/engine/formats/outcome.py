"""How a finding counts in a report: the one place every format asks.

A ``skip`` is either "does not apply" (no Dockerfile, no log group configured) or "could not run" (a
prerequisite failed, errored or timed out, so the check never looked). Only the first is green: the text
totals, the JSON ``could_not_run`` flag, JUnit and SARIF all render the second as a problem.
"""

from __future__ import annotations

from typing import Protocol

from tui.results import Status


class Outcome(Protocol):
    """What this module reads of a finding (``Finding`` and the JSON model both have it)."""

    status: Status
    evidence: dict[str, object]


def could_not_run(finding: Outcome) -> bool:
    """A skip because an earlier check did not publish a fact it needs (that check failed, errored or skipped).

    The runner marks these with ``evidence["missing"]`` (``tui/engine/runner.py``); a dotted name is a fact
    from another check, a plain one a value the user did not give (``{runtime}``: no ``--runtime``), which
    is "not asked for", not "could not run". A check that skips because it does not apply carries no mark.
    """
    missing = finding.evidence.get("missing") if finding.status is Status.SKIP else None
    return isinstance(missing, str) and "." in missing


def counts_as_problem(finding: Outcome) -> bool:
    """Fail, error, or a skip that could not run: what ``--quiet`` shows and what CI must not count as green."""
    return finding.status in (Status.FAIL, Status.ERROR) or could_not_run(finding)
