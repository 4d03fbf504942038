"""The AWS side of the sandbox: moto's server on 127.0.0.1 plus an X-Ray trace-destination emulation.

``AwsSandbox`` serves moto's WSGI app (the same one ``moto_server`` runs) with
werkzeug in a thread, behind a small WSGI layer that

* emulates exactly ``xray:GetTraceSegmentDestination`` and
  ``xray:UpdateTraceSegmentDestination`` (moto 5.2.5 lacks both): Destination
  ``XRay|CloudWatchLogs``, Status ``PENDING`` → ``ACTIVE`` after
  ``xray_pending_seconds``; any update while ``PENDING`` is refused
  (``InvalidRequestException``, as on AWS); switching to CloudWatchLogs fails with the real
  AccessDeniedException text when no CloudWatch Logs resource policy lets
  ``xray.amazonaws.com`` call ``logs:PutLogEvents`` on ``log-group:aws/spans:*``
  (read from moto's logs backend, so a fix that adds the policy makes it pass). This judgment
  (``spans_policy_allows_xray``) is deliberately an independent re-implementation, not
  ``tui.aws.transaction_search``: it is the test oracle the product's judgment is checked against;
* adds two sandbox-only admin routes under ``/_sandbox/`` that ``seed()`` uses to
  set state the AWS API cannot (runtime id/ARN in the real format, ``UPDATE_FAILED``
  with a ``failureReason``, the X-Ray state); production code never calls them;
* resets the X-Ray state too when someone POSTs moto's ``/moto-api/reset``.

``seed()`` then builds, through plain boto3 calls against the sandbox, the account
state the AgentCore MCP sample creates (agentcore.md §2.3, §2.4, §3.4), with
named faults as variations of that state.
"""

from __future__ import annotations

import fnmatch
import json
import os
import secrets
import socket
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox._net import LOOPBACK, SandboxError, require_local

DEFAULT_REGION = "us-east-1"
DUMMY_ACCESS_KEY = "AKIASANDBOXDUMMYKEY0"
DUMMY_SECRET_KEY = "sandbox-dummy-secret-not-a-real-credential"
RUNTIME_NAME = "mcp_server"
ROLE_NAME = f"agentcore-{RUNTIME_NAME}-role"
ROLE_POLICY_NAME = "AgentCorePolicy"
OTEL_LOG_GROUP = "agents/mcp-server-logs"
SPANS_LOG_GROUP = "aws/spans"
RESOURCE_POLICY_NAME = "TransactionSearchXRayAccess"
DEFAULT_CLIENT_ID = "sandbox-cognito-client-7f3k2m9q"
"""The Cognito-style app client id the runtime's JWT authorizer allows."""
XRAY_ACCESS_DENIED = "XRay does not have permission to call PutLogEvents on the aws/spans Log Group"
XRAY_PENDING_REFUSED = (
    "The trace segment destination is being updated (status PENDING); it cannot be changed until it is ACTIVE"
)

AWS_FAULTS: frozenset[str] = frozenset(
    {
        "logs-permission-missing",
        "logs-permission-wrong-prefix",
        "logs-deny-putlogevents",
        "runtime-log-group-missing",
        "otel-log-group-missing",
        "resource-policy-missing",
        "resource-policy-slash",
        "trace-destination-xray",
        "trace-destination-pending",
        "runtime-update-failed",
        "trust-policy-wrong",
        "permissions-boundary",
    }
)
"""Every fault ``seed()`` understands; each is a variation of the healthy sample state."""

UPDATE_FAILED_REASON = (
    "Runtime update failed: the container exited before it started listening on 0.0.0.0:8000/mcp "
    "(ModuleNotFoundError: No module named 'mcp.server.fastmcp')"
)
BOUNDARY_POLICY_NAME = "agentcore-runtime-boundary"
"""The customer managed policy the ``permissions-boundary`` fault sets as the role's boundary."""


