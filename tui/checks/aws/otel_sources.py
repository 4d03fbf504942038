"""The OTEL log group and stream wherever the project names them, not only in the runtime's environment.

``OTEL_EXPORTER_OTLP_LOGS_HEADERS=x-aws-log-group=…,x-aws-log-stream=…`` may be set by the runtime's
environment variables, a Dockerfile ``ENV``, the agentcore YAML or the code. The runtime's environment wins
over the image's ``ENV``; when it names no group, the project's names are the ones the exporter uses.
The exporter creates neither the group nor the stream.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui.aws.errors import aws_errors
from tui.checks.aws._common import client, environment_of, variable_names
from tui.checks.aws.protocol import RuntimeParams
from tui.checks.base import CheckContext
from tui.files import user_path
from tui.i18n import _
from tui.registry import CheckParams, check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned

GROUP = re.compile(r"x-aws-log-group=([^,\"'\s\\]+)")
STREAM = re.compile(r"x-aws-log-stream=([^,\"'\s\\]+)")
MAX_TEXT = 200_000


class OtelSourcesParams(CheckParams):
    log_group: str = ""
    """The group the runtime's environment names ("" when none)."""
    log_stream: str = ""
    region: str = ""


def _named_in(text: str) -> list[tuple[str, str]]:
    """(group, stream) pairs named in a text: the stream is the one named after the group on the same header."""
    out = []
    for m in GROUP.finditer(text[:MAX_TEXT]):
        tail = text[m.end() : m.end() + 300].split("\n", 1)[0]
        stream = STREAM.search(tail) or STREAM.search(text[max(0, m.start() - 300) : m.start()].rsplit("\n", 1)[-1])
        out.append((m.group(1), stream.group(1) if stream else "default"))
    return out


def project_otel_targets(project: str | Path) -> list[dict[str, str]]:
    """Every OTEL log group the project names: Dockerfile ENV, .bedrock_agentcore.yaml, Python code."""
    from tui.project.client_scan import python_files, read_text
    from tui.project.dockerfile import instructions

    root = user_path(project)
    found: list[dict[str, str]] = []
    docker = root / "Dockerfile"
    if docker.is_file():
        for ins in instructions(read_text(docker)):
            if ins.keyword == "ENV":
                for group, stream in _named_in(ins.args):
                    found.append({"source": f"Dockerfile line {ins.line} (ENV)", "group": group, "stream": stream})
    for name in (".bedrock_agentcore.yaml", "agentcore.yaml", "agentcore.json"):
        path = root / name
        if path.is_file():
            text = read_text(path)
            for group, stream in _named_in(text):
                line = text[: text.find(group)].count("\n") + 1
                found.append({"source": f"{name} line {line}", "group": group, "stream": stream})
    for path in python_files(root):
        text = read_text(path)
        if "x-aws-log-group" not in text:
            continue
        for group, stream in _named_in(text):
            line = text[: text.find(group)].count("\n") + 1
            found.append({"source": f"{path.relative_to(root)} line {line}", "group": group, "stream": stream})
    return found


def _shown_source(source: str) -> str:
    """Where a name was found, in the current language (the evidence keeps the English ``source``)."""
    if source == "runtime environment":
        return _("the runtime environment")
    m = re.fullmatch(r"(.+) line (\d+)( \(ENV\))?", source)
    if m:
        return _("{file} line {line}").format(file=m[1], line=m[2]) + (m[3] or "")
    return source


def _stream_exists(logs: Any, group: str, stream: str) -> bool:
    found = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream, limit=50).get("logStreams", [])
    return any(s.get("logStreamName") == stream for s in found)


