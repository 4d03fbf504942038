"""Credentials for the probes: a bearer JWT (decoded, never verified) or SigV4 signing with botocore."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.i18n import _

EXPIRY_WARNING_SECONDS = 300
SIGV4_SERVICE = "bedrock-agentcore"


@dataclass
class JwtInfo:
    """Claims of a JWT, decoded without verifying the signature (for explanation only)."""

    issuer: str | None = None
    client_id: str | None = None
    audience: Any = None
    token_use: str | None = None
    scope: str | None = None
    expires_at: float | None = None
    issued_at: float | None = None
    algorithm: str | None = None

    @property
    def seconds_left(self) -> float | None:
        return None if self.expires_at is None else self.expires_at - time.time()

    @property
    def expired(self) -> bool:
        left = self.seconds_left
        return left is not None and left <= 0

    @property
    def expiring_soon(self) -> bool:
        left = self.seconds_left
        return left is not None and 0 < left <= EXPIRY_WARNING_SECONDS

    def expiry_text(self) -> str:
        if self.expires_at is None:
            return _("no expiry claim")
        when = datetime.fromtimestamp(self.expires_at, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        left = self.seconds_left or 0
        if left <= 0:
            return _("expired {duration} ago ({when})").format(duration=_ago(-left), when=when)
        return _("expires in {duration} ({when})").format(duration=_ago(left), when=when)

    def claims(self) -> dict[str, Any]:
        """What may be shown: issuer, client, audience, expiry (never the token)."""
        data: dict[str, Any] = {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "audience": self.audience,
            "token_use": self.token_use,
            "scope": self.scope,
            "expiry": self.expiry_text(),
            "expired": self.expired,
            "expiring_within_5_min": self.expiring_soon,
            "alg": self.algorithm,
        }
        return {k: v for k, v in data.items() if v not in (None, "")}


def _ago(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return _("{seconds} s").format(seconds=seconds)
    if seconds < 7200:
        return _("{minutes} min").format(minutes=seconds // 60)
    if seconds < 172800:
        return _("{hours} h").format(hours=seconds // 3600)
    return _("{days} days").format(days=seconds // 86400)


def _b64json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))


def decode_jwt(token: str | None) -> JwtInfo | None:
    """Claims of a JWT without verifying it; None for an opaque (non-JWT) token."""
    if not token or token.count(".") != 2:
        return None
    head, payload, _ = token.split(".")
    try:
        header = _b64json(head)
        claims = _b64json(payload)
    except (ValueError, TypeError):
        return None
    if not isinstance(claims, dict) or not isinstance(header, dict):
        return None

    def num(name: str) -> float | None:
        value = claims.get(name)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    return JwtInfo(
        issuer=claims.get("iss"),
        client_id=claims.get("client_id") or claims.get("azp") or claims.get("cid"),
        audience=claims.get("aud"),
        token_use=claims.get("token_use"),
        scope=claims.get("scope") if isinstance(claims.get("scope"), str) else None,
        expires_at=num("exp"),
        issued_at=num("iat"),
        algorithm=header.get("alg"),
    )


@dataclass
class Auth:
    """How probes authenticate. ``headers_for`` is called for every request (SigV4 signs the body)."""

    mode: str = "none"
    """``bearer``, ``sigv4`` or ``none``."""
    token: str | None = field(default=None, repr=False)
    jwt: JwtInfo | None = None
    region: str | None = None
    credentials: Any = field(default=None, repr=False)
    reason: str = ""
    """Why this mode was chosen (shown in evidence)."""
    problem: str | None = None
    """A reason the chosen mode cannot work (no AWS credentials ...)."""

    def headers_for(self, method: str, url: str, headers: dict[str, str], body: bytes) -> dict[str, str]:
        if self.mode == "bearer" and self.token:
            return {**headers, "Authorization": f"Bearer {self.token}"}
        if self.mode == "sigv4" and self.credentials is not None:
            return sigv4_sign(method, url, headers, body, self.region or "us-east-1", self.credentials)
        return dict(headers)

    def describe(self) -> dict[str, Any]:
        data: dict[str, Any] = {"mode": self.mode, "why": self.reason}
        if self.jwt:
            data["token_claims"] = self.jwt.claims()
        elif self.mode == "bearer":
            data["token_claims"] = "not a JWT (opaque token)"
        if self.mode == "sigv4":
            data["sigv4_service"] = SIGV4_SERVICE
            data["sigv4_region"] = self.region
        if self.problem:
            data["problem"] = self.problem
        return data


def sigv4_sign(
    method: str, url: str, headers: dict[str, str], body: bytes, region: str, credentials: Any
) -> dict[str, str]:
    """Headers with a SigV4 signature for service ``bedrock-agentcore`` (botocore does the maths)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    frozen = credentials.get_frozen_credentials() if hasattr(credentials, "get_frozen_credentials") else credentials
    SigV4Auth(frozen, SIGV4_SERVICE, region).add_auth(request)
    return {k: v for k, v in request.headers.items()}


def _aws_credentials(context: Any) -> Any:
    from tui.aws.session import session_for

    return session_for(context).get_credentials()


def build_auth(context: Any, target: Any, mode: str = "auto") -> Auth:
    """Pick the auth mode: explicit ``mode``, the runtime's authorizer (fact ``runtime.auth``), the token, or SigV4."""
    token = context.token() if hasattr(context, "token") else None  # registers it with the redactor
    jwt = decode_jwt(token)
    region = getattr(target, "region", None) or getattr(context, "region", None)
    hint = getattr(target, "auth_hint", None)
    if mode == "auto":
        if hint == "jwt":
            mode, why = "bearer", _("the runtime has a JWT authorizer")
        elif hint == "sigv4":
            mode, why = "sigv4", _("the runtime has no JWT authorizer (IAM/SigV4)")
        elif token:
            source = getattr(context, "token_source", None) or "token"
            mode, why = "bearer", _("a token was given ({source})").format(source=source)
        elif getattr(target, "agentcore", False):
            mode, why = "sigv4", _("AgentCore invocation URL and no bearer token given")
        else:
            mode, why = "none", _("no token given")
    else:
        why = _("auth mode {mode} requested").format(mode=mode)
    auth = Auth(
        mode=mode,
        token=token if mode == "bearer" else None,
        jwt=jwt if mode == "bearer" else None,
        region=region,
        reason=why,
    )
    if mode == "bearer" and not token:
        auth.problem = _("bearer auth needed but no token was given (use --token-env VAR or --token-file PATH)")
    if mode == "sigv4":
        try:
            creds = _aws_credentials(context)
        except Exception as exc:  # noqa: BLE001 - profile errors become an explanation
            creds, auth.problem = (
                None,
                _("AWS credentials could not be loaded: {error}").format(error=f"{type(exc).__name__}: {exc}"),
            )
        if creds is None and not auth.problem:
            auth.problem = _("SigV4 needs AWS credentials and none were found (profile, environment or instance role)")
        auth.credentials = creds
    return auth