def boundary_policy() -> dict[str, Any]:
    """A guard rail a platform team might set: everything except CloudWatch metrics and logs.

    ``Allow NotAction`` caps the role: the inline grants for logs and metrics stay, and do nothing.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "NoTelemetryWrites", "Effect": "Allow", "NotAction": ["cloudwatch:*", "logs:*"], "Resource": "*"}
        ],
    }


TRACE_PENDING_SECONDS = 900.0
"""How long the seeded ``trace-destination-pending`` state stays PENDING (AWS: ~10-15 min)."""


def _account_id() -> str:
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return str(DEFAULT_ACCOUNT_ID)


# --------------------------------------------------------------------------- X-Ray emulation


@dataclass
class _TraceDestination:
    destination: str = "XRay"
    status: str = "ACTIVE"
    active_at: float | None = None
    """Monotonic time at which a PENDING status turns ACTIVE."""

    def current(self) -> dict[str, str]:
        if self.status == "PENDING" and self.active_at is not None and time.monotonic() >= self.active_at:
            self.status, self.active_at = "ACTIVE", None
        return {"Destination": self.destination, "Status": self.status}


@dataclass
class XRayEmulation:
    """Stateful emulation of the two trace-segment-destination operations, per (account, region).

    Fresh accounts start as ``XRay``/``ACTIVE``, i.e. Transaction Search off —
    the state AWS reports before anyone enabled it.
    """

    pending_seconds: float = 2.0
    policy_lookup: Callable[[str, str], Iterable[str]] = field(default=lambda account, region: ())
    """Returns the CloudWatch Logs resource-policy documents of an account/region."""
    _state: dict[tuple[str, str], _TraceDestination] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self._state.clear()

    def _get(self, account: str, region: str) -> _TraceDestination:
        return self._state.setdefault((account, region), _TraceDestination())

    def get(self, account: str, region: str) -> dict[str, str]:
        with self._lock:
            return self._get(account, region).current()

    def set(
        self, account: str, region: str, destination: str, status: str, pending_seconds: float | None
    ) -> dict[str, str]:
        """Force a state (used by ``seed()`` through the admin route)."""
        with self._lock:
            state = self._get(account, region)
            state.destination, state.status = destination, status
            state.active_at = (
                time.monotonic() + pending_seconds if status == "PENDING" and pending_seconds is not None else None
            )
            return state.current()

    def settle(self) -> None:
        """End every PENDING period now, as if AWS's 10-15 minutes had passed: tests wait on this, not on a timer."""
        with self._lock:
            for state in self._state.values():
                if state.status == "PENDING":
                    state.status, state.active_at = "ACTIVE", None

    def update(self, account: str, region: str, destination: str) -> tuple[int, dict[str, Any]]:
        """``UpdateTraceSegmentDestination``: returns (HTTP status, body or error)."""
        if destination not in ("XRay", "CloudWatchLogs"):
            return 400, {"__type": "InvalidRequestException", "message": f"Invalid destination: {destination!r}"}
        if destination == "CloudWatchLogs" and not spans_policy_allows_xray(
            self.policy_lookup(account, region), account, region
        ):
            return 403, {"__type": "AccessDeniedException", "message": XRAY_ACCESS_DENIED}
        with self._lock:
            state = self._get(account, region)
            current = state.current()
            if current["Status"] == "PENDING":
                # AWS refuses a new destination while the last switch is still PENDING (issue 18 §3);
                # the error code is the model's, the wording the sandbox's own.
                return 400, {"__type": "InvalidRequestException", "message": XRAY_PENDING_REFUSED}
            if current["Destination"] != destination:
                # AWS flips the destination at once but keeps it PENDING for a while.
                state.destination, state.status = destination, "PENDING"
                state.active_at = time.monotonic() + self.pending_seconds
            return 200, state.current()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def spans_policy_allows_xray(documents: Iterable[str], account: str, region: str) -> bool:
    """True when some resource-policy statement lets X-Ray PutLogEvents into ``aws/spans``.

    Judged by content, not by policy name (the toolkit's name check misses
    console-created policies, agentcore.md §0.3). Conditions are not evaluated.
    """
    target = f"arn:aws:logs:{region}:{account}:log-group:{SPANS_LOG_GROUP}:log-stream:default"
    for document in documents:
        try:
            policy = json.loads(document)
        except (TypeError, ValueError):
            continue
        for statement in _as_list(policy.get("Statement")):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            principal = statement.get("Principal")
            services = _as_list(principal.get("Service")) if isinstance(principal, dict) else _as_list(principal)
            if not any(s in ("xray.amazonaws.com", "*") for s in services):
                continue
            actions = [str(a).lower() for a in _as_list(statement.get("Action"))]
            if not any(a in ("logs:putlogevents", "logs:*", "*") for a in actions):
                continue
            if any(fnmatch.fnmatchcase(target, str(r)) for r in _as_list(statement.get("Resource"))):
                return True
    return False


def _moto_logs_policies(account: str, region: str) -> list[str]:
    from moto.logs.models import logs_backends

    backend = logs_backends[account][region]
    return [p.policy_document for p in backend.resource_policies.values()]


@dataclass
class ResourceScopedPolicies:
    """CloudWatch Logs resource policies attached to one log group (``resourceArn``), which moto 5.2.5 lacks.

    ``PutResourcePolicy``/``DeleteResourcePolicy`` with ``resourceArn`` and ``DescribeResourcePolicies``
    with ``policyScope=RESOURCE`` are answered here; account-scoped calls go on to moto. AWS lists a
    group's own policy only when asked for that scope, which is what the checks must cope with.
    """

    _policies: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self._policies.clear()

    def put(self, account: str, region: str, arn: str, name: str, document: str) -> dict[str, Any]:
        with self._lock:
            item = {
                "policyName": name,
                "policyDocument": document,
                "lastUpdatedTime": int(time.time() * 1000),
                "policyScope": "RESOURCE",
                "resourceArn": arn,
                "revisionId": uuid.uuid4().hex,
            }
            self._policies.setdefault((account, region, arn), {})[name] = item
            return dict(item)

    def delete(self, account: str, region: str, arn: str, name: str) -> bool:
        with self._lock:
            return self._policies.get((account, region, arn), {}).pop(name, None) is not None

    def listed(self, account: str, region: str, arn: str | None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                dict(item)
                for (a, r, res), items in self._policies.items()
                if a == account and r == region and (arn is None or res == arn)
                for item in items.values()
            ]

    def documents(self, account: str, region: str) -> list[str]:
        return [i["policyDocument"] for i in self.listed(account, region, None)]


# --------------------------------------------------------------------------- moto patches


_patched = False
_patch_lock = threading.Lock()


