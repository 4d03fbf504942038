"""Which log groups a runtime writes: its own ``/aws/bedrock-agentcore/runtimes/<id>-<endpoint>`` groups and the
custom OTEL group(s) named by ``x-aws-log-group`` in ``OTEL_EXPORTER_OTLP_LOGS_HEADERS``.

The OTEL group is looked for where a user sets it: the runtime's environment (GetAgentRuntime), the
project's ``Dockerfile`` (``ENV``) and the starter toolkit's ``.bedrock_agentcore.yaml``. Each group
carries where it was found, so ``--verbose`` can say why a group is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.files import user_path
from tui.i18n import N_, gettext  # `_` is the loop variable here

RUNTIME_GROUP_PREFIX = "/aws/bedrock-agentcore/runtimes/"
_HEADERS_IN_TEXT = re.compile(r"OTEL_EXPORTER_OTLP_LOGS_HEADERS\s*[=\s]\s*[\"']?([^\"'\s\\]+)")
_GROUP_IN_HEADERS = re.compile(r"(?i)x-aws-log-group=([^,\s\"']+)")
FROM_RUNTIME_ID = N_("runtime id")
FROM_RUNTIME_ENVIRONMENT = N_("runtime environment")
"""Where a group's name came from (JSON values, in English; the text output shows them through ``_()``)."""


@dataclass(frozen=True)
class LogGroupRef:
    name: str
    kind: str
    """``runtime`` or ``otel``."""
    source: str
    """Where the name came from (``runtime id``, ``runtime environment``, ``Dockerfile``, …)."""


@dataclass
class RuntimeTarget:
    """A runtime and the log groups to read for it."""

    runtime_id: str
    name: str = ""
    arn: str = ""
    groups: list[LogGroupRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)
    """Groups a DescribeLogGroups listing has just returned: they exist, the reader need not ask again."""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.runtime_id})" if self.name and self.name != self.runtime_id else self.runtime_id

    def add(self, name: str, kind: str, source: str) -> None:
        if name and name not in {g.name for g in self.groups}:
            self.groups.append(LogGroupRef(name, kind, source))


def otel_groups_in_text(text: str) -> list[str]:
    """Groups named by ``x-aws-log-group=`` in any ``OTEL_EXPORTER_OTLP_LOGS_HEADERS`` setting inside ``text``."""
    found: list[str] = []
    for headers in _HEADERS_IN_TEXT.findall(text[:1_000_000]):
        found += [g for g in _GROUP_IN_HEADERS.findall(headers) if g not in found]
    return found


def otel_groups_from_env(env: dict[str, Any] | None) -> list[str]:
    headers = str((env or {}).get("OTEL_EXPORTER_OTLP_LOGS_HEADERS") or "")
    return list(dict.fromkeys(_GROUP_IN_HEADERS.findall(headers)))


def _strings(value: Any, depth: int = 0) -> list[str]:
    """Every string inside a YAML value (bounded depth: a config file must not recurse us to death)."""
    if depth > 12:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            if str(k) == "OTEL_EXPORTER_OTLP_LOGS_HEADERS" and isinstance(v, str):
                out.append(f"OTEL_EXPORTER_OTLP_LOGS_HEADERS={v}")
            out += _strings(v, depth + 1)
        return out
    if isinstance(value, list):
        return [s for item in value[:1000] for s in _strings(item, depth + 1)]
    return []


def otel_groups_from_project(project: str | None) -> list[tuple[str, str]]:
    """(group, source) from the project's Dockerfile ``ENV`` lines and ``.bedrock_agentcore.yaml``."""
    if not project:
        return []
    root = user_path(project)
    out: list[tuple[str, str]] = []
    dockerfile = root / "Dockerfile"
    if dockerfile.is_file():
        try:
            text = dockerfile.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        out += [(g, "Dockerfile ENV") for g in otel_groups_in_text(text)]
    for text in _strings(_raw_agentcore_yaml(root)):
        if "x-aws-log-group" in text.lower():
            groups = _GROUP_IN_HEADERS.findall(text)
            out += [(g, ".bedrock_agentcore.yaml") for g in groups]
    return list(dict.fromkeys(out))


