"""Reading an MCP server project: entry point, requirements, Dockerfile, server code."""
