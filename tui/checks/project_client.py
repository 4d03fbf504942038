"""Checks on the project's MCP client code (``my_mcp_client_remote*.py`` and any file using the mcp client).

The guide's client advice breaks things: a client-chosen ``Mcp-Session-Id`` (a stateful server rejects it), the
UUID monkeypatch of ``JSONRPCMessage`` (id 0 becomes "0" on mcp 1.12 clients; on 2.x the patch itself raises),
``initialize`` with ``"params": {}`` (-32602), and 1.x client APIs that mcp 2.x removed.
"""

from __future__ import annotations

from tui.checks.base import CheckContext
from tui.checks.project import ProjectParams
from tui.files import user_path
from tui.i18n import N_, _, ngettext
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned

NO_CLIENT = N_("no MCP client code in the project ({pattern} or a file importing {module})")
SESSION_HEADER = "Mcp-Session-Id"


def _clients(params: ProjectParams):  # type: ignore[no-untyped-def]
    from tui.project.client_scan import client_files

    return client_files(params.dir)


def _rel(params: ProjectParams, path) -> str:  # type: ignore[no-untyped-def]
    from pathlib import Path

    try:
        return str(Path(path).relative_to(user_path(params.dir)))
    except ValueError:
        return str(path)


def _findings(params: ProjectParams, attr: str, none_found: str) -> tuple[list[str], str, CheckResult | None]:
    """Where the client code has findings of one kind (``attr`` of each client file), in English (the evidence), and
    the first in the current language (the summary); or the result when it has none: skipped without client code,
    passed (``none_found`` with ``{files}``, how many were read, and ``{header}``) without one."""
    clients = _clients(params)
    if not clients:
        return [], "", skipped(_(NO_CLIENT).format(pattern="my_mcp_client_remote*.py", module="mcp.client"))
    located = [(f"{_rel(params, c.path)}:{f.line}: ", f) for c in clients for f in getattr(c, attr)]
    if located:
        where, first = located[0]
        return [where + f.what for where, f in located], where + first.shown(), None
    files = ngettext("{count} client file", "{count} client files", len(clients)).format(count=len(clients))
    return [], "", passed(_(none_found).format(files=files, header=SESSION_HEADER))


def _client_mcp(params: ProjectParams) -> tuple[str | None, bool]:
    """(the mcp requirement as written, whether it installs mcp 2.x)."""
    from tui.project.scan import admits, scan_project

    scan = scan_project(params.dir)
    req = scan.requirement("mcp")
    if req is None:
        return None, True  # unpinned or not listed: pip install mcp gives the latest, 2.x
    return req.text.strip(), admits(req.specifier, "2.3.0")


