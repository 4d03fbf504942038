"""End to end with the official ``mcp`` client: classic handshake + tools/list, and a readable cause when it fails."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import AsyncGenerator, Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.endpoint.destination import forbidden_address, peer_address
from tui.i18n import _
from tui.redact import redact_text

if TYPE_CHECKING:
    import httpx2

    from tui.endpoint.auth import Auth

LIBRARY_LOGGERS = ("mcp", "httpx2", "httpcore2")
"""Loggers of the libraries the official client runs on; during a run their records go to the check's evidence."""
MAX_LOG_RECORDS = 20
MAX_TOOL_PAGES = 10
"""list_tools pages followed through ``nextCursor``: a server that returns a cursor forever stops here."""
SDK_MAX_BODY = 8 * 1024 * 1024
"""Bytes (inflated) the official client may read from one response; a 100 MB body or a gzip bomb stops here."""


def _capped_stream_class() -> Any:
    import httpx2

    from tui.endpoint.inflate import Inflater

    class CappedStream(httpx2.AsyncByteStream):
        """A response body inflated by us, within ``SDK_MAX_BODY`` (httpx2 would inflate all of it in memory)."""

        def __init__(self, raw: Any, inflater: Inflater) -> None:
            self._raw = raw
            self._inflater = inflater

        async def __aiter__(self) -> Any:
            async for chunk in self._inflater.stream(self._raw, SDK_MAX_BODY):
                yield chunk
            if self._inflater.over_cap:
                raise httpx2.ReadError(f"response body over {SDK_MAX_BODY:,} bytes; agentcore-triage stopped reading")
            if self._inflater.error:
                raise httpx2.DecodingError(self._inflater.error)

        async def aclose(self) -> None:
            await self._raw.aclose()

    return CappedStream


async def _cap_response(response: Any) -> None:
    """httpx2 response hook: bound what the mcp client can read (it reads JSON bodies whole, on the event loop)."""
    import httpx2

    from tui.endpoint.inflate import Inflater

    peer = peer_address(response.extensions)
    refused = forbidden_address(peer) if peer else None
    if refused:  # DNS rebinding: the name was judged before connecting; the address reached is judged here
        raise httpx2.ConnectError(
            _("answer not read: the connection reached {reason}").format(reason=refused), request=response.request
        )
    encoding = response.headers.get("content-encoding", "")
    inflater = Inflater.for_encoding(encoding)
    if inflater is None:
        raise httpx2.DecodingError(f"Content-Encoding {encoding!r}, which was not asked for", request=response.request)
    for name in ("content-encoding", "content-length"):  # the body below is already decoded
        if name in response.headers:
            del response.headers[name]
    response.stream = _capped_stream_class()(response.stream, inflater)


@dataclass
class SdkOutcome:
    ok: bool = False
    protocol_version: str | None = None
    server_name: str | None = None
    server_version: str | None = None
    tools: list[str] = field(default_factory=list)
    tool_pages: int = 0
    """tools/list pages read (``nextCursor`` followed up to ``MAX_TOOL_PAGES``)."""
    tools_more: bool = False
    """True when the last page read still carried a ``nextCursor``: the server offers more tools than counted."""
    tools_declared: bool = True
    """False when the initialize answer has no ``tools`` capability: then ``ping`` is sent instead of ``list_tools``."""
    error: str | None = None
    """One readable line: the innermost real exception."""
    error_type: str | None = None
    error_code: int | None = None
    chain: list[str] = field(default_factory=list)
    """Every exception found while unwrapping groups, outermost first."""
    elapsed: float = 0.0
    timed_out: bool = False
    stage: str = "connect"
    library_log: list[str] = field(default_factory=list)
    """What the ``mcp`` library logged during the run (redacted, one line each): never printed to stderr."""


_capture: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("sdk_log_capture", default=None)
_capture_lock = threading.Lock()
_capture_users = 0
_saved_propagate: dict[str, bool] = {}


class _RouteToCapture(logging.Handler):
    """Puts each library record into the capture list of the run it belongs to (the task's context).

    The mcp client logs tracebacks of invalid replies, reflected tokens included; they belong in the check's
    evidence, redacted, not on the user's terminal.
    """

    def emit(self, record: logging.LogRecord) -> None:
        sink = _capture.get()
        line = _record_line(record)
        if sink is not None:
            if len(sink) < MAX_LOG_RECORDS:
                sink.append(line)
            elif len(sink) == MAX_LOG_RECORDS:
                sink.append("… more records not kept")
            return
        # A record outside any run (another thread, teardown after the run): pass it on, redacted.
        if record.levelno >= logging.WARNING:
            logging.getLogger("tui.endpoint.sdk").log(record.levelno, "%s", line)


