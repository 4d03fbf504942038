"""Every error example in the original troubleshooting guide leads to the node that explains it.

The samples are copied verbatim from shared/seed/agentcore-mcp-troubleshooting-guide.ja.md
(one per section that shows an error), so the playbook cannot silently lose a section.
"""

from __future__ import annotations

import pytest

from tui.playbook.loader import PLAYBOOK_DIR, load_playbook
from tui.playbook.matching import match_signatures

GUIDE_ERRORS = {
    "1 internal server error": (
        '{"jsonrpc":"2.0","error":{"code":-32603,"message":"An internal error occurred while processing the request."},'
        '"id":"2f5b7691-c69e-455c-9747-4679224d2028"}'
    ),
    "1.1 logs permission": (
        "User: arn:aws:sts::320462930492:assumed-role/agentcore-mcp_server-role/Genesis-serviceExecutor-56c66ad5-c4a2-48d9-aad1-46d25cd4c067 "
        "is not authorized to perform: logs:PutLogEvents on resource: "
        "arn:aws:logs:us-east-1:320462930492:log-group:agents/mcp-server-logs:log-stream:default"
    ),
    "1.2 log group missing": (
        "ERROR:amazon.opentelemetry.distro.exporter.otlp.aws.logs.otlp_aws_logs_exporter:Failed to export logs batch code: 400, "
        "reason: 'The specified log group does not exist."
    ),
    "1.3 content-type": "WARNING Missing Content-Type transport_security.py:92 header in POST request",
    "2.1 trace destination": (
        "ERROR:opentelemetry.exporter.otlp.proto.http.trace_exporter:Failed to export batch code: 400, reason: \ufffdThe OTLP API is "
        "supported with CloudWatch Logs as a Trace Segment Destination. Please enable the CloudWatch Logs destination for your "
        "traces using the UpdateTraceSegmentDestination API"
    ),
    "4.1 closed resource": (
        '"severityText": "ERROR", "body": "Error in message router", "attributes": {"exception.type": "ClosedResourceError", '
        '"code.file.path": "/usr/local/lib/python3.10/site-packages/mcp/server/streamable_http.py", "code.function.name": "message_router"'
    ),
    "uuid": "pydantic.errors.PydanticCustomError: Input should be a valid UUID, invalid character: expecting a-f, A-F, 0-9, got 'x'",
}

EXPECTED_NODE = {
    "1 internal server error": "ep-internal-error",
    "1.1 logs permission": "aws-role-logs",
    "1.2 log group missing": "aws-otel-group-missing",
    "1.3 content-type": "ep-headers",
    "2.1 trace destination": "aws-transaction-search-off",
    "4.1 closed resource": "ep-closed-resource",
    "uuid": "ep-uuid",
}


@pytest.fixture(scope="module")
def playbook():  # type: ignore[no-untyped-def]
    return load_playbook(PLAYBOOK_DIR / "agentcore-mcp.yaml").playbook


@pytest.mark.parametrize("section", sorted(GUIDE_ERRORS))
def test_guide_error_leads_to_its_node(playbook, section: str) -> None:  # type: ignore[no-untyped-def]
    ranked = [node for node, _ in match_signatures(playbook, GUIDE_ERRORS[section])]
    assert ranked, f"no node explains the guide's {section} error"
    assert ranked[0] == EXPECTED_NODE[section], f"{section}: ranked {ranked[:4]}"


def test_every_expected_node_has_a_body_or_next_steps(playbook) -> None:  # type: ignore[no-untyped-def]
    for node_id in EXPECTED_NODE.values():
        node = playbook.nodes[node_id]
        assert node.body.strip() or getattr(node, "next_steps", None), node_id
