"""Shared pytest fixtures.

The sandbox fixtures (real moto, MCP server, front door, project) live in ``tests/sandbox_fixtures.py``, the TUI
test helpers (``isolated``, the test registry and playbook) in ``tests/test_app_support.py``. Both are loaded as
plugins, so every test module can ask for their fixtures by name; see the docstring of each fixture there.
(pytest puts this directory on ``sys.path`` itself, as it does for every rootdir ``conftest.py``.)
"""

import os

import pytest

pytest_plugins = [
    "sandbox_fixtures",
    "test_app_support",
    "aws_recorder",  # every AWS call of the suite is validated against the botocore model
]

os.environ["AGENTCORE_TRIAGE_LANG"] = "en"  # the suite reads English whatever the machine's locale; tests opt into ja


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


@pytest.fixture(autouse=True)
def _english_after_each_test():  # noqa: ANN202
    """A test that switches to Japanese (`--lang ja`, ``set_language``) never leaks it into the next one."""
    yield
    from tui import i18n

    i18n.set_language("en")


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
