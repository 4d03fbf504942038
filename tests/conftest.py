"""Shared pytest fixtures.

The sandbox fixtures (real moto, MCP server, front door, project) live in ``tests/sandbox_fixtures.py``, the TUI
test helpers (``isolated``, the test registry and playbook) in ``tests/test_app_support.py``. Both are loaded as
plugins, so every test module can ask for their fixtures by name; see the docstring of each fixture there.
(pytest puts this directory on ``sys.path`` itself, as it does for every rootdir ``conftest.py``.)
"""

import os
import signal
import tempfile

import pytest

pytest_plugins = [
    "sandbox_fixtures",
    "test_app_support",
    "aws_recorder",  # every AWS call of the suite is validated against the botocore model
]

os.environ["AGENTCORE_TRIAGE_LANG"] = "en"  # the suite reads English whatever the machine's locale; tests opt into ja

_STATE_HOME = tempfile.TemporaryDirectory(prefix="agentcore-triage-test-state-")  # removed when the process exits
os.environ["XDG_STATE_HOME"] = _STATE_HOME.name
"""The audit log and its lock of any test that does not choose a state directory go here, never to the user's own
(``~/.local/state/agentcore-triage``): `doctor --fix all --yes` in a test without AGENTCORE_TRIAGE_STATE_DIR had left
two records there at every run, which `agentcore-triage undo` then offered to reverse."""


def _share_botocore_models_across_sessions() -> None:
    """Every ``boto3.session.Session`` in a worker reads botocore's JSON models through one loader.

    botocore gives each new session its own loader, which parses ``endpoints.json`` and each service model again
    (about 40 ms of CPU per client). The product makes a session per check and the suite makes thousands of
    clients, so this parsing was a large share of the suite's CPU. The models are the same files, read-only once
    loaded (one session already shares them among its clients), so sharing the loader changes no behaviour under
    test. Keyed by the data path, so a test that sets ``AWS_DATA_PATH`` still gets the loader it asked for.
    """
    import botocore.session

    create_loader = botocore.session.create_loader
    loaders: dict[object, object] = {}

    def shared_loader(search_path_string=None):  # noqa: ANN001, ANN202
        if search_path_string not in loaders:
            loaders[search_path_string] = create_loader(search_path_string)
        return loaders[search_path_string]

    botocore.session.create_loader = shared_loader


_share_botocore_models_across_sessions()


