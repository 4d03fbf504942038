"""Shared pytest fixtures. The sandbox fixtures (real moto, MCP server, front door, project) live in
``tests/sandbox_fixtures.py``; see the docstring of each fixture there."""

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

pytest_plugins = ["aws_recorder"]  # every AWS call of the suite is validated against the botocore model