def _patch_moto() -> None:
    """Teach moto's bedrock-agentcore-control responses to return ``failureReason`` when set,
    and its IAM enforcement to verify signatures over the bytes sent (see ``signed_bytes``).

    moto has no way to put a runtime into ``UPDATE_FAILED`` with a reason; the
    admin route sets ``failure_reason`` on the backend object and this patch
    makes GetAgentRuntime/GetAgentRuntimeEndpoint report it. Idempotent.
    """
    global _patched
    with _patch_lock:
        if _patched:
            return
        from moto.bedrockagentcorecontrol.responses import BedrockAgentCoreControlResponse as R
        from moto.core.responses import ActionResult

        def wrap(name: str, lookup: Callable[[Any], Any]) -> None:
            original = getattr(R, name)

            def patched(self: Any) -> Any:
                result = original(self)
                try:
                    obj = lookup(self)
                except Exception:  # noqa: BLE001 - the original call already raised or answered
                    return result
                reason = getattr(obj, "failure_reason", None)
                if reason and isinstance(result, ActionResult):
                    body = getattr(result, "result", None)
                    if isinstance(body, dict):
                        body["failureReason"] = reason
                return result

            setattr(R, name, patched)

        from moto.iam.access_control import IAMRequestBase

        original_request = IAMRequestBase._create_aws_request

        def signed_bytes(self: Any) -> Any:
            # SigV4 signs the payload bytes as sent. moto 5.2.5 falls back to its parsed parameters
            # when the body is empty (a rest-json GET, or a POST whose members are all in the query
            # string), so every bedrock-agentcore-control call failed with SignatureDoesNotMatch
            # under IAM enforcement.
            request = original_request(self)
            form = "x-www-form-urlencoded" in str(self._headers.get("Content-Type") or "")
            if not self._body and not form:  # query-protocol forms are re-encoded from the parsed params
                request.data = b""
            return request

        IAMRequestBase._create_aws_request = signed_bytes
        from moto.bedrockagentcorecontrol.models import AgentRuntime

        original_init = AgentRuntime.__init__

        def real_identity(self: Any, *args: Any, **kwargs: Any) -> None:
            # moto names a runtime ``a<hex>-<hex>`` / ``…:agent/<uuid>:<version>``; AgentCore (and
            # botocore's model pattern) say ``<name>-<10 alnum>`` / ``…:runtime/<id>``. Even the
            # CreateAgentRuntime answer must look like AWS's (the AWS call recorder checks it).
            original_init(self, *args, **kwargs)
            new_id = new_runtime_id(self.agent_runtime_name)
            new_arn = runtime_arn_for(new_id, self.region_name, self.account_id)
            self.agent_runtime_id, self.agent_runtime_arn = new_id, new_arn
            self.workload_identity_details = {
                "workloadIdentityArn": f"arn:aws:bedrock-agentcore:{self.region_name}:{self.account_id}:"
                f"workload-identity-directory/default/workload-identity/{new_id}"
            }
            for version in self.versions:
                version.update(agentRuntimeArn=new_arn, agentRuntimeId=new_id)

        AgentRuntime.__init__ = real_identity
        wrap("get_agent_runtime", lambda self: self.backend.agent_runtimes[self._get_param("agentRuntimeId")])
        wrap(
            "get_agent_runtime_endpoint",
            lambda self: self.backend.agent_runtime_endpoints[
                (self._get_param("agentRuntimeId"), self._get_param("endpointName"))
            ],
        )
        _patched = True


def _admin_patch_runtime(body: dict[str, Any]) -> dict[str, Any]:
    """Give a moto runtime the real id/ARN format, a DEFAULT endpoint, and a status (admin route)."""
    from moto.bedrockagentcorecontrol.models import AgentRuntimeEndpoint, bedrockagentcorecontrol_backends

    backend = bedrockagentcorecontrol_backends[body["account"]][body["region"]]
    runtime = backend.agent_runtimes.pop(body["moto_id"])
    new_id, new_arn = body["runtime_id"], body["runtime_arn"]
    runtime.agent_runtime_id, runtime.agent_runtime_arn = new_id, new_arn
    runtime.workload_identity_details = {
        "workloadIdentityArn": f"arn:aws:bedrock-agentcore:{body['region']}:{body['account']}:"
        f"workload-identity-directory/default/workload-identity/{new_id}"
    }
    for version in runtime.versions:
        version.update(agentRuntimeArn=new_arn, agentRuntimeId=new_id)
    status, failure_reason = str(body.get("status") or "READY"), body.get("failure_reason")
    runtime.status = status
    vars(runtime)["failure_reason"] = failure_reason  # moto's models have no failureReason; _patch answers it
    backend.agent_runtimes[new_id] = runtime
    # AgentCore provisions the DEFAULT endpoint itself; moto does not.
    endpoint = AgentRuntimeEndpoint(
        region_name=body["region"],
        account_id=body["account"],
        agent_runtime=runtime,
        name="DEFAULT",
        agent_runtime_version=None,
        description="DEFAULT endpoint",
    )
    endpoint.agent_runtime_endpoint_arn = f"{new_arn}/runtime-endpoint/DEFAULT"
    endpoint.status = status
    vars(endpoint)["failure_reason"] = failure_reason
    backend.agent_runtime_endpoints[(new_id, "DEFAULT")] = endpoint
    return {"runtime_id": new_id, "runtime_arn": new_arn, "status": runtime.status}


# --------------------------------------------------------------------------- WSGI front


