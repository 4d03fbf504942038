"""Status icons, spinner frames and small formatters shared by the widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.i18n import N_, _

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

STATUS_LABEL = {"pass": N_("pass"), "warn": N_("warn"), "fail": N_("fail"), "error": N_("error"), "skip": N_("skip")}
RISK_LABEL = {"read_only": N_("read-only"), "mutating": N_("mutating"), "destructive": N_("destructive")}
SEVERITY_LABEL = {
    "info": N_("info"),
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "critical": N_("critical"),
}
KIND_LABEL = {"question": N_("question"), "check": N_("check"), "diagnosis": N_("diagnosis")}
"""Display names of the enum values, translated with ``label()`` (the values themselves stay English in JSON)."""


def label(table: dict[str, str], value: str) -> str:
    """``value``'s display name from one of the ``*_LABEL`` tables, in the current language."""
    return _(table.get(value, value))


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
    """First line of ``text`` cut to ``width`` terminal cells with an ellipsis.

    Cells, not characters: a CJK character takes two, and is never cut in half.
    """
    from rich.cells import cell_len

    line = text.strip().splitlines()[0] if text.strip() else ""
    if cell_len(line) <= width:
        return line
    if width <= 1:
        return _fit(line, max(width, 0))
    return _fit(line, width - 1) + "…"


def _fit(line: str, width: int) -> str:
    """The longest start of ``line`` that fits in ``width`` cells (no half characters, no padding)."""
    from rich.cells import cell_len

    out = []
    used = 0
    for char in line:
        size = cell_len(char)
        if used + size > width:
            break
        out.append(char)
        used += size
    return "".join(out)
