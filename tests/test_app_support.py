"""Shared helpers for the TUI tests: a registry of test-only checks and fixes, the test playbook, the app.

(Named ``test_app_*`` so it lives with the tests; it holds no tests itself.)
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tui.checks.base import CheckContext
from tui.context import Context
from tui.fixes.base import Fix, Plan, file_change
from tui.registry import CheckParams, CheckSpec, FixSpec, NoParams, Registry
from tui.results import CheckError, CheckResult, Risk, Severity, failed, passed, warned

HERE = Path(__file__).resolve().parent
TEST_PLAYBOOK = HERE / "playbooks" / "walk-test.yaml"


class PathParams(CheckParams):
    path: str


class SlowParams(CheckParams):
    seconds: float = 30.0


def file_ok(ctx: CheckContext, params: PathParams) -> CheckResult:
    """Passes when the file says ``ok``."""
    p = Path(params.path)
    if not p.exists():
        return failed(f"{p.name} does not exist", evidence={"path": str(p)})
    text = p.read_text(encoding="utf-8").strip()
    if text != "ok":
        return failed(f"{p.name} says {text!r}, not 'ok'", evidence={"path": str(p), "content": text})
    return passed(f"{p.name} says ok", evidence={"path": str(p)})


def always_pass(ctx: CheckContext, params: NoParams) -> CheckResult:
    """Always passes."""
    return passed("all good")


def warns(ctx: CheckContext, params: NoParams) -> CheckResult:
    """Always warns."""
    return warned("slow answer (2.5 s)", details="The endpoint answered slowly.")


def raises(ctx: CheckContext, params: NoParams) -> CheckResult:
    """Cannot decide."""
    raise CheckError("could not reach the endpoint: 401 Unauthorized")


async def slow_async(ctx: CheckContext, params: SlowParams) -> CheckResult:
    """Sleeps on the loop (cancellable)."""
    await asyncio.sleep(params.seconds)
    return passed("slept")


def slow_thread(ctx: CheckContext, params: SlowParams) -> CheckResult:
    """Blocks a thread, polling the cancellation flag like a long boto3 check should."""
    end = time.monotonic() + params.seconds
    while time.monotonic() < end:
        if ctx.cancelled.wait(0.02):
            return passed("stopped early")
    return passed("slept")


class WriteFile(Fix):
    """Writes ``ok`` into the file (a FileChange)."""

    def plan(self) -> Plan:
        change = file_change(self.params.path, "ok\n", description="write a good config")
        return Plan(
            fix="test.write_file",
            title="Write a good config.txt",
            risk=Risk.MUTATING,
            summary=f"Write 'ok' into {self.params.path}",
            actions=[change],
            permissions=[],
        )


class DeleteFile(Fix):
    """Deletes the file (destructive, for the focus test)."""

    def plan(self) -> Plan:
        return Plan(
            fix="test.delete_file",
            title="Delete config.txt",
            risk=Risk.DESTRUCTIVE,
            summary=f"Delete {self.params.path}",
            actions=[file_change(self.params.path, None, description="delete")],
        )


def make_registry() -> Registry:
    """A registry holding only the test checks and fixes."""
    reg = Registry()
    for cid, func, params, title in [
        ("test.file_ok", file_ok, PathParams, "Config file says ok"),
        ("test.always_pass", always_pass, NoParams, "Always passes"),
        ("test.warns", warns, NoParams, "Answers slowly"),
        ("test.raises", raises, NoParams, "Probe that cannot decide"),
        ("test.slow_async", slow_async, SlowParams, "Slow async check"),
        ("test.slow_thread", slow_thread, SlowParams, "Slow thread check"),
    ]:
        reg.add_check(
            CheckSpec(id=cid, title=title, severity=Severity.HIGH, params=params, func=func, remediation="Press f.")
        )
    reg.add_fix(
        FixSpec(
            id="test.write_file", title="Write a good config.txt", risk=Risk.MUTATING, params=PathParams, cls=WriteFile
        )
    )
    reg.add_fix(
        FixSpec(
            id="test.delete_file", title="Delete config.txt", risk=Risk.DESTRUCTIVE, params=PathParams, cls=DeleteFile
        )
    )
    return reg


def make_context(project: Path | str, **kwargs: object) -> Context:
    """A context pointing at a test project directory."""
    base = {"region": "us-east-1", "runtime": "test-runtime", "project": str(project), "timeout": 60.0}
    base.update(kwargs)
    return Context(**base)  # type: ignore[arg-type]


def make_app(project: Path | str, *, show_start: bool = False, **ctx_kwargs: object):  # noqa: ANN201
    """The app on the test playbook with the test registry."""
    from tui.app.main import TriageApp
    from tui.playbook.loader import load_playbook

    return TriageApp(
        make_context(project, **ctx_kwargs),
        load_playbook(TEST_PLAYBOOK),
        registry=make_registry(),
        show_start=show_start,
        export_dir=str(project),
        export_stamp="test",
    )


async def open_logs_screen(app, pilot):  # noqa: ANN001, ANN201
    """Press L on the walk, then wait until the Logs screen has read its groups; returns the screen."""
    from tui.app.logs_screen import LogsScreen

    await pilot.pause()
    await pilot.press("L")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LogsScreen)
    await wait_group(app, "logs-read", pilot)
    return screen


async def wait_group(app, group: str, pilot=None) -> None:  # noqa: ANN001
    """Wait for every worker of ``group`` (``checks``, ``fix``) to finish, then let the messages land."""
    for _ in range(3):
        workers = [w for w in app.workers if w.group == group]
        if workers:
            await app.workers.wait_for_complete(workers)
        if pilot is not None:
            await pilot.pause()
        else:
            await asyncio.sleep(0.01)


async def wait_checks(app, pilot=None) -> None:  # noqa: ANN001
    """Wait until the running node's checks finished and the screen handled their messages."""
    await wait_group(app, "checks", pilot)


