"""MCP server for Amazon Bedrock AgentCore Runtime (the hosting-MCP-server tutorial, written for mcp 2.x)."""

from mcp.server import MCPServer

mcp = MCPServer("mcp_server")


@mcp.tool()
def add_numbers(a: int, b: int) -> int:
    """Add two numbers together"""
    return a + b


@mcp.tool()
def multiply_numbers(a: int, b: int) -> int:
    """Multiply two numbers together"""
    return a * b


@mcp.tool()
def greet_user(name: str) -> str:
    """Greet a user by name"""
    return f"Hello, {name}! Nice to meet you."


if __name__ == "__main__":
    # AgentCore Runtime calls 0.0.0.0:8000/mcp; stateless so platform-made session ids are accepted.
    mcp.run("streamable-http", host="0.0.0.0", port=8000, stateless_http=True)
