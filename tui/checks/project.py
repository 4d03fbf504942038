"""Checks on the MCP server project's own files (never imports or runs them).

The guide's advice on server code is partly wrong; these checks say what is
true for the mcp version the project will actually install.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.checks.base import CheckContext
from tui.i18n import N_, _, ngettext
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, Status, could_not_run, failed, passed, skipped, warned


class ProjectParams(CheckParams):
    dir: str
    """Project directory (usually ``{project}``)."""


def _scan(params: ProjectParams):  # type: ignore[no-untyped-def]
    from tui.project.scan import scan_project

    return scan_project(params.dir)


NO_SERVER = N_("no FastMCP/MCPServer instance found in the entry point")
NODE_SERVER = N_(
    "a Node/TypeScript MCP server ({evidence}): the Python server checks do not apply (a requirements.txt here is for "
    "other tools)"
)
DIRECT_CODE_DEPLOY = N_(
    "deployment_type is direct_code_deploy in .bedrock_agentcore.yaml: AgentCore runs the code itself and no "
    "container image is built"
)


def _server(params: ProjectParams):  # type: ignore[no-untyped-def]
    """(scan, server code) — the code is None when the entry point builds no server instance."""
    scan = _scan(params)
    code = scan.server
    return scan, (code if code is not None and code.server_var is not None else None)


def not_read(scan, *kinds: str) -> CheckResult | None:  # type: ignore[no-untyped-def]
    """A could-not-run result when a file of these kinds (``deps``: requirements/pyproject, ``docker``: Dockerfile,
    ``entry``: the server module) is in the project but was not read (too large, a FIFO, outside the project, not
    TOML); None otherwise. Before, such a file read as absent: findings about a file nobody read, fixes offered on it.
    """
    from tui.project.scan import REQUIREMENTS_FILES

    for name, why in scan.unreadable.items():
        base = Path(name).name
        kind = (
            "deps" if base in (*REQUIREMENTS_FILES, "pyproject.toml") else "docker" if base == "Dockerfile" else "entry"
        )
        if kind in kinds and not (kind == "docker" and scan.direct_code_deploy):  # no image is built from it
            return could_not_run(
                _("{file} in the project was not read: {why}").format(file=name, why=why),
                remediation=_(
                    "Make it a regular file of the project (of the usual size), or point --project elsewhere."
                ),
            )
    return None


def _rel(scan, path: Path | None) -> str:  # type: ignore[no-untyped-def]
    if path is None:
        return "?"
    try:
        return str(path.relative_to(scan.root))
    except ValueError:
        return str(path)


@check(
    "project.layout",
    title="Server project files are where the runtime expects them",
    severity=Severity.MEDIUM,
    params=ProjectParams,
    publishes=("project.entrypoint", "project.era"),
    needs=("project",),
)
def project_layout(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """Entry point, requirements.txt and Dockerfile exist; the entry point parses."""
    from tui.project.scan import project_dir_problem

    problem = project_dir_problem(params.dir)
    if problem:
        return failed(problem, remediation=_("Pass the server's folder with --project DIR."))
    unreadable = _unreadable_agentcore_file(ctx, params.dir)
    if unreadable:
        return failed(
            _("the AgentCore project file cannot be used: {error}").format(error=unreadable),
            evidence={"file": ctx.context.agentcore.get("file")},
            remediation=_(
                "Repair `.bedrock_agentcore.yaml` (the `agentcore` CLI reads it to deploy and invoke the server), or "
                "write it again with `agentcore configure`."
            ),
        )
    scan = _scan(params)
    if unread := not_read(scan, "entry", "deps", "docker"):
        return unread
    evidence = {
        "entrypoint": _rel(scan, scan.entry),
        "entrypoint_from": scan.entry_source,
        "requirements": _rel(scan, scan.requirements_path) if scan.requirements_path else None,
        "dockerfile": _rel(scan, scan.dockerfile_path) if scan.dockerfile_path else None,
        "deployment_type": scan.deployment_type,
    }
    if scan.entry is None and (node := scan.node_server()):
        return skipped(_(NODE_SERVER).format(evidence=node), evidence=evidence)
    if scan.entry is None:
        return failed(
            _("no server entry point (mcp_server.py, server.py, or the entrypoint in .bedrock_agentcore.yaml)"),
            evidence=evidence,
            remediation=_("Point --project at the folder that holds the MCP server's Python file."),
        )
    facts = {"project.entrypoint": str(scan.entry), "project.era": scan.server.era if scan.server else None}
    if scan.server and scan.server.syntax_error:
        return failed(
            _("{file} does not parse: {error}").format(file=_rel(scan, scan.entry), error=scan.server.syntax_error),
            evidence=evidence,
            facts=facts,
        )
    if scan.requirements_path is None:
        return failed(
            _("no requirements.txt or pyproject.toml dependencies: the build will not install mcp"),
            evidence=evidence,
            facts=facts,
            remediation=_("Add requirements.txt with a pinned `mcp` (see project.mcp_version)."),
        )
    if scan.direct_code_deploy:
        return passed(
            _(
                "{entry} and {requirements} found; deployed as code (direct_code_deploy), so no Dockerfile is needed"
            ).format(entry=_rel(scan, scan.entry), requirements=_rel(scan, scan.requirements_path)),
            evidence=evidence,
            facts=facts,
        )
    if scan.dockerfile_path is None:
        return warned(
            _(
                "{file} and {requirements} found; no Dockerfile (the AgentCore toolkit generates one at configure time)"
            ).format(file=_rel(scan, scan.entry), requirements=_rel(scan, scan.requirements_path)),
            evidence=evidence,
            facts=facts,
        )
    missing = _copy_source_missing(scan, evidence, facts)
    if missing is not None and missing.status == Status.FAIL:
        return missing
    if left_out := _left_out_of_context(scan, evidence, facts):
        return left_out
    if missing is not None:  # a wildcard that matches nothing: a warning, after any failure
        return missing
    if scan.ignore is not None and scan.ignore.problem:
        return warned(
            _(
                "{entry}, {requirements} and {dockerfile} found, but {file} was not judged ({why}): what it leaves out "
                "of the build context is not known"
            ).format(
                entry=_rel(scan, scan.entry),
                requirements=_rel(scan, scan.requirements_path),
                dockerfile=_rel(scan, scan.dockerfile_path),
                file=scan.ignore.name,
                why=scan.ignore.problem,
            ),
            evidence=evidence | {"dockerignore": scan.ignore.name, "dockerignore_not_judged": scan.ignore.problem},
            facts=facts,
            remediation=_(
                "Make {file} a regular file of the project with the patterns the build needs (a few dozen lines)."
            ).format(file=scan.ignore.name),
        )
    return passed(
        _("{entry}, {requirements} and {dockerfile} found").format(
            entry=_rel(scan, scan.entry),
            requirements=_rel(scan, scan.requirements_path),
            dockerfile=_rel(scan, scan.dockerfile_path),
        ),
        evidence=evidence,
        facts=facts,
    )


def _copy_source_missing(scan, evidence: dict[str, Any], facts: dict[str, Any]) -> CheckResult | None:  # type: ignore[no-untyped-def]
    """Failed when a COPY/ADD names a path of the build context the project does not have (BuildKit stops on it),
    warned when a wildcard matches nothing (BuildKit copies nothing, the legacy builder stops); None otherwise."""
    from tui.project.scan import copy_source_problems

    problems = copy_source_problems(scan.root, scan.dockerfile, scan.ignore)
    if not problems:
        return None
    problem = next((p for p in problems if p.kind != "no_match"), problems[0])
    evidence = evidence | {"missing_source": {"line": problem.line, "source": problem.source}}
    instruction = f"`{problem.instruction}`"
    remedy = _("Add {path} to the project (or build from the folder that holds it), or take it out of line {line}.")
    if problem.kind == "missing":
        return failed(
            _(
                "Dockerfile line {line}: {instruction}: the project has no {path}, so `docker build` stops ({error})"
            ).format(
                line=problem.line,
                instruction=instruction,
                path=problem.path,
                error=f'`failed to compute cache key: failed to calculate checksum of ref …: "/{problem.path}": not found`',
            ),
            evidence=evidence,
            facts=facts,
            remediation=remedy.format(path=f"`{problem.path}`", line=problem.line),
        )
    if problem.kind == "folder":
        return failed(
            _(
                "Dockerfile line {line}: {instruction}: the project has no folder {path} for {source}, so `docker build` "
                "stops ({error})"
            ).format(
                line=problem.line,
                instruction=instruction,
                path=problem.path,
                source=f"`{problem.source}`",
                error=f"`lstat …/{problem.path}: no such file or directory`",
            ),
            evidence=evidence,
            facts=facts,
            remediation=remedy.format(path=f"`{problem.path}/`", line=problem.line),
        )
    return warned(
        _(
            "Dockerfile line {line}: {instruction}: {source} matches no file of the build context: BuildKit copies "
            "nothing, and the legacy builder stops ({error})"
        ).format(
            line=problem.line,
            instruction=instruction,
            source=f"`{problem.source}`",
            error="`COPY failed: no source files were specified`",
        ),
        evidence=evidence,
        facts=facts,
        remediation=_(
            "Check the pattern on line {line} against the project's files (and .dockerignore), or remove it if "
            "nothing is meant to be copied."
        ).format(line=problem.line),
    )


def _left_out_of_context(scan, evidence: dict[str, Any], facts: dict[str, Any]) -> CheckResult | None:  # type: ignore[no-untyped-def]
    """Failed when the build's .dockerignore leaves out a file or folder a COPY/ADD names (the COPY then stops the
    build), or the server module the image starts; None otherwise (or without a .dockerignore)."""
    import posixpath

    from tui.project.dockerfile import copy_words, instructions
    from tui.project.reading import context_path

    ignore = scan.ignore
    if ignore is None or scan.dockerfile is None:
        return None
    evidence = evidence | {"dockerignore": ignore.name}
    if ignore.problem:
        evidence["dockerignore_not_judged"] = ignore.problem
        if not ignore.refused:
            return None  # warned about after any failure (project_layout)
        return failed(
            _("{file}: {why}: Docker refuses the file, so `docker build` stops before it reads the Dockerfile").format(
                file=ignore.name, why=ignore.problem
            ),
            evidence=evidence,
            facts=facts,
            remediation=_("Correct or remove that line of {file} (escape a literal `[` as `\\[`).").format(
                file=ignore.name
            ),
        )
    remedy = _("Remove line {line} of {file}, or add an exception after it ({exception}).")
    for ins in instructions(scan.dockerfile):
        if ins.keyword not in ("COPY", "ADD"):
            continue
        words = copy_words(ins)
        if any(w.startswith("--from=") for w in words):
            continue
        for source in [w for w in words if not w.startswith("--")][:-1]:
            if "://" in source or source.startswith("<<") or any(c in source for c in "*?[\\"):
                continue
            name = posixpath.normpath("/" + source).lstrip("/") or "."  # BuildKit: `../x` is the context's `x`
            if name == ".":
                continue
            path = context_path(scan.root, name)  # symlinks followed within the project only
            try:
                kind = None if path is None else "dir" if path.is_dir() else "file" if path.is_file() else None
            except OSError:
                kind = None
            if kind is None:
                continue
            rule = ignore.excludes_everything_under(scan.root, name) if kind == "dir" else ignore.excluding(name)
            if rule is None:
                continue
            shown = ins.text if len(ins.text) <= 200 else ins.text[:200] + "…"
            return failed(
                _("Dockerfile line {line}: {instruction}: {said}, so `docker build` stops ({error})").format(
                    line=ins.line,
                    instruction=f"`{shown}`",
                    said=ignore.said(rule, name),
                    error=f'`"/{name}": not found`',
                ),
                evidence=evidence | {"excluded_by": {"file": ignore.name, "line": rule.line, "pattern": rule.text}},
                facts=facts,
                remediation=remedy.format(line=rule.line, file=ignore.name, exception=f"`!{name}`"),
            )
    entry = scan.entry
    if entry is not None and scan.entry_source != "file name":
        name = _rel(scan, entry)
        rule = ignore.excluding(name)
        if rule is not None:
            return failed(
                _("the image starts {file} ({source}), but {said}: the container exits as it starts").format(
                    file=name, source=scan.entry_source, said=ignore.said(rule, name)
                ),
                evidence=evidence | {"excluded_by": {"file": ignore.name, "line": rule.line, "pattern": rule.text}},
                facts=facts,
                remediation=remedy.format(line=rule.line, file=ignore.name, exception=f"`!{name}`"),
            )
    return None


def _unreadable_agentcore_file(ctx: CheckContext, directory: str) -> str | None:
    """Why this project's ``.bedrock_agentcore.yaml`` was not used (the context read it and gave up), else None."""
    error, file = ctx.context.agentcore.get("error"), ctx.context.agentcore.get("file")
    if not error or not file:
        return None
    try:
        same = Path(file).resolve().parent == Path(directory).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return str(error) if same else None


