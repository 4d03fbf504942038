"""What the walk screen tells the user after ``run_fix``: one notification per thing that happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tui.engine.fixing import FixOutcome


@dataclass(frozen=True)
class Notice:
    message: str
    title: str
    severity: Literal["information", "warning", "error"] = "information"
    timeout: float | None = None


def fix_notices(outcome: FixOutcome) -> list[Notice]:
    """Prerequisites applied, the fix's outcome (or why it was not applied), then its verification."""
    info = outcome.info
    notices = [
        Notice(f"{record.title}: applied (audit {record.id})", "Prerequisite applied")
        for record in outcome.records
        if record.fix != info.id and record.outcome == "applied"
    ]
    blocked = next((p for p in outcome.prerequisites if not p.applied and p.outcome != "nothing to do"), None)
    if blocked is not None:
        why = f" ({blocked.error})" if blocked.error else ""
        notices.append(
            Notice(
                f"{outcome.title} needs {blocked.id} first, which was {blocked.outcome}{why}.",
                "Fix not applied",
                "warning",
            )
        )
    elif info.outcome == "not planned":
        notices.append(Notice(info.error or "", "Fix not planned", "error"))
    elif info.outcome == "nothing to do":
        notices.append(Notice((info.plan or {}).get("summary") or "Nothing to change.", "Nothing to do"))
    elif info.outcome == "declined":
        notices.append(Notice("Nothing was changed.", "Fix cancelled"))
    elif info.outcome == "refused":
        notices.append(Notice(info.error or "", "Fix refused", "error"))
    elif info.outcome == "failed":
        notices.append(Notice(info.error or "the fix failed", f"{outcome.title} failed", "error", 8))
    elif outcome.records:
        record = outcome.records[-1]
        notices.append(Notice(f"{record.title}: {record.outcome} (audit {record.id})", "Fix applied"))
    if outcome.verified is not None:
        result, good = outcome.verified, not outcome.verified.status.is_problem
        notices.append(
            Notice(
                f"{outcome.verified_key}: {result.status.value} — {result.summary}",
                "Verified" if good else "Still failing",
                "information" if good else "warning",
            )
        )
    return notices
