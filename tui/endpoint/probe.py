"""Raw HTTP probes: one request, the real status and body, bounded in total time.

Every probe is bounded by its own timeout from the first byte sent to the last
byte read (SSE included: the bound is on total time, not per read). The body
is read up to a cap, so a 10 MB answer cannot stall or exhaust anything.
Results keep what a person needs to see (status, key headers, body excerpt,
parsed JSON-RPC messages) and never the credentials.

Hostile endpoints are expected: redirects are followed only within the target's
origin (another origin is reported, never contacted, and its body never copied),
link-local and metadata addresses are never contacted, compressed bodies are
inflated only up to the body cap, and credential-shaped text in a body excerpt
is redacted before it is kept.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from tui.endpoint import jsonrpc
from tui.endpoint.destination import forbidden_address, forbidden_url, origin, peer_address
from tui.endpoint.inflate import Inflater
from tui.endpoint.pool import pooled_client
from tui.endpoint.sse import SseEvent, SseParser
from tui.i18n import _, ngettext, os_reason
from tui.redact import redact, redact_text

FULL_ACCEPT = "application/json, text/event-stream"
MAX_BODY = 2 * 1024 * 1024
"""Bytes read from a response at most; more is reported as a too-large body."""
MAX_SSE_EVENT = 1024 * 1024
"""The mcp client refuses SSE events larger than this (1 MiB); a bigger one is "too large", however it ends."""
MAX_REDIRECTS = 5
DRAIN_SECONDS = 0.2
"""After the answer of an SSE reply: how long the end of the stream is awaited (a server closes it right after the
answer), so the kept-alive connection can be reused; a stream still open then is closed with its connection."""
MAX_DRAIN = 64 * 1024
"""Bytes read after the answer at most (then the connection is closed instead)."""
EXCERPT = 600
_KEEP_HEADERS = (
    "content-type",
    "content-length",
    "mcp-session-id",
    "mcp-protocol-version",
    "location",
    "www-authenticate",
    "x-amzn-errortype",
    "x-amzn-requestid",
    "x-amzn-bedrock-agentcore-runtime-session-id",
    "allow",
    "server",
)
_SENT_HEADERS = ("accept", "content-type", "mcp-session-id", "mcp-protocol-version", "host", "origin")

ProbeListener = Callable[["ProbeResult"], None]
_listeners: list[ProbeListener] = []


def add_probe_listener(listener: ProbeListener) -> Callable[[], None]:
    """Call ``listener`` with every finished probe (test harnesses assert time bounds with it)."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


@dataclass
class ProbeResult:
    """What one HTTP exchange showed."""

    label: str
    method: str
    url: str
    timeout: float
    sent: dict[str, str] = field(default_factory=dict)
    """Request headers worth showing (never Authorization)."""
    request_id: Any = None
    status: int | None = None
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    """Body excerpt (decoded, at most a few hundred characters)."""
    body_bytes: int = 0
    sse: bool = False
    events: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    other_events: list[dict[str, str]] = field(default_factory=list)
    """SSE events that carry no JSON-RPC message: another event type (``event: error``; MCP clients read only
    ``message`` events) or data that is not a JSON-RPC message (``data: Internal Server Error``); excerpts."""
    error: str | None = None
    """Transport-level failure kind: dns, refused, tls-cert, tls, connect-timeout, timeout, sse-silent,
    stalled, reset, reset-mid-body, redirect-loop, cross-origin-redirect, forbidden-address, throttled,
    too-large, sse-no-response, aborted, protocol."""
    error_detail: str = ""
    elapsed: float = 0.0
    redirects: list[dict[str, Any]] = field(default_factory=list)
    aborted: bool = False
    """True when the probe deliberately stopped reading early."""

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def session_id(self) -> str | None:
        return self.headers.get("mcp-session-id")

    @property
    def response(self) -> dict[str, Any] | None:
        return jsonrpc.find_response(self.messages, self.request_id)

    @property
    def result(self) -> dict[str, Any] | None:
        resp = self.response
        value = resp.get("result") if resp else None
        return value if isinstance(value, dict) else None

    @property
    def rpc_error(self) -> dict[str, Any] | None:
        return jsonrpc.error_of(self.response) or next(
            (m["error"] for m in self.messages if isinstance(m.get("error"), dict)), None
        )

    def line(self) -> str:
        """``POST /mcp → 406 application/json`` style one-liner."""
        path = urlsplit(self.url).path or "/"
        if self.error and self.status is None:
            return redact_text(f"{self.method} {path} → {self.error}: {self.error_detail}"[:300])
        text = f"{self.method} {path} → {self.status} {self.reason}".rstrip()
        if self.content_type:
            text += f" ({self.content_type})"
        if self.error:
            text += f", then {self.error}"
        return text

    def evidence(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "probe": self.label,
            "request": f"{self.method} {self.url}",
            "sent_headers": dict(self.sent),
            "status": self.status,
            "elapsed_s": round(self.elapsed, 3),
            "timeout_s": self.timeout,
        }
        if self.headers:
            data["headers"] = {k: v for k, v in self.headers.items() if k in _KEEP_HEADERS}
        if self.body:
            data["body"] = self.body
        if self.body_bytes:
            data["body_bytes"] = self.body_bytes
        if self.sse:
            data["sse_events"] = self.events
        if self.other_events:
            data["sse_not_messages"] = self.other_events
        if self.error:
            data["error"] = self.error
            data["error_detail"] = self.error_detail
        if self.redirects:
            data["redirects"] = self.redirects
        safe: dict[str, Any] = redact(data)  # URLs with ?api_key=, reflected tokens, credential-shaped bodies
        return safe