@check(
    "logs.otel.sources",
    title="The OTEL log group and stream named anywhere in the project exist",
    severity=Severity.MEDIUM,
    params=OtelSourcesParams,
    publishes=("otel.missing_group", "otel.missing_stream"),
    needs=("aws",),
    aws_actions=("logs:DescribeLogGroups", "logs:DescribeLogStreams"),
    remediation="Create the group and its stream (fix `logs.create_group`): the OTLP logs exporter creates neither.",
)
@aws_errors
def otel_sources(ctx: CheckContext, params: OtelSourcesParams) -> CheckResult:
    """x-aws-log-group/-stream from the runtime's environment, the Dockerfile ENV, the agentcore YAML and the code;
    DescribeLogGroups and DescribeLogStreams for the ones in effect."""
    from tui.aws.logs import group_exists

    targets: list[dict[str, str]] = []
    if params.log_group:
        targets.append(
            {"source": "runtime environment", "group": params.log_group, "stream": params.log_stream or "default"}
        )
    project = ctx.context.project
    named = project_otel_targets(project) if project else []
    if params.log_group:
        # the runtime's environment overrides the image's ENV: the project's names are shadowed
        effective = targets
        shadowed = [t for t in named if t["group"] != params.log_group]
    else:
        effective, shadowed = named, []
    evidence: dict[str, Any] = {"named": targets + named, "shadowed_by_runtime_environment": shadowed or None}
    if not effective:
        where = (
            _("the runtime's environment, the Dockerfile, the agentcore YAML or the code")
            if project
            else _("the runtime's environment")
        )
        return skipped(
            _("no OTEL log group (x-aws-log-group) is named in {where}").format(where=where), evidence=evidence
        )
    logs = client(ctx, "logs", params.region)
    seen: set[tuple[str, str]] = set()
    missing_stream = None
    for target in effective:
        key = (target["group"], target["stream"])
        if key in seen:
            continue
        seen.add(key)
        exists, _info = group_exists(logs, target["group"])
        if not exists and target["source"] == "runtime environment":
            return skipped(
                _(
                    "OTEL log group {log_group} (named in the runtime environment) does not exist: "
                    "logs.group.otel reports it"
                ).format(log_group=target["group"]),
                evidence=evidence,
            )
        if not exists:
            return failed(
                _(
                    "OTEL log group {log_group} (named in {source}) does not exist: the exporter answers {error} "
                    "and never creates it"
                ).format(
                    log_group=target["group"],
                    source=_shown_source(target["source"]),
                    error='"The specified log group does not exist"',
                ),
                evidence=evidence,
                facts={"otel.missing_group": target["group"], "otel.missing_stream": target["stream"]},
            )
        if missing_stream is None and not _stream_exists(logs, target["group"], target["stream"]):
            missing_stream = target
    if missing_stream is not None:
        return warned(
            _(
                "OTEL log group {log_group} exists but its stream {log_stream} (named in {source}) does not yet: "
                "exports get {error} until it does"
            ).format(
                log_group=missing_stream["group"],
                log_stream=missing_stream["stream"],
                source=_shown_source(missing_stream["source"]),
                error='"The specified log stream does not exist"',
            ),
            evidence=evidence,
            facts={"otel.missing_group": missing_stream["group"], "otel.missing_stream": missing_stream["stream"]},
        )
    names = ", ".join(sorted({f"{g}/{s}" for g, s in seen}))
    return passed(_("OTEL log group and stream exist: {names}").format(names=names), evidence=evidence)


EXPORTER_WORDS = ("none", "otlp", "console", "logging", "zipkin", "prometheus", "jaeger")
"""Values an OTEL_*_EXPORTER may show (a list of these); any other value is not echoed (it may be anything)."""
OTLP_ENDPOINTS = (
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
)
AWS_OTLP_HOST = re.compile(
    r"^(?:https?://)?(?:[^@/]*@)?(?:xray|logs|monitoring)\.([a-z0-9-]+)\.amazonaws\.com(?:[:/]|$)"
)
"""CloudWatch's OTLP endpoints (``https://xray.REGION.amazonaws.com/v1/traces``, ``logs.REGION…/v1/logs``)."""


def _shown_exporter(value: str) -> str:
    words = [w.strip().lower() for w in value.split(",")]
    return ",".join(words) if all(w in EXPORTER_WORDS for w in words) else _("(another value)")


