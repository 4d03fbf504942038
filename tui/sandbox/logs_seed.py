"""Log events for the sandbox's moto: what a runtime and its OTEL exporter really write, hard cases included.

``seed_logs`` writes, into the runtime group and the custom OTEL group, the guide's errors (with a session
id), the benign cold-start noise (many times, so a count-only ranking would put it first), a multi-line
traceback, non-UTF-8 bytes (lone surrogates and U+FFFD, as the guide's own sample shows), a huge message
whose error is at the very end, and a bearer token that must never be printed. ``seed_volume`` writes many
events over a long range for the benchmark. Plain boto3 calls against a loopback endpoint only.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox._net import require_local
from tui.sandbox.aws import ROLE_NAME, new_seeding_client

NOISE_COUNT = 12
LEAKED_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYW5kYm94In0.c2FuZGJveHNpZ25hdHVyZQ"


@dataclass
class LogsSeed:
    session_id: str
    other_session_id: str
    runtime_group: str
    otel_group: str
    now_ms: int
    expected: dict[str, int] = field(default_factory=dict)
    """Node id → events seeded that it explains (the noise group under ``noise``)."""


def _client(endpoint_url: str, region: str) -> Any:
    require_local(endpoint_url, what="seeding endpoint")
    return new_seeding_client("logs", endpoint_url, region, read_timeout=60)


def put(logs: Any, group: str, stream: str, events: Sequence[tuple[int, str]], *, create_group: bool = False) -> None:
    """Write (timestamp ms, message) events, creating the stream (and the group when asked) first."""
    if create_group:
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
    try:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    ordered = sorted(events)
    batch: list[dict[str, Any]] = []
    size = 0
    for ts, message in ordered:
        cost = len(message.encode("utf-8", "surrogatepass")) + 26
        if batch and (len(batch) >= 10_000 or size + cost > 1_000_000):
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
            batch, size = [], 0
        batch.append({"timestamp": ts, "message": message})
        size += cost
    if batch:
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)


def seed_logs(
    endpoint_url: str,
    runtime_group: str,
    otel_group: str,
    *,
    region: str = "us-east-1",
    account: str = "123456789012",
    now_ms: int | None = None,
    create_otel_group: bool = True,
) -> LogsSeed:
    """Seed the hard cases over the last 50 minutes (see the module docstring); returns what to expect."""
    logs = _client(endpoint_url, region)
    now = now_ms or int(time.time() * 1000)
    sid, other = str(uuid.uuid4()), str(uuid.uuid4())
    minute = 60_000
    day = time.strftime("%Y/%m/%d", time.gmtime(now / 1000))
    runtime_stream = f"{day}/[runtime-logs]{uuid.uuid4()}"
    denied = (
        f"User: arn:aws:sts::{account}:assumed-role/{ROLE_NAME}/BedrockAgentCore-{uuid.uuid4()} is not authorized "
        f"to perform: logs:PutLogEvents on resource: arn:aws:logs:{region}:{account}:log-group:{otel_group}:"
        f"log-stream:default session_id={sid}"
    )
    traceback = "\n".join(
        [
            "Traceback (most recent call last):",
            '  File "/usr/local/lib/python3.10/site-packages/mcp/server/streamable_http.py", line 831, in message_router',
            "    await writer.send(message)",
            '  File "/usr/local/lib/python3.10/site-packages/anyio/streams/memory.py", line 93, in receive_nowait',
            "    raise ClosedResourceError",
            "anyio.ClosedResourceError",
        ]
    )
    huge = (
        "DEBUG payload "
        + "x" * 200_000
        + (
            " ERROR:opentelemetry.exporter.otlp.proto.http.trace_exporter:Failed to export batch code: 400, reason: "
            "The OTLP API is supported with CloudWatch Logs as a Trace Segment Destination."
        )
    )
    runtime_events = [
        (now - 50 * minute, "INFO:     Application startup complete."),
        (now - 45 * minute, denied),
        (now - 5 * minute, denied.replace(sid, other)),
        (now - 40 * minute, traceback),
        (now - 30 * minute, huge),
        # non-UTF-8 bytes: lone surrogates (bytes decoded with surrogateescape) and U+FFFD, next to a real error
        (now - 20 * minute, "WARNING \udcff\udcfe Invalid Host header \ufffd rejected"),
        (now - 15 * minute, f"Authorization: Bearer {LEAKED_TOKEN} Missing Content-Type header in POST request"),
    ]
    noise = [
        (
            now - 49 * minute + i * 1000,
            "ERROR:amazon.opentelemetry.distro.exporter.otlp.aws.logs.otlp_aws_logs_exporter:Failed to export logs "
            "batch: ResourceNotFoundException: The specified log stream does not exist.",
        )
        for i in range(NOISE_COUNT)
    ]
    put(logs, runtime_group, runtime_stream, runtime_events, create_group=True)
    put(logs, runtime_group, "otel-rt-logs", noise, create_group=True)
    otel_record = json.dumps(
        {
            "severityText": "ERROR",
            "body": "Error in message router",
            "attributes": {
                "exception.type": "ClosedResourceError",
                "code.function.name": "message_router",
                "session.id": sid,
            },
            "resource": {"service.name": "mcp_server"},
        }
    )
    if create_otel_group:
        put(
            logs,
            otel_group,
            "default",
            [(now - 35 * minute, otel_record), (now - 34 * minute, json.dumps({"severityText": "INFO", "body": "ok"}))],
            create_group=True,
        )
    expected = {
        "aws-role-logs": 2,
        "ep-closed-resource": 1 + (1 if create_otel_group else 0),
        "aws-transaction-search-off": 1,
        "ep-host-protection": 1,
        "ep-headers": 1,
        "noise": NOISE_COUNT,
    }
    logs.close()
    return LogsSeed(sid, other, runtime_group, otel_group, now, expected)


def seed_volume(
    endpoint_url: str,
    groups: Sequence[str],
    count: int,
    span_ms: int,
    *,
    region: str = "us-east-1",
    error_every: int = 50,
    now_ms: int | None = None,
) -> int:
    """``count`` events spread evenly over the last ``span_ms`` across ``groups`` (one stream each); every
    ``error_every``-th one is an error a node explains, the rest ordinary traffic. Returns the events written."""
    logs = _client(endpoint_url, region)
    now = now_ms or int(time.time() * 1000)
    per_group = count // len(groups)
    errors = (
        "is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:x",
        "ERROR Error in message router: anyio.ClosedResourceError",
        "The specified log stream does not exist.",
    )
    written = 0
    for g, group in enumerate(groups):
        step = max(1, span_ms // max(1, per_group))
        events = []
        for i in range(per_group):
            ts = now - span_ms + i * step + g
            if i % error_every == 0:
                message = errors[(i // error_every) % len(errors)]
            else:
                message = f'INFO 127.0.0.1 - "POST /mcp HTTP/1.1" 200 OK request {i} tools/call took {i % 97} ms'
            events.append((ts, message))
        put(logs, group, "volume", events, create_group=True)
        written += len(events)
    logs.close()
    return written