CONDITION_CEILING = 60.0
"""Seconds a ``wait_until`` waits before failing: a bound so a broken build fails instead of hanging (pytest's
120 s timeout would give no reason), never a latency budget: a loaded 2-core machine may take seconds for a thread
hop that takes milliseconds when idle."""


async def wait_until(pilot, condition, what: str, ceiling: float = CONDITION_CEILING) -> None:  # noqa: ANN001
    """Let the app run until ``condition()`` holds (checked after each message-queue flush), or fail saying ``what``.

    Use instead of ``pilot.pause(0.2)``: a fixed pause is too short under load and wasted time when idle.

    Polls with a plain sleep, which lets the app run as it does for a user (its own timers lay out and paint), and
    settles with one ``pilot.pause()`` once the condition holds. ``pilot.pause()`` at each round cost about 2.5 ms
    of CPU (it posts a callback to every widget of the screen, then forces a repaint): at 100 rounds a second that
    was a quarter of a core burnt while waiting, taken from the work being waited on.
    """
    deadline = time.monotonic() + ceiling
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {ceiling:g} s for: {what}")
        await asyncio.sleep(0.01)
    await pilot.pause()


async def wait_palette_results(app, pilot) -> None:  # noqa: ANN001
    """Wait until the command palette finished searching what was typed and lists its hits."""
    from textual.command import CommandList, CommandPalette

    def done() -> bool:
        palette = app.screen
        if not isinstance(palette, CommandPalette):
            return False
        gathering = [w for w in app.workers if w.group == palette._GATHER_COMMANDS_GROUP and not w.is_finished]
        return not gathering and palette.query_one(CommandList).option_count > 0

    await wait_until(pilot, done, "the command palette's hits")


async def wait_screen(app, pilot, screen_type: type):  # noqa: ANN001, ANN201
    """Wait until the app shows a screen of ``screen_type`` (e.g. a fix modal planned in a worker thread)."""
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type), f"a {screen_type.__name__} on screen")
    return app.screen


import pytest  # noqa: E402

YOUNG_OBJECTS = 10_000
"""Allocations between two collections of the collector's youngest generation in a test process (CPython: 700)."""


def pytest_configure(config: pytest.Config) -> None:
    """Collect the test process's cyclic garbage less often (every worker; this module is a plugin of the suite).

    A Textual frame allocates thousands of short-lived objects (strips, segments, their caches), and at CPython's
    700 the young collections promoted enough of them to start a full collection about once per app test, each
    walking the whole heap of the worker (botocore and moto models, Textual's caches: 200,000 to 350,000 objects,
    0.2-0.3 s of CPU). Measured on test_app_walk, test_snapshots and test_app_keys in one process: the collector
    took 9.8 s of 23.7 s of CPU, and 3.8 s of 17.4 s at 10,000 (full collections 38 -> 9). What the tests run is
    unchanged; cyclic garbage is freed a little later (the product's own heavy command, ``logs``, does the same
    while it runs).
    """
    import gc

    gc.set_threshold(max(gc.get_threshold()[0], YOUNG_OBJECTS), *gc.get_threshold()[1:])


