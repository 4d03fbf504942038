"""The walk screen on a support bundle: the recorded path and results, bannered, and nothing runs live.

Everything the walk screen shows comes from the rebuilt ``Walk`` (``tui.support.replay``); what would
reach the world is replaced: checks never run (a node the session did not run says so), fix keys show
the plan that was proposed or applied and never apply, the audit key shows the bundle's records.
Search, export, back/next and the path work as in a live walk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Header, Static

from tui.app.fix_notices import outcome_name
from tui.app.icons import RISK_LABEL
from tui.app.json_text import readable_json
from tui.app.recorded_screen import RecordedScreen
from tui.app.walk_screen import WalkScreen
from tui.i18n import N_, Translated, _

if TYPE_CHECKING:
    from textual.worker import Worker

    from tui.support.replay import Replay


class ReplayWalkScreen(WalkScreen):
    """``WalkScreen`` over a recorded walk: no check, fix or other live call can start from it."""

    DEFAULT_CSS = """
    ReplayWalkScreen #replay-banner {
        height: auto;
        padding: 0 1;
        background: $warning 70%;
        color: $text;
        text-style: bold;
    }
    """

    HELP = Translated(
        N_(
            "A REPLAY of a support bundle: the path and every check result as recorded. Nothing runs: "
            "fix keys show the plan that was proposed or applied, and never apply."
        )
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "H", "runs", N_("Runs"), id="replay.runs", tooltip=N_("Every recorded run of this node's checks, in order")
        ),
    ]

    replay: Replay | None = None
    """Set by ``ReplayApp`` before the screen mounts."""

    def on_mount(self) -> None:
        super().on_mount()
        banner = self.replay.banner if self.replay else _("REPLAY · nothing runs live")
        self.mount(Static(banner, id="replay-banner"), after=self.query_one(Header))
        self.sub_title = _("REPLAY") + " · " + (self.sub_title or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rerun", "cancel", "bundle"):
            return False
        if action == "runs":
            return self.replay is not None and bool(self.replay.runs_of(self.walk.current))
        return super().check_action(action, parameters)

    def run_checks(self, node_id: str | None = None, only: set[str] | None = None) -> Worker[Any]:
        """Never runs: a node without recorded results was not run in the recorded session."""
        self.notify(
            _("Replay: this node's checks were not run in the recorded session; nothing runs in a replay."),
            title=_("Not recorded"),
            severity="warning",
        )
        return None  # type: ignore[return-value]

    def action_fix(self, key: str, node: str | None = None) -> None:
        """Show the plan recorded for this fix key (proposed, declined or applied); never plan or apply."""
        offered = {o.ref.key: o for o in self.offered()}
        if key not in offered or self.replay is None:
            return
        ref = offered[key].ref
        attempts = self.replay.attempts_for(self.walk.current, ref.fix)
        records = self.replay.applied_records(ref.fix)
        self.app.push_screen(
            RecordedScreen(_("recorded fix {fix}").format(fix=ref.fix), fix_markdown(ref.fix, attempts, records))
        )

    def action_runs(self) -> None:
        """Each recorded run of this node: what the user saw before a fix and after its verification (H)."""
        if self.replay is not None:
            runs = self.replay.runs_of(self.walk.current)
            title = _("runs of {node}").format(node=self.walk.current)
            self.app.push_screen(RecordedScreen(title, runs_markdown(self.walk.current, runs)))

    def action_logs(self) -> None:
        """The CloudWatch log excerpts the recorded checks read (L); a replay reads no log live."""
        excerpts = self.replay.log_excerpts() if self.replay else []
        lines = [
            "# " + _("Log excerpts in the bundle"),
            "",
            _("What the checks read from CloudWatch Logs; a replay reads nothing."),
            "",
        ]
        if not excerpts:
            lines.append(_("The recorded session read no logs."))
        for item in excerpts:
            lines += [
                "## "
                + _("{check} at {node}: {status}").format(
                    check=f"`{item.get('check')}`", node=item.get("node"), status=_(str(item.get("status")))
                ),
                "",
                str(item.get("summary", "")),
            ]
            lines += ["", "```json", readable_json(item.get("evidence", {})), "```", ""]
        self.app.push_screen(RecordedScreen(_("logs (recorded)"), "\n".join(lines)))

    def action_bundle(self) -> None:
        """A replay is not bundled again (planning diffs would read this machine's files): send the original."""
        self.notify(_("This is a replay: send the bundle it came from."), title=_("Bundle"), severity="warning")

    def action_audit(self) -> None:
        """The bundle's audit records (this target's), not this machine's audit log."""
        records = self.replay.audit if self.replay else []
        lines = ["# " + _("Audit records in the bundle"), ""]
        if not records:
            lines.append(_("No fix was applied to this target before the bundle was written."))
        for r in records:
            node = _("(node {node})").format(node=r.node or "-")
            lines.append(f"- `{r.id}` {r.time} **{outcome_name(r.outcome)}** `{r.fix}` {_(r.title)} {node}")
            if r.error:
                lines.append("  - " + _("error: {error}").format(error=r.error))
        self.app.push_screen(RecordedScreen(_("audit (recorded)"), "\n".join(lines)))


def _action_markdown(action: dict[str, Any]) -> list[str]:
    if action.get("kind") == "file":
        return [
            "- " + _("file {path}").format(path=f"`{action.get('path')}`"),
            "",
            "```diff",
            str(action.get("diff", "")).rstrip(),
            "```",
        ]
    params = readable_json(action.get("params", {}))
    return [f"- `{action.get('service')}.{action.get('operation')}`", "", "```json", params, "```"]


def runs_markdown(node: str, runs: list[dict[str, Any]]) -> str:
    """The recorded runs of a node's checks, one table per run (status and summary of each check)."""
    out = ["# " + _("Runs of {node} in the recorded session").format(node=f"`{node}`"), ""]
    if len(runs) > 1:
        out += [_("The walk shows the last run; earlier ones are what the user saw before."), ""]
    heading = "| " + " | ".join((_("check"), _("status"), _("summary"))) + " |"
    for n, run in enumerate(runs, 1):
        out += ["## " + _("Run {n}").format(n=n), "", heading, "|---|---|---|"]
        for key, result in run.get("results", {}).items():
            summary = str(result.get("summary", "")).replace("|", "\\|")
            out.append(f"| `{key}` | {_(str(result.get('status')))} | {summary} |")
        out.append("")
    return "\n".join(out) + "\n"


def fix_markdown(fix: str, attempts: list[dict[str, Any]], records: list[Any]) -> str:
    """What the recorded session did with ``fix``: each plan proposed, its outcome, the audit records."""
    out = [
        "# " + _("Fix {fix} in the recorded session").format(fix=f"`{fix}`"),
        "",
        _("A replay never plans or applies a fix."),
        "",
    ]
    if not attempts and not records:
        out.append(_("The fix was offered here, but not tried in the recorded session: no plan was made."))
    for n, attempt in enumerate(attempts, 1):
        outcome = "applied" if attempt.get("applied") else (attempt.get("outcome") or "not applied")
        title = _(attempt["title"]) if attempt.get("title") else fix
        out += [
            "## " + _("Attempt {n}: {title}: {outcome}").format(n=n, title=title, outcome=outcome_name(outcome)),
            "",
        ]
        if attempt.get("error"):
            out += [_("Why: {error}").format(error=attempt["error"]), ""]
        for prereq in attempt.get("prerequisites") or []:
            prereq_outcome = outcome_name(prereq.get("outcome") or "applied")
            out.append(
                "- " + _("needed first: {fix}: {outcome}").format(fix=f"`{prereq.get('id')}`", outcome=prereq_outcome)
            )
        plan = attempt.get("plan") or {}
        if plan:
            risk = str(plan.get("risk", ""))
            risk = _(RISK_LABEL.get(risk, risk))
            out += [_("**Plan proposed** ({risk}): {summary}").format(risk=risk, summary=plan.get("summary", "")), ""]
            for action in plan.get("actions") or []:
                out += _action_markdown(action)
            if plan.get("permissions"):
                out += [
                    "",
                    _("Permissions: {permissions}").format(
                        permissions=", ".join(f"`{p}`" for p in plan["permissions"])
                    ),
                ]
        out.append("")
    if records:
        out += ["## " + _("Audit records"), ""]
        out += [
            f"- `{r.id}` {r.time}: **{outcome_name(r.outcome)}**" + (f" ({r.error})" if r.error else "")
            for r in records
        ]
    return "\n".join(out) + "\n"
