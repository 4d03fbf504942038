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