FINAL_COLLECTIONS = 5
"""As many as pytest's own final collections (its ``unraisableexception`` clean-up: five, "determined experimentally
by the Trio project")."""


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End an xdist worker here; in a single process, collect its cyclic garbage and freeze the heap first.

    A worker's results reached the controller with its ``workerfinished`` event (sent from ``pytest_sessionfinish``,
    before this hook), and the controller treats the end of its channel after that event as a normal end. What a
    worker would still do after this hook only costs time: pytest collects five more times to surface exceptions
    raised in finalizers as warnings that nobody sees any more (the controller has printed its summary), each
    collection walking the whole heap of a worker that ran hundreds of tests (0.3-0.6 s of CPU each), and the
    interpreter then frees every object of every module. So a worker ends as the product's own processes do
    (``tui.cli.entry.end_process``: exit callbacks, flushed streams, no teardown): measured with -n 4, the four
    workers' last 2.4 s of wall, all of it at the very end of the run.

    In a single process pytest still prints after this hook, so it gets the cheaper end instead: collected here until
    a collection finds nothing, every finalizer has run while pytest's hook still records what they raise; frozen,
    the heap is skipped by the collections that follow, which could only find what is created after this point.
    """
    import gc

    if hasattr(config, "workerinput"):  # set by pytest-xdist in a worker only
        from tui.cli.entry import end_process

        end_process(0)
    for _ in range(FINAL_COLLECTIONS):
        if not gc.collect():
            break
    gc.freeze()


@pytest.fixture(autouse=True)
def _notifications_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts never expire in tests: tests read ``app._notifications`` after waits whose wall length a loaded
    machine stretches past a toast's few seconds (then Textual has already dropped it)."""
    from textual.notifications import Notification

    monkeypatch.setattr(Notification, "time_left", property(lambda self: 3600.0))


@pytest.fixture(autouse=False)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory, the audit log in tmp, no AWS config or profile from the machine."""
    state = tmp_path / "state"
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(state))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    project = tmp_path / "project"
    project.mkdir()
    return project


def screen_text(app) -> str:  # noqa: ANN001
    """Everything the screen shows now, as plain text: the text of the app's own SVG screenshot
    (``App.export_screenshot``: the title, then every segment of each line that is not only spaces, joined).

    Rendered the way ``export_screenshot`` renders the screen, but without building the SVG and parsing its text back
    (a sixth of the CPU: 2.7 ms instead of 17 ms at 120x40, and the tests read the screen about a hundred times).
    """
    import io

    from rich.console import Console
    from rich.segment import Segment

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    parts = [app.title]
    for line in Segment.split_and_crop_lines(Segment.filter_control(console.render(update)), length=width):
        parts += [text for text, _style, _control in line if text != " " * len(text)]
    return "".join(parts).replace("\xa0", " ")


async def read_through(modal, pilot) -> None:  # noqa: ANN001
    """Page a fix modal to the end of its plan: Apply unlocks only once all of it has been on screen."""
    await pilot.pause()
    for _ in range(50):
        if modal.seen_all:
            return
        await pilot.press("pagedown")
    raise AssertionError("the plan never reached its end")


async def wait_start_form(app, pilot):  # noqa: ANN001, ANN201
    """Wait until the start screen shows its form with the runtime field focused, and return the screen.

    The form is mounted after the screen's first frame (and focused when mounted): one ``pilot.pause()`` is not
    always enough on a loaded machine (seen: ``app.focused`` still None, then the app quit with the form half
    mounted).
    """
    from textual.widgets import Input

    from tui.app.start_screen import StartScreen

    start = await wait_screen(app, pilot, StartScreen)

    def focused_field() -> bool:
        field = start.query_one_optional("#field-runtime", Input)
        return field is not None and app.focused is field

    await wait_until(pilot, focused_field, "the start form, its runtime field focused")
    return start


async def paste_into_search(pilot, text: str):  # noqa: ANN001, ANN201
    """Paste ``text`` into the open search screen as a terminal does, and wait until it has ranked the nodes.

    The paste goes to the app, which forwards it to the focused widget. Posting ``events.Paste`` to the TextArea
    itself inserts the text twice (the TextArea inserts it, the event bubbles to the app, the app forwards an
    unforwarded paste to the focused widget), and whether the second copy landed before a snapshot depended on load.
    """
    from textual import events
    from textual.widgets import TextArea

    from tui.app.search_screen import SearchScreen

    search = await wait_screen(pilot.app, pilot, SearchScreen)
    area = search.query_one(TextArea)
    await wait_until(pilot, lambda: pilot.app.focused is area, "the search text area focused")
    pilot.app.post_message(events.Paste(text))
    await wait_until(pilot, lambda: area.text == text and bool(search.matches), "the pasted text ranked")
    return search
