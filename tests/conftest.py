"""Shared pytest fixtures.

The sandbox fixtures (real moto, MCP server, front door, project) live in ``tests/sandbox_fixtures.py`` and are
loaded as a plugin, so every test module can ask for them by name; see the docstring of each fixture there.
(pytest puts this directory on ``sys.path`` itself, as it does for every rootdir ``conftest.py``.)
"""

pytest_plugins = ["sandbox_fixtures"]
