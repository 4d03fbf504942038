"""One place that makes boto3 clients, with short timeouts and a read-only guard.

Honours ``--profile``/``--region``, the standard AWS variables and
``AWS_ENDPOINT_URL`` (botocore reads it itself), so production code knows
nothing about the sandbox. Check clients refuse every operation that is not a
read, before it is sent; fixes get a separate writable client only after the
user confirmed.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

from tui.aws.credential_process import bound_credential_process
from tui.i18n import _

if TYPE_CHECKING:
    from tui.context import Context

READ_PREFIXES = ("Get", "List", "Describe", "Filter", "Simulate", "Lookup", "Search", "BatchGet", "Test", "Head")
"""Operation-name prefixes that only read."""
QUERY_READS = frozenset({"StartQuery"})
"""Logs Insights: starting a query reads log data and changes nothing (the logs reader uses it)."""

NOT_READS = frozenset(
    {
        # "Get" operations that mint credentials or reveal secrets: a check has no business calling them.
        "GetSecretValue",
        "GetSessionToken",
        "GetFederationToken",
        "GetWorkloadAccessToken",
        "GetWorkloadAccessTokenForJWT",
        "GetWorkloadAccessTokenForUserId",
        "GetResourceOauth2Token",
        "GetResourceApiKey",
        "GetAuthorizationToken",
        "GetLoginProfile",
        "GetParameter",
        "GetParameters",
        "GetParametersByPath",
        "GetRandomPassword",
        "GetWebIdentityToken",
        "GetDataKey",
    }
)
"""Operations whose names look like reads but hand out secrets or credentials."""

_ENV_KEYS = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CA_BUNDLE",
)

T = TypeVar("T")

AwsClient: TypeAlias = Any
"""A boto3 client. boto3 builds each client class at run time from the service's JSON model, so there is no
static type for ``session.client(service)``; the per-service stub packages (``types-boto3-logs`` …) type only a
literal service name, and every client here comes from ``read_only_client(context, service)`` with the name as
a value. So: ``Any``, named, and the calls are checked against the model at run time instead (the read-only
guard, ``_check_answer``, and the test suite's recorder)."""

_lock = threading.Lock()
_calls = threading.local()
_sessions: dict[tuple[Any, ...], Any] = {}
_clients: dict[tuple[Any, ...], AwsClient] = {}
"""One client per (session, service, region, read-only or writable, timeout): every check of a run shares it."""


class ReadOnlyViolation(RuntimeError):
    """A check tried to call an operation that changes something."""

    def __init__(self, message: str, *, service: str = "", operation: str = "") -> None:
        super().__init__(message)
        self.service = service
        self.operation = operation


class NoRegion(RuntimeError):
    """No region from --region, AWS_REGION/AWS_DEFAULT_REGION, the profile or the runtime ARN."""


def is_read_operation(operation: str) -> bool:
    """True when an API operation name (``PutRolePolicy``) only reads."""
    return (operation.startswith(READ_PREFIXES) or operation in QUERY_READS) and operation not in NOT_READS


def _remember(model: Any, **_kwargs: Any) -> None:
    """Record the call this thread is about to make (error messages name its IAM permission)."""
    _calls.last = (model.service_model.service_name, model.name)


def last_call() -> tuple[str | None, str | None]:
    """(service, operation) of the last AWS call started on this thread."""
    return getattr(_calls, "last", (None, None))


@dataclass
class _Flight:
    """One read in flight, which concurrent askers for the same thing wait for."""

    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None
    made: tuple[str | None, str | None] = (None, None)


_flights: dict[Hashable, _Flight] = {}
_flights_lock = threading.Lock()


def coalesced(key: Hashable, read: Callable[[], T], *, copy: Callable[[T], T] = lambda value: value) -> T:
    """``read()``, unless the same read (``key``) is already in flight: then wait for it and share its outcome.

    Checks of one node run at once and several need the same answer (three GetAgentRuntime, four loads of the
    execution role): one set of round trips instead of one each. Only reads in flight are shared; nothing is kept
    once one has ended, so a later read (a re-check after a fix) asks afresh. A failure is raised in every waiter,
    with ``last_call()`` naming the call that failed (error messages name its IAM permission). ``copy`` gives each
    waiter its own copy of the answer. The wait is bounded by the leader's read (its client's timeouts).
    """
    with _flights_lock:
        flight = _flights.get(key)
        leading = flight is None
        if flight is None:
            flight = _flights[key] = _Flight()
    if not leading:
        flight.done.wait()
        if flight.error is not None:
            _calls.last = flight.made
            raise flight.error
        return copy(cast(T, flight.value))
    try:
        flight.value = read()
    except BaseException as exc:
        flight.error, flight.made = exc, last_call()
        raise
    finally:
        with _flights_lock:
            del _flights[key]
        flight.done.set()
    return cast(T, flight.value)


MAX_PARALLEL_CALLS = 8
"""Threads one ``in_parallel`` uses at most (clients are thread-safe; each thread holds one pooled connection)."""


def in_parallel(*calls: Callable[[], T]) -> list[T]:
    """Run independent AWS calls at once and return their results in order: one round trip instead of several.

    Each call runs in a worker thread of a small bounded pool. When calls fail, the first failure (in the order
    given) is raised after all have ended, and ``last_call()`` on this thread names its operation, as if it had
    been made here (error messages name the IAM permission from it).
    """
    from concurrent.futures import ThreadPoolExecutor

    if len(calls) <= 1:
        return [call() for call in calls]

    def run(call: Callable[[], T]) -> tuple[T | None, BaseException | None, tuple[str | None, str | None]]:
        try:
            return call(), None, last_call()
        except Exception as exc:  # noqa: BLE001 - re-raised below on the caller's thread
            return None, exc, last_call()

    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_CALLS, len(calls)), thread_name_prefix="aws-call") as pool:
        outcomes = list(pool.map(run, calls))
    for _result, exc, made in outcomes:
        if exc is not None:
            _calls.last = made
            raise exc
    return [cast(T, result) for result, _exc, _made in outcomes]