def _interrupt_like_a_terminal() -> None:
    """Ctrl-C reaches the suite's processes as it reaches a command typed in a terminal.

    A shell starts a script's background job (`make test &`, `./measure.sh &`) with SIGINT ignored, and every process
    under it inherits that. The product then rightly stays deaf to ctrl-c, as a background job should
    (``tui/logs/interrupt.py``, ``tui/sandbox/cli.py``), and every test that simulates one, in this process or in a
    child it starts, waited out its own timeout: 8 failures and six more minutes, seen when a measuring script ran
    `make test` in the background. Each worker imports this file, and the processes the tests start inherit the
    default again (exec resets a Python handler). The test of the background-job case ignores SIGINT in its own child.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


_interrupt_like_a_terminal()


def _share_parsed_css_across_apps() -> None:
    """Every Textual app of a worker reuses the rules parsed from the same CSS.

    Each app parses the CSS of every widget class again (about 14 ms of CPU per app, about 150 apps per run, 7 % of
    an app test: measured by the app11 helper, 377 -> 350 ms median per app over 30 alternating runs). Parsing is a
    function of the CSS text, where it was read from, its flags and the CSS variables, which together are the key
    here; the rule sets are only changed while they are parsed, so apps can share them. Snapshots and the language
    switch tests are unchanged with it. This reaches into Textual's ``Stylesheet._parse_rules`` (not a public API):
    if Textual changes it, this fails loudly at the first app, and the function can simply be removed.
    """
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], object] = {}
    variable_sets: dict[tuple[tuple[str, str], ...], int] = {}

    def variables_number(self) -> int:  # noqa: ANN001
        """A number per distinct set of CSS variables, kept on the stylesheet while its variables stay the same dict.

        Sorting the ~150 variables into the key for each of an app's CSS sources was about 1 % of the suite's CPU
        (sampled). Textual replaces ``_variables`` (``set_variables``, a new dict per theme change) and never changes
        it in place, so the same dict means the same number.
        """
        variables = self._variables
        seen = self.__dict__.get("_test_variables_number")
        if seen is None or seen[0] is not variables:
            seen = (variables, variable_sets.setdefault(tuple(sorted(variables.items())), len(variable_sets)))
            self._test_variables_number = seen
        return seen[1]

    def shared(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):  # noqa: ANN001, ANN202
        key = (css, read_from, is_default_rules, tie_breaker, scope, variables_number(self))
        if key not in parsed:
            parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = shared


_share_parsed_css_across_apps()


TEST_FRAMES_PER_SECOND = 4
"""Frames a second a Textual screen paints at most in the suite (Textual's default and a user's: 60)."""


def _paint_fewer_frames() -> None:
    """Apps under test repaint at most ``TEST_FRAMES_PER_SECOND`` times a second instead of 60.

    A screen repaints on a timer while anything on it changes (a check's spinner, rows arriving, a scroll); no
    assertion reads those frames: tests read widgets, ``screen_text`` renders the whole screen when a test reads it
    (``tests/test_app_support.py``), and a snapshot renders it itself. Painting is still exercised, four times a
    second. Six app files in one process (test_app_keys, _walk, _fix, test_i18n_chrome, test_fleet,
    test_logs_screen; 44 tests), CPU in alternating runs: 23.7 and 23.4 s at 15 frames, 19.8, 18.9, 20.6 and
    20.0 s at 4, 19.7 and 20.3 s at 1 (so no lower); the whole suite, run side by side, ~1.5 % less CPU. 60 -> 15
    had saved less than the machine's noise.
    ``TEXTUAL_FPS`` is Textual's own setting; the variable reaches the TUI processes the tests start, and
    ``UPDATE_PERIOD`` the apps of this process, because pytest-textual-snapshot imports Textual (which reads the
    variable once) before this file runs.
    """
    import textual.screen

    os.environ["TEXTUAL_FPS"] = str(TEST_FRAMES_PER_SECOND)
    if not hasattr(textual.screen, "UPDATE_PERIOD"):  # a private name: if Textual renames it, drop this function
        raise RuntimeError("textual.screen.UPDATE_PERIOD is gone: remove _paint_fewer_frames from tests/conftest.py")
    textual.screen.UPDATE_PERIOD = 1 / TEST_FRAMES_PER_SECOND  # Final in Textual, replaced on purpose


_paint_fewer_frames()


PILOT_IDLE_WINDOW = 0.005
"""Seconds of each look Textual's pilot takes to decide that an app under test is idle (Textual's own: 0.02)."""


def _look_for_idle_more_often() -> None:
    """The pilot decides sooner that an app has finished handling a key: it looks every 5 ms instead of 20.

    After every key it presses and at every ``pause()``, Textual's pilot sleeps in steps of 20 ms until a step passes
    in which the process used under 5 % of a core (``textual._wait``), so an idle app costs at least 40 ms per key and
    20 ms per pause. The suite presses ~450 keys and pauses ~950 times, and the app tests spent about half their wall
    time asleep in those steps (the app-test files in one process: 67 s of wall for 31 s of CPU; 43 s for 30 s with
    5 ms steps). The same share of a core is asked of a shorter step. No test relies on these steps for correctness:
    tests wait for what they read (``wait_until``, ``wait_screen``, ``wait_checks``). The whole suite, five
    alternating runs: 85.0, 85.3 and 86.5 s against 89.5, 90.0 and 91.9 s with 20 ms steps, the same CPU.
    A private module: if Textual renames it, drop this function.
    """
    import textual._wait

    if not hasattr(textual._wait, "SLEEP_GRANULARITY") or not hasattr(textual._wait, "SLEEP_IDLE"):
        raise RuntimeError("textual._wait changed: remove _look_for_idle_more_often from tests/conftest.py")
    share = textual._wait.SLEEP_IDLE / textual._wait.SLEEP_GRANULARITY  # Textual's 1/20 of a core
    textual._wait.SLEEP_GRANULARITY = PILOT_IDLE_WINDOW
    textual._wait.SLEEP_IDLE = PILOT_IDLE_WINDOW * share


_look_for_idle_more_often()


@pytest.fixture(autouse=True)
def _english_after_each_test():  # noqa: ANN202
    """A test that switches to Japanese (`--lang ja`, ``set_language``) never leaks it into the next one."""
    yield
    from tui import i18n

    i18n.set_language("en")


@pytest.fixture(autouse=True)
def _secrets_a_test_registers_stay_in_that_test():  # noqa: ANN202
    """The secrets a test registers (a token, an AWS secret key: ``tui.redact.register_secret``, for the process's
    life, as a CLI run needs) are forgotten after it. Before, a later test in the same worker saw its own values
    redacted: a 40-character AWS key of x's hid a 5,000-x bundle name, a run of a's part of a 100,000-a path, failures
    that came and went with the order the tests ran in."""
    from tui import redact

    with redact._lock:
        before = set(redact._known)
    yield
    with redact._lock:
        redact._known.intersection_update(before)


_CPU_LOG = os.environ.get("AGENTCORE_TRIAGE_TEST_CPU_LOG")


if _CPU_LOG:  # measurement aid: CPU seconds per test, which a machine shared with other jobs barely disturbs

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):  # noqa: ANN001, ANN201
        import resource
        import time

        def cpu() -> float:
            own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

        cpu_before, wall_before = cpu(), time.monotonic()
        yield
        with open(_CPU_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{cpu() - cpu_before:.2f}\t{time.monotonic() - wall_before:.2f}\t{item.nodeid}\n")


SLOW_TEST_CEILING = 600
"""pytest-timeout seconds for a ``slow`` test without its own ``timeout`` mark: a hang detector, never a budget. The
suite-wide 120 s suits ordinary tests; a slow one (a whole seed-guide walk, twenty doctor runs) took over 120 s on a
2-core machine running three suites at once, and passed."""


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle: the slow tests stay in front, shuffled among them
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first, so ``-n 4`` starts the long ones at once and the short ones fill in around them.

    In file order the slowest files (test_support_replay, test_wheel) came last, and one worker ran them alone at
    the end while the other sat idle.
    """
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TEST_CEILING))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    _spread_waiting_tests(items)


