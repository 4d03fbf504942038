"""How the CLI puts a doctor report on the terminal: colour through ``rich``, the machine formats, a live
progress line.

Colour follows ``rich``'s reading of the terminal and the conventions it honours: ``NO_COLOR`` (no colour),
``FORCE_COLOR`` (colour even when piped), ``TERM=dumb`` (none). Piped output without ``FORCE_COLOR`` is plain
text, byte for byte what ``--out`` writes. ``rich`` is imported on use: ``--help`` never pays for it.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from tui.engine.doctor import DoctorRun
    from tui.engine.events import Event


def _columns_below_one() -> bool:
    import os

    try:
        return int(os.environ.get("COLUMNS", "")) < 1
    except ValueError:
        return False


def make_console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that prints text as given: no markup, no highlighting, no wrapping."""
    from rich.console import Console

    width = 80 if _columns_below_one() else None  # rich took COLUMNS=0 as the width and printed nothing at all
    return Console(
        file=sys.stderr if stderr else sys.stdout,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        width=width,
    )


def print_text(run: DoctorRun, *, verbose: bool, quiet: bool) -> None:
    from tui.engine.report import text_report

    make_console().print(text_report(run, verbose=verbose, quiet=quiet))


def render_report(run: DoctorRun, fmt: str, *, verbose: bool = False, quiet: bool = False) -> str:
    """The report in ``fmt`` as plain text (json, markdown, junit, sarif, text)."""
    if fmt == "json":
        from tui.engine.report import render_json

        return render_json(run)
    if fmt == "markdown":
        from tui.engine.report import render_markdown

        return render_markdown(run)
    if fmt == "junit":
        from tui.engine.formats.junit import render_junit

        return render_junit(run)
    if fmt == "sarif":
        from tui.engine.formats.sarif import file_fix_plans, render_sarif

        return render_sarif(run, file_fix_plans(run))
    from tui.engine.report import render_text

    return render_text(run, verbose=verbose, quiet=quiet)


def summary_counts(run: DoctorRun) -> str:
    """``1 fail, 0 error, 2 could not run`` for the line after ``--out``."""
    from tui.engine.formats.outcome import could_not_run

    not_run = sum(1 for f in run.findings if could_not_run(f))
    counts = _("{fail} fail, {error} error").format(fail=run.totals["fail"], error=run.totals["error"])
    return counts + (_(", {count} could not run").format(count=not_run) if not_run else "")


class ProgressLine:
    """One live line on stderr while checks run (``12 checks done · running endpoint.initialize``).

    Only on a terminal that can redraw a line: nothing when stderr is piped or ``TERM=dumb``, so CI logs and
    ``2>file`` stay clean. It is transient: gone when the run ends, before the report is printed.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.done = 0
        self.running: dict[tuple[str, str], str] = {}
        self._live: Any = None
        if enabled:
            console = make_console(stderr=True)
            # a real terminal: FORCE_COLOR makes rich treat a CI log as one, and a live line there is noise
            if sys.stderr.isatty() and console.is_terminal and not console.is_dumb_terminal:
                from rich.live import Live

                self._live = Live(
                    self._line(), console=console, transient=True, auto_refresh=True, refresh_per_second=8
                )

    @property
    def live(self) -> bool:
        return self._live is not None

    def _line(self) -> Any:
        from rich.text import Text

        current = next(reversed(self.running.values()), "") if self.running else ""
        text = Text(
            ngettext("{count} check done", "{count} checks done", self.done).format(count=self.done), style="bold"
        )
        if current:
            text.append(_(" · running {check}").format(check=current), style="dim")
        return text

    def event(self, event: Event) -> None:
        """The engine's listener: count finished checks, show the one running."""
        from tui.engine.events import CheckFinished, CheckStarted

        if isinstance(event, CheckStarted):
            self.running[(event.node, event.key)] = event.key
        elif isinstance(event, CheckFinished):
            self.running.pop((event.node, event.key), None)
            self.done += 1
        else:
            return
        if self._live is not None:
            self._live.update(self._line())

    def __enter__(self) -> ProgressLine:
        if self._live is not None:
            self._live.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()
