"""Which URL to probe: ``--endpoint`` as given, or the AgentCore invocation URL built from the runtime ARN."""

from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from tui.i18n import _

ARN_RE = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):bedrock-agentcore:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):runtime/(?P<id>[A-Za-z0-9_-]+)$"
)
_INVOCATIONS_RE = re.compile(r"^(?P<prefix>.*?/runtimes/)(?P<arn>.+)/invocations/?$")
_AGENTCORE_HOST_RE = re.compile(
    r"^bedrock-agentcore(-fips)?\.(?P<region>[a-z0-9-]+)\."
    r"(amazonaws\.com(\.cn)?|api\.aws|api\.amazonwebservices\.com\.cn)$"  # dual-stack hosts end in api.*
)

ENDPOINT_ENV = "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE"
"""botocore's service-specific endpoint variable; when set, built invocation URLs use it as the base."""

_RESOLUTION_ENV = (
    ENDPOINT_ENV,
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
)
"""What botocore's endpoint resolution for the data plane reads from the environment (the cache key)."""


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


def data_plane_base(region: str, profile: str | None = None) -> str:
    """The AgentCore data-plane endpoint for ``region``, as botocore resolves it for ``bedrock-agentcore``.

    So the URL is the one the AWS SDK would call: FIPS and dual-stack settings (``AWS_USE_FIPS_ENDPOINT``,
    ``use_fips_endpoint`` in the profile …), the partition's domain (``.amazonaws.com.cn``), and configured
    endpoints (``AWS_ENDPOINT_URL_BEDROCK_AGENTCORE``, ``AWS_ENDPOINT_URL``, a profile's ``services`` section)
    are honoured. Falls back to the standard pattern when botocore cannot resolve it (unknown profile …).
    """
    key = tuple(os.environ.get(name) for name in _RESOLUTION_ENV)
    with _resolving:  # one resolution per key: concurrent checks wait for it instead of each building a client
        return _resolve_base(region, profile, key)


_resolving = threading.Lock()
"""``lru_cache`` does not stop concurrent misses: a fleet sweep's hundreds of endpoint checks each built a botocore
client at once (seconds of CPU on a busy machine, in the shared worker threads) and ran into their timeouts."""


@functools.lru_cache(maxsize=32)
def _resolve_base(region: str, profile: str | None, _environment: tuple[str | None, ...]) -> str:
    try:
        import botocore
        import botocore.session
        from botocore.config import Config

        session = botocore.session.Session(profile=profile)
        # UNSIGNED: resolving a URL must not look for credentials (no instance-metadata round trips)
        client = session.create_client(
            "bedrock-agentcore", region_name=region, config=Config(signature_version=botocore.UNSIGNED)
        )
        return str(client.meta.endpoint_url)
    except Exception:  # noqa: BLE001 - no profile, malformed config, no such service: use the documented pattern
        suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
        return os.environ.get(ENDPOINT_ENV) or f"https://bedrock-agentcore.{region}{suffix}"


def invocation_url(
    arn: str,
    region: str | None = None,
    qualifier: str = "DEFAULT",
    base: str | None = None,
    profile: str | None = None,
) -> str:
    """``{data-plane endpoint}/runtimes/{ARN, fully URL-encoded}/invocations?qualifier=…``.

    The endpoint is ``base`` when given, else botocore's (``data_plane_base``), e.g.
    ``https://bedrock-agentcore.us-east-1.amazonaws.com``.
    """
    m = ARN_RE.match(arn)
    region = (m.group("region") if m else None) or region
    if base is None:
        base = data_plane_base(region or "us-east-1", profile)
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
            _("the runtime ARN in the URL is URL-encoded twice (`%253A` instead of `%3A`): encode it exactly once")
        )
    elif ARN_RE.match(decoded):
        arn = decoded
        raw_chars = [c for c in (":", "/") if c in raw]
        if raw_chars:
            shown = _(" and ").join(f"`{c}`" for c in raw_chars)
            problems.append(
                _(
                    "the runtime ARN in the URL is only partly URL-encoded: {characters} left as is. "
                    "Encode the whole ARN (`:` → `%3A`, `/` → `%2F`, e.g. `urllib.parse.quote(arn, safe='')`)"
                ).format(characters=shown)
            )
    elif raw.startswith("arn") or decoded.startswith("arn"):
        problems.append(
            _(
                "the runtime ARN in the URL does not decode to a runtime ARN (got {decoded}): a `%3A` or `%2F` "
                "probably lost characters when it was typed or pasted (e.g. `us-east-1%ACCOUNT` instead of "
                "`us-east-1%3AACCOUNT`). Rebuild it with `urllib.parse.quote(arn, safe='')`"
            ).format(decoded=f"`{decoded[:120]}`")
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


def _configured_auth(context: Any, arn: Any) -> str | None:
    """``jwt``/``sigv4`` as ``.bedrock_agentcore.yaml`` records the deployment of this very runtime (else None).

    What AWS says (fact ``runtime.auth``) wins; the file only speaks for the runtime whose ARN it records.
    """
    config = getattr(context, "agentcore", None) or {}
    return config.get("authorizer") if arn and config.get("agent_arn") == str(arn) else None


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
            auth_hint=hint or _configured_auth(context, url_arn or arn),
            problems=problems,
            suggested_url=suggested,
        )
    if arn:
        m = ARN_RE.match(str(arn))
        region = (m.group("region") if m else None) or region
        if not region:
            return None
        return Target(
            # the runtime endpoint --qualifier names (DEFAULT without it): the AWS checks look at the same one
            url=invocation_url(
                str(arn),
                region,
                qualifier=str(getattr(context, "endpoint_name", None) or "DEFAULT"),
                profile=getattr(context, "profile", None),
            ),
            source="runtime ARN",
            runtime_arn=str(arn),
            region=region,
            agentcore=True,
            auth_hint=hint or _configured_auth(context, arn),
        )
    return None
