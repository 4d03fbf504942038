"""
AWS Bedrock ARC MCP Server
"""

import os
from typing import Any

import boto3
from fastmcp import FastMCP

mcp = FastMCP("bedrock-arc-validator")

bedrock = boto3.client("bedrock", region_name=os.environ.get("AWS_REGION", "us-east-1"))


@mcp.tool()
def list_guardrails(max_results: int = 20) -> dict[str, Any]:
    """List available AWS Bedrock Guardrails with ARC policies."""
    return bedrock.list_guardrails(maxResults=max_results)


# Run server (AgentCore expects server at 0.0.0.0:8000/mcp)
if __name__ == "__main__":
    mcp.run(transport="streamable-http")
