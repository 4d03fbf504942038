"""Shared pytest fixtures.

The sandbox fixtures (real moto, MCP server, front door, project) live in ``tests/sandbox_fixtures.py``, the TUI
test helpers (``isolated``, the test registry and playbook) in ``tests/test_app_support.py``. Both are loaded as
plugins, so every test module can ask for their fixtures by name; see the docstring of each fixture there.
(pytest puts this directory on ``sys.path`` itself, as it does for every rootdir ``conftest.py``.)
"""

pytest_plugins = ["sandbox_fixtures", "test_app_support"]