WAIT_FREE_TAIL = 0.15
"""The share of ordinary tests at the end of the run that no waiting test is put among. The run ends when its last
worker does: a test that waits out a timeout there kept one worker busy while the other four had finished (measured:
the last 3 s of a 93 s run, `test_checks_whose_own_handshake_timed_out_are_not_green` alone)."""


def _spread_waiting_tests(items: list[pytest.Item]) -> None:
    """Spread the tests marked ``waits`` evenly through the run but its tail, each among ordinary tests.

    Such a test spends seconds idle (it waits out a probe's own 5 s timeout), which costs nothing while other
    workers use the cores. But pytest-xdist hands out tests in collection order, one to whichever worker asks next,
    and these tests sit together in a few files: all four workers then waited at once and both cores stood idle
    (measured: up to four seconds at a time, about a fifth of the run's idle core time). Spread out, each wait
    overlaps other workers' work. The order changes nothing else: these tests share no module-scoped fixture, and
    under ``make test-random`` they are spread the same way among the shuffled rest.
    """
    waiting = [item for item in items if item.get_closest_marker("waits")]
    if not waiting or len(waiting) == len(items):
        return
    others = [item for item in items if not item.get_closest_marker("waits")]
    spacing = len(others) * (1 - WAIT_FREE_TAIL) / len(waiting)  # ordinary tests per waiting one
    spread: list[pytest.Item] = []
    placed = 0
    for index, item in enumerate(others):
        spread.append(item)
        while placed < len(waiting) and index + 1 >= spacing * (placed + 0.5):  # the middle of each stretch
            spread.append(waiting[placed])
            placed += 1
    items[:] = spread + waiting[placed:]
