"""What the walk screen tells the user after ``run_fix``: one notification per thing that happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tui.i18n import N_, _

if TYPE_CHECKING:
    from tui.engine.fixing import FixOutcome

OUTCOMES = {
    "applied": N_("applied"),
    "noop": N_("nothing to do"),
    "nothing to do": N_("nothing to do"),
    "failed": N_("failed"),
    "declined": N_("declined"),
    "refused": N_("refused"),
    "not planned": N_("not planned"),
    "undone": N_("undone"),
}
"""Outcomes as shown (the engine and the audit log keep the English values)."""


def outcome_name(outcome: str) -> str:
    return _(OUTCOMES.get(outcome, outcome))


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
        Notice(
            _("{title}: applied (audit {id})").format(title=_(record.title), id=record.id), _("Prerequisite applied")
        )
        for record in outcome.records
        if record.fix != info.id and record.outcome == "applied"
    ]
    blocked = next((p for p in outcome.prerequisites if not p.applied and p.outcome != "nothing to do"), None)
    if blocked is not None:
        why = f" ({blocked.error})" if blocked.error else ""
        text = _("{title} needs {prerequisite} first, which was {outcome}{why}.").format(
            title=_(outcome.title), prerequisite=blocked.id, outcome=outcome_name(blocked.outcome or ""), why=why
        )
        notices.append(Notice(text, _("Fix not applied"), "warning"))
    elif info.outcome == "not planned":
        notices.append(Notice(info.error or "", _("Fix not planned"), "error"))
    elif info.outcome == "nothing to do":
        summary = (info.plan or {}).get("summary")
        notices.append(Notice(_(summary) if summary else _("Nothing to change."), _("Nothing to do")))
    elif info.outcome == "declined":
        notices.append(Notice(_("Nothing was changed."), _("Fix cancelled")))
    elif info.outcome == "refused":
        notices.append(Notice(info.error or "", _("Fix refused"), "error"))
    elif info.outcome == "failed":
        title = _("{title} failed").format(title=_(outcome.title))
        notices.append(Notice(info.error or _("the fix failed"), title, "error", 8))
    elif outcome.records:
        record = outcome.records[-1]
        text = _("{title}: {outcome} (audit {id})").format(
            title=_(record.title), outcome=outcome_name(record.outcome), id=record.id
        )
        notices.append(Notice(text, _("Fix applied")))
    if outcome.verified is not None:
        result, good = outcome.verified, not outcome.verified.is_problem
        notices.append(
            Notice(
                f"{outcome.verified_key}: {_(result.status.value)} — {result.summary}",
                _("Verified") if good else _("Still failing"),
                "information" if good else "warning",
            )
        )
    return notices
