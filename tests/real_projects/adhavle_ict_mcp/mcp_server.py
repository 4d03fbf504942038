# mcp_server.py
import time

from mcp.server.fastmcp import FastMCP

# CRITICAL: stateless_http=True is required for AgentCore
mcp = FastMCP(host="0.0.0.0", stateless_http=True)

# Expose ASGI app for AgentCore
app = mcp.streamable_http_app


@mcp.tool()
def test_delay(seconds: int = 80) -> dict:
    """Sleep for the given number of seconds then return."""
    start = time.time()
    time.sleep(max(0, int(seconds)))
    return {"success": True, "actual_seconds": round(time.time() - start, 1)}


if __name__ == "__main__":
    mcp.run(transport="streamable-http")
