"""One place that makes boto3 clients, with short timeouts and a read-only guard.

Honours ``--profile``/``--region``, the standard AWS variables and
``AWS_ENDPOINT_URL`` (botocore reads it itself), so production code knows
nothing about the sandbox. Check clients refuse every operation that is not a
read, before it is sent; fixes get a separate writable client only after the
user confirmed.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.context import Context

READ_PREFIXES = ("Get", "List", "Describe", "Filter", "Simulate", "Lookup", "Search", "BatchGet", "Test", "Query", "Scan", "Head")
"""Operation-name prefixes that only read."""

_lock = threading.Lock()
_sessions: dict[tuple[str | None, str | None], Any] = {}


class ReadOnlyViolation(RuntimeError):
    """A check tried to call an operation that changes something."""


def is_read_operation(operation: str) -> bool:
    """True when an API operation name (``PutRolePolicy``) only reads."""
    return operation.startswith(READ_PREFIXES)


def _guard(model: Any, **_: Any) -> None:
    name = model.name
    if not is_read_operation(name):
        raise ReadOnlyViolation(
            f"read-only guard: {model.service_model.service_name}:{name} is not a read; checks may only read "
            "(a fix must be planned, previewed and confirmed)"
        )


def session_for(context: Context) -> Any:
    """A cached boto3 Session per (profile, region). Sessions are not thread-safe: only clients leave here."""
    import boto3

    key = (context.profile, context.region)
    with _lock:
        session = _sessions.get(key)
        if session is None:
            session = boto3.session.Session(profile_name=context.profile, region_name=context.region)
            _sessions[key] = session
        return session


def client_config(timeout: float) -> Any:
    from botocore.config import Config

    return Config(
        connect_timeout=min(3.0, timeout),
        read_timeout=max(1.0, min(10.0, timeout)),
        retries={"mode": "standard", "max_attempts": 3},
        user_agent_extra="mcp-triage",
    )


def _client(context: Context, service: str, timeout: float) -> Any:
    session = session_for(context)
    with _lock:  # client creation on a shared session is not thread-safe
        return session.client(service, config=client_config(timeout))


def read_only_client(context: Context, service: str, *, timeout: float = 10.0) -> Any:
    """A client whose every non-read call raises ``ReadOnlyViolation`` before anything is sent."""
    client = _client(context, service, timeout)
    client.meta.events.register("before-call.*.*", _guard, unique_id="mcp-triage-read-only-guard")
    return client


def writable_client(context: Context, service: str, *, timeout: float = 10.0) -> Any:
    """A client that may mutate; only fixes use it, after confirmation."""
    if context.read_only:
        raise ReadOnlyViolation("read-only mode: no writable AWS client is handed out")
    return _client(context, service, timeout)


def region_of_arn(arn: str) -> str | None:
    """The region field of an ARN, without validating the rest (botocore's runtime ARN regex is wrong)."""
    parts = arn.split(":")
    return parts[3] or None if len(parts) > 5 and parts[0] == "arn" else None


_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com")


def region_of_url(url: str) -> str | None:
    m = _REGION_IN_HOST.search(url)
    return m.group(1) if m else None