def _region_of(environ: dict[str, Any]) -> str:
    """Region from the SigV4 credential scope (``Credential=AKID/date/region/service/aws4_request``)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    marker = "Credential="
    if marker in auth:
        scope = auth.split(marker, 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 3:
            return str(scope[2])
    return DEFAULT_REGION


def _json_response(start_response: Callable[..., Any], status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    if status >= 400 and "__type" in body:
        # rest-json error shape: botocore reads the code from this header.
        headers.append(("x-amzn-ErrorType", str(body["__type"])))
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}.get(status, "Error")
    start_response(f"{status} {reason}", headers)
    return [payload]


def _authorize(environ: dict[str, Any], raw: bytes, action: str) -> tuple[int, dict[str, Any]] | None:
    """moto's IAM enforcement for the operations the front answers itself (moto never sees them).

    When enforcement is on (moto's ``INITIAL_NO_AUTH_ACTION_COUNT`` reached, e.g. under
    ``moto.core.authorization.enable_iam_authentication``), the caller's signature and its
    identity policies are checked exactly as moto checks its own operations; None means allowed.
    """
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        return None
    from moto.iam.access_control import IAMRequest

    headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = environ[key]
    path = environ.get("PATH_INFO", "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
    try:
        request = IAMRequest(
            account_id=_account_id(),
            method=environ.get("REQUEST_METHOD", "POST"),
            path=path,
            data={},
            body=raw,
            headers=headers,
            action=action,
        )
        request.check_signature()
        request.check_action_permitted("*")
    except Exception as exc:  # noqa: BLE001 - moto's RESTError subclasses: answer as the JSON services do
        code = str(getattr(exc, "error_type", "") or type(exc).__name__)
        kind = "AccessDeniedException" if code == "AccessDenied" else code
        return 403 if kind == "AccessDeniedException" else 400, {
            "__type": kind,
            "message": getattr(exc, "message", str(exc)),
        }
    return None


def _speaks_json(environ: dict[str, Any]) -> bool:
    """A JSON-protocol request (logs, X-Ray, bedrock-agentcore…), as opposed to the query protocol (IAM, STS)."""
    ctype = environ.get("CONTENT_TYPE", "")
    return (
        bool(environ.get("HTTP_X_AMZ_TARGET"))
        or "json" in ctype
        or environ.get("PATH_INFO", "").startswith("/runtimes")  # bedrock-agentcore-control (rest-json)
    )


def _json_errors(
    app: Callable[..., Any], environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """moto answers IAM-enforcement refusals in XML whatever the protocol; JSON services answer in JSON.

    A JSON client cannot read the error code from XML (botocore reports a bare "403"), so a
    refusal that real AWS reports as ``AccessDeniedException`` would look like an unknown error.
    """
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    body = b"".join(app(environ, capture))
    status, headers = captured.get("status", "500 Error"), captured.get("headers", [])
    if status[:3] in ("401", "403") and body.lstrip().startswith(b"<"):
        import re as _re

        text = body.decode("utf-8", "replace")
        found_code = _re.search(r"<Code>([^<]+)</Code>", text)
        found_message = _re.search(r"<Message>([^<]*)</Message>", text)
        code = found_code.group(1) if found_code else "AccessDenied"
        message = found_message.group(1) if found_message else ""
        kind = {"AccessDenied": "AccessDeniedException", "SignatureDoesNotMatch": "InvalidSignatureException"}.get(
            code, code
        )
        return _json_response(start_response, int(status[:3]), {"__type": kind, "message": message})
    start_response(status, headers)
    return [body]


class _FrontApp:
    """WSGI app in front of moto: X-Ray emulation, sandbox admin routes, reset hook."""

    def __init__(
        self,
        moto_app: Callable[..., Iterable[bytes]],
        xray: XRayEmulation,
        scoped: ResourceScopedPolicies | None = None,
    ) -> None:
        self.moto_app = moto_app
        self.xray = xray
        self.scoped = scoped or ResourceScopedPolicies()

    def _logs_scoped(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        """Answer the resource-scoped logs resource-policy calls; None passes the request on to moto."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        op = target.rsplit(".", 1)[-1] if target.startswith("Logs_") else ""
        if op not in ("PutResourcePolicy", "DeleteResourcePolicy", "DescribeResourcePolicies"):
            return None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        scoped = (op == "DescribeResourcePolicies" and body.get("policyScope") == "RESOURCE") or (
            op != "DescribeResourcePolicies" and body.get("resourceArn")
        )
        if not scoped:
            import io

            environ["wsgi.input"] = io.BytesIO(raw)  # moto reads the body we consumed
            return None
        denied = _authorize(environ, raw, op)
        if denied is not None:
            return _json_response(start_response, *denied)
        account, region = _account_id(), _region_of(environ)
        if op == "PutResourcePolicy":
            item = self.scoped.put(
                account, region, body["resourceArn"], body.get("policyName", ""), body.get("policyDocument", "")
            )
            return _json_response(start_response, 200, {"resourcePolicy": item, "revisionId": item["revisionId"]})
        if op == "DeleteResourcePolicy":
            if self.scoped.delete(account, region, body["resourceArn"], body.get("policyName", "")):
                return _json_response(start_response, 200, {})
            return _json_response(
                start_response, 400, {"__type": "ResourceNotFoundException", "message": "Policy does not exist"}
            )
        items = self.scoped.listed(account, region, body.get("resourceArn"))
        return _json_response(start_response, 200, {"resourcePolicies": items})

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST" and path == "/":
            answered = self._logs_scoped(environ, start_response)
            if answered is not None:
                return answered
        if method == "POST" and path in (
            "/GetTraceSegmentDestination",
            "/UpdateTraceSegmentDestination",
            "/_sandbox/xray",
            "/_sandbox/runtime",
        ):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                raw = environ["wsgi.input"].read(length) if length else b""
                body = json.loads(raw or b"{}")
            except (ValueError, OSError):
                return _json_response(
                    start_response, 400, {"__type": "InvalidRequestException", "message": "Malformed JSON body"}
                )
            account = _account_id()
            if path in ("/GetTraceSegmentDestination", "/UpdateTraceSegmentDestination"):
                denied = _authorize(environ, raw, path.lstrip("/"))
                if denied is not None:
                    return _json_response(start_response, *denied)
            if path == "/GetTraceSegmentDestination":
                return _json_response(start_response, 200, self.xray.get(account, _region_of(environ)))
            if path == "/UpdateTraceSegmentDestination":
                status, result = self.xray.update(account, _region_of(environ), str(body.get("Destination", "")))
                return _json_response(start_response, status, result)
            if path == "/_sandbox/xray":
                state = self.xray.set(
                    body.get("account", account),
                    body.get("region", DEFAULT_REGION),
                    body["destination"],
                    body["status"],
                    body.get("pending_seconds"),
                )
                return _json_response(start_response, 200, state)
            try:
                return _json_response(start_response, 200, _admin_patch_runtime(body))
            except KeyError as exc:
                return _json_response(
                    start_response, 404, {"__type": "ResourceNotFoundException", "message": f"no such runtime {exc}"}
                )
        if method == "POST" and path == "/moto-api/reset":
            self.xray.reset()
            self.scoped.reset()
        if _speaks_json(environ):
            return _json_errors(self.moto_app, environ, start_response)
        return self.moto_app(environ, start_response)


