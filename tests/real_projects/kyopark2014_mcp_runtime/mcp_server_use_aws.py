# Excerpt: imports that only the removed helpers used, the helpers and the tool body are left out.
import logging
from typing import Any

from mcp.server.fastmcp import FastMCP

logger = logging.getLogger("mcp-server-aws-cost")

try:
    mcp = FastMCP(
        name="tools",
        instructions=("You are a helpful assistant. You can check the status of Amazon S3 and retrieve insights."),
    )
    logger.info("MCP server initialized successfully")
except Exception as e:  # noqa: BLE001  (the project catches everything here)
    logger.info("Error: %s", e)


@mcp.tool()
def use_aws(
    service_name: str,
    operation_name: str,
    parameters: dict[str, Any],
    region: str | None = None,
    label: str = "AWS Operation Details",
    profile_name: str | None = None,
) -> dict[str, Any]:
    """Execute AWS service operations using boto3 (body removed)."""
    ...


if __name__ == "__main__":
    print("###### main ######")
    mcp.run(transport="streamable-http")
