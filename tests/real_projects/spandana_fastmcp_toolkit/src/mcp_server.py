import logging
from typing import Any

from fastmcp import FastMCP

logger = logging.getLogger("SecretMigration")

mcp = FastMCP("SecretMigrationService")


@mcp.tool()
def get_migration_status() -> dict[str, Any]:
    """Current migration progress."""
    return {"in_progress": False}


if __name__ == "__main__":
    logger.info("Secret Migration Service")
    mcp.run(transport="streamable-http", stateless_http=True)
