"""FastMCP server for AgentCore deployment (excerpt)."""

from mcp.server.fastmcp import FastMCP
from mcp.server.transport_security import TransportSecuritySettings

from mcp_server.config import mcp_settings

mcp = FastMCP(
    name=mcp_settings.server_name,
    host=mcp_settings.host,
    port=mcp_settings.port,
    streamable_http_path=mcp_settings.path,
    stateless_http=mcp_settings.stateless,
    json_response=True,  # Recommended for AgentCore
    transport_security=TransportSecuritySettings(
        enable_dns_rebinding_protection=False,
    ),
)


def run_server():
    """Run the FastMCP server."""
    mcp.run(transport="streamable-http")


def main():
    run_server()


if __name__ == "__main__":
    main()