_ROUTER = _RouteToCapture(level=logging.DEBUG)


def _record_line(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string must not break the check
        message = str(record.msg)
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        message += f" ({type(exc).__name__}: {str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ''})"
    return redact_text(f"{record.levelname} {record.name}: {message}")[:600]


@contextlib.contextmanager
def captured_library_log(sink: list[str]) -> Iterator[None]:
    """Route the client libraries' log records into ``sink`` (redacted) and keep them off stderr meanwhile."""
    global _capture_users
    with _capture_lock:
        if _capture_users == 0:
            for name in LIBRARY_LOGGERS:
                logger = logging.getLogger(name)
                _saved_propagate[name] = logger.propagate
                logger.propagate = False
                logger.addHandler(_ROUTER)
        _capture_users += 1
    token = _capture.set(sink)
    try:
        yield
    finally:
        _capture.reset(token)
        with _capture_lock:
            _capture_users -= 1
            if _capture_users == 0:
                for name in LIBRARY_LOGGERS:
                    logger = logging.getLogger(name)
                    logger.removeHandler(_ROUTER)
                    logger.propagate = _saved_propagate.pop(name, True)


def leaf_exceptions(exc: BaseException) -> list[BaseException]:
    """The non-group exceptions inside (nested) ``ExceptionGroup``s, depth first."""
    if isinstance(exc, BaseExceptionGroup):
        leaves: list[BaseException] = []
        for sub in exc.exceptions:
            leaves.extend(leaf_exceptions(sub))
        return leaves
    return [exc]


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}: {text}" if text else type(exc).__name__


def unwrap(exc: BaseException) -> tuple[str, str, int | None, list[str]]:
    """One readable cause for an exception tree: (text, type name, MCP error code, chain)."""
    chain: list[str] = []

    def walk(e: BaseException, depth: int) -> None:
        if isinstance(e, BaseExceptionGroup):
            chain.append(f"{'  ' * depth}{type(e).__name__}: {e.message} ({len(e.exceptions)} sub-exception(s))")
            for sub in e.exceptions:
                walk(sub, depth + 1)
        else:
            chain.append(f"{'  ' * depth}{_describe(e)}")

    walk(exc, 0)
    leaves = [
        e for e in leaf_exceptions(exc) if not isinstance(e, (asyncio.CancelledError, GeneratorExit))
    ] or leaf_exceptions(exc)

    # Prefer an MCP error or a transport error over secondary teardown noise.
    def rank(e: BaseException) -> int:
        name = type(e).__name__
        if name == "MCPError":
            return 0
        if "httpx" in type(e).__module__ or isinstance(e, (OSError, TimeoutError)):
            return 1
        if "ClosedResource" in name or "BrokenResource" in name:
            return 3
        return 2

    leaf = sorted(leaves, key=rank)[0]
    # an MCPError carries the JSON-RPC error as ``.error``; other exceptions may carry a bare ``.code``
    error_code = getattr(getattr(leaf, "error", None), "code", None)
    leaf_code = getattr(leaf, "code", None)
    code = error_code if isinstance(error_code, int) else leaf_code if isinstance(leaf_code, int) else None
    text = str(leaf).strip() or type(leaf).__name__
    errors = getattr(leaf, "errors", None)
    if type(leaf).__name__ == "ValidationError" and callable(errors):  # pydantic: the fields, not "1 validation error"
        try:
            found = [e for e in errors()[:3] if isinstance(e, dict)]
            text = (
                "; ".join(
                    f"{'.'.join(str(x) for x in e.get('loc', ())) or '(root)'}: {e.get('msg', '')}" for e in found
                )
                or text
            )
        except Exception:  # noqa: BLE001 - keep the plain text
            pass
    return text.splitlines()[0][:300], type(leaf).__name__, code, chain


def _sigv4_auth(auth: Auth) -> httpx2.Auth:
    """httpx2 auth that signs each request with SigV4 (the body is part of the signature)."""
    import httpx2

    def sign(request: httpx2.Request) -> httpx2.Request:
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("authorization", "x-amz-date", "x-amz-security-token")
        }
        signed = auth.headers_for(request.method, str(request.url), headers, request.content or b"")
        for key, value in signed.items():
            request.headers[key] = value
        return request

    class SigV4Auth(httpx2.Auth):
        requires_request_body = True
        requires_response_body = False

        def sync_auth_flow(  # pragma: no cover - async client only
            self, request: httpx2.Request
        ) -> Generator[httpx2.Request, httpx2.Response, None]:
            yield sign(request)

        async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
            yield sign(request)

        def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
            yield sign(request)

    return SigV4Auth()


