"""Details of one check result: summary, Markdown details, remediation and the (redacted) evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Markdown

from tui.app import icons
from tui.app.json_text import readable_json
from tui.i18n import _

if TYPE_CHECKING:
    from tui.registry import CheckSpec
    from tui.results import CheckResult


def detail_markdown(key: str, spec: CheckSpec | None, result: CheckResult | None, state: str = "done") -> str:
    """The Markdown shown for a check (pure, so tests and exports can reuse it)."""
    title = _(spec.title) if spec else key
    check_id = spec.id if spec else key
    lines = [f"### {title}", "", f"`{check_id}`" + (_(" as `{key}`").format(key=key) if key != check_id else "")]
    if spec is not None:
        lines[-1] += _(" · severity {severity}").format(severity=icons.label(icons.SEVERITY_LABEL, spec.severity.value))
    if result is None:
        lines += [
            "",
            {"running": _("Running…"), "cancelled": _("Cancelled before it finished.")}.get(
                state, _("Not run yet (press `r`).")
            ),
        ]
        if spec is not None and spec.description:
            lines += ["", _(spec.description)]
        return "\n".join(lines)
    status = icons.label(icons.STATUS_LABEL, result.status.value).upper()
    duration = icons.format_duration(result.duration)
    lines += ["", f"**{result.status.icon} {status}** ({duration}): {result.summary}"]
    if result.details:
        lines += ["", result.details]
    if result.remediation and result.status.is_problem:
        lines += ["", _("**What to do:** {remediation}").format(remediation=_(result.remediation))]
    if result.evidence:
        lines += ["", _("**Evidence**"), "", "```json", readable_json(result.evidence), "```"]
    return "\n".join(lines)


class CheckDetail(Markdown):
    """The selected check's details and evidence (already redacted by the runner)."""

    DEFAULT_CSS = """
    CheckDetail {
        height: auto;
        margin: 0 0 0 0;
        padding: 0 1;
        border: round $primary 30%;
        border-title-color: $text-muted;
        background: $surface;
        /* long evidence wraps instead of being cut at the edge */
        & MarkdownFence { overflow: hidden hidden; }
        & MarkdownFence > Label { width: 1fr; text-wrap: wrap; }
    }
    """

    def on_mount(self) -> None:
        self.relocalize()

    def relocalize(self) -> None:
        """The pane's own title in the current language (the content follows with the next ``show``)."""
        self.border_title = _("Check details")

    def show(self, key: str, spec: CheckSpec | None, result: CheckResult | None, state: str = "done") -> None:
        """Show one check (the Markdown update is awaited by Textual in the background)."""
        self.display = True
        text = detail_markdown(key, spec, result, state)
        if text != self.source:  # an update re-parses and mounts every block again: skip when nothing changed
            self.update(text)
