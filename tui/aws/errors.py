"""Turn botocore exceptions into causes a person can act on.

A check that talks to AWS is wrapped with ``@aws_errors``: any botocore error it
does not handle itself becomes an ``error`` result whose summary says what to do
(refresh credentials, grant the tool a permission, pick a region, ...). An
``AccessDenied`` on a read names the IAM permission *agentcore-triage's own
principal* lacks; it says nothing about the runtime, which is exactly why it is
an ``error`` and not a ``fail``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.aws.credential_process import CredentialProcessTimedOut
from tui.i18n import N_, _
from tui.redact import redact_text
from tui.results import CheckResult, errored

IAM_PREFIX = {
    "bedrock-agentcore-control": "bedrock-agentcore",
    "bedrock-agentcore": "bedrock-agentcore",
    "logs": "logs",
    "iam": "iam",
    "xray": "xray",
    "sts": "sts",
    "cloudwatch": "cloudwatch",
    "ecr": "ecr",
}

ACCESS_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "Forbidden"}
)
EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
BAD_CREDENTIALS = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "AuthFailure",
        "IncompleteSignature",
        "MissingAuthenticationToken",
    }
)
THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ThrottledException",
    }
)
UNSUPPORTED = frozenset(
    {
        "UnknownOperationException",
        "InvalidAction",
        "NotImplemented",
        "UnsupportedOperation",
        "UnsupportedOperationException",
        "404",
        "501",
    }
)

PERMISSIONS_DOC = "docs/permissions.md"


def iam_action(service: str, operation: str) -> str:
    """The IAM action an API call needs (``logs:DescribeLogGroups``)."""
    return f"{IAM_PREFIX.get(service, service)}:{operation}"


@dataclass
class Problem:
    """A translated AWS error: one-line cause, details and evidence (no secrets)."""

    kind: str
    summary: str
    details: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    def result(self) -> CheckResult:
        return errored(self.summary, details=self.details, evidence={**self.evidence, "cause": self.kind})


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ``ClientError`` (``NoSuchEntity``), "" for anything else."""
    response = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get("Code") or "")