@check(
    "project.client_session_header",
    title="The client does not choose its own Mcp-Session-Id",
    severity=Severity.HIGH,
    params=ProjectParams,
    needs=("project",),
    remediation="Remove the Mcp-Session-Id header: the server (or AgentCore) issues the id on initialize and the SDK "
    "client sends it back by itself.",
)
def client_session_header(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """Stateful server + client-chosen Mcp-Session-Id: the server rejects an id it never issued (400 on mcp 1.12, 404 "Session not found" later)."""
    from tui.project.scan import scan_project

    found, place, verdict = _findings(params, "session_headers", N_("{files}: no hand-made {header}"))
    if verdict is not None:
        return verdict
    server = scan_project(params.dir).server
    known = server is not None and server.server_var is not None
    given, stateless = server.setting("stateless_http") if known else (False, None)  # type: ignore[union-attr]
    evidence = {"findings": found, "server_stateless_http": stateless if given else None}
    if given and stateless is True:
        return warned(
            _(
                "{place}: the client sets {header} itself; the stateless server ignores it, a stateful one would "
                "reject it"
            ).format(place=place, header=SESSION_HEADER),
            evidence=evidence,
        )
    if not known or (given and stateless is not False):
        return warned(
            _(
                "{place}: the client sets {header} itself; a stateful server rejects an id it never issued "
                "(whether this server is stateful could not be read from the project)"
            ).format(place=place, header=SESSION_HEADER),
            evidence=evidence,
        )
    return failed(
        _(
            "stateful server + client-chosen {header} ({place}): the server rejects an id it never issued "
            "(400 {rejected_112} on mcp 1.12, 404 {rejected_later} on later versions)"
        ).format(
            header=SESSION_HEADER,
            place=place,
            rejected_112='"No valid session ID provided"',
            rejected_later='"Session not found"',
        ),
        details=_(
            "A stateful server ({setting}) creates the session on `initialize` and returns its id; a request "
            "carrying any other id is refused. The guide's `{header}: session-<time>` therefore breaks the very "
            "first call. Drop the header, or run the server stateless (fix `project.stateless`)."
        ).format(
            setting="`stateless_http=False`" if given else _("`stateless_http` not set, so stateful"),
            header=SESSION_HEADER,
        ),
        evidence=evidence,
    )


@check(
    "project.client_uuid_patch",
    title="The client does not monkeypatch JSONRPCMessage for UUID ids",
    severity=Severity.HIGH,
    params=ProjectParams,
    needs=("project",),
    remediation="Delete the patch (and `fix_uuid_format`): neither MCP nor AgentCore needs UUID ids.",
)
def client_uuid_patch(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """The guide's `JSONRPCMessage.model_validate_json` patch: id 0 becomes "0" on 1.12 clients; on 2.x the assignment raises."""
    found, place, verdict = _findings(params, "uuid_patches", N_("{files}: no JSONRPCMessage patch"))
    if verdict is not None:
        return verdict
    requirement, v2 = _client_mcp(params)
    if v2:
        effect = _(
            "on mcp 2.x `JSONRPCMessage` is a type union and the assignment raises {error} before anything is sent"
        ).format(error="`AttributeError: 'types.UnionType' object has no attribute 'model_validate_json'`")
    else:
        effect = _(
            'on mcp 1.x clients (1.12) it quotes every bare id, so the answer to request id 0 comes back as "0", '
            "matches no pending request, and the client waits until it times out"
        )
    return failed(
        _("{place}: the guide's UUID monkeypatch; {effect}").format(place=place, effect=effect),
        evidence={"findings": found, "mcp_requirement": requirement},
    )


@check(
    "project.client_initialize_params",
    title="initialize is sent with its required params",
    severity=Severity.MEDIUM,
    params=ProjectParams,
    needs=("project",),
    remediation="Use the SDK's `ClientSession.initialize()`, or send protocolVersion, capabilities and clientInfo.",
)
def client_initialize_params(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """`initialize` with `"params": {}` is invalid (-32602 Invalid params), not a fix for -32603 (guide §3.1)."""
    found, place, verdict = _findings(params, "initialize_empty_params", N_("{files}: no initialize with empty params"))
    if verdict is not None:
        return verdict
    return failed(
        _(
            "{place}: initialize with empty params is rejected with -32602 Invalid params "
            "(protocolVersion, capabilities and clientInfo are required)"
        ).format(place=place),
        evidence={"findings": found},
    )


@check(
    "project.client_mcp_api",
    title="The client code uses the API of the mcp it installs",
    severity=Severity.HIGH,
    params=ProjectParams,
    needs=("project",),
    remediation="Pin `mcp>=1.23.2,<2` for 1.x client code, or port it: `streamable_http_client(url, "
    "http_client=httpx.AsyncClient(headers=…, timeout=…))` and `read_timeout_seconds=<float>`.",
)
def client_mcp_api(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """mcp 2.x removed `streamablehttp_client` (now `streamable_http_client`) and wants `read_timeout_seconds` in seconds."""
    found, place, verdict = _findings(params, "v1_api", N_("{files}: no mcp 1.x-only client API"))
    if verdict is not None:
        return verdict
    requirement, v2 = _client_mcp(params)
    evidence = {"findings": found, "mcp_requirement": requirement}
    if not v2:
        return passed(
            _("1.x client API with {requirement} (pinned below 2)").format(requirement=f"`{requirement}`"),
            evidence=evidence,
        )
    return failed(
        _(
            "{place}: mcp 1.x client API, but {requirement} installs mcp 2.x, where `streamablehttp_client` does not "
            "exist (ImportError), `streamable_http_client` yields two streams, not three, and `read_timeout_seconds` "
            "is a float"
        ).format(place=place, requirement=f"`{requirement}`" if requirement else _("`mcp` (unpinned)")),
        evidence=evidence,
    )


@check(
    "project.client_runtime_session_id",
    title="The client's AgentCore runtime session id is 33-256 characters",
    severity=Severity.HIGH,
    params=ProjectParams,
    needs=("project",),
    remediation="Leave `runtimeSessionId` out (boto3 then sends a 36-character UUID) or use `str(uuid.uuid4())`; the "
    "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header takes the same 33-256 characters.",
)
def client_runtime_session_id(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """AgentCore refuses a runtime session id outside 33-256 characters before the request reaches the server:
    boto3 with "Invalid length for parameter runtimeSessionId, value: 32, valid min length: 33", a raw request with a
    400. ``uuid4().hex`` is 32 characters, a Unix timestamp 10."""
    found, place, verdict = _findings(
        params, "session_ids", N_("{files}: no runtime session id shorter than 33 or longer than 256 characters")
    )
    if verdict is not None:
        return verdict
    return failed(
        _(
            "{place}: AgentCore accepts a runtime session id of 33-256 characters only, so every invocation with it "
            "is refused before it reaches the server"
        ).format(place=place),
        evidence={"findings": found},
    )
