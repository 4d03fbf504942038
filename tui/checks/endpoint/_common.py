"""Shared plumbing of the endpoint checks: parameters, target + auth, a budgeted prober, the handshake."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Literal

from tui.checks.base import CheckContext
from tui.i18n import N_, _
from tui.registry import CheckParams
from tui.results import CheckResult, could_not_run, failed, skipped

HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")

ENDPOINT_NEEDS = ("endpoint", "runtime.arn", "runtime.region", "runtime.auth")
"""What every endpoint check needs: the URL and auth come from the runtime when one is given (``doctor``
starts these checks once ``runtime.discover`` has run)."""
HANDSHAKE_NEEDS = (*ENDPOINT_NEEDS, "endpoint.failure")
"""Checks that need a working handshake: they start after ``endpoint.initialize`` and skip when it hung."""
HUNG = frozenset({"timeout", "stalled", "sse-silent"})
"""``endpoint.failure`` causes that mean the server did not answer in time: waiting again would only repeat it."""
BLOCKED_BY = "blocked_by"
"""Evidence key of a skip because another check showed this one cannot run (not a pass: it could not run)."""


PROBE_MODULES = ("httpx", "tui.endpoint.probe", "tui.endpoint.classify", "tui.endpoint.auth", "tui.endpoint.target")
"""Imported in a worker thread before a check touches them: importing on the loop would stall every check."""


async def imported(*modules: str) -> None:
    """Import ``modules`` in a worker thread (a no-op hop when they are loaded), never on the event loop."""
    import importlib
    import sys

    def import_each() -> None:
        for name in modules:
            importlib.import_module(name)

    if not all(name in sys.modules for name in modules):
        await asyncio.to_thread(import_each)


SDK_MODULES = ("mcp", "mcp.client.streamable_http", "httpx2", "tui.endpoint.sdk")
_sdk_warming = threading.Event()


def warm_sdk() -> None:
    """The handshake worked, so ``endpoint.sdk`` will run: import the MCP SDK now, in a daemon thread."""
    import importlib

    if _sdk_warming.is_set():
        return
    _sdk_warming.set()

    def import_each() -> None:
        for name in SDK_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001, S112 - best effort; endpoint.sdk reports a real import problem
                continue

    threading.Thread(target=import_each, name="warm-sdk", daemon=True).start()


class EndpointParams(CheckParams):
    endpoint: str | None = None
    """URL to probe instead of ``--endpoint`` / the runtime's invocation URL."""
    auth: Literal["auto", "bearer", "sigv4", "none"] = "auto"
    """How to authenticate: ``auto`` picks from the runtime's authorizer, the token, or SigV4 for AgentCore."""
    probe_timeout: float | None = None
    """Seconds one probe may take (default: half of ``--timeout``)."""
    verify_tls: bool = True


class Setup:
    """Target, auth and a prober factory for one check run."""

    def __init__(
        self, ctx: CheckContext, params: EndpointParams, target: Any, auth: Any, started: float | None = None
    ) -> None:
        self.ctx = ctx
        self.params = params
        self.target = target
        self.auth = auth
        # Leave the engine's own timeout a margin, so a slow probe ends as an explained result, not "timed out".
        # Counted from the check's start (``started``), as the engine counts: set-up waits for worker threads,
        # which under load (a fleet sweep) can take seconds the probes must not get again.
        total = max(1.0, float(ctx.timeout) - max(0.5, 0.15 * float(ctx.timeout)))
        self.deadline = (time.monotonic() if started is None else started) + total
        self.probe_timeout = params.probe_timeout or max(1.0, min(float(ctx.timeout) * 0.5, 30.0))

    def prober(self, auth: Any = "default") -> Any:
        from tui.endpoint.probe import Prober

        return Prober(
            self.target.url,
            self.auth if auth == "default" else auth,
            timeout=self.probe_timeout,
            deadline=self.deadline,
            verify=self.params.verify_tls,
            shared=True,
        )

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def base_evidence(self) -> dict[str, Any]:
        data = {"target": self.target.evidence()}
        if self.auth is not None:
            data["auth"] = self.auth.describe()
        return data