def _client_error_parts(exc: Any) -> tuple[str, str, int | None]:
    err = getattr(exc, "response", {}) or {}
    code = str((err.get("Error") or {}).get("Code") or "")
    message = str((err.get("Error") or {}).get("Message") or "")
    status = (err.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    return code, message, status


def describe(exc: BaseException, *, service: str | None = None, operation: str | None = None) -> Problem | None:
    """A ``Problem`` for a botocore/boto3 error (or the read-only guard); None for anything else."""
    from botocore import exceptions as bx
    from botocore.parsers import ResponseParserError

    from tui.aws.session import NoRegion, NotAwsAnswer, ReadOnlyViolation

    if isinstance(exc, ReadOnlyViolation):
        return Problem(
            "read-only",
            str(exc),
            _("This is a bug in the check: checks may only read. Nothing was sent to AWS."),
            {"service": exc.service, "operation": exc.operation},
        )
    if isinstance(exc, NotAwsAnswer):
        return Problem(
            "not-aws",
            _("the endpoint did not answer like AWS: {reason}").format(reason=exc),
            _(
                "A proxy, captive portal or emulator answered instead of AWS; nothing can be concluded from it. "
                "Check AWS_ENDPOINT_URL, the proxy settings and the region."
            ),
            {"service": exc.service, "operation": exc.operation},
        )
    if isinstance(exc, NoRegion):
        return Problem("no-region", str(exc))
    if isinstance(exc, bx.NoRegionError):
        return Problem("no-region", _("no AWS region: give --region, set AWS_REGION, or pass the runtime as an ARN"))
    if isinstance(exc, bx.ProfileNotFound):
        return Problem(
            "no-profile",
            _("AWS profile not found: {profile} (check --profile / AWS_PROFILE and ~/.aws/config)").format(
                profile=repr(exc.kwargs.get("profile"))
            ),
        )
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return Problem(
            "no-credentials",
            _(
                "no AWS credentials: set --profile/AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID "
                "and AWS_SECRET_ACCESS_KEY"
            ),
            _("agentcore-triage uses the standard AWS credential chain (environment, profile, SSO, instance role)."),
        )
    sso_errors = tuple(
        getattr(bx, n)
        for n in ("SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError")
        if hasattr(bx, n)
    )
    if sso_errors and isinstance(exc, sso_errors):
        return Problem(
            "expired",
            _("the AWS SSO session is missing or expired: run `aws sso login` (with your --profile) and try again"),
        )
    if isinstance(exc, CredentialProcessTimedOut):
        return Problem(
            "no-credentials",
            _(
                "could not load AWS credentials: the profile's credential_process did not finish within {seconds:g} s "
                "and was stopped; run it by hand to see what it waits for, or raise the timeout (--timeout, or "
                "AGENTCORE_TRIAGE_TIMEOUT for any command)"
            ).format(seconds=exc.seconds),
        )
    if isinstance(exc, json.JSONDecodeError):  # botocore reads a credential_process's output with json.loads, unwrapped
        return Problem(
            "no-credentials",
            _(
                "could not load AWS credentials: the profile's credential_process did not print JSON credentials "
                "({reason}); run it by hand to see what it prints"
            ).format(reason=str(exc)[:120]),
        )
    if isinstance(exc, bx.CredentialRetrievalError):
        return Problem(
            "no-credentials", _("could not load AWS credentials: {reason}").format(reason=redact_text(str(exc)))
        )
    if isinstance(exc, (bx.ConnectTimeoutError, bx.EndpointConnectionError)):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return Problem(
            "unreachable",
            (
                _("could not reach the AWS endpoint {url}: check the network, proxy, region and AWS_ENDPOINT_URL")
                if url
                else _("could not reach the AWS endpoint: check the network, proxy, region and AWS_ENDPOINT_URL")
            ).format(url=url),
            evidence={"endpoint": url},
        )
    if isinstance(exc, bx.ReadTimeoutError):
        return Problem(
            "timeout",
            _(
                "AWS did not answer in time (read timeout); try again or raise the timeout (--timeout, or "
                "AGENTCORE_TRIAGE_TIMEOUT for any command)"
            ),
        )
    if isinstance(exc, bx.UnknownServiceError):
        return Problem(
            "unsupported", _("this botocore does not know the service ({reason}); upgrade boto3").format(reason=exc)
        )
    if isinstance(exc, ResponseParserError):
        what = f"{service}:{operation}" if service and operation else _("the operation")
        return Problem(
            "unsupported",
            _(
                "the endpoint did not answer like AWS for {what} (unparseable response); it probably does not support it"
            ).format(what=what),
            _("This happens with emulators and proxies that do not implement the operation, and with captive portals."),
            {"service": service, "operation": operation},
        )
    if isinstance(exc, bx.ParamValidationError):
        return Problem(
            "bad-parameter",
            _("invalid request parameter: {reason}").format(reason=redact_text(str(exc)).splitlines()[0]),
        )
    if isinstance(exc, bx.ClientError):
        # a caller that does not know the service (a worker thread's error, reported later) gets it from the last
        # call made on this thread, so the missing permission is named as IAM spells it (logs:FilterLogEvents)
        service = service or service_of(exc)
        code, message, status = _client_error_parts(exc)
        op = getattr(exc, "operation_name", None) or operation or "?"
        svc = service or ""
        perm = iam_action(svc, op) if svc else op
        evidence = {
            "service": svc or None,
            "operation": op,
            "error_code": code,
            "http_status": status,
            "message": redact_text(message)[:300],
        }
        if code in EXPIRED:
            return Problem(
                "expired",
                _(
                    "the AWS credentials have expired: refresh them (`aws sso login`, or new session keys) and run again"
                ),
                evidence=evidence,
            )
        if code in BAD_CREDENTIALS:
            return Problem(
                "bad-credentials",
                _("AWS rejected the credentials ({code}): check the access key, secret and session token").format(
                    code=code
                ),
                evidence=evidence,
            )
        if code in ACCESS_DENIED:
            evidence["missing_permission"] = perm
            return Problem(
                "access-denied",
                _(
                    "agentcore-triage's own AWS principal lacks {permission} (AccessDenied on a read); grant it, "
                    "see {doc}"
                ).format(permission=perm, doc=PERMISSIONS_DOC),
                _(
                    "This says nothing about the runtime: the identity running agentcore-triage could not read what "
                    "the check needs. Add {permission} to it (the read-only policy in {doc} covers every check)."
                ).format(permission=f"`{perm}`", doc=f"`{PERMISSIONS_DOC}`"),
                evidence,
            )
        if code in THROTTLED:
            return Problem(
                "throttled",
                _("AWS throttled {permission} even after retries; wait a minute and run again").format(permission=perm),
                evidence=evidence,
            )
        if code in UNSUPPORTED or (
            status in (404, 501) and not code.endswith(("NotFoundException", "NotFound")) and "NoSuch" not in code
        ):
            return Problem(
                "unsupported",
                _(
                    "the AWS endpoint does not support {permission} (an old region, a partition without the service, "
                    "or an emulator)"
                ).format(permission=perm),
                evidence=evidence,
            )
        return Problem(
            "client-error",
            _("{permission} failed: {code}: {message}").format(
                permission=perm, code=code, message=redact_text(message)[:200]
            ),
            evidence=evidence,
        )
    if isinstance(exc, bx.BotoCoreError):
        return Problem(
            "botocore", _("AWS SDK error: {reason}").format(reason=redact_text(str(exc)).splitlines()[0][:300])
        )
    return None


PENDING_WAIT = N_("wait until ACTIVE (usually minutes)")
"""Shown through ``_()``: how long a PENDING trace segment destination takes."""


def write_failure(exc: BaseException) -> str | None:
    """A reason a person can act on for a failed fix or undo call, when the raw AWS text is not one."""
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return None
    code, message, _status = _client_error_parts(exc)
    pending = "PENDING" in message or "in progress" in message.lower() or "being updated" in message.lower()
    if (
        getattr(exc, "operation_name", "") == "UpdateTraceSegmentDestination"
        and code == "InvalidRequestException"
        and pending
    ):
        return _(
            "X-Ray refuses to change the trace segment destination while its status is PENDING: {wait}, "
            "then run it again"
        ).format(wait=_(PENDING_WAIT))
    return None


def translate(exc: BaseException, *, service: str | None = None, operation: str | None = None) -> CheckResult | None:
    """The ``error`` result for an AWS exception, or None when ``exc`` is not one."""
    problem = describe(exc, service=service, operation=operation)
    return problem.result() if problem else None


def service_of(exc: BaseException) -> str | None:
    """The boto service of the failing call (ClientError does not carry it): the last call made on this thread."""
    from tui.aws.session import last_call

    service, operation = last_call()
    op = getattr(exc, "operation_name", None)
    return service if service and (op is None or op == operation) else None


def aws_errors(func: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
    """Decorator for AWS checks: known AWS errors become actionable ``error`` results."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> CheckResult:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            result = translate(exc, service=service_of(exc))
            if result is None:
                raise
            return result

    return wrapper