# --------------------------------------------------------------------------- the server


class AwsSandbox:
    """moto + X-Ray emulation on ``http://127.0.0.1:<free port>``, in a thread of this process.

    >>> with AwsSandbox() as aws:
    ...     seed(aws.url)

    ``xray_pending_seconds`` is how long an ``UpdateTraceSegmentDestination``
    keeps the status PENDING before it reads ACTIVE (AWS: 10-15 minutes; the
    sandbox default is 2 s so a demo fix visibly settles). It may be changed
    while running.
    """

    def __init__(self, xray_pending_seconds: float = 2.0) -> None:
        self.url: str | None = None
        self.scoped = ResourceScopedPolicies()
        self.xray = XRayEmulation(
            pending_seconds=xray_pending_seconds,
            policy_lookup=lambda account, region: [
                *_moto_logs_policies(account, region),
                *self.scoped.documents(account, region),
            ],
        )
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def xray_pending_seconds(self) -> float:
        return self.xray.pending_seconds

    @xray_pending_seconds.setter
    def xray_pending_seconds(self, value: float) -> None:
        self.xray.pending_seconds = float(value)

    def start(self) -> str:
        """Start serving (idempotent); return the endpoint URL."""
        if self.url is not None:
            return self.url
        _patch_moto()
        # moto's EC2 builds its ~2,000 sample AMIs each time its backend is made again, after every reset (0.03 s of
        # CPU per reset and first EC2 call); no check reads an AMI (the network checks read VPCs, subnets, routes
        # and endpoints). moto's own switch, set only when the user has not set it.
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        app = _FrontApp(_moto_dispatcher(), self.xray, self.scoped)
        self._server = _make_server(app)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-moto", daemon=True
        )
        self._thread.start()
        self.url = f"http://{LOOPBACK}:{self._server.server_port}"
        return self.url

    def reset(self) -> None:
        """Wipe every moto backend and the X-Ray state (``POST /moto-api/reset``)."""
        if self.url is None:
            raise SandboxError("AwsSandbox is not running")
        import urllib.request

        req = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()

    def stop(self) -> None:
        """Stop serving; idempotent. Closes open keep-alive connections so no thread lingers."""
        if self.url is not None:
            _forget_seeding_clients(self.url)
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None
        self.url = None

    def __enter__(self) -> AwsSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


HOSTS_REMEMBERED = 256
"""Host names whose moto backend the sandbox's dispatcher remembers (a client can sign for any service and region)."""


def _moto_dispatcher() -> Any:
    """moto's WSGI dispatcher (the one ``moto_server`` runs), remembering which backend serves each host name.

    The sandbox is addressed as 127.0.0.1, so moto derives a host name from each request's signature (service and
    region: ``logs.us-east-1.amazonaws.com``) and then looks up its backend afresh: it lists its own package directory
    (about 170 ``isdir`` calls) and tries its URL patterns one by one, 0.6 ms of CPU under the dispatcher's lock, for
    every request. The answer depends on the host name alone (the patterns and packages do not change while the
    process runs), so it is kept, up to ``HOSTS_REMEMBERED`` names; beyond that moto looks it up as before.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    class HostMemoDispatcher(DomainDispatcherApplication):  # type: ignore[misc] # moto is not analysed (pyproject)
        def __init__(self) -> None:
            super().__init__(create_backend_app)
            self._backend_of: dict[str, Any] = {}  # read and written under the dispatcher's own lock

        def get_backend_for_host(self, host: str | None) -> Any:
            if host is None:
                return None
            if host in self._backend_of:
                return self._backend_of[host]
            backend = super().get_backend_for_host(host)
            if len(self._backend_of) < HOSTS_REMEMBERED:
                self._backend_of[host] = backend
            return backend

    return HostMemoDispatcher()


def _make_server(app: Callable[..., Any]) -> Any:
    """A threaded werkzeug server on 127.0.0.1:0 that tracks its connections.

    werkzeug serves HTTP/1.1 keep-alive: a handler thread blocks on an idle
    client socket until the client hangs up. ``close_connections()`` shuts those
    sockets down so stop() really leaves no thread behind.
    """
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import ThreadedWSGIServer

    class QuietHandler(MotoRequestHandler):  # type: ignore[misc] # moto is not analysed (pyproject)
        protocol_version = "HTTP/1.1"

        def log_request(self, *args: Any, **kwargs: Any) -> None:  # no access log on the terminal
            pass

        def log(self, *args: Any, **kwargs: Any) -> None:
            pass

    class TrackingServer(ThreadedWSGIServer):
        daemon_threads = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._open: set[socket.socket] = set()
            self._open_lock = threading.Lock()

        def process_request(self, request: Any, client_address: Any) -> None:
            with self._open_lock:
                self._open.add(request)
            super().process_request(request, client_address)

        def shutdown_request(self, request: Any) -> None:
            with self._open_lock:
                self._open.discard(request)
            super().shutdown_request(request)

        def close_connections(self) -> None:
            with self._open_lock:
                open_now = list(self._open)
            for conn in open_now:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    return TrackingServer(LOOPBACK, 0, app, handler=QuietHandler)


# --------------------------------------------------------------------------- seeding


@dataclass(frozen=True)
class SeedInfo:
    """What ``seed()`` created, for wiring the rest of the sandbox and for test assertions."""

    account_id: str
    region: str
    runtime_id: str
    runtime_arn: str
    runtime_name: str
    role_name: str
    role_arn: str
    runtime_log_group: str
    otel_log_group: str
    endpoint_url: str


def new_runtime_id(name: str = RUNTIME_NAME) -> str:
    """A runtime id in AgentCore's format: ``<name>-<10 alphanumerics>`` (agentcore.md §1.1)."""
    alphabet = string.ascii_letters + string.digits
    return f"{name}-" + "".join(secrets.choice(alphabet) for _ in range(10))


