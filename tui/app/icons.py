"""Status icons, spinner frames and small formatters shared by the widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.results import Status

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
"""Braille spinner frames for running checks (10 per second)."""

PENDING = "·"
CANCELLED = "⊘"
QUESTION = "?"
DIAGNOSIS = "◆"

STATUS_STYLE = {
    "pass": "green",
    "warn": "yellow",
    "fail": "red",
    "error": "magenta",
    "skip": "dim",
}
"""Rich style per status value."""

RISK_STYLE = {"read_only": "green", "mutating": "yellow", "destructive": "bold red"}
SEVERITY_STYLE = {"info": "cyan", "low": "green", "medium": "yellow", "high": "red", "critical": "bold red"}


def status_markup(status: Status | None) -> str:
    """The status icon as Rich markup (blank-ish when the node has not run)."""
    if status is None:
        return f"[dim]{PENDING}[/]"
    return f"[{STATUS_STYLE[status.value]}]{status.icon}[/]"


def format_duration(seconds: float | None) -> str:
    """``0.42s`` / ``12.3s`` / ``2m05s``; empty for unknown."""
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def ellipsize(text: str, width: int) -> str:
    """First line of ``text`` cut to ``width`` cells with an ellipsis."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    if width <= 1:
        return line[: max(width, 0)]
    return line if len(line) <= width else line[: width - 1] + "…"
