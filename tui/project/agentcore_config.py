"""``.bedrock_agentcore.yaml``, read the way the AgentCore starter toolkit (the ``agentcore`` CLI) writes it.

The toolkit keeps one file per project directory (``Path.cwd() / ".bedrock_agentcore.yaml"``) with named
agents and a default::

    default_agent: mcp_server
    agents:
      mcp_server:
        name: mcp_server
        entrypoint: mcp_server.py            # relative to the project directory; may end in ":app"
        source_path: /abs/path/src           # optional
        aws: {execution_role, account, region, ecr_repository,
              protocol_configuration: {server_protocol: MCP}, network_configuration: {network_mode: PUBLIC}}
        bedrock_agentcore: {agent_id, agent_arn, agent_session_id}
        authorizer_configuration: {customJWTAuthorizer: {discoveryUrl, allowedClients, allowedAudience}}
        request_header_configuration: {requestHeaderAllowlist: [...]}

Older toolkit versions wrote a single agent at the top level (``name``, ``entrypoint``, ``aws`` … and no
``agents``); the toolkit still reads that "legacy" layout, and so does this module. The models mirror the
toolkit's ``BedrockAgentCoreConfigSchema`` for the fields agentcore-triage uses and ignore the rest, so a
newer toolkit's additions do not break reading. The authorizer and header sections are stored in the
CreateAgentRuntime API's camelCase shape, as the toolkit stores them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tui.files import user_path
from tui.i18n import _, os_reason
from tui.project.agentcore_file import FILE_NAME, find

MAX_BYTES = 1_000_000
"""A project file larger than this is not the toolkit's: refuse it rather than parse it."""

_ENTRYPOINT_SUFFIX_RE = re.compile(r"^(?P<path>.+\.(?:py|ts|js|mjs))(?::[A-Za-z_][A-Za-z0-9_]*)$")


class AgentcoreConfigError(ValueError):
    """The project file cannot give what was asked for; the message is one line saying where and what to do."""


