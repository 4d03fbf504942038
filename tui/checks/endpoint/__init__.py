"""Endpoint checks: raw HTTP probes that show the real status and body, plus the official MCP client.

No httpx/mcp/botocore import at module level: they load inside the check functions.
"""

from tui.checks.endpoint import (  # noqa: F401 - importing registers the checks
    auth,
    headers,
    initialize,
    latency,
    reachable,
    sdk,
    session,
    stream,
    tools,
)