def runtime_arn_for(runtime_id: str, region: str = DEFAULT_REGION, account_id: str | None = None) -> str:
    """The real ARN shape ``arn:aws:bedrock-agentcore:{region}:{acct}:runtime/{id}`` (not botocore's regex)."""
    return f"arn:aws:bedrock-agentcore:{region}:{account_id or _account_id()}:runtime/{runtime_id}"


def trust_policy(account: str, region: str, faults: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The sample's execution-role trust policy (agentcore.md §2.3); ``trust-policy-wrong`` swaps the service."""
    service = "bedrock.amazonaws.com" if "trust-policy-wrong" in faults else "bedrock-agentcore.amazonaws.com"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumeRolePolicy",
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock-agentcore:{region}:{account}:*"},
                },
            }
        ],
    }


def role_policy(
    account: str, region: str, faults: frozenset[str] = frozenset(), agent_name: str = RUNTIME_NAME
) -> dict[str, Any]:
    """The sample's inline ``AgentCorePolicy`` (agentcore.md §2.3) plus the custom OTEL log group grant.

    The sample grants nothing on ``agents/*``; the healthy sandbox adds that
    statement because the guide's §1.1 fix is exactly to add it.
    """
    runtimes = (
        "/aws/bedrock/agentcore/*" if "logs-permission-wrong-prefix" in faults else "/aws/bedrock-agentcore/runtimes/*"
    )
    logs_statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": ["logs:DescribeLogStreams", "logs:CreateLogGroup"],
            "Resource": [f"arn:aws:logs:{region}:{account}:log-group:{runtimes}"],
        },
        {
            "Effect": "Allow",
            "Action": ["logs:DescribeLogGroups"],
            "Resource": [f"arn:aws:logs:{region}:{account}:log-group:*"],
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"arn:aws:logs:{region}:{account}:log-group:{runtimes}:log-stream:*"],
        },
        {
            "Sid": "OtelLogGroupAccess",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [
                f"arn:aws:logs:{region}:{account}:log-group:{OTEL_LOG_GROUP}",
                f"arn:aws:logs:{region}:{account}:log-group:{OTEL_LOG_GROUP}:log-stream:*",
            ],
        },
    ]
    if "logs-permission-missing" in faults:
        logs_statements = []
    statements: list[dict[str, Any]] = [
        {
            "Sid": "BedrockPermissions",
            "Effect": "Allow",
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            "Resource": "*",
        },
        {
            "Sid": "ECRImageAccess",
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": [f"arn:aws:ecr:{region}:{account}:repository/*"],
        },
        *logs_statements,
        {"Sid": "ECRTokenAccess", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            "Resource": ["*"],
        },
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": "cloudwatch:PutMetricData",
            "Condition": {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}},
        },
        {
            "Sid": "GetAgentAccessToken",
            "Effect": "Allow",
            "Action": [
                "bedrock-agentcore:GetWorkloadAccessToken",
                "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
                "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
            ],
            "Resource": [
                f"arn:aws:bedrock-agentcore:{region}:{account}:workload-identity-directory/default",
                f"arn:aws:bedrock-agentcore:{region}:{account}:workload-identity-directory/default/workload-identity/{agent_name}-*",
            ],
        },
    ]
    if "logs-deny-putlogevents" in faults:
        statements.append({"Sid": "DenyLogWrites", "Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def transaction_search_policy(account: str, region: str, faults: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The toolkit's ``TransactionSearchXRayAccess`` document (agentcore.md §3.4); ``resource-policy-slash`` breaks it."""
    spans = "/aws/spans" if "resource-policy-slash" in faults else SPANS_LOG_GROUP
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TransactionSearchXRayAccess",
                "Effect": "Allow",
                "Principal": {"Service": "xray.amazonaws.com"},
                "Action": "logs:PutLogEvents",
                "Resource": [
                    f"arn:aws:logs:{region}:{account}:log-group:{spans}:*",
                    f"arn:aws:logs:{region}:{account}:log-group:/aws/application-signals/data:*",
                ],
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:xray:{region}:{account}:*"},
                    "StringEquals": {"aws:SourceAccount": account},
                },
            }
        ],
    }


def otel_environment(region: str) -> dict[str, str]:
    """Runtime environment variables naming the custom OTEL log group (observability tutorials' .env)."""
    return {
        "AGENT_OBSERVABILITY_ENABLED": "true",
        "OTEL_PYTHON_DISTRO": "aws_distro",
        "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS": f"x-aws-log-group={OTEL_LOG_GROUP},x-aws-log-stream=default,x-aws-metric-namespace=agents",
        "OTEL_RESOURCE_ATTRIBUTES": f"service.name={RUNTIME_NAME}",
        "AWS_REGION": region,
    }


def _log_lines(info_account: str, region: str, runtime_id: str, faults: frozenset[str]) -> tuple[list[str], list[str]]:
    """(runtime log lines, OTEL log group lines): a normal start-up, then the guide's error lines per fault."""
    runtime = [
        "INFO:     Started server process [1]",
        "INFO:     Waiting for application startup.",
        "INFO:     Application startup complete.",
        "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
        "Processing request of type ListToolsRequest",
    ]
    otel = [
        json.dumps(
            {
                "severityText": "INFO",
                "body": "Processing request of type ListToolsRequest",
                "resource": {"service.name": RUNTIME_NAME},
            }
        ),
    ]
    if faults & {
        "logs-permission-missing",
        "logs-permission-wrong-prefix",
        "logs-deny-putlogevents",
        "permissions-boundary",
    }:
        session = uuid.uuid4()
        runtime.append(
            f"User: arn:aws:sts::{info_account}:assumed-role/{ROLE_NAME}/Genesis-serviceExecutor-{session} "
            f"is not authorized to perform: logs:PutLogEvents on resource: "
            f"arn:aws:logs:{region}:{info_account}:log-group:{OTEL_LOG_GROUP}:log-stream:default"
            + (
                " because no permissions boundary allows the logs:PutLogEvents action"
                if "permissions-boundary" in faults
                else ""
            )
        )
    if "otel-log-group-missing" in faults:
        runtime.append(
            "ERROR:amazon.opentelemetry.distro.exporter.otlp.aws.logs.otlp_aws_logs_exporter:"
            "Failed to export logs batch code: 400, reason: 'The specified log group does not exist.'"
        )
    if faults & {
        "trace-destination-xray",
        "trace-destination-pending",
        "resource-policy-missing",
        "resource-policy-slash",
    }:
        runtime.append(
            "ERROR:opentelemetry.exporter.otlp.proto.http.trace_exporter:Failed to export batch code: 400, reason: "
            "The OTLP API is supported with CloudWatch Logs as a Trace Segment Destination. Please enable the "
            "CloudWatch Logs destination for your traces using the UpdateTraceSegmentDestination API"
        )
    if "runtime-update-failed" in faults:
        runtime.append("ModuleNotFoundError: No module named 'mcp.server.fastmcp'")
    return runtime, otel


_SEEDING_CLIENTS: dict[tuple[str, str, str], Any] = {}
"""(sandbox endpoint, region, service) → the boto3 client ``seed()`` uses there. A new session per seed registered
botocore's handlers again and built each client anew: a quarter of a seed's CPU, and the tests seed hundreds of
times. The reused clients keep their connections to the sandbox open (one idle handler thread each on its server);
``AwsSandbox.stop`` closes them, so a stopped sandbox leaves no thread behind."""
_SEEDING_CLIENTS_LOCK = threading.Lock()
_SEEDING_SESSION: Any = None
"""The one boto3 session (dummy credentials) every seeding client comes from, made and used under the lock.
A session per sandbox parsed botocore's endpoint table and each service model again: two thirds of a sandbox
start's CPU, and the test suite starts dozens. A session's data does not depend on the endpoint or region."""


def _seeding_client(endpoint_url: str, region: str, service: str) -> Any:
    """The seeding client for ``service`` at this sandbox endpoint (dummy credentials, one attempt per call)."""
    key = (endpoint_url, region, service)
    with _SEEDING_CLIENTS_LOCK:
        if key not in _SEEDING_CLIENTS:
            _SEEDING_CLIENTS[key] = _new_seeding_client(service, endpoint_url, region)
        return _SEEDING_CLIENTS[key]


def new_seeding_client(service: str, endpoint_url: str, region: str, *, read_timeout: float = 15) -> Any:
    """A new boto3 client (dummy credentials) for a sandbox endpoint, from the process's one seeding session."""
    with _SEEDING_CLIENTS_LOCK:
        return _new_seeding_client(service, endpoint_url, region, read_timeout=read_timeout)


def _new_seeding_client(service: str, endpoint_url: str, region: str, *, read_timeout: float = 15) -> Any:
    """Under ``_SEEDING_CLIENTS_LOCK`` (making a client on a shared session is not thread-safe). One attempt per
    call: the sandbox answers or is broken, and a retry would only hide which."""
    import boto3
    from botocore.config import Config

    global _SEEDING_SESSION
    if _SEEDING_SESSION is None:
        _SEEDING_SESSION = boto3.session.Session(
            aws_access_key_id=DUMMY_ACCESS_KEY, aws_secret_access_key=DUMMY_SECRET_KEY
        )
    config = Config(connect_timeout=5, read_timeout=read_timeout, retries={"max_attempts": 1})
    return _SEEDING_SESSION.client(service, endpoint_url=endpoint_url, region_name=region, config=config)


def _forget_seeding_clients(endpoint_url: str) -> None:
    """Close and drop the seeding clients of a sandbox endpoint that is going away."""
    with _SEEDING_CLIENTS_LOCK:
        gone = [key for key in _SEEDING_CLIENTS if key[0] == endpoint_url]
        clients = [_SEEDING_CLIENTS.pop(key) for key in gone]
    for client in clients:
        client.close()


def seed(
    endpoint_url: str,
    faults: frozenset[str] = frozenset(),
    region: str = DEFAULT_REGION,
    *,
    runtime_id: str | None = None,
    discovery_url: str | None = None,
    allowed_client: str = DEFAULT_CLIENT_ID,
    extra_runtime_log_lines: Sequence[str] = (),
) -> SeedInfo:
    """Create the AgentCore MCP sample's account state in the sandbox at ``endpoint_url``.

    Uses ordinary boto3 calls with dummy credentials (plus the sandbox's admin
    routes for what the API cannot set). Raises ``SandboxError`` for a
    non-loopback endpoint — it must never write to real AWS — and ``ValueError``
    for an unknown fault name. ``runtime_id`` lets the caller know the ARN
    before seeding (the runner wires the front door concurrently);
    ``discovery_url`` should be the front door's OIDC discovery URL.
    """
    require_local(endpoint_url, what="seeding endpoint")
    faults = frozenset(faults)
    unknown = faults - AWS_FAULTS
    if unknown:
        raise ValueError(f"unknown AWS fault(s) {sorted(unknown)}; known: {sorted(AWS_FAULTS)}")
    account = _account_id()

    def client(service: str) -> Any:
        return _seeding_client(endpoint_url, region, service)

    runtime_id = runtime_id or new_runtime_id()
    runtime_arn = runtime_arn_for(runtime_id, region, account)
    runtime_log_group = f"/aws/bedrock-agentcore/runtimes/{runtime_id}-DEFAULT"
    iam = client("iam")
    boundary: dict[str, str] = {}
    if "permissions-boundary" in faults:
        boundary["PermissionsBoundary"] = iam.create_policy(
            PolicyName=BOUNDARY_POLICY_NAME,
            PolicyDocument=json.dumps(boundary_policy()),
            Description="Permissions boundary for AgentCore execution roles (sandbox)",
        )["Policy"]["Arn"]
    role = iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(trust_policy(account, region, faults)),
        Description=f"Execution role for AgentCore runtime {RUNTIME_NAME}",
        **boundary,
    )["Role"]
    iam.put_role_policy(
        RoleName=ROLE_NAME,
        PolicyName=ROLE_POLICY_NAME,
        PolicyDocument=json.dumps(role_policy(account, region, faults)),
    )

    control = client("bedrock-agentcore-control")
    created = control.create_agent_runtime(
        agentRuntimeName=RUNTIME_NAME,
        agentRuntimeArtifact={
            "containerConfiguration": {
                "containerUri": f"{account}.dkr.ecr.{region}.amazonaws.com/bedrock-agentcore-{RUNTIME_NAME}:latest"
            }
        },
        roleArn=role["Arn"],
        networkConfiguration={"networkMode": "PUBLIC"},
        protocolConfiguration={"serverProtocol": "MCP"},
        authorizerConfiguration={
            "customJWTAuthorizer": {
                "discoveryUrl": discovery_url
                or f"https://cognito-idp.{region}.amazonaws.com/{region}_SandboxPool/.well-known/openid-configuration",
                "allowedClients": [allowed_client],
            }
        },
        environmentVariables=otel_environment(region),
        description="MCP server from the AgentCore hosting-MCP-server tutorial (sandbox)",
    )
    failed = "runtime-update-failed" in faults
    _admin(
        endpoint_url,
        "runtime",
        {
            "account": account,
            "region": region,
            "moto_id": created["agentRuntimeId"],
            "runtime_id": runtime_id,
            "runtime_arn": runtime_arn,
            "status": "UPDATE_FAILED" if failed else "READY",
            "failure_reason": UPDATE_FAILED_REASON if failed else None,
        },
    )

    logs = client("logs")
    runtime_lines, otel_lines = _log_lines(account, region, runtime_id, faults)
    runtime_lines.extend(extra_runtime_log_lines)
    if "runtime-log-group-missing" not in faults:
        logs.create_log_group(logGroupName=runtime_log_group)
        day = time.strftime("%Y/%m/%d", time.gmtime())
        _put_events(logs, runtime_log_group, f"{day}/[runtime-logs]{uuid.uuid4()}", runtime_lines)
        _put_events(logs, runtime_log_group, "otel-rt-logs", otel_lines)
    if "otel-log-group-missing" not in faults:
        logs.create_log_group(logGroupName=OTEL_LOG_GROUP)
        _put_events(logs, OTEL_LOG_GROUP, "default", otel_lines)
    if "resource-policy-missing" not in faults:
        logs.put_resource_policy(
            policyName=RESOURCE_POLICY_NAME,
            policyDocument=json.dumps(transaction_search_policy(account, region, faults)),
        )

    xray: dict[str, Any]
    if "trace-destination-xray" in faults:
        xray = {"destination": "XRay", "status": "ACTIVE"}
    elif "trace-destination-pending" in faults:
        xray = {"destination": "CloudWatchLogs", "status": "PENDING", "pending_seconds": TRACE_PENDING_SECONDS}
    else:
        xray = {"destination": "CloudWatchLogs", "status": "ACTIVE"}
    _admin(endpoint_url, "xray", {"account": account, "region": region, **xray})
    return SeedInfo(
        account_id=account,
        region=region,
        runtime_id=runtime_id,
        runtime_arn=runtime_arn,
        runtime_name=RUNTIME_NAME,
        role_name=ROLE_NAME,
        role_arn=role["Arn"],
        runtime_log_group=runtime_log_group,
        otel_log_group=OTEL_LOG_GROUP,
        endpoint_url=endpoint_url,
    )


def _put_events(logs: Any, group: str, stream: str, lines: Sequence[str]) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    if not lines:
        return
    now = int(time.time() * 1000) - len(lines) * 1000
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": now + i * 1000, "message": line} for i, line in enumerate(lines)],
    )


def _admin(endpoint_url: str, route: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST to a sandbox-only admin route (only ``AwsSandbox`` serves these)."""
    import urllib.error
    import urllib.request

    require_local(endpoint_url, what="seeding endpoint")
    req = urllib.request.Request(
        f"{endpoint_url.rstrip('/')}/_sandbox/{route}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return dict(json.loads(resp.read() or b"{}"))
    except urllib.error.HTTPError as exc:
        raise SandboxError(f"sandbox admin route /_sandbox/{route} failed: {exc.code} {exc.read()[:200]!r}") from None
    except urllib.error.URLError as exc:
        raise SandboxError(f"{endpoint_url} is not an AwsSandbox (needs /_sandbox/{route}): {exc.reason}") from None


__all__ = [
    "AWS_FAULTS",
    "BOUNDARY_POLICY_NAME",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_REGION",
    "DUMMY_ACCESS_KEY",
    "DUMMY_SECRET_KEY",
    "OTEL_LOG_GROUP",
    "RESOURCE_POLICY_NAME",
    "ROLE_NAME",
    "RUNTIME_NAME",
    "XRAY_ACCESS_DENIED",
    "XRAY_PENDING_REFUSED",
    "AwsSandbox",
    "SeedInfo",
    "new_runtime_id",
    "runtime_arn_for",
    "seed",
    "spans_policy_allows_xray",
]