def telemetry_findings(env: dict[str, Any], runtime_region: str) -> tuple[list[str], list[str], dict[str, Any]]:
    """(what switches telemetry off, what sends it to another region, evidence) from the runtime's environment.

    Only names and fixed words are reported: OTEL variables may carry credentials (headers, endpoints with
    user info), so no value is echoed except a region parsed from an AWS endpoint host and the exporter words."""

    def value(name: str) -> str:
        return str(env.get(name, "")).strip()

    off: list[str] = []
    elsewhere: list[str] = []
    evidence: dict[str, Any] = {}
    if value("OTEL_SDK_DISABLED").lower() == "true":
        off.append(_("OTEL_SDK_DISABLED=true (a no-op SDK: no spans, no OTEL logs, no metrics)"))
        evidence["OTEL_SDK_DISABLED"] = "true"
    for name, signal in (("OTEL_TRACES_EXPORTER", _("no traces")), ("OTEL_LOGS_EXPORTER", _("no OTEL logs"))):
        if name in env:
            shown = _shown_exporter(value(name))
            evidence[name] = shown
            if [w.strip().lower() for w in value(name).split(",")] == ["none"]:
                off.append(_("{name}=none ({signal})").format(name=name, signal=signal))
    if "AGENT_OBSERVABILITY_ENABLED" in env and value("AGENT_OBSERVABILITY_ENABLED").lower() != "true":
        evidence["AGENT_OBSERVABILITY_ENABLED"] = (
            value("AGENT_OBSERVABILITY_ENABLED").lower()
            if value("AGENT_OBSERVABILITY_ENABLED").lower() in ("false", "0", "no", "off", "")
            else _("(another value)")
        )
        off.append(
            _(
                "AGENT_OBSERVABILITY_ENABLED is set but not to true (the AWS distro then does not send spans and "
                "logs to CloudWatch's agent observability)"
            )
        )
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        region = value(name)
        if region and runtime_region and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region) and region != runtime_region:
            evidence[name] = region
            elsewhere.append(_("{name}={region}").format(name=name, region=region))
            break  # the distro reads AWS_REGION first: AWS_DEFAULT_REGION only matters without it
        if region:
            break
    for name in OTLP_ENDPOINTS:
        m = AWS_OTLP_HOST.match(value(name))
        if m and runtime_region and m[1] != runtime_region:
            evidence[name + " (region)"] = m[1]
            elsewhere.append(_("{name} points at {region}").format(name=name, region=m[1]))
    return off, elsewhere, evidence


@check(
    "runtime.otel_env",
    title="The runtime's environment leaves OpenTelemetry on and in the runtime's region",
    severity=Severity.MEDIUM,
    params=RuntimeParams,
    publishes=("otel.env_problem",),
    needs=("aws",),
    aws_actions=("bedrock-agentcore:GetAgentRuntime",),
    remediation="Remove `OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER=none`/`OTEL_LOGS_EXPORTER=none` and a non-true "
    "`AGENT_OBSERVABILITY_ENABLED` from the runtime's environment variables (AgentCore sets what the AWS distro "
    "needs), make `AWS_REGION` and any OTLP endpoint the runtime's own region, and update the runtime.",
)
@aws_errors
def runtime_otel_env(ctx: CheckContext, params: RuntimeParams) -> CheckResult:
    """GetAgentRuntime → environmentVariables: variables that turn the OpenTelemetry SDK or its exporters off, or
    send telemetry to another region than the one whose log groups and Transaction Search the other checks read."""
    from tui.checks.aws.protocol import read_runtime

    runtime = read_runtime(ctx, params)
    if isinstance(runtime, CheckResult):
        return runtime
    env = environment_of(runtime)
    if isinstance(env, CheckResult):
        return env
    runtime_region = params.region or ctx.context.region or ""
    off, elsewhere, found = telemetry_findings(env, runtime_region)
    evidence: dict[str, Any] = {"variables": variable_names(env), "runtime_region": runtime_region, **found}
    if off:
        return failed(
            _("the runtime's environment switches telemetry off: {listed}").format(listed="; ".join(off)),
            details=_(
                "The server still answers, but the GenAI observability view, Transaction Search and the OTEL log "
                "group stay empty, so the next failure leaves no trace. AgentCore Runtime sets the OpenTelemetry "
                "variables itself; variables in environmentVariables override them."
            ),
            evidence=evidence,
            facts={"otel.env_problem": "off"},
        )
    if elsewhere:
        return failed(
            _("the runtime in {region} sends its telemetry to another region: {listed}").format(
                region=runtime_region, listed="; ".join(elsewhere)
            ),
            details=_(
                "The AWS distro builds its CloudWatch endpoints from AWS_REGION (then AWS_DEFAULT_REGION): spans "
                "and OTEL logs go to that region, where the log group and Transaction Search may not exist, while "
                "these checks (and the console) look in the runtime's region. The server's own AWS SDK calls go "
                "there too."
            ),
            evidence=evidence,
            facts={"otel.env_problem": "region"},
        )
    return passed(
        _("no variable of the runtime's environment switches OpenTelemetry off or points it at another region"),
        evidence=evidence,
    )