def _guard(model: Any, **_kwargs: Any) -> None:
    name = model.name
    if not is_read_operation(name):
        service = model.service_model.service_name
        raise ReadOnlyViolation(
            _(
                "read-only guard: {action} is not a read; checks may only read "
                "(a fix must be planned, previewed and confirmed)"
            ).format(action=f"{service}:{name}"),
            service=service,
            operation=name,
        )


def reset_sessions() -> None:
    """Forget cached sessions and clients (a new run, tests, or after the user changed credentials)."""
    with _lock:
        _sessions.clear()
        _clients.clear()


def _region_for(context: Context) -> str | None:
    """--region, then AWS_REGION/AWS_DEFAULT_REGION; None lets the profile decide."""
    return context.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def _session_key(context: Context) -> tuple[Any, ...]:
    region = _region_for(context)
    runtime_region = region_of_arn(context.runtime or "")
    return (context.profile, region, runtime_region, context.timeout, *(os.environ.get(k) for k in _ENV_KEYS))


def session_for(context: Context) -> Any:
    """A cached boto3 Session per (profile, region, relevant environment).

    Sessions are not thread-safe: only clients leave here. The key includes the
    environment that decides credentials and endpoint, so a changed
    ``AWS_ENDPOINT_URL`` or key id never reuses a stale session.
    """
    region = _region_for(context)
    key = _session_key(context)
    with _lock:
        session = _sessions.get(key)
        if session is None:
            session = _new_session(context.profile, region, context.timeout)
            if session.region_name is None and region_of_arn(context.runtime or ""):
                # Neither flag, environment nor profile names a region: the runtime ARN does.
                session = _new_session(context.profile, region_of_arn(context.runtime or ""), context.timeout)
            _sessions[key] = session
        return session


_loaders: dict[Any, Any] = {}
"""botocore data loaders by ``data_path`` (AWS_DATA_PATH or the profile's ``data_path``), shared by sessions."""


def _new_session(profile: str | None, region: str | None, timeout: float) -> Any:
    """A boto3 Session whose botocore data loader is shared with earlier sessions of the same data path, and whose
    ``credential_process`` (if the profile has one) is stopped after ``timeout`` seconds.

    Each new session (a changed environment: another sandbox, another endpoint) parsed botocore's endpoint table and
    every service model again, ~0.3 s of CPU for the first checks after it. A loader reads the same files for the
    same search path, and keeps what it read (its own cache): sharing it shares only that. Call under ``_lock``.
    """
    import boto3
    import botocore.loaders
    import botocore.session

    core = botocore.session.get_session()
    if profile is not None:
        core.set_config_variable("profile", profile)
    data_path = core.get_config_variable("data_path")  # an unknown profile raises here, as boto3 would
    loader = _loaders.get(data_path)
    if loader is None:
        loader = _loaders[data_path] = botocore.loaders.create_loader(data_path)
    core.register_component("data_loader", loader)
    session = boto3.session.Session(botocore_session=core, profile_name=profile, region_name=region)
    # boto3 adds its own data directory to the loader's search path on every session: once is enough.
    loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    bound_credential_process(core, timeout)
    return session


