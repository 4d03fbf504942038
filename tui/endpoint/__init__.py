"""Endpoint probing library: target resolution, auth, raw HTTP probes, SSE/JSON-RPC parsing, classification.

Nothing here imports httpx, mcp or botocore at module level; the heavy imports
happen inside the functions that need them, so importing the check modules
stays cheap.
"""
