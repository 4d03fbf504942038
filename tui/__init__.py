"""agentcore-triage: guided troubleshooting for MCP servers on Amazon Bedrock AgentCore Runtime.

The package is layered; each layer imports only itself and the ones before it in this list
(``docs/architecture.md`` has the table, ``tests/test_architecture.py`` enforces it):

- data: ``tui.results``, ``tui.redact``, ``tui.context``.
- services: ``tui.aws``, ``tui.endpoint``, ``tui.project``.
- contracts: ``tui.playbook``, ``tui.registry``, ``tui.checks.base``, ``tui.fixes.base``, ``tui.fixes.audit``.
- plugins: the checks in ``tui.checks`` and the fixes in ``tui.fixes`` (never importing each other).
- ``tui.engine``: walking a playbook, running checks, the fix workflow, reports; independent of any UI.
- ``tui.app``: the Textual TUI.  ``tui.sandbox``: the demo.  ``tui.cli``: the command line.

Importing this package must stay cheap: no boto3, mcp or httpx at import time.
"""

__version__ = "0.1.0"