def _raw_agentcore_yaml(root: Path) -> Any:
    """The whole ``.bedrock_agentcore.yaml`` as plain data ({} when absent, too big or broken): the OTEL headers
    may sit under any key (an environment block, launch arguments), which a typed reading would drop."""
    path = root / ".bedrock_agentcore.yaml"
    try:
        if not path.is_file() or path.stat().st_size > 1_000_000:
            return {}
        import yaml

        return yaml.safe_load(path.read_text(encoding="utf-8", errors="replace")) or {}
    except Exception:  # noqa: BLE001 - OS and YAML errors alike: a broken file names no group
        return {}


def runtime_groups(logs: Any, runtime_id: str) -> list[str]:
    """The runtime's own groups (one per endpoint: ``<id>-DEFAULT``, ``<id>-<endpoint>``); DEFAULT when none exists."""
    return listed_runtime_groups(logs, runtime_id) or [default_runtime_group(runtime_id)]


def default_runtime_group(runtime_id: str) -> str:
    """The group the runtime's DEFAULT endpoint writes to: where to read when none is listed yet."""
    return f"{RUNTIME_GROUP_PREFIX}{runtime_id}-DEFAULT"


def listed_runtime_groups(logs: Any, runtime_id: str) -> list[str]:
    """The runtime's own groups that exist (DescribeLogGroups by prefix), none when it has not logged yet."""
    prefix = f"{RUNTIME_GROUP_PREFIX}{runtime_id}-"
    names: list[str] = []
    kwargs: dict[str, Any] = {"logGroupNamePrefix": prefix}
    for _ in range(20):
        page = logs.describe_log_groups(**kwargs)
        names += [str(g["logGroupName"]) for g in page.get("logGroups", []) if g.get("logGroupName")]
        token = page.get("nextToken")
        if not token:
            break
        kwargs["nextToken"] = token
    return names


def target_for(
    control: Any, logs: Any, summary: dict[str, Any], project: str | None = None, *, include_project: bool = True
) -> RuntimeTarget:
    """A runtime summary (ListAgentRuntimes item) → its log groups, with where each one came from."""
    runtime_id = str(summary.get("agentRuntimeId") or "")
    target = RuntimeTarget(
        runtime_id, str(summary.get("agentRuntimeName") or ""), str(summary.get("agentRuntimeArn") or "")
    )
    listed = listed_runtime_groups(logs, runtime_id)
    target.listed.update(listed)
    for name in listed or [default_runtime_group(runtime_id)]:
        target.add(name, "runtime", FROM_RUNTIME_ID)
    env: dict[str, Any] = {}
    try:
        detail = control.get_agent_runtime(agentRuntimeId=runtime_id)
        env = detail.get("environmentVariables") or {}
    except Exception as exc:  # noqa: BLE001 - the runtime's own group is still readable
        target.notes.append(
            gettext("GetAgentRuntime failed ({reason}): the OTEL log group is not known from it").format(
                reason=aws_reason(exc)
            )
        )
    for name in otel_groups_from_env(env):
        target.add(name, "otel", FROM_RUNTIME_ENVIRONMENT)
    if include_project:
        for name, source in otel_groups_from_project(project):
            target.add(name, "otel", source)
    return target


def aws_reason(exc: BaseException) -> str:
    """One line saying why an AWS call failed (the shared translation when it knows the error)."""
    from tui.aws.errors import describe
    from tui.redact import redact_text

    problem = describe(exc)
    if problem is not None:
        return problem.summary
    return redact_text(f"{type(exc).__name__}: {exc}".splitlines()[0])[:300]


def list_runtimes(control: Any) -> list[dict[str, Any]]:
    """Every runtime in the region (ListAgentRuntimes, all pages)."""
    seen: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"maxResults": 100}
    for _ in range(100):
        page = control.list_agent_runtimes(**kwargs)
        seen += page.get("agentRuntimes", [])
        token = page.get("nextToken")
        if not token:
            break
        kwargs["nextToken"] = token
    return seen
