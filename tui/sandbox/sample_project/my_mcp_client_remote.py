"""Call the deployed MCP server through the AgentCore Runtime invocation URL (mcp 2.x client API).

Environment: AGENT_ARN, BEARER_TOKEN, AWS_REGION (default us-east-1); MCP_URL overrides the URL.
"""

import asyncio
import os
import sys
import urllib.parse

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


async def main() -> None:
    agent_arn = os.environ.get("AGENT_ARN")
    bearer_token = os.environ.get("BEARER_TOKEN")
    if not agent_arn or not bearer_token:
        sys.exit("set AGENT_ARN and BEARER_TOKEN")
    region = os.environ.get("AWS_REGION", "us-east-1")
    encoded_arn = urllib.parse.quote(agent_arn, safe="")
    mcp_url = os.environ.get("MCP_URL") or (
        f"https://bedrock-agentcore.{region}.amazonaws.com/runtimes/{encoded_arn}/invocations?qualifier=DEFAULT"
    )
    headers = {"Authorization": f"Bearer {bearer_token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http:
        async with streamable_http_client(mcp_url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                for tool in tools.tools:
                    print(f"- {tool.name}: {tool.description}")
                result = await session.call_tool("add_numbers", {"a": 2, "b": 3})
                print("add_numbers(2, 3) =", result.content[0].text)


if __name__ == "__main__":
    asyncio.run(main())