@check(
    "project.mcp_version",
    title="The mcp requirement matches the API the code uses",
    severity=Severity.CRITICAL,
    params=ProjectParams,
    needs=("project",),
    remediation="Pin `mcp>=1.23.2,<2` for FastMCP code, or move the code to mcp 2.x `MCPServer` and pin `mcp>=2.3,<3`.",
)
def project_mcp_version(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """mcp 2.0 renamed FastMCP to MCPServer: FastMCP code with an unpinned `mcp` no longer imports."""
    from tui.project.scan import admits, admits_below

    scan = _scan(params)
    if unread := not_read(scan, "entry", "deps"):
        return unread
    if scan.server is None or scan.server.era is None:
        return skipped(_("no mcp server import found in the entry point"))
    req = scan.requirement("mcp")
    era = scan.server.era
    evidence = {
        "code_api": {"v1": "FastMCP (mcp 1.x)", "v2": "MCPServer (mcp 2.x)", "fastmcp": "fastmcp package"}[era],
        "requirement": req.text.strip() if req else None,
    }
    file = scan.requirements_name
    if era == "fastmcp":
        if scan.requirement("fastmcp") is None:
            return failed(
                _("code imports the `fastmcp` package but {file} does not list it").format(file=file),
                evidence=evidence,
            )
        return passed(
            _("code uses the separate `fastmcp` package, which {file} lists").format(file=file), evidence=evidence
        )
    if req is None:
        return failed(
            _("{file} does not list `mcp`: the server cannot import").format(file=file),
            evidence=evidence,
        )
    if era == "v1" and admits(req.specifier, "2.3.0"):
        return failed(
            _(
                "{requirement} installs mcp 2.x, where `from mcp.server.fastmcp import FastMCP` fails "
                "(ModuleNotFoundError): the container crashes on start"
            ).format(requirement=f"`{req.text.strip()}`"),
            details=_(
                "mcp 2.0 renamed FastMCP to MCPServer and moved `host`, `port`, `stateless_http` and `json_response` "
                "from the constructor to `run()`. AgentCore still reports the runtime READY, and every call then gets "
                "`-32010 Runtime initialization time exceeded`."
            ),
            evidence=evidence | {"line": req.line, "file": file},
        )
    if era == "v1" and (admits(req.specifier, "1.23.1") or admits_below(req.specifier, "1.23.2")):
        return warned(
            _(
                "{requirement} admits mcp < 1.23.2, which logs a spurious ClosedResourceError ('Error in message "
                "router') on every stateless request"
            ).format(requirement=f"`{req.text.strip()}`"),
            evidence=evidence | {"line": req.line, "file": file},
            remediation=_("Pin `mcp>=1.23.2,<2`."),
        )
    if era == "v2" and admits(req.specifier, "1.30.0"):
        return warned(
            _("{requirement} admits mcp 1.x, where MCPServer does not exist").format(
                requirement=f"`{req.text.strip()}`"
            ),
            evidence=evidence | {"line": req.line, "file": file},
            remediation=_("Pin `mcp>=2.3,<3`."),
        )
    if scan.requirement("fastmcp") and era == "v1":
        return warned(
            _("{file} also lists `fastmcp`, a different framework the code does not use").format(file=file),
            evidence=evidence,
            remediation=_("Remove `fastmcp` from {file} unless something else imports it.").format(file=file),
            withheld_fixes={"project.pin_mcp": _("the mcp pin is right already; only `fastmcp` is extra")},
        )
    return passed(
        _("{requirement} matches the {api} API").format(requirement=f"`{req.text.strip()}`", api=evidence["code_api"]),
        evidence=evidence,
    )


@check(
    "project.server_api",
    title="The server code only uses APIs that exist",
    severity=Severity.CRITICAL,
    params=ProjectParams,
    needs=("project",),
    remediation="Remove the calls that do not exist (the fix `project.server_code` shows the diff).",
)
def project_server_api(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """Flags the guide's invented APIs (@mcp.middleware, connection_timeout=, keep_alive=, default_headers=, …)."""
    scan, code = _server(params)
    if unread := not_read(scan, "entry"):
        return unread
    if code is None:
        return skipped(_(NO_SERVER))
    if not code.bogus:
        return passed(_("{file}: every server API used exists").format(file=_rel(scan, code.path)))
    shown = [
        _("line {line}: {what}: {detail}").format(line=f.line, what=f"`{f.what}`", detail=_(f.detail))
        for f in code.bogus
    ]
    count = len(code.bogus)
    return failed(
        ngettext(
            "{file}: {count} call to an API that does not exist ({names}); the server raises on import",
            "{file}: {count} calls to APIs that do not exist ({names}); the server raises on import",
            count,
        ).format(file=_rel(scan, code.path), count=count, names=", ".join(f.what for f in code.bogus[:3])),
        details="\n".join(f"- {i}" for i in shown)
        + "\n\n"
        + _(
            "A server that raises on import still shows READY in AgentCore; clients get "
            "`-32010 Runtime initialization time exceeded`."
        ),
        evidence={
            "file": _rel(scan, code.path),
            "findings": [f"line {f.line}: `{f.what}`: {f.detail}" for f in code.bogus],
        },
    )


@check(
    "project.server_host",
    title="The server listens where AgentCore can reach it (0.0.0.0:8000/mcp, streamable-http)",
    severity=Severity.HIGH,
    params=ProjectParams,
    needs=("project",),
    remediation='Run with host="0.0.0.0", port 8000, path /mcp (the default), transport "streamable-http".',
)
def project_server_host(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """127.0.0.1 (the SDK default) is unreachable from the runtime's health check and turns on DNS-rebinding protection (421)."""
    scan, code = _server(params)
    if unread := not_read(scan, "entry"):
        return unread
    if code is None:
        return skipped(_(NO_SERVER))
    from tui.checks._project_app import served_app

    app = served_app(code.text, code.server_var, str(code.path), scan.start_command())
    # With `mcp.run()` in the module, the app is judged only when the image starts it with uvicorn: before, such a
    # module (mcp.run(host="0.0.0.0") under __main__, CMD `uvicorn server:app` without --host) passed on mcp.run()'s
    # host, while uvicorn listened on 127.0.0.1.
    if app is not None and (code.run_line is None or app.started_by_image):
        return _served_app_host(code, app)
    from tui.project.scan import Unresolved

    given, host = code.setting("host")
    port_given, port = code.setting("port")
    if not given and code.era in ("v1", "fastmcp") and scan.docker_env("FASTMCP_HOST"):
        # Both FastMCPs read their settings from FASTMCP_* environment variables when the code gives none.
        given, host = True, scan.docker_env("FASTMCP_HOST")
    if not port_given and code.era in ("v1", "fastmcp") and scan.docker_env("FASTMCP_PORT"):
        port_given, port = True, scan.docker_env("FASTMCP_PORT")
    problems = []
    loopback = not given or host in ("127.0.0.1", "localhost", "::1")
    if loopback:
        problems.append(
            _("host is {host}").format(host=repr(host)) if given else _("host is not set, so the SDK binds 127.0.0.1")
        )
    # A port computed at run time (a settings object, an environment variable) is not known here.
    if port_given and port not in (8000, "8000") and not isinstance(port, Unresolved):
        problems.append(_("port is {port}, AgentCore calls 8000").format(port=repr(port)))
    if code.transport not in ("streamable-http", "streamable_http", "http"):
        problems.append(
            _("transport is {transport}; AgentCore speaks streamable-http").format(transport=repr(code.transport))
        )
    path = _mcp_path(scan, code)
    known_path = isinstance(path, str) and not isinstance(path, Unresolved)  # computed at run time: not known here
    # "/mcp/" is the same route to the SDK's app (a request for /mcp is redirected to it, or served)
    if known_path and path.rstrip("/") != "/mcp":
        problems.append(_("the MCP path is {path}, AgentCore calls /mcp").format(path=repr(path)))
    evidence = {
        "host": host if given else None,
        "port": port if port_given else 8000,
        "transport": code.transport,
        "path": path if known_path else None,
    }
    if problems:
        return failed(
            "; ".join(problems),
            details=_(
                "On 127.0.0.1 the runtime's health check cannot reach the server, and the SDK turns on DNS-rebinding "
                "protection, so requests through a proxy get `421 Invalid Host header`."
            )
            if loopback
            else _("AgentCore sends every MCP request to 0.0.0.0:8000/mcp in the container; another path answers 404."),
            evidence=evidence,
        )
    shown = path if known_path else ""
    return passed(
        _("listens on {address} with {transport}").format(
            address=f"{host}:{port if port_given else 8000}{shown}", transport=code.transport
        ),
        evidence=evidence,
    )


def _mcp_path(scan: Any, code: Any) -> Any:
    """The HTTP path the server answers MCP on: ``streamable_http_path`` (the official SDK, constructor or run()),
    ``path`` (standalone FastMCP's run()), or the FASTMCP_* variable the Dockerfile sets; "/mcp" (the SDKs' default)
    when none is given; an ``Unresolved`` when the code computes it."""
    for name in ("streamable_http_path", "path") if code.era == "fastmcp" else ("streamable_http_path",):
        given, value = code.setting(name)
        if given:
            return value
    if code.era in ("v1", "fastmcp") and (value := scan.docker_env("FASTMCP_STREAMABLE_HTTP_PATH")):
        return value
    return "/mcp"


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _served_app_host(code: Any, app: Any) -> CheckResult:
    """``project.server_host`` for ``app = mcp.streamable_http_app(...)`` run by uvicorn (no ``mcp.run()``)."""
    problems: list[str] = []
    app_call = _("`{var}.streamable_http_app()` (line {line})").format(var=code.server_var, line=app.app_line)
    # The app's DNS-rebinding protection: mcp 2.x takes host= in streamable_http_app(), 1.x in the constructor.
    protection_given, protection_host = (
        ("host" in app.app_kwargs, app.app_kwargs.get("host")) if code.era == "v2" else code.setting("host")
    )
    if "transport_security" not in app.app_kwargs and (not protection_given or protection_host in LOOPBACK_HOSTS):
        problems.append(
            _(
                '{call} is built without host="0.0.0.0", so the SDK turns on DNS-rebinding protection: requests '
                "through AgentCore get 421 Invalid Host header"
            ).format(call=app_call)
        )
    if app.launcher is not None:
        if app.bind_host in LOOPBACK_HOSTS:
            problems.append(
                (
                    _("{launcher} listens on {host}, unreachable from the runtime")
                    if app.bind_given
                    else _("{launcher} gives no host, so uvicorn listens on {host}, unreachable from the runtime")
                ).format(launcher=app.launcher, host=app.bind_host)
            )
        if str(app.port) != "8000":
            problems.append(
                _("{launcher} listens on port {port}, AgentCore calls 8000").format(
                    launcher=app.launcher, port=app.port
                )
            )
    evidence = {
        "served_by": app.launcher,
        "app_line": app.app_line,
        "app_host": protection_host if protection_given else None,
        "host": app.bind_host if app.launcher else None,
        "port": app.port if app.launcher else None,
        "transport": "streamable-http",
    }
    if problems:
        return failed(
            "; ".join(problems),
            details=_(
                "The server is the SDK's Starlette app run by uvicorn, not `mcp.run()`: where it listens is uvicorn's "
                "`host`/`port` (defaults 127.0.0.1 and 8000), and the app's own `host=` decides its Host checks."
            ),
            remediation=_(
                'Build the app with `streamable_http_app(host="0.0.0.0", ...)` and run uvicorn with '
                '`host="0.0.0.0", port=8000` (`--host 0.0.0.0 --port 8000`).'
            ),
            evidence=evidence,
        )
    if app.launcher is None:
        return skipped(
            _(
                "{call} builds the app, but neither the entry point (uvicorn.run) nor the Dockerfile CMD (uvicorn) "
                "shows where it listens"
            ).format(call=app_call),
            evidence=evidence,
        )
    return passed(
        _("{launcher} listens on {address} with streamable-http ({call})").format(
            launcher=app.launcher, address=f"{app.bind_host}:{app.port}", call=app_call
        ),
        evidence=evidence,
    )


@check(
    "project.stateless",
    title="The server runs stateless (AgentCore's default contract)",
    severity=Severity.LOW,
    params=ProjectParams,
    needs=("project",),
)
def project_stateless(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """Stateful servers work on AgentCore now, but only when clients keep the Mcp-Session-Id; stateless is the safe default."""
    scan, code = _server(params)
    if unread := not_read(scan, "entry"):
        return unread
    if code is None:
        return skipped(_(NO_SERVER))
    given, value = code.setting("stateless_http")
    if not given and code.run_line is None:
        from tui.checks._project_app import served_app

        app = served_app(code.text, code.server_var, str(code.path), scan.start_command())
        if app is not None and "stateless_http" in app.app_kwargs:
            given, value = True, app.app_kwargs["stateless_http"]
    if given and value is True:
        return passed("stateless_http=True")
    from tui.project.scan import Unresolved

    if given and isinstance(value, Unresolved):
        return skipped(
            _("stateless_http is {expression}, known only when the server runs").format(expression=f"`{value}`"),
            evidence={"stateless_http": str(value)},
        )
    return warned(
        "stateless_http=False" if given else _("stateless_http not set: the SDK defaults to stateful"),
        details=_(
            "The guide recommends stateful mode to fix ClosedResourceError; that is wrong: the error is log noise fixed in "
            "mcp 1.23.2. Stateful servers behind AgentCore need every client to send back the `Mcp-Session-Id` the platform "
            "returns, or requests land on a new microVM and get `Session not found`. Use stateful only for elicitation, "
            "sampling or progress."
        ),
        remediation=_("Pass stateless_http=True unless you need server-to-client requests."),
        evidence={"stateless_http": value if given else None},
    )


@check(
    "project.otel_distro",
    title="The project's dependencies install aws-opentelemetry-distro",
    severity=Severity.MEDIUM,
    params=ProjectParams,
    needs=("project",),
    remediation="Add `aws-opentelemetry-distro>=0.10.0` to the project's dependencies (fix `project.otel_distro`).",
)
def project_otel_distro(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """Without the ADOT distro the runtime emits no traces or OTEL logs (guide §2.2)."""
    import re

    from tui.project.scan import admits

    scan = _scan(params)
    if unread := not_read(scan, "deps", "docker"):
        return unread
    if node := scan.node_server():
        return skipped(
            _(NODE_SERVER).format(evidence=node),
            details=_(
                "A Node server gets its traces from the ADOT JavaScript auto-instrumentation "
                "(`@aws/aws-distro-opentelemetry-node-autoinstrumentation`), not from the Python distro."
            ),
        )
    if scan.requirements_path is None:
        return skipped(_("no requirements.txt or pyproject.toml dependencies"))
    req = scan.requirement("aws-opentelemetry-distro")
    if req is None:
        # The starter toolkit's templates install it in the Dockerfile, spelled either way
        # (aws-opentelemetry-distro, or aws_opentelemetry_distro_genai_beta in earlier toolkits).
        if scan.dockerfile and re.search(r"aws[-_.]opentelemetry[-_.]distro", scan.dockerfile, re.IGNORECASE):
            return passed(_("the Dockerfile installs aws-opentelemetry-distro"))
        if scan.dockerfile is None and scan.observability and not scan.direct_code_deploy:
            return passed(
                _(
                    "observability is enabled in .bedrock_agentcore.yaml: the Dockerfile the toolkit generates "
                    "installs aws-opentelemetry-distro"
                )
            )
        return failed(
            _("aws-opentelemetry-distro is not in {file}: no traces, no OTEL logs").format(file=scan.requirements_name),
            remediation=_("Add `{requirement}` to {file} (fix `project.otel_distro`).").format(
                requirement="aws-opentelemetry-distro>=0.10.0", file=scan.requirements_name
            ),
        )
    if not admits(req.specifier, "0.10.0") and admits(req.specifier, "0.9.0"):
        return warned(
            _("{requirement} admits versions before 0.10.0").format(requirement=f"`{req.text.strip()}`"),
            evidence={"line": req.line, "file": scan.requirements_name},
            remediation=_("Pin `{requirement}` in {file} (fix `project.otel_distro`).").format(
                requirement="aws-opentelemetry-distro>=0.10.0", file=scan.requirements_name
            ),
        )
    return passed(f"`{req.text.strip()}`", evidence={"line": req.line})


@check(
    "project.otel_instrument",
    title="The container starts under opentelemetry-instrument",
    severity=Severity.MEDIUM,
    params=ProjectParams,
    needs=("project",),
    remediation="Start the server's command under opentelemetry-instrument (fix `project.otel_instrument`).",
)
def project_otel_instrument(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """The distro does nothing unless the process starts under opentelemetry-instrument (guide §2.2)."""
    from tui.project.dockerfile import instrumented, names_instrument
    from tui.project.start_script import start_script

    scan = _scan(params)
    if scan.direct_code_deploy:
        return skipped(_(DIRECT_CODE_DEPLOY))
    if unread := not_read(scan, "docker"):
        return unread
    if scan.dockerfile is None:
        return skipped(
            _("no Dockerfile (the toolkit-generated one uses opentelemetry-instrument when observability is on)")
        )
    command, start = scan.docker_command(), scan.start_command()
    if command is None or start is None:
        return failed(_("the Dockerfile has no CMD or ENTRYPOINT"))
    if node := scan.node_server():
        return skipped(_(NODE_SERVER).format(evidence=node))
    line, text = command
    words = start[1]
    script = start_script(scan)
    if script is not None and script.arguments is None:
        return _script_instrument(script)
    if script is not None:  # `exec "$@"`: the script runs the CMD's words after it
        words = script.arguments or []
    if names_instrument(words):
        return passed(_("line {line}: {command}").format(line=line, command=text))
    change = instrumented(words)
    if change is None:
        remediation = _(
            "The start command runs a shell: put opentelemetry-instrument in front of the server's own command in "
            "it by hand."
        )
    else:
        proposed = " ".join(change.apply(words))
        remediation = _("Start with `{command}` (fix `project.otel_instrument`).").format(
            command=proposed if len(proposed) <= 300 else proposed[:300] + "…"
        )
    return failed(
        _("line {line}: {command} does not start under opentelemetry-instrument: no traces are exported").format(
            line=line, command=f"`{text}`"
        ),
        remediation=remediation,
        evidence={"line": line, "command": text},
    )


def script_unread(script: Any) -> CheckResult:
    """Could not run: the image's start command runs a script whose command is not known (``StartScript.problem``)."""
    return could_not_run(
        _("Dockerfile line {line} runs {script}: {why}; the command it starts could not be read from it").format(
            line=script.line, script=f"`{script.image_path}`", why=script.problem
        ),
        remediation=_("Check by hand which command the script starts, and that it is the server's."),
        evidence={"line": script.line, "script": script.image_path},
    )


def script_branches(script: Any) -> CheckResult:
    """Could not run: the script starts the server on several lines in its branches (``if``/``case``)."""
    return could_not_run(
        _(
            "{file}: lines {lines} start the server in different branches; which one runs is decided when the "
            "script runs"
        ).format(file=script.name, lines=", ".join(str(c.line) for c in script.candidates)),
        remediation=_("Check each branch's command by hand."),
        evidence=script_evidence(script),
    )


def script_evidence(script: Any) -> dict[str, Any]:
    return {
        "line": script.line,
        "script": script.name,
        "script_line": script.command.line,
        "command": script.command.shown,
    }


def _script_instrument(script: Any) -> CheckResult:
    """project.otel_instrument on the command a start script runs (``tui.project.start_script``)."""
    from tui.project.dockerfile import instrumented, names_instrument

    if script.problem:
        return script_unread(script)
    command = script.command
    evidence = script_evidence(script)
    judged = [names_instrument(c.words) for c in script.candidates]
    if all(judged):
        return passed(
            _("{where}: {command} (run by Dockerfile line {line})").format(
                where=script.label, command=f"`{command.shown}`", line=script.line
            ),
            evidence=evidence,
        )
    if any(judged):
        return could_not_run(
            _(
                "{file}: lines {lines} start the server in different branches, some under opentelemetry-instrument "
                "and some not; which one runs is decided when the script runs"
            ).format(file=script.name, lines=", ".join(str(c.line) for c in script.candidates)),
            remediation=_("Start every branch's command under opentelemetry-instrument, by hand."),
            evidence=evidence,
        )
    change = instrumented(command.words) if command.simple else None
    if change is None:
        remediation = _(
            "{where} is not a simple command: put opentelemetry-instrument in front of the server's command in it by "
            "hand."
        ).format(where=script.label)
    else:
        proposed = " ".join(change.apply(command.words))
        remediation = _("In {where}, start with `{command}` (fix `project.otel_instrument`).").format(
            where=script.label, command=proposed if len(proposed) <= 300 else proposed[:300] + "…"
        )
    return failed(
        _(
            "{where}: {command} (run by Dockerfile line {line}) does not start under opentelemetry-instrument: no "
            "traces are exported"
        ).format(where=script.label, command=f"`{command.shown}`", line=script.line),
        remediation=remediation,
        evidence=evidence,
    )
