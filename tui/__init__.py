"""agentcore-triage: guided troubleshooting for MCP servers on Amazon Bedrock AgentCore Runtime.

The package is layered; each layer only imports the ones above it in this list:

- ``tui.results`` / ``tui.context`` / ``tui.redact``: plain data and helpers.
- ``tui.playbook``: the playbook model, loader and validator.
- ``tui.registry``: how checks and fixes are declared and looked up.
- ``tui.checks`` / ``tui.fixes``: the checks and fixes themselves.
- ``tui.engine``: walking a playbook and running checks, independent of any UI.
- ``tui.app``: the Textual TUI.  ``tui.cli``: the command line.

Importing this package must stay cheap: no boto3, mcp or httpx at import time.
"""

__version__ = "0.1.0"