async def setup(
    ctx: CheckContext, params: EndpointParams, *, with_auth: bool = True, handshake: bool = False
) -> Setup | CheckResult:
    """Resolve the target and credentials, or a ``skip`` result saying what is missing.

    ``handshake``: the check needs a working ``initialize``; when it hung, skip at once with that reason.
    """
    started = time.monotonic()
    if handshake and params.endpoint is None and ctx.facts.get("endpoint.failure") in HUNG:
        return hung_skip(ctx.facts["endpoint.failure"])
    await imported(*PROBE_MODULES)
    from tui.context import endpoint_url_problem
    from tui.endpoint.auth import build_auth
    from tui.endpoint.target import resolve_target

    # botocore resolves the data-plane URL: its first import must not stall the event loop (the probe modules and
    # httpx were imported in a thread just above, for the same reason)
    target = await asyncio.to_thread(resolve_target, ctx.context, ctx.facts, params.endpoint)
    if target is None:
        return skipped(
            _("no endpoint to probe: give --endpoint URL, or --runtime with a full runtime ARN"),
            details=_(
                "The endpoint checks need a URL. For AgentCore, "
                "`--runtime arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/ID` is enough: the invocation URL is "
                "built from it."
            ),
        )
    problem = endpoint_url_problem(target.url)
    if problem is None and params.endpoint is None:
        # the CLI refuses these before anything runs; a URL typed on the TUI's start screen arrives here unchecked
        # (two ?qualifier= or one naming no endpoint: the AWS checks would look at DEFAULT while the probes call it)
        problem = ctx.context.qualifier_problem()
    if problem is not None:
        # Probing would only produce a misleading DNS/"not HTTP" result: say what is wrong with the URL.
        summary = _("the endpoint URL {url} cannot be probed: {problem}").format(url=repr(target.url), problem=problem)
        if with_auth:  # endpoint.reachable reports it; the others point there
            return could_not_run(summary + _(" (see endpoint.reachable)"))
        return failed(summary, evidence={"target": target.evidence()})
    from tui.endpoint.destination import forbidden_destination

    refused = await forbidden_destination(target.url, timeout=min(2.0, max(0.5, float(ctx.timeout) / 4)))
    if refused is not None:
        # Checked before any connection: the metadata service's answer is the machine's own AWS credentials.
        summary = _(
            "not contacted: {reason}; agentcore-triage never sends requests to link-local or metadata addresses"
        ).format(reason=refused)
        if with_auth:
            return could_not_run(summary + _(" (see endpoint.reachable)"))
        return failed(
            summary,
            remediation=_("Use the MCP server's real URL (`--endpoint`), or the runtime ARN (`--runtime`)."),
            evidence={"target": target.evidence(), "classified": {"code": "forbidden-address", "reason": refused}},
        )
    auth = None
    if with_auth:
        auth = await asyncio.to_thread(build_auth, ctx.context, target, params.auth)
        if handshake and params.endpoint is None and unauthenticated_refusal(ctx.facts.get("endpoint.failure"), auth):
            return no_credentials_skip()
    return Setup(ctx, params, target, auth, started)


def unauthenticated_refusal(cause_code: str | None, auth: Any) -> bool:
    """The endpoint refused a request sent without credentials because none were given: the input is missing, and
    every check behind the handshake can only repeat that refusal (endpoint.auth explains it)."""
    if cause_code not in ("unauthorized", "token-missing") or auth is None:
        return False
    sent_nothing = auth.mode == "none" or (auth.problem is not None and not auth.token and not auth.credentials)
    return bool(sent_nothing)


def no_credentials_skip() -> CheckResult:
    """Not run: the endpoint wants credentials and none were given (could not run: never green)."""
    return could_not_run(
        _("the endpoint asks for credentials and none were given; see endpoint.auth"),
        details=_(
            "Give a bearer token with `--token-env VAR` or `--token-file PATH` (JWT runtimes) or AWS credentials "
            "(SigV4 runtimes)."
        ),
        evidence={BLOCKED_BY: "endpoint.auth", "cause": "no credentials given"},
    )


async def handshake(s: Setup, p: Any, *, request_id: int | str = 1) -> tuple[Any, str | None, Any, dict[str, str]]:
    """initialize (+ notifications/initialized when a session is issued).

    Returns (initialize probe, session id, cause or None, headers for later requests).
    """
    from tui.endpoint import jsonrpc
    from tui.endpoint.classify import classify

    init = await p.post("initialize", jsonrpc.initialize(request_id))
    cause = classify(init, s.target)
    if cause is not None:
        return init, None, cause, {}
    sid = init.session_id
    headers = protocol_headers(init)
    await p.post(
        "notifications/initialized",
        jsonrpc.notification("notifications/initialized"),
        session_id=sid,
        headers=headers,
    )
    return init, sid, None, headers


def protocol_headers(init: Any) -> dict[str, str]:
    """``MCP-Protocol-Version`` with the version ``init`` (an initialize probe) agreed, for every later request of
    that session, DELETE included: since 2025-06-18 clients must send it, and a server may answer 400 without it
    (the session would then be left open). Empty when the answer named no version clients speak."""
    version = (getattr(init, "result", None) or {}).get("protocolVersion")
    return {"MCP-Protocol-Version": version} if isinstance(version, str) and version in HANDSHAKE_VERSIONS else {}


