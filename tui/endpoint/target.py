"""Which URL to probe: ``--endpoint`` as given, or the AgentCore invocation URL built from the runtime ARN."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

ARN_RE = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):bedrock-agentcore:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):runtime/(?P<id>[A-Za-z0-9_-]+)$"
)
_INVOCATIONS_RE = re.compile(r"^(?P<prefix>.*?/runtimes/)(?P<arn>.+)/invocations/?$")
_AGENTCORE_HOST_RE = re.compile(r"^bedrock-agentcore(-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?$")

ENDPOINT_ENV = "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE"
"""botocore's service-specific endpoint variable; when set, built invocation URLs use it as the base."""


@dataclass
class Target:
    """The endpoint to probe and what we know about it."""

    url: str
    source: str
    """Where the URL came from (``--endpoint``, ``runtime ARN``)."""
    runtime_arn: str | None = None
    region: str | None = None
    agentcore: bool = False
    """True for an AgentCore invocation URL (``/runtimes/{ARN}/invocations``)."""
    auth_hint: str | None = None
    """``jwt`` or ``sigv4`` when the AWS checks told us how the runtime authenticates."""
    problems: list[str] = field(default_factory=list)
    """Explained problems with the URL itself (a half-encoded ARN ...)."""
    suggested_url: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme

    def evidence(self) -> dict[str, Any]:
        data: dict[str, Any] = {"url": self.url, "source": self.source, "agentcore": self.agentcore}
        if self.runtime_arn:
            data["runtime_arn"] = self.runtime_arn
        if self.region:
            data["region"] = self.region
        if self.problems:
            data["url_problems"] = list(self.problems)
        if self.suggested_url:
            data["suggested_url"] = self.suggested_url
        return data


def invocation_url(arn: str, region: str | None = None, qualifier: str = "DEFAULT", base: str | None = None) -> str:
    """``https://bedrock-agentcore.{region}.amazonaws.com/runtimes/{ARN, fully URL-encoded}/invocations?qualifier=…``."""
    m = ARN_RE.match(arn)
    region = (m.group("region") if m else None) or region
    if base is None:
        base = os.environ.get(ENDPOINT_ENV) or f"https://bedrock-agentcore.{region}.amazonaws.com"
    return f"{base.rstrip('/')}/runtimes/{quote(arn, safe='')}/invocations?qualifier={quote(qualifier, safe='')}"


def check_encoded_arn(url: str) -> tuple[list[str], str | None, str | None]:
    """Problems with the runtime ARN inside an invocation URL, the ARN if recoverable, and a corrected URL."""
    parts = urlsplit(url)
    m = _INVOCATIONS_RE.match(parts.path)
    if not m:
        return [], None, None
    raw = m.group("arn")
    decoded = unquote(raw)
    problems: list[str] = []
    arn: str | None = None
    if "%" in decoded and ARN_RE.match(unquote(decoded)):
        arn = unquote(decoded)
        problems.append(
            "the runtime ARN in the URL is URL-encoded twice (`%253A` instead of `%3A`): encode it exactly once"
        )
    elif ARN_RE.match(decoded):
        arn = decoded
        raw_chars = [c for c in (":", "/") if c in raw]
        if raw_chars:
            shown = " and ".join(f"`{c}`" for c in raw_chars)
            problems.append(
                f"the runtime ARN in the URL is only partly URL-encoded: {shown} left as is. "
                "Encode the whole ARN (`:` → `%3A`, `/` → `%2F`, e.g. `urllib.parse.quote(arn, safe='')`)"
            )
    elif raw.startswith("arn") or decoded.startswith("arn"):
        problems.append(
            f"the runtime ARN in the URL does not decode to a runtime ARN (got `{decoded[:120]}`): a `%3A` or `%2F` "
            "probably lost characters when it was typed or pasted (e.g. `us-east-1%ACCOUNT` instead of "
            "`us-east-1%3AACCOUNT`). Rebuild it with `urllib.parse.quote(arn, safe='')`"
        )
    suggested = None
    if problems and arn:
        base = f"{parts.scheme}://{parts.netloc}{m.group('prefix')}"
        suggested = f"{base}{quote(arn, safe='')}/invocations" + (
            f"?{parts.query}" if parts.query else "?qualifier=DEFAULT"
        )
    return problems, arn, suggested


def _arn_region(arn: Any) -> str | None:
    m = ARN_RE.match(str(arn or ""))
    return m.group("region") if m else None


def _auth_hint(value: Any) -> str | None:
    if not value:
        return None
    v = str(value).lower()
    if any(w in v for w in ("jwt", "oauth", "bearer", "cognito")):
        return "jwt"
    if any(w in v for w in ("sigv4", "iam", "aws")):
        return "sigv4"
    return None


def resolve_target(context: Any, facts: Any = None, endpoint: str | None = None) -> Target | None:
    """The target from an explicit URL, ``--endpoint``, or the runtime ARN (+ region); None when nothing is known."""
    facts = facts or {}
    url = endpoint or getattr(context, "endpoint", None) or facts.get("endpoint.url")
    arn = facts.get("runtime.arn")
    runtime = getattr(context, "runtime", None)
    if not arn and runtime and ARN_RE.match(str(runtime)):
        arn = str(runtime)
    region = facts.get("runtime.region") or getattr(context, "region", None)
    hint = _auth_hint(facts.get("runtime.auth"))
    if url:
        url = str(url).strip()
        problems, url_arn, suggested = check_encoded_arn(url)
        host_m = _AGENTCORE_HOST_RE.match(urlsplit(url).hostname or "")
        agentcore = bool(_INVOCATIONS_RE.match(urlsplit(url).path)) or bool(host_m)
        return Target(
            url=url,
            source="--endpoint" if (endpoint or getattr(context, "endpoint", None)) else "fact endpoint.url",
            runtime_arn=url_arn or arn,
            region=(host_m.group("region") if host_m else None) or _arn_region(url_arn or arn) or region,
            agentcore=agentcore,
            auth_hint=hint,
            problems=problems,
            suggested_url=suggested,
        )
    if arn:
        m = ARN_RE.match(str(arn))
        region = (m.group("region") if m else None) or region
        if not region:
            return None
        return Target(
            url=invocation_url(str(arn), region),
            source="runtime ARN",
            runtime_arn=str(arn),
            region=region,
            agentcore=True,
            auth_hint=hint,
        )
    return None