class AgentChoiceError(AgentcoreConfigError):
    """``--agent`` names no agent of the file, or the file has several agents and no default."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ProtocolConfiguration(_Lenient):
    server_protocol: str = "HTTP"
    """``HTTP``, ``MCP`` or ``A2A``; an MCP server must be deployed with ``MCP``."""


class NetworkConfiguration(_Lenient):
    network_mode: str = "PUBLIC"


class Observability(_Lenient):
    enabled: bool | None = None
    """With observability on, the toolkit's generated Dockerfile installs aws-opentelemetry-distro and starts the
    server under opentelemetry-instrument."""


class AwsSection(_Lenient):
    execution_role: str | None = None
    account: str | None = None
    region: str | None = None
    ecr_repository: str | None = None
    network_configuration: NetworkConfiguration = Field(default_factory=NetworkConfiguration)
    protocol_configuration: ProtocolConfiguration = Field(default_factory=ProtocolConfiguration)
    observability: Observability | None = None


class DeploymentInfo(_Lenient):
    agent_id: str | None = None
    agent_arn: str | None = None


class CustomJwtAuthorizer(_Lenient):
    discoveryUrl: str | None = None  # camelCase: the API's spelling, kept by the file
    allowedClients: list[str] = Field(default_factory=list)
    allowedAudience: list[str] = Field(default_factory=list)


class AuthorizerConfiguration(_Lenient):
    customJWTAuthorizer: CustomJwtAuthorizer | None = None


class RequestHeaderConfiguration(_Lenient):
    requestHeaderAllowlist: list[str] = Field(default_factory=list)


class AgentConfig(_Lenient):
    """One agent of the project file (the toolkit's ``BedrockAgentCoreAgentSchema``, the fields we use)."""

    name: str
    entrypoint: str | None = None
    source_path: str | None = None
    deployment_type: str | None = None
    platform: str | None = None
    """``linux/arm64`` as the toolkit writes it (AgentCore runs arm64 only)."""
    aws: AwsSection = Field(default_factory=AwsSection)
    bedrock_agentcore: DeploymentInfo = Field(default_factory=DeploymentInfo)
    authorizer_configuration: AuthorizerConfiguration | None = None
    request_header_configuration: RequestHeaderConfiguration | None = None

    @property
    def jwt(self) -> CustomJwtAuthorizer | None:
        return self.authorizer_configuration.customJWTAuthorizer if self.authorizer_configuration else None

    @property
    def entrypoint_file(self) -> str | None:
        """The entrypoint's file path, without the toolkit's ``:variable`` suffix (``agent.py:app``)."""
        if not self.entrypoint:
            return None
        m = _ENTRYPOINT_SUFFIX_RE.match(self.entrypoint)
        return m.group("path") if m else self.entrypoint


class ProjectConfig(_Lenient):
    """The whole file (the toolkit's ``BedrockAgentCoreConfigSchema``)."""

    default_agent: str | None = None
    agents: dict[str, AgentConfig] = Field(default_factory=dict)


@dataclass(frozen=True)
class SelectedAgent:
    """The agent this run looks at, and the directory of the file it came from."""

    path: Path
    agent: AgentConfig

    @property
    def directory(self) -> Path:
        return self.path.parent

    def entrypoint_path(self) -> Path | None:
        """The entrypoint file, resolved against the project directory as the toolkit does."""
        file = self.agent.entrypoint_file
        if not file:
            return None
        path = user_path(file)
        return path if path.is_absolute() else self.directory / path

    def context_values(self) -> dict[str, str]:
        """The values that fill context gaps: runtime (ARN, else id), region, execution role."""
        agent = self.agent
        found = {
            "runtime": agent.bedrock_agentcore.agent_arn or agent.bedrock_agentcore.agent_id,
            "region": agent.aws.region,
            "execution_role": agent.aws.execution_role,
        }
        return {k: str(v) for k, v in found.items() if v}

    def summary(self) -> dict[str, Any]:
        """What the file says about the agent, as plain JSON (shown in reports; no secrets live in this file)."""
        agent, jwt = self.agent, self.agent.jwt
        data: dict[str, Any] = {
            "file": str(self.path),
            "agent": agent.name,
            "server_protocol": agent.aws.protocol_configuration.server_protocol.upper(),
            "network_mode": agent.aws.network_configuration.network_mode,
            "entrypoint": agent.entrypoint,
            "source_path": agent.source_path,
            "deployment_type": agent.deployment_type,
            "region": agent.aws.region,
            "account": agent.aws.account,
            "execution_role": agent.aws.execution_role,
            "ecr_repository": agent.aws.ecr_repository,
            "agent_id": agent.bedrock_agentcore.agent_id,
            "agent_arn": agent.bedrock_agentcore.agent_arn,
            "authorizer": "jwt" if jwt else "sigv4",
        }
        if jwt:
            data["jwt_discovery_url"] = jwt.discoveryUrl
            data["jwt_allowed_clients"] = list(jwt.allowedClients)
            data["jwt_allowed_audience"] = list(jwt.allowedAudience)
        if agent.request_header_configuration:
            data["request_header_allowlist"] = list(agent.request_header_configuration.requestHeaderAllowlist)
        return {k: v for k, v in data.items() if v not in (None, "", [])}


def parse(data: Any, source: str = FILE_NAME) -> ProjectConfig:
    """The file's parsed YAML as a ``ProjectConfig``; the legacy single-agent layout becomes one named agent."""
    if data is None:
        return ProjectConfig()
    if not isinstance(data, dict):
        raise AgentcoreConfigError(
            _("{source}: expected a mapping with `agents:`, got {kind}").format(source=source, kind=type(data).__name__)
        )
    try:
        if "agents" not in data and "name" in data:  # legacy: one agent at the top level
            agent = AgentConfig.model_validate(data)
            return ProjectConfig(default_agent=agent.name, agents={agent.name: agent})
        return ProjectConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or _("top level")
        raise AgentcoreConfigError(
            _("{source}: {where}: {problem} (as written by `agentcore configure`?)").format(
                source=source, where=where, problem=first["msg"]
            )
        ) from None


def load(path: Path) -> ProjectConfig:
    """Read and parse one project file (bounded in size; YAML's safe loader, so nothing executes)."""
    import yaml

    try:
        if path.stat().st_size > MAX_BYTES:
            raise AgentcoreConfigError(
                _("{path}: larger than {limit} bytes; not a starter-toolkit project file").format(
                    path=path, limit=MAX_BYTES
                )
            )
        text = path.read_text(encoding="utf-8")
        # libyaml's safe loader when PyYAML has it (the same safe constructors, ~10x less CPU: this file is read
        # on every doctor run); PyYAML's pure-Python one otherwise.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except AgentcoreConfigError:
        raise
    except OSError as exc:
        raise AgentcoreConfigError(
            _("{path}: cannot be read ({reason})").format(path=path, reason=os_reason(exc))
        ) from None
    except UnicodeDecodeError:
        raise AgentcoreConfigError(_("{path}: not UTF-8 text").format(path=path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise AgentcoreConfigError(
            _("{path}: not valid YAML ({problem})").format(
                path=f"{path}{where}", problem=getattr(exc, "problem", None) or exc
            )
        ) from None
    return parse(data, str(path))


def select(config: ProjectConfig, agent: str | None, source: str = FILE_NAME) -> AgentConfig | None:
    """The agent named by ``--agent``, else the default, else the only one (None when the file has none)."""
    names = list(config.agents)
    if agent:
        if agent not in config.agents:
            known = ", ".join(names) if names else _("none")
            raise AgentChoiceError(
                _("--agent {agent}: no such agent in {source} (agents: {known})").format(
                    agent=agent, source=source, known=known
                )
            )
        return config.agents[agent]
    if config.default_agent and config.default_agent in config.agents:
        return config.agents[config.default_agent]
    if len(names) == 1:
        return config.agents[names[0]]
    if not names:
        return None
    raise AgentChoiceError(
        _("{source} has {count} agents and no default_agent: choose one with --agent NAME ({names})").format(
            source=source, count=len(names), names=", ".join(names)
        )
    )


def read_agent(directory: str | os.PathLike[str], agent: str | None = None) -> SelectedAgent | None:
    """The selected agent of ``directory``'s project file; None when there is no file or it names no agent.

    Raises ``AgentcoreConfigError`` (one line) when the file is broken or the choice of agent is ambiguous.
    """
    path = find(directory)
    if path is None:
        if agent:
            raise AgentChoiceError(
                _("--agent {agent}: there is no {file} in {directory}").format(
                    agent=agent, file=FILE_NAME, directory=user_path(directory)
                )
            )
        return None
    chosen = select(load(path), agent, str(path))
    return SelectedAgent(path, chosen) if chosen else None


def agent_names(directory: str | os.PathLike[str]) -> list[str]:
    """The agent names in ``directory``'s project file ([] when absent or unreadable): for shell completion."""
    path = find(directory)
    if path is None:
        return []
    try:
        return list(load(path).agents)
    except AgentcoreConfigError:
        return []
