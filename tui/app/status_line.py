"""The one-line summary under the walk: step, checks run, problems, facts, fixes applied (or a path line in full)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import Static

from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.engine.walk import Walk


SEPARATOR = " · "


class FittedParts:
    """Parts of a line, kept in their order but dropped least important first until the rest fits the width.

    Wrapping the joined line onto a one-line widget cut it mid-word, or mid-phrase in Japanese (at 60
    columns the line ended in "ファクト", its count gone). A part is either shown whole or not at all;
    only a most important part wider than the line is cut, with an ellipsis.
    """

    def __init__(self, parts: Sequence[tuple[int, str]]) -> None:
        self.parts = list(parts)
        """(importance, text): the lowest importance goes first."""

    def fitted(self, width: int) -> str:
        kept = list(self.parts)
        while len(kept) > 1 and cell_len(SEPARATOR.join(text for _, text in kept)) > width:
            kept.remove(min(kept, key=lambda part: part[0]))
        return SEPARATOR.join(text for _, text in kept)

    def __str__(self) -> str:
        return SEPARATOR.join(text for _, text in self.parts)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield Text(self.fitted(options.max_width), overflow="ellipsis", no_wrap=True, end="")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(cell_len(self.fitted(0)), cell_len(str(self)))


class StatusLine(Static):
    """The walk's progress in one line; ``show_text`` puts a longer text there until the next ``show_walk``."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    """

    def show_walk(self, walk: Walk, fixes_applied: int) -> None:
        """Step, checks run, problems and facts of ``walk``, and the fixes applied in this session.

        Where the line is too narrow (60 columns, Japanese), the facts go first, then the step, the checks
        run and the fixes applied: the problems stay.
        """
        ran = sum(len(r) for r in walk.results.values())
        problems = sum(1 for res in walk.results.values() for r in res.values() if r.is_problem)
        facts = len(walk.facts)
        parts = [
            (1, _("step {step}").format(step=len(walk.history) + 1)),
            (2, ngettext("{count} check run", "{count} checks run", ran).format(count=ran)),
            (4, ngettext("{count} problem", "{count} problems", problems).format(count=problems)),
            (0, ngettext("{count} fact", "{count} facts", facts).format(count=facts)),
        ]
        if fixes_applied:
            parts.append(
                (
                    3,
                    ngettext("{count} fix applied", "{count} fixes applied", fixes_applied).format(count=fixes_applied),
                )
            )
        self._shown_parts = FittedParts(parts)
        self._show("walk", str(self._shown_parts))

    def show_text(self, text: str) -> None:
        """``text`` on one line, cut with an ellipsis (a path line in full, up to the width)."""
        self._show("text", text)

    _shown: tuple[str, str] | None = None
    _shown_parts: FittedParts | None = None

    def _show(self, kind: str, text: str) -> None:
        """Update unless the line already shows this (every ``update`` lays the screen out again; the walk shows its
        status after each move, run start, run end and cancel)."""
        if self._shown == (kind, text):
            return
        self._shown = (kind, text)
        if kind == "walk" and self._shown_parts is not None:
            self.update(self._shown_parts)  # fitted to the width each time it is drawn: a resize re-fits it
        else:
            self.update(Text(text, overflow="ellipsis", no_wrap=True))
