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
from tui.checks.aws._common import client
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
