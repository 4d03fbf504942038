"""Findings model: what a check returns and how severe it is.

Modelled on prowler's metadata and brew doctor's findings: every result has a
stable check id, a status, a one-line summary a person can act on, Markdown
details, structured evidence (already redacted) and the facts it publishes for
later checks.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Status(str, Enum):
    """Outcome of one check run."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"

    @property
    def icon(self) -> str:
        return _ICONS[self]

    @property
    def is_problem(self) -> bool:
        """True for outcomes a person has to look at (fail, error, warn)."""
        return self in (Status.FAIL, Status.ERROR, Status.WARN)


_ICONS = {
    Status.PASS: "✓",
    Status.WARN: "!",
    Status.FAIL: "✗",
    Status.ERROR: "☠",
    Status.SKIP: "-",
}


class Severity(str, Enum):
    """How bad a failing check is (prowler's scale)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Risk(str, Enum):
    """What applying a fix does to the world."""

    READ_ONLY = "read_only"
    MUTATING = "mutating"
    DESTRUCTIVE = "destructive"


class CheckResult(BaseModel):
    """The outcome of running one check once."""

    model_config = ConfigDict(use_enum_values=False)

    check: str = ""
    """Stable dotted id of the check (``logs.group.runtime``)."""
    status: Status
    summary: str
    """One line, specific, actionable."""
    details: str = ""
    """Markdown: why, and what to do about it."""
    remediation: str = ""
    """Markdown: the fix in words (the one-key fix, if any, is offered separately)."""
    evidence: dict[str, Any] = Field(default_factory=dict)
    """Structured data that decided the outcome; secrets are redacted before it is stored."""
    facts: dict[str, Any] = Field(default_factory=dict)
    """Values later checks can interpolate, keyed by dotted name (``runtime.role_arn``)."""
    duration: float = 0.0
    """Seconds the check took."""
    withheld_fixes: dict[str, str] = Field(default_factory=dict)
    """Fix id → why that one-key fix cannot help with this outcome; the fix is then not offered."""

    @property
    def ok(self) -> bool:
        return self.status in (Status.PASS, Status.SKIP)


def passed(summary: str, **kwargs: Any) -> CheckResult:
    """A passing result."""
    return CheckResult(status=Status.PASS, summary=summary, **kwargs)


def warned(summary: str, **kwargs: Any) -> CheckResult:
    """A result that works now but deserves attention."""
    return CheckResult(status=Status.WARN, summary=summary, **kwargs)


def failed(summary: str, **kwargs: Any) -> CheckResult:
    """A result that explains a problem."""
    return CheckResult(status=Status.FAIL, summary=summary, **kwargs)


def errored(summary: str, **kwargs: Any) -> CheckResult:
    """The check itself could not decide (network, permissions of the tool, bad response)."""
    return CheckResult(status=Status.ERROR, summary=summary, **kwargs)


def skipped(summary: str, **kwargs: Any) -> CheckResult:
    """The check does not apply (nothing to check, or a prerequisite is missing)."""
    return CheckResult(status=Status.SKIP, summary=summary, **kwargs)


class CheckError(Exception):
    """Raise from a check to end it as ``error`` with a reason a person can act on."""

    def __init__(self, summary: str, *, details: str = "", evidence: dict[str, Any] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.details = details
        self.evidence = evidence or {}