_ssl_contexts: dict[tuple[Any, ...], Any] = {}


async def tls_context(verify: Any = True, flavour: str = "httpx") -> Any:
    """A verifying SSL context, built once in a worker thread.

    Loading a CA bundle takes tens of milliseconds of CPU; done on the event loop
    for every client it would stall every probe in flight (and their timeouts).
    """
    import os

    if verify is not True:
        return verify
    key = (flavour, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _ssl_contexts.get(key)
    if context is None:
        build: Callable[[], ssl.SSLContext]
        if flavour == "httpx2":
            import httpx2

            build = httpx2.create_ssl_context
        elif flavour == "system":
            build = ssl.create_default_context
        else:
            import httpx

            build = httpx.create_ssl_context
        context = await asyncio.to_thread(_build_once, key, build)
    return context


_ssl_building = threading.Lock()


def _build_once(key: tuple[Any, ...], build: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """Build the context for ``key`` once: concurrent first probes (a fleet sweep starts hundreds) wait for it
    instead of each loading the CA bundle, seconds of CPU together on a busy machine."""
    with _ssl_building:
        context = _ssl_contexts.get(key)
        if context is None:
            context = _ssl_contexts[key] = build()
        return context


KEEPALIVE_EXPIRY = 2.0
"""Seconds an idle pooled connection is reused: well under common server keep-alive timeouts (uvicorn 5 s), so a
probe never races a server closing an idle connection."""


def _new_client(verify: Any) -> Any:
    import http.cookiejar

    import httpx

    # Accept is left out unless a probe sets it (httpx would add */*); trust_env honours proxies/NO_PROXY.
    # Only encodings the body reader can inflate within its cap (a gzip bomb stops at MAX_BODY).
    # The client keeps no cookies: each Prober keeps its own, so probes of one check share them and checks do not.
    client = httpx.AsyncClient(
        follow_redirects=False,
        verify=verify,
        headers={"user-agent": "agentcore-triage/0.1", "accept-encoding": "gzip, deflate"},
        cookies=http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=KEEPALIVE_EXPIRY),
    )
    client.headers.pop("accept", None)
    return client


def _forbidden_peer(response: Any) -> str | None:
    """Why the address this response came from must not be read (link-local, metadata), or None."""
    peer = peer_address(response.extensions)
    return forbidden_address(peer) if peer else None


class Prober:
    """Sends probes to one target with one auth; ``async with Prober(...) as p``.

    ``shared``: inside ``tui.endpoint.pool.shared_connections()``, use the run's connection pool (kept-alive connections reused
    across checks); otherwise, or outside such a block, a client of its own, closed on exit.
    """

    def __init__(
        self,
        url: str,
        auth: Any = None,
        *,
        timeout: float = 5.0,
        deadline: float | None = None,
        verify: Any = True,
        shared: bool = False,
    ) -> None:
        self.url = url
        self.auth = auth
        self.timeout = timeout
        self.deadline = deadline
        """``time.monotonic()`` after which no probe may still run (the check's own budget)."""
        self.verify = verify
        self.shared = shared
        self._client: Any = None
        self._own_client = False
        self._cookies: Any = None
        self.history: list[ProbeResult] = []
        self.throttled: str | None = None
        """What showed the endpoint throttling us (HTTP 429 …), so a later timeout is reported as throttling."""

    async def __aenter__(self) -> Prober:
        import httpx

        verify = await tls_context(self.verify)
        self._cookies = httpx.Cookies()
        key = id(verify) if isinstance(verify, ssl.SSLContext) else verify
        self._client = pooled_client(key, lambda: _new_client(verify)) if self.shared else None
        if self._client is None:
            self._client, self._own_client = _new_client(verify), True
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._client is not None and self._own_client:
            try:
                await asyncio.wait_for(self._client.aclose(), 1.0)
            except (TimeoutError, Exception):  # noqa: BLE001 - closing must not fail a check
                pass

    def budget(self, timeout: float | None = None) -> float:
        t = self.timeout if timeout is None else timeout
        if self.deadline is not None:
            t = min(t, max(0.2, self.deadline - time.monotonic()))
        return round(t, 3)

    async def post(
        self,
        label: str,
        message: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        accept: str | None = FULL_ACCEPT,
        content_type: str | None = "application/json",
        session_id: str | None = None,
        timeout: float | None = None,
        stop_after_bytes: int | None = None,
        use_auth: bool = True,
    ) -> ProbeResult:
        """POST a JSON-RPC message (or raw bytes); ``None`` for accept/content_type leaves the header out."""
        body = raw if raw is not None else jsonrpc.dumps(message)
        hdrs: dict[str, str] = {}
        if accept is not None:
            hdrs["Accept"] = accept
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        if session_id:
            hdrs["Mcp-Session-Id"] = session_id
        hdrs.update(headers or {})
        request_id = message.get("id") if isinstance(message, dict) else None
        return await self.request(
            "POST",
            label,
            body,
            hdrs,
            request_id=request_id,
            timeout=timeout,
            stop_after_bytes=stop_after_bytes,
            use_auth=use_auth,
        )

    async def request(
        self,
        method: str,
        label: str,
        body: bytes,
        headers: dict[str, str],
        *,
        request_id: Any = None,
        timeout: float | None = None,
        stop_after_bytes: int | None = None,
        use_auth: bool = True,
    ) -> ProbeResult:
        t = self.budget(timeout)
        result = ProbeResult(label=label, method=method, url=self.url, timeout=t, request_id=request_id)
        result.sent = {k: v for k, v in headers.items() if k.lower() in _SENT_HEADERS}
        if use_auth and self.auth is not None and getattr(self.auth, "mode", "none") != "none":
            result.sent["auth"] = self.auth.mode
        started = time.monotonic()
        state: dict[str, Any] = {"phase": "connect"}
        try:
            async with asyncio.timeout(t) as bound:
                state["ends"] = bound.when()
                await self._exchange(method, body, headers, result, state, stop_after_bytes, use_auth)
        except TimeoutError:
            _timeout_kind(result, state, t)
        except Exception as exc:  # noqa: BLE001 - every transport failure becomes an explained result
            _transport_error(result, exc, state)
        if result.status == 429 or (result.status == 503 and "retry-after" in result.headers):
            self.throttled = f"HTTP {result.status}" + (
                f", Retry-After {result.headers['retry-after'][:20]}" if "retry-after" in result.headers else ""
            )
        if result.error in ("timeout", "stalled", "sse-silent") and self.throttled:
            result.error_detail = result.error_detail + _("; the endpoint was throttling ({why})").format(
                why=self.throttled
            )
            result.error = "throttled"
        # Up to the answer: reading the end of an SSE stream afterwards (to reuse the connection) is not its time.
        result.elapsed = state.get("answered_at", time.monotonic()) - started
        self.history.append(result)
        for listener in list(_listeners):
            listener(result)
        return result

    async def _exchange(
        self,
        method: str,
        body: bytes,
        headers: dict[str, str],
        result: ProbeResult,
        state: dict[str, Any],
        stop_after_bytes: int | None,
        use_auth: bool,
    ) -> None:
        import httpx

        url = self.url
        seen = {url}
        for _hop in range(MAX_REDIRECTS + 1):
            refused = forbidden_url(url)
            if refused:
                result.error, result.error_detail = (
                    "forbidden-address",
                    _("not contacted: {reason}").format(reason=refused),
                )
                return
            send = dict(headers)
            if use_auth and self.auth is not None and _same_origin(url, self.url):
                send = self.auth.headers_for(method, url, send, body)
            state["phase"] = "connect"
            request = self._client.build_request(
                method, url, content=body, headers=send, timeout=httpx.Timeout(self.timeout + 0.5)
            )
            if "accept" not in {k.lower() for k in send}:
                request.headers.pop("accept", None)
            # The cookie jar only when there is something to do: httpx's cookie handling builds a urllib request
            # and walks the jar's policy each time (~5 % of a doctor run's CPU), and an empty jar adds no header,
            # an answer without Set-Cookie adds no cookie.
            if self._cookies:
                self._cookies.set_cookie_header(request)
            response = await self._client.send(request, stream=True)
            if "set-cookie" in response.headers or "set-cookie2" in response.headers:
                self._cookies.extract_cookies(response)
            try:
                refused = _forbidden_peer(response)
                if refused:
                    # The name was judged before connecting, but DNS may answer differently now (rebinding): the
                    # address actually connected to is judged again, and its answer is never read.
                    result.error, result.error_detail = (
                        "forbidden-address",
                        _("answer not read: the connection reached {reason}").format(reason=refused),
                    )
                    return
                state["phase"] = "headers"
                if response.status_code in (301, 302, 303, 307, 308) and response.headers.get("location"):
                    location = urljoin(url, response.headers["location"])
                    if not _same_origin(location, self.url):
                        # Never follow: the other origin gets no request, and its body never reaches evidence.
                        where = origin(location)
                        refused = forbidden_url(location)
                        result.redirects.append(
                            {"status": response.status_code, "location": location, "origin": where, "followed": False}
                        )
                        result.status = response.status_code
                        result.reason = response.reason_phrase or ""
                        result.headers = {k.lower(): v for k, v in response.headers.items()}
                        result.error = "cross-origin-redirect"
                        result.error_detail = _("HTTP {status} to another origin, {origin}; not followed").format(
                            status=response.status_code, origin=where
                        ) + (f" ({refused})" if refused else "")
                        return
                    result.redirects.append({"status": response.status_code, "location": location})
                    if location in seen:
                        result.status = response.status_code
                        result.headers = {k.lower(): v for k, v in response.headers.items()}
                        result.error = "redirect-loop"
                        result.error_detail = ngettext(
                            "redirected back to {location} after {count} redirect",
                            "redirected back to {location} after {count} redirects",
                            len(result.redirects),
                        ).format(location=location, count=len(result.redirects))
                        return
                    seen.add(location)
                    if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                        method, body = "GET", b""
                        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                    url = location
                    continue
                await self._read(response, result, state, stop_after_bytes)
                return
            finally:
                await response.aclose()
        result.error = "redirect-loop"
        result.error_detail = _("more than {count} redirects").format(count=MAX_REDIRECTS)

    async def _read(
        self, response: Any, result: ProbeResult, state: dict[str, Any], stop_after_bytes: int | None
    ) -> None:
        result.status = response.status_code
        result.reason = response.reason_phrase or ""
        result.headers = {k.lower(): v for k, v in response.headers.items()}
        if result.redirects:
            result.url = str(response.url)
        ctype = result.content_type
        result.sse = ctype == "text/event-stream"
        declared = result.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            result.body_bytes = int(declared)
            result.error, result.error_detail = (
                "too-large",
                _("Content-Length {size} bytes (over {limit})").format(
                    size=f"{int(declared):,}", limit=f"{MAX_BODY:,}"
                ),
            )
            return
        state["phase"] = "sse-wait" if result.sse else "body"
        parser = SseParser() if result.sse else None
        chunks: list[bytes] = []
        size = 0
        if stop_after_bytes == 0:
            result.aborted = True  # hang up right after the headers, mid-stream
            return
        inflate = Inflater.for_encoding(result.headers.get("content-encoding", ""))
        if inflate is None:
            result.error = "protocol"
            result.error_detail = _("Content-Encoding {encoding}, which was not asked for").format(
                encoding=repr(result.headers.get("content-encoding"))
            )
            return
        answered = False
        drained = 0
        try:
            async with asyncio.timeout(None) as drain:
                async for chunk in inflate.stream(response.aiter_raw(), MAX_BODY):
                    if answered:  # only the end of the stream, read so the connection can serve the next probe
                        drained += len(chunk)
                        if drained > MAX_DRAIN:
                            break
                        continue
                    size += len(chunk)
                    result.body_bytes = size
                    if size <= MAX_BODY:
                        chunks.append(chunk)
                    else:
                        result.error, result.error_detail = (
                            "too-large",
                            _("body over {limit} bytes; stopped reading").format(limit=f"{MAX_BODY:,}"),
                        )
                        break
                    if stop_after_bytes is not None and size >= stop_after_bytes:
                        result.aborted = True
                        break
                    if parser is not None:
                        events = parser.feed(chunk)
                        if parser.open_event_chars > MAX_SSE_EVENT or any(len(e.data) > MAX_SSE_EVENT for e in events):
                            result.error = "too-large"
                            result.error_detail = _(
                                "an SSE event over {limit} bytes (the mcp client refuses events over 1 MiB)"
                            ).format(limit=f"{MAX_SSE_EVENT:,}")
                            break
                        for event in events:
                            result.events += 1
                            state["phase"] = "sse-more"
                            _take_event(result, event)
                        if result.request_id is not None:
                            answer = jsonrpc.find_response(result.messages, result.request_id)
                            if answer is not None and answer.get("id") == result.request_id:
                                # The answer is in; nothing after it is kept (the SDK stops here too). The rest of
                                # the stream (its end, normally) is read for a moment so the connection is reused.
                                # Never past the probe's own bound: an answered probe must not end as a timeout.
                                answered = True
                                state["answered_at"] = time.monotonic()
                                until = asyncio.get_running_loop().time() + DRAIN_SECONDS
                                if state.get("ends") is not None:
                                    until = min(until, state["ends"] - 0.05)
                                drain.reschedule(until)
        except Exception:  # noqa: BLE001 - after the answer, a cut or slow end of the stream changes nothing
            if not answered:
                raise
        raw = b"".join(chunks)
        text = raw.decode("utf-8", errors="replace")
        result.body = _excerpt(text)
        if inflate.error:
            result.error, result.error_detail = "protocol", inflate.error
        if parser is not None:
            if not result.aborted and result.error is None:
                for event in parser.flush():
                    result.events += 1
                    _take_event(result, event)
                if result.request_id is not None and not jsonrpc.find_response(result.messages, result.request_id):
                    if result.events == 0:
                        result.error, result.error_detail = (
                            "sse-no-response",
                            _("the SSE stream ended without any event"),
                        )
                    elif result.other_events:
                        result.error, result.error_detail = "sse-no-response", _instead_of_response(result)
                    else:
                        result.error, result.error_detail = (
                            "sse-no-response",
                            ngettext(
                                "the SSE stream ended after {count} event without the response",
                                "the SSE stream ended after {count} events without the response",
                                result.events,
                            ).format(count=result.events),
                        )
        elif result.error is None:
            result.messages = jsonrpc.messages_from_json(text)


MAX_OTHER_EVENTS = 5
"""SSE events without a JSON-RPC message kept for evidence (a stream of them is summed up by the first few)."""


def _take_event(result: ProbeResult, event: SseEvent) -> None:
    """File one SSE event: its JSON-RPC messages, or, when it carries none, an excerpt of what it carried.

    Only ``message`` events (the default type) hold JSON-RPC messages: the mcp and TypeScript clients ignore every
    other type, so a response sent as ``event: error`` never reaches them. An empty ``data:`` is a priming event
    (an id to resume from), not a fault."""
    if event.event == "message":
        if not event.data.strip():
            return
        found = jsonrpc.messages_from_json(event.data)
        if found:
            result.messages.extend(found)
            return
    if len(result.other_events) < MAX_OTHER_EVENTS:
        result.other_events.append({"event": event.event[:40], "data": redact_text(event.data.strip()[:160])})


def _instead_of_response(result: ProbeResult) -> str:
    """The end of a stream without the response, naming the first event that came instead."""
    first = result.other_events[0]
    shown = f"`{first['data'][:120]}`" if first["data"] else _("no data")
    if first["event"] != "message":
        return _(
            "the SSE stream ended without the response: it sent an `event: {event}` event ({data}) instead, and "
            "MCP clients read only `message` events"
        ).format(event=first["event"], data=shown)
    return _("the SSE stream ended without the response: an event's data is not a JSON-RPC message ({data})").format(
        data=shown
    )


def _excerpt(text: str) -> str:
    """The start of a body, credential-shaped text redacted (before cutting, so no secret is cut into an unknown shape)."""
    text = text.strip()
    if len(text) <= EXCERPT:
        return redact_text(text)
    return redact_text(text[: EXCERPT * 4])[:EXCERPT] + f"… ({len(text):,} characters)"


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)


