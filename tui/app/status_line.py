"""The one-line summary under the walk: step, checks run, problems, facts, fixes applied (or a path line in full)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.engine.walk import Walk


class StatusLine(Static):
    """The walk's progress in one line; ``show_text`` puts a longer text there until the next ``show_walk``."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    """

    def show_walk(self, walk: Walk, fixes_applied: int) -> None:
        """Step, checks run, problems and facts of ``walk``, and the fixes applied in this session."""
        ran = sum(len(r) for r in walk.results.values())
        problems = sum(1 for res in walk.results.values() for r in res.values() if r.is_problem)
        facts = len(walk.facts)
        parts = [
            _("step {step}").format(step=len(walk.history) + 1),
            ngettext("{count} check run", "{count} checks run", ran).format(count=ran),
            ngettext("{count} problem", "{count} problems", problems).format(count=problems),
            ngettext("{count} fact", "{count} facts", facts).format(count=facts),
        ]
        if fixes_applied:
            parts.append(
                ngettext("{count} fix applied", "{count} fixes applied", fixes_applied).format(count=fixes_applied)
            )
        self._show("walk", " · ".join(parts))

    def show_text(self, text: str) -> None:
        """``text`` on one line, cut with an ellipsis (a path line in full, up to the width)."""
        self._show("text", text)

    _shown: tuple[str, str] | None = None

    def _show(self, kind: str, text: str) -> None:
        """Update unless the line already shows this (every ``update`` lays the screen out again; the walk shows its
        status after each move, run start, run end and cancel)."""
        if self._shown == (kind, text):
            return
        self._shown = (kind, text)
        self.update(Text(text) if kind == "walk" else Text(text, overflow="ellipsis", no_wrap=True))
