"""Main MCP Server Entry Point (excerpt)."""

from config import config
from mcp.server.fastmcp import FastMCP
from starlette.responses import JSONResponse

mcp = FastMCP(
    name=config.get("mcp.server_name", "mcp-server"),
    host=config.server_host,  # 0.0.0.0 required by AgentCore
    port=config.server_port,  # 8000 required by AgentCore
    stateless_http=config.stateless_http,  # True required by AgentCore
)


@mcp.get("/ping")
async def health_check():
    return JSONResponse({"status": "healthy", "server": mcp.name})


def main():
    mcp.run(transport="streamable-http")


if __name__ == "__main__":
    main()
