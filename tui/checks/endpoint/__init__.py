"""Endpoint checks: raw HTTP probes that show the real status and body, plus the official MCP client.

``tui.registry.load_all()`` finds every module here by package scan. No httpx/mcp/botocore import at module
level: they load inside the check functions.
"""
