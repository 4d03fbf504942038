"""Shared pytest fixtures. The sandbox fixtures (real moto, MCP server, front door, project) live in
``tests/sandbox_fixtures.py``; see the docstring of each fixture there."""

import os

os.environ["AGENTCORE_TRIAGE_LANG"] = "en"  # the suite reads English whatever the machine's locale; tests opt into ja

try:  # `python -m pytest` from the repo root puts it on sys.path; bare `pytest` only has tests/
    from tests.sandbox_fixtures import (  # noqa: F401 - re-exported fixtures
        aws_sandbox,
        aws_sandbox_server,
        front_door,
        mcp_server,
        sample_project,
        sandbox,
        seeded_aws,
    )
except ModuleNotFoundError:
    from sandbox_fixtures import (  # type: ignore[no-redef]  # noqa: F401
        aws_sandbox,
        aws_sandbox_server,
        front_door,
        mcp_server,
        sample_project,
        sandbox,
        seeded_aws,
    )


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _english_after_each_test():  # noqa: ANN202
    """A test that switches to Japanese (`--lang ja`, ``set_language``) never leaks it into the next one."""
    yield
    from tui import i18n

    i18n.set_language("en")
