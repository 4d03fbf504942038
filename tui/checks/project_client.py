"""Checks on the project's MCP client code (``my_mcp_client_remote*.py`` and any file using the mcp client).

The guide's client advice breaks things: a client-chosen ``Mcp-Session-Id`` (a stateful server rejects it), the
UUID monkeypatch of ``JSONRPCMessage`` (id 0 becomes "0" on mcp 1.12 clients; on 2.x the patch itself raises),
``initialize`` with ``"params": {}`` (-32602), and 1.x client APIs that mcp 2.x removed.
"""

from __future__ import annotations

from tui.checks.base import CheckContext
from tui.checks.project import ProjectParams
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned

NO_CLIENT = "no MCP client code in the project (my_mcp_client_remote*.py or a file importing mcp.client)"


def _clients(params: ProjectParams):  # type: ignore[no-untyped-def]
    from tui.project.client_scan import client_files

    return client_files(params.dir)


def _rel(params: ProjectParams, path) -> str:  # type: ignore[no-untyped-def]
    from pathlib import Path

    try:
        return str(Path(path).relative_to(Path(params.dir).expanduser()))
    except ValueError:
        return str(path)


def _locations(params: ProjectParams, clients, attr: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{_rel(params, c.path)}:{f.line}: {f.what}" for c in clients for f in getattr(c, attr)]


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

    clients = _clients(params)
    if not clients:
        return skipped(NO_CLIENT)
    found = _locations(params, clients, "session_headers")
    if not found:
        return passed(f"{len(clients)} client file(s): no hand-made Mcp-Session-Id")
    server = scan_project(params.dir).server
    known = server is not None and server.server_var is not None
    given, stateless = server.setting("stateless_http") if known else (False, None)  # type: ignore[union-attr]
    evidence = {"findings": found, "server_stateless_http": stateless if given else None}
    if given and stateless is True:
        return warned(
            f"{found[0]}: the client sets Mcp-Session-Id itself; the stateless server ignores it, a stateful one would reject it",
            evidence=evidence,
        )
    if not known or (given and stateless is not False):
        return warned(
            f"{found[0]}: the client sets Mcp-Session-Id itself; a stateful server rejects an id it never issued "
            "(whether this server is stateful could not be read from the project)",
            evidence=evidence,
        )
    return failed(
        f"stateful server + client-chosen Mcp-Session-Id ({found[0]}): the server rejects an id it never issued "
        '(400 "No valid session ID provided" on mcp 1.12, 404 "Session not found" on later versions)',
        details="A stateful server (`stateless_http` "
        + ("False" if given else "not set, so stateful")
        + ") creates the session on `initialize` and returns its id; a request carrying any other id is refused. "
        "The guide's `Mcp-Session-Id: session-<time>` therefore breaks the very first call. Drop the header, or run "
        "the server stateless (fix `project.stateless`).",
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
    clients = _clients(params)
    if not clients:
        return skipped(NO_CLIENT)
    found = _locations(params, clients, "uuid_patches")
    if not found:
        return passed(f"{len(clients)} client file(s): no JSONRPCMessage patch")
    requirement, v2 = _client_mcp(params)
    effect = (
        "on mcp 2.x `JSONRPCMessage` is a type union and the assignment raises "
        "`AttributeError: 'types.UnionType' object has no attribute 'model_validate_json'` before anything is sent"
        if v2
        else 'on mcp 1.x clients (1.12) it quotes every bare id, so the answer to request id 0 comes back as "0", matches no '
        "pending request, and the client waits until it times out"
    )
    return failed(
        f"{found[0]}: the guide's UUID monkeypatch; {effect}",
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
    clients = _clients(params)
    if not clients:
        return skipped(NO_CLIENT)
    found = _locations(params, clients, "initialize_empty_params")
    if not found:
        return passed(f"{len(clients)} client file(s): no initialize with empty params")
    return failed(
        f"{found[0]}: initialize with empty params is rejected with -32602 Invalid params "
        "(protocolVersion, capabilities and clientInfo are required)",
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
    clients = _clients(params)
    if not clients:
        return skipped(NO_CLIENT)
    found = _locations(params, clients, "v1_api")
    if not found:
        return passed(f"{len(clients)} client file(s) use no mcp 1.x-only client API")
    requirement, v2 = _client_mcp(params)
    evidence = {"findings": found, "mcp_requirement": requirement}
    if not v2:
        return passed(f"1.x client API with `{requirement}` (pinned below 2)", evidence=evidence)
    return failed(
        f"{found[0]}: mcp 1.x client API, but `{requirement or 'mcp (unpinned)'}` installs mcp 2.x, where "
        "`streamablehttp_client` does not exist (ImportError), `streamable_http_client` yields two streams, not three, "
        "and `read_timeout_seconds` is a float",
        evidence=evidence,
    )