async def close_sessions(p: Any, probes: list[Any], timeout: float) -> None:
    """DELETE every session the given initialize probes opened, at once (one round trip): a check that probes with
    several initialize requests must leave no session behind on a stateful server."""
    await asyncio.gather(
        *(
            p.request(
                "DELETE",
                "close session",
                b"",
                {
                    "Mcp-Session-Id": probe.session_id,
                    "Accept": "application/json, text/event-stream",
                    **protocol_headers(probe),
                },
                timeout=timeout,
            )
            # only accepted ones: mcp 2.3 names a session id on a refusal (406) too, but keeps no such session
            for probe in probes
            if probe.ok and probe.session_id
        )
    )


def declares_tools(init: Any) -> bool:
    """False only when the initialize answer has a ``capabilities`` object without ``tools``: tools are optional in
    MCP, and such a server answers ``tools/list`` with -32601 "Method not found" (unknown answers count as declared)."""
    caps = (getattr(init, "result", None) or {}).get("capabilities")
    return not isinstance(caps, dict) or "tools" in caps


def light_method(init: Any) -> str:
    """The small read-only request checks repeat: ``tools/list``, or ``ping`` (every server answers it) when the
    server declares no tools capability."""
    return "tools/list" if declares_tools(init) else "ping"


NOT_SERVED_ADVICE = N_(
    "The server lists `tools` among its capabilities but has no working tools/list handler. With the low-level "
    "`Server`, register one (`@server.list_tools()`); -32603 means the handler raised: its traceback is in the "
    "server log. A server with no tools should leave `tools` out of its capabilities instead."
)


def unserved_tools(method: str, reply: Any) -> dict[str, Any] | None:
    """The JSON-RPC error of a tools/list ``reply`` answered with HTTP 2xx (e.g. -32601 or -32603) that is not about
    the session, or None. Such a server declares tools but does not serve them: endpoint.tools reports that; checks
    that only need some request to repeat retry with ``ping`` (every server answers it) instead of blaming the
    session, the stream or the latency. Only a refused reply costs the extra request, so a healthy run pays none."""
    if method != "tools/list" or reply is None or not reply.ok or reply.result is not None:
        return None
    error = reply.rpc_error
    if error is None or "session" in str(error.get("message", "")).lower():
        return None
    return {"code": error.get("code"), "message": str(error.get("message", ""))[:200]}


def tools_list_unusable(method: str, reply: Any) -> dict[str, Any] | None:
    """Like ``unserved_tools``, and also a tools/list answer that came (HTTP 2xx) in a shape no client can use: a
    wrong ``jsonrpc`` member, or an SSE stream that sent something else (``event: error``, data that is not JSON)
    instead of the response. endpoint.tools names that fault; checks that only need some request to repeat ask
    with ``ping`` instead of reporting the same broken answer as a session, stream or latency failure."""
    unserved = unserved_tools(method, reply)
    if unserved is not None or method != "tools/list" or reply is None or reply.status is None:
        return unserved
    if not 200 <= reply.status < 300:
        return None
    from tui.endpoint.classify import classify

    cause = classify(reply)
    if cause is not None and (cause.code == "jsonrpc-version" or (reply.other_events and cause.code in UNUSABLE)):
        return {"code": cause.code, "message": cause.summary[:200]}
    return None


UNUSABLE = frozenset({"sse-no-response", "sse-silent"})
"""Probe failures that, with SSE events other than the answer seen, mean the server sent the wrong thing (not a
cut or a hang)."""


def hung_skip(cause: str) -> CheckResult:
    """Not run: the handshake already waited for this server and got no answer (could not run: never green)."""
    return could_not_run(
        _("not run: endpoint.initialize got no answer in time ({cause}); waiting again would only repeat it").format(
            cause=cause
        ),
        details=_(
            "The server did not answer the MCP handshake. Fix that first (see endpoint.initialize), "
            "or raise `--timeout` if it is just slow."
        ),
        evidence={BLOCKED_BY: "endpoint.initialize", "cause": cause},
    )


def cause_fields(cause: Any, probe: Any = None) -> dict[str, Any]:
    data = dict(cause.as_dict())
    if probe is not None:
        data["seen"] = probe.line()
    return data


def short_id(value: str | None) -> str | None:
    """A session id shortened for display."""
    if not value:
        return None
    return value if len(value) <= 12 else value[:8] + "…"


def md_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    def esc(x: str) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
