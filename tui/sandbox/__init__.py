"""The demo sandbox: real local servers with the troubleshooting guide's faults seeded in.

Pieces (one module per concern):

* ``aws``         – moto's server on 127.0.0.1 plus a small stateful X-Ray trace-destination
                    emulation, and ``seed()`` which creates the AgentCore sample's account state.
* ``mcp_server``  – a real ``mcp`` 2.x ``MCPServer`` under uvicorn, every transport mode, fault switches.
* ``frontdoor``   – an ASGI stand-in for the AgentCore Runtime invocation endpoint (JWT, 406, -32010).
* ``project``     – the guide-shaped sample project copied to a temp dir with seeded defects.
* ``scenarios``   – named bundles of faults; ``runner`` starts everything; ``cli`` is ``agentcore-triage demo``.

Only ``agentcore-triage demo`` and the tests import this package, so its modules may
import boto3, mcp and httpx at module level; nothing else under ``tui/`` may
import it (production code must not know the sandbox exists).
"""
