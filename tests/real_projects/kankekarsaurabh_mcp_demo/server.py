#!/usr/bin/env python3
"""MCP server exposing a DynamoDB tool (excerpt: tool bodies removed)."""

import os

from mcp.server.fastmcp import FastMCP

TABLE_NAME = os.environ.get("DDB_TABLE_NAME", "AgentCoreMockCatalog")
REGION = os.environ.get("AWS_REGION", "us-east-1")

mcp = FastMCP(host="0.0.0.0", stateless_http=True)


@mcp.tool()
def list_products(category: str = "", limit: int = 20) -> dict:
    """List mock product rows from the DynamoDB catalog table."""
    ...


@mcp.tool()
def count_products() -> dict:
    """Return the total number of rows currently in the DynamoDB catalog table."""
    ...


if __name__ == "__main__":
    mcp.run(transport="streamable-http")