def _timeout_kind(result: ProbeResult, state: dict[str, Any], t: float) -> None:
    phase = state.get("phase")
    if result.status == 429:
        result.error = "throttled"
        result.error_detail = _(
            "HTTP 429 Too Many Requests, and the rest of the answer did not come within {seconds} s"
        ).format(seconds=f"{t:g}")
        return
    if phase == "sse-wait" and result.body_bytes:
        result.error = "sse-silent"
        result.error_detail = _(
            "the SSE stream sent {size} bytes without completing one event within {seconds} s"
        ).format(size=f"{result.body_bytes:,}", seconds=f"{t:g}")
        return
    if phase == "connect":
        result.error, result.error_detail = "timeout", _("no response within {seconds} s").format(seconds=f"{t:g}")
    elif phase == "headers":
        result.error, result.error_detail = (
            "timeout",
            _("headers arrived but no body within {seconds} s").format(seconds=f"{t:g}"),
        )
    elif phase == "sse-wait":
        result.error = "sse-silent"
        result.error_detail = _("the SSE stream opened (HTTP {status}) but sent no event within {seconds} s").format(
            status=result.status, seconds=f"{t:g}"
        )
    elif phase == "sse-more":
        result.error = "sse-silent"
        result.error_detail = ngettext(
            "the SSE stream sent {count} event but not the response within {seconds} s",
            "the SSE stream sent {count} events but not the response within {seconds} s",
            result.events,
        ).format(count=result.events, seconds=f"{t:g}")
        if result.other_events:
            first = result.other_events[0]
            result.error_detail += _("; the first without a JSON-RPC message: `event: {event}` ({data})").format(
                event=first["event"], data=f"`{first['data'][:120]}`"
            )
    else:
        result.error = "stalled"
        result.error_detail = _("the body stopped after {size} bytes; nothing more within {seconds} s").format(
            size=f"{result.body_bytes:,}", seconds=f"{t:g}"
        )


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def _transport_error(result: ProbeResult, exc: Exception, state: dict[str, Any]) -> None:
    import socket

    import httpx

    chain = _chain(exc)
    text = f"{type(exc).__name__}: {exc}".strip()
    for e in chain:
        if isinstance(e, socket.gaierror):
            result.error, result.error_detail = (
                "dns",
                _("name does not resolve ({error})").format(error=os_reason(e)),
            )
            return
        if isinstance(e, ssl.SSLCertVerificationError):
            result.error, result.error_detail = (
                "tls-cert",
                _("certificate not accepted: {error}").format(error=e.verify_message or e),
            )
            return
        if isinstance(e, ssl.SSLError):
            result.error, result.error_detail = "tls", _("TLS handshake failed: {error}").format(error=e.reason or e)
            return
        if isinstance(e, ConnectionRefusedError):
            result.error, result.error_detail = "refused", _("connection refused (nothing listens on that port)")
            return
    if isinstance(exc, httpx.ConnectTimeout):
        result.error, result.error_detail = "connect-timeout", _("TCP connect timed out")
    elif isinstance(exc, httpx.ConnectError):
        low = str(exc).lower()
        if "name or service" in low or "nodename" in low or "getaddrinfo" in low or "name resolution" in low:
            result.error, result.error_detail = "dns", _("name does not resolve ({error})").format(error=exc)
        elif "certificate" in low:
            result.error, result.error_detail = "tls-cert", str(exc)
        elif "refused" in low or "all connection attempts failed" in low:
            result.error, result.error_detail = "refused", _("connection refused ({error})").format(error=exc)
        else:
            result.error, result.error_detail = "connect", text
    elif isinstance(exc, httpx.TimeoutException):
        _timeout_kind(result, state, result.timeout)
    elif isinstance(exc, httpx.RemoteProtocolError):
        if state.get("phase") == "connect" or result.status is None:
            result.error, result.error_detail = (
                "reset",
                _("the server closed the connection without a response ({error})").format(error=exc),
            )
        else:
            result.error, result.error_detail = (
                "reset-mid-body",
                _("the connection was cut in the middle of the body ({error})").format(error=exc),
            )
    elif isinstance(exc, (httpx.ReadError, httpx.WriteError, ConnectionResetError)):
        if result.status is None:
            result.error, result.error_detail = (
                "reset",
                _("the connection was reset before a response ({error})").format(error=text),
            )
        else:
            result.error, result.error_detail = (
                "reset-mid-body",
                _("the connection was reset mid-body ({error})").format(error=text),
            )
    elif isinstance(exc, httpx.HTTPError):
        result.error, result.error_detail = "protocol", text
    else:
        result.error, result.error_detail = "unexpected", text
