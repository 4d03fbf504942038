"""The agentcore-triage TUI: ``run_app`` (called by ``agentcore-triage`` and ``agentcore-triage demo``) and ``TriageApp``.

Import cost matters here: this module imports Textual and nothing heavy. The
engine, playbook loader and registry load in a thread once the start screen and
its form have painted; boto3, botocore, mcp and httpx are only ever imported by checks and
fixes when they run (``tests/test_import_hygiene.py`` guards this).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType

from tui.app.commands import SystemCommandsInBothLanguages, WalkCommands
from tui.app.start_screen import StartScreen
from tui.i18n import N_, _

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.screen import Screen

    from tui.context import Context
    from tui.playbook.loader import LoadedPlaybook
    from tui.registry import Registry


class TriageApp(App[None]):
    """Start screen, then the walk; modal fix confirmation, symptom search, export, audit log and help on top."""

    TITLE = "agentcore-triage"
    SUB_TITLE = "MCP on AgentCore Runtime"
    COMMANDS = {SystemCommandsInBothLanguages, WalkCommands}  # Textual's system commands, found in English too
    CSS = """
    Screen { background: $background; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q", "quit", N_("Quit"), show=False, id="app.quit", tooltip=N_("Leave agentcore-triage"), priority=True
        ),
        Binding("f1", "help", N_("Help"), show=False, id="app.help", tooltip=N_("Keys and a short guide")),
    ]

    def __init__(
        self,
        context: Context,
        playbook: str | LoadedPlaybook = "agentcore-mcp",
        *,
        registry: Registry | None = None,
        show_start: bool = True,
        export_dir: str | None = None,
        export_stamp: str | None = None,
    ) -> None:
        """
        Args:
            context: The merged context (flags, environment, AWS variables, ``.bedrock_agentcore.yaml``).
            playbook: A shipped playbook id, a path to a YAML file, or an already loaded playbook.
            registry: Checks and fixes (default: every shipped one; tests inject their own).
            show_start: Show the start form first (False opens the walk directly).
            export_dir: Default directory of the export screen (default: the working directory).
            export_stamp: Fixed file-name stamp for exports (tests).
        """
        super().__init__()
        self.context = context
        self.playbook_ref = playbook if isinstance(playbook, str) else playbook.file
        self.loaded: LoadedPlaybook | None = None if isinstance(playbook, str) else playbook
        self.registry = registry
        self.show_start = show_start
        self.export_dir = export_dir
        self.export_stamp = export_stamp
        self.walk_screen: Any = None
        """The ``WalkScreen`` once the walk started."""

    def on_mount(self) -> None:
        self._exit_on_hangup()
        self.sub_title = _("SANDBOX") if self.context.sandbox else _(self.SUB_TITLE)
        if self.show_start:
            # Pushed once the app's mount batch is over: Textual drops the frames rendered inside
            # it, so a screen laid out there would only show once something repaints it in full.
            self.call_later(self._show_start)
        else:
            self.start_walk(self.context, self.playbook_ref)

    def _exit_on_hangup(self) -> None:
        """Leave cleanly on SIGHUP (the terminal closed) and SIGTERM, so callers' ``finally`` blocks run.

        Python-level handlers, not the event loop's: when the terminal goes away Textual's output
        thread dies on EIO, its bounded queue fills, and the main thread blocks in ``Queue.put``,
        where only a real signal handler still runs. Without this a closed terminal left the app,
        and `agentcore-triage demo`'s sandbox servers, running forever.
        """
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return
        self._previous_handlers: dict[int, Any] = {}
        for sig in (signal.SIGHUP, signal.SIGTERM):
            try:
                self._previous_handlers[sig] = signal.signal(sig, self._on_terminate_signal)
            except (ValueError, OSError):
                pass
        if not self.is_headless and _terminal_alive(0) is True:
            # A closed terminal does not always send SIGHUP (e.g. under `make run` the pane's
            # shell dies and make swallows it): the tty just goes dead. Look once a second.
            self.set_interval(1.0, self._watch_terminal, name="terminal-watch")

    def _watch_terminal(self) -> None:
        import signal

        if _terminal_alive(0) is False:
            self._on_terminate_signal(signal.SIGHUP, None)

    def _on_terminate_signal(self, signum: int, _frame: Any) -> None:
        import os
        import signal
        import threading

        if signum == signal.SIGHUP:
            # The terminal is gone: output goes nowhere from now on, and nothing may block on it.
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            writer = getattr(getattr(self, "_driver", None), "_writer_thread", None)
            queue = getattr(writer, "_queue", None)
            if writer is not None and queue is not None and not writer.is_alive():
                threading.Thread(target=_drain_forever, args=(queue,), daemon=True, name="drain-dead-terminal").start()
        self._loop_exit()

    def _loop_exit(self) -> None:
        loop = getattr(self, "_loop", None)
        try:
            if loop is not None:
                loop.call_soon_threadsafe(self.exit)
            else:
                self.exit()
        except RuntimeError:
            pass  # the loop is already closed: the app is on its way out

    def on_unmount(self) -> None:
        import signal

        for sig, handler in getattr(self, "_previous_handlers", {}).items():
            try:
                signal.signal(sig, handler)
            except (ValueError, OSError):
                pass

    def _show_start(self) -> None:
        """Push the start screen; its form, the playbook list and the warm-up each follow the paint before them.

        So the first frame is not held up by building the form, nor by threads importing modules
        (they compete with the event loop for the GIL).
        """
        title = self.loaded.playbook.title if self.loaded else None
        screen = StartScreen(self.context, self.playbook_ref, title)
        self.push_screen(screen)
        screen.show_form(then=lambda: self._after_start_painted(screen))

    def _after_start_painted(self, screen: StartScreen) -> None:
        if screen.is_current:
            screen.load_playbooks()
        self._warm_up()

    def on_ready(self) -> None:
        """Opened on the walk: import the rest of the engine and the checks after the first frame."""
        if not self.show_start:
            self._warm_up()

    @work(thread=True, exit_on_error=False, group="warm-up", description="import the engine after the first frame")
    def _warm_up(self) -> None:
        """Import the engine and the checks off the first frame, so starting the walk is instant."""
        import tui.engine.fixing  # noqa: F401
        import tui.engine.walk  # noqa: F401
        import tui.playbook.validate  # noqa: F401

        if self.registry is None:
            from tui.registry import load_all

            load_all()
        from tui.engine.warm import app_modules, import_all

        import_all(app_modules())  # httpx, boto3, mcp: a check importing them later would stall the event loop

    # -- starting the walk ------------------------------------------------------------------
    def load_playbook(self, ref: str) -> LoadedPlaybook:
        """Load and validate a playbook by id or path; raises ``ValueError`` with every problem."""
        from tui.playbook.validate import resolve_playbook

        if self.loaded is not None and ref in (self.loaded.file, self.loaded.playbook.id):
            return self.loaded
        return resolve_playbook(ref)

    def start_walk(self, context: Context, ref: str) -> None:
        """Create the walk and show it (replacing the start screen)."""
        from tui.app.walk_screen import WalkScreen
        from tui.engine.report import SessionLog
        from tui.engine.walk import Walk
        from tui.registry import load_all

        loaded = self.load_playbook(ref)
        context.inputs = loaded.playbook.resolve_inputs((), context.inputs)
        before = (self.walk_screen, self.context, self.loaded)
        self.context = context
        self.loaded = loaded
        walk = Walk(loaded.playbook, context, registry=self.registry or load_all())
        previous = self.walk_screen
        self.walk_screen = WalkScreen.for_walk(
            walk, SessionLog(), export_dir=self.export_dir, export_stamp=self.export_stamp
        )
        if isinstance(self.screen, StartScreen) and previous is not None and previous in self.screen_stack:
            # The target changed (T): the old walk under the start screen is dropped, the new one takes its place.
            self.walk_screen.returns_to = previous.returns_to
            self.pop_screen()
            self.switch_screen(self.walk_screen)
        elif self.show_start and isinstance(self.screen, StartScreen):
            self.switch_screen(self.walk_screen)
        else:
            if len(self.screen_stack) > 1:
                # Over another screen (the fleet view's enter): b or esc at its first step return there (leave_walk).
                self.walk_screen.returns_to = before
            self.push_screen(self.walk_screen)

    def leave_walk(self, screen: Any) -> None:
        """From the first step of a walk opened over another screen (the fleet view) back to that screen; the walk
        shown before it (if any) is the app's walk again. Without this, b and esc did nothing there: the fleet view
        and the earlier walk stayed under it out of reach."""
        returns_to = screen.returns_to
        if returns_to is None or self.screen is not screen:
            return
        self.walk_screen, self.context, self.loaded = returns_to
        self.pop_screen()

    def action_change_target(self) -> None:
        """The start screen over the walk, prefilled with its target: esc returns to the walk, start replaces it."""
        walk = getattr(self.walk_screen, "walk", None)
        if walk is None or isinstance(self.screen, StartScreen):
            return
        screen = StartScreen(walk.context, self.playbook_ref, walk.playbook.title, over_walk=True)
        self.push_screen(screen)

        def list_playbooks() -> None:
            screen.load_playbooks()

        screen.show_form(then=list_playbooks)

    @on(StartScreen.Started)
    def _started(self, message: StartScreen.Started) -> None:
        try:
            self.start_walk(message.choice.context, message.choice.playbook)
        except Exception as exc:  # noqa: BLE001 - a broken playbook or check module must not crash the form
            if isinstance(self.screen, StartScreen):
                self.screen.show_error(str(exc))
            self.notify(str(exc).splitlines()[0], title=_("Cannot start"), severity="error")

    # -- app-wide actions ---------------------------------------------------------------------
    def action_help(self) -> None:
        """Help for the screen in front (F1)."""
        from tui.app.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_show_help_panel(self) -> None:
        """Textual's Keys panel (palette "Keys"), its keys described in the chosen language."""
        from textual.widgets import HelpPanel

        from tui.app.key_panel import LocalizedHelpPanel

        if not self.screen.query(HelpPanel):
            self.screen.mount(LocalizedHelpPanel())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, keys, screenshot, quit) plus help and fleet, in English: the palette shows
        them in the chosen language and finds them by either (``SystemCommandsInBothLanguages``)."""
        yield from super().get_system_commands(screen)
        yield SystemCommand(N_("Help"), N_("Keys and a short guide (? / F1)"), self.action_help)
        yield SystemCommand(
            N_("Fleet"), N_("Every runtime in the region, live (doctor --all-runtimes)"), self.action_fleet
        )

    def action_command_palette(self) -> None:
        """The command palette, its prompt in the chosen language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's screenshot (palette "Screenshot") is saved where exports go (``export_dir``, else the working
        directory) unless a directory is given. Textual's default is ~/Downloads, which a server or a container
        often lacks: the palette's screenshot then only said "Failed to save screenshot"."""
        import os

        return super().deliver_screenshot(filename, path or self.export_dir or os.getcwd(), time_format)

    def action_fleet(self) -> None:
        """The fleet view: every runtime of the context's region, checked in the background."""
        from tui.app.fleet_screen import FleetScreen

        self.push_screen(FleetScreen(self.context, self.loaded.file if self.loaded else self.playbook_ref))


def _terminal_alive(fd: int) -> bool | None:
    """True while ``fd`` is a live terminal, False once it hung up (EIO/ENXIO), None if it is no terminal."""
    import errno
    import os

    try:
        os.tcgetpgrp(fd)
    except OSError as exc:
        return False if exc.errno in (errno.EIO, errno.ENXIO) else None
    return True


def _drain_forever(queue: Any) -> None:
    """Consume a dead writer thread's queue so writers never block (the terminal is gone)."""
    while True:
        queue.get()


def run_app(ctx: Context, playbook_ref: str) -> None:
    """Open the TUI for this context and playbook (``agentcore-triage``; ``agentcore-triage demo`` with ``ctx.sandbox``)."""
    TriageApp(ctx, playbook_ref).run()