def client_config(timeout: float) -> Any:
    """Connect ~3 s, read ~10 s (never more than the check's own timeout), standard retries."""
    from botocore.config import Config

    return Config(
        connect_timeout=min(3.0, timeout),
        read_timeout=max(1.0, min(10.0, timeout)),
        retries={"mode": "standard", "max_attempts": 3},
        user_agent_extra="agentcore-triage",
    )


class NotAwsAnswer(RuntimeError):
    """The endpoint answered, but not like AWS: unparseable, or without members the model requires."""

    def __init__(self, message: str, *, service: str = "", operation: str = "") -> None:
        super().__init__(message)
        self.service = service
        self.operation = operation


def _check_answer(http_response: Any, parsed: Any, model: Any, **_kwargs: Any) -> None:
    """After each call: a 2xx answer must carry what the model says every answer carries.

    botocore parses an empty or foreign JSON body into an empty dict without complaint; a
    check would then read "no runtimes" from a proxy's error page. Only the top-level
    required members are checked (cheap, and real AWS always sends them).
    """
    status = getattr(http_response, "status_code", 0) or 0
    if not 200 <= status < 300 or model.output_shape is None:
        return
    service = model.service_model.service_name
    if not isinstance(parsed, dict):
        raise NotAwsAnswer(
            _("{action} answered with something that is not an AWS response").format(action=f"{service}:{model.name}")
        )
    missing = [m for m in getattr(model.output_shape, "required_members", []) if m not in parsed]
    if missing:
        raise NotAwsAnswer(
            _("{action} answered HTTP {status} without {members}, which AWS always sends").format(
                action=f"{service}:{model.name}", status=status, members=", ".join(missing)
            ),
            service=service,
            operation=model.name,
        )


def _client(context: Context, service: str, timeout: float, *, read_only: bool) -> AwsClient:
    from botocore.exceptions import NoRegionError

    key = (_session_key(context), service, _region_for(context), read_only, timeout)
    with _lock:
        cached = _clients.get(key)
    if cached is not None:
        return cached
    session = session_for(context)
    try:
        with _lock:  # client creation on a shared session is not thread-safe
            cached = _clients.get(key)
            if cached is not None:
                return cached
            client = session.client(service, config=client_config(timeout))
            client.meta.events.register("before-call.*.*", _remember, unique_id="agentcore-triage-remember-call")
            client.meta.events.register("after-call.*.*", _check_answer, unique_id="agentcore-triage-check-answer")
            if read_only:
                client.meta.events.register("before-call.*.*", _guard, unique_id="agentcore-triage-read-only-guard")
            _clients[key] = client
    except NoRegionError:
        raise NoRegion(
            _("no AWS region: give --region, set AWS_REGION, or pass the runtime as an ARN (its region is used)")
        ) from None
    return client


def read_only_client(context: Context, service: str, *, timeout: float = 10.0) -> AwsClient:
    """A client whose every non-read call raises ``ReadOnlyViolation`` before anything is sent.

    Cached per run: checks asking for the same service and region share one client (clients are
    thread-safe; sessions are not, so only clients leave this module).
    """
    return _client(context, service, timeout, read_only=True)


def writable_client(context: Context, service: str, *, timeout: float = 10.0) -> AwsClient:
    """A client that may mutate; only fixes use it, after confirmation. Never the read-only one."""
    if context.read_only:
        raise ReadOnlyViolation(_("read-only mode: no writable AWS client is handed out"))
    return _client(context, service, timeout, read_only=False)


def region_of_arn(arn: str) -> str | None:
    """The region field of an ARN, without validating the rest (botocore's runtime ARN regex is wrong)."""
    parts = arn.split(":")
    return (parts[3] or None) if len(parts) > 5 and parts[0] == "arn" else None


def account_of_arn(arn: str) -> str | None:
    parts = arn.split(":")
    return (parts[4] or None) if len(parts) > 5 and parts[0] == "arn" else None


def partition_of_arn(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 5 and parts[0] == "arn" and parts[1] else "aws"


_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com")


def region_of_url(url: str) -> str | None:
    m = _REGION_IN_HOST.search(url)
    return m.group(1) if m else None