def import_client_modules() -> None:
    """Import the official client and its HTTP stack (call it off the event loop)."""
    import httpx2  # noqa: F401
    import mcp  # noqa: F401
    import mcp.client.streamable_http  # noqa: F401


async def run_sdk(
    url: str, auth: Auth | None, timeout: float, extra_headers: dict[str, str] | None = None
) -> SdkOutcome:
    """Legacy handshake (``ClientSession.initialize``) + ``list_tools`` with the official client, bounded by ``timeout``."""
    # The first import of mcp takes seconds: on the loop it stalled the node's other probes past their
    # timeouts ("initialize fails (timeout)" while endpoint.initialize had passed). Import it in a thread.
    await asyncio.to_thread(import_client_modules)
    import httpx2
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp_types import PaginatedRequestParams

    outcome = SdkOutcome()
    headers = {"Accept-Encoding": "gzip, deflate", **(extra_headers or {})}
    httpx_auth = None
    if auth is not None and auth.mode == "bearer" and auth.token:
        headers["Authorization"] = f"Bearer {auth.token}"
    elif auth is not None and auth.mode == "sigv4" and auth.credentials is not None:
        httpx_auth = _sigv4_auth(auth)
    started = time.monotonic()

    from tui.endpoint.probe import tls_context

    verify = await tls_context(True, "httpx2")

    async def go() -> None:
        async with (
            httpx2.AsyncClient(
                headers=headers,
                timeout=httpx2.Timeout(timeout, read=timeout),
                auth=httpx_auth,
                verify=verify,
                event_hooks={"response": [_cap_response]},
            ) as hc,
            streamable_http_client(url, http_client=hc) as (read, write),
            ClientSession(read, write) as session,
        ):
            outcome.stage = "initialize"
            init = await session.initialize()
            outcome.protocol_version = str(init.protocol_version) if hasattr(init, "protocol_version") else None
            info = getattr(init, "server_info", None)
            outcome.server_name = getattr(info, "name", None)
            outcome.server_version = getattr(info, "version", None)
            if getattr(getattr(init, "capabilities", None), "tools", True) is None:
                # Tools are optional in MCP: a server without the capability answers list_tools with -32601.
                outcome.tools_declared = False
                outcome.stage = "ping"
                await session.send_ping()
            else:
                outcome.stage = "tools/list"
                listed = await session.list_tools()
                outcome.tools = [t.name for t in listed.tools]
                outcome.tool_pages = 1
                while listed.next_cursor and outcome.tool_pages < MAX_TOOL_PAGES:
                    listed = await session.list_tools(params=PaginatedRequestParams(cursor=listed.next_cursor))
                    outcome.tools.extend(t.name for t in listed.tools)
                    outcome.tool_pages += 1
                outcome.tools_more = bool(listed.next_cursor)
            outcome.stage = "close"
        outcome.ok = True

    try:
        with captured_library_log(outcome.library_log):
            async with asyncio.timeout(timeout):
                await go()
    except TimeoutError:
        outcome.timed_out = True
        outcome.ok = False
        outcome.error = _("no answer within {seconds} s during {stage}").format(
            seconds=f"{timeout:.1f}", stage=outcome.stage
        )
        outcome.error_type = "TimeoutError"
    except asyncio.CancelledError:
        raise
    except BaseException as exc:  # noqa: BLE001 - ExceptionGroups included
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        if outcome.stage == "close" and outcome.tools is not None and outcome.protocol_version:
            outcome.ok = True  # the work was done; teardown noise only
        text, etype, code, chain = unwrap(exc)
        if not outcome.ok:  # exception texts may quote the reply, a reflected token included
            outcome.error, outcome.error_type, outcome.error_code = redact_text(text), etype, code
        outcome.chain = [redact_text(line) for line in chain]
    outcome.elapsed = time.monotonic() - started
    from tui.endpoint import probe as _probe

    record = _probe.ProbeResult(label="mcp client (initialize + list_tools)", method="SDK", url=url, timeout=timeout)
    record.elapsed, record.error = outcome.elapsed, (None if outcome.ok else outcome.error_type)
    for listener in list(_probe._listeners):
        listener(record)
    return outcome
