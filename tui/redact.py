"""Keep tokens and secret keys out of every log, report and screen.

Two layers: values registered at run time (the bearer token the user gave us,
secret keys from the environment) are replaced wherever they appear, and
anything that looks like a credential is masked by shape: JWTs, ``Authorization``
headers, AWS access key ids and secret keys (also as a metadata-service JSON answer
would spell them), SigV4 ``Credential=``/``Signature=`` and ``X-Amz-*`` query
parameters, PEM private keys, ``Cookie:``/``Set-Cookie:`` headers,
``client_secret=``/``password=`` in free text, the userinfo of a URL
(``https://user:pw@host``) and secret-looking query parameters (``?api_key=…``,
``&token=…``), and dictionary keys named like secrets.

Every pattern is linear (no nested repetition), so redacting a hostile body cannot hang.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

MASK = "***redacted***"

_SECRET_KEY_NAMES = re.compile(
    r"(authorization|token|secret|password|passwd|credential|api[_-]?key|session[_-]?token|private[_-]?key|cookie)",
    re.IGNORECASE,
)
# Keys whose names contain "token" but hold no secret.
_NOT_SECRET_KEYS = {
    "token_env",
    "token_file",
    "token_source",
    "nexttoken",
    "next_token",
    "token_claims",
    "token_expires",
}

_SECRET_PARAM = (
    r"(?:[a-z0-9_.-]*(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|signature"
    r"|credential|session)|key|sig|auth|code|x-amz-[a-z-]*)"
)
"""Query/form parameter names whose value is a secret (``api_key``, ``access_token``, ``X-Amz-Signature``…)."""

_PATTERNS = [
    # PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, PKCS#8): the whole block, even when the END line is cut off.
    re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|\Z)"),
    # JWTs: three base64url segments, the first starting with eyJ ("{"").
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{0,}"),
    # Bearer/Basic credentials in headers or text.
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # URL userinfo: scheme://user:password@host (the user part of a URL is often a token too).
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]{0,20}://)[^/?#\s@\"'<>]{1,512}(?=@)"),
    # Secret-looking query or form parameters: ?api_key=…, &token=…, X-Amz-Signature=…, client_secret=…
    re.compile(r"(?i)([?&;]" + _SECRET_PARAM + r"=)[^&#\s\"'<>]+"),
    # SigV4 Authorization header parts and the X-Amz-Security-Token header/parameter.
    re.compile(
        r"(?i)(\b(?:Credential|Signature|X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)\s*[=:]\s*)[^,\s&\"'<>]+"
    ),
    # Assignments in free text: password=…, client_secret: …, aws_secret_access_key = …, (quoted or not).
    re.compile(
        r"(?i)(\b(?:client[_-]?secret|passw(?:or)?d|pwd|aws_secret_access_key|aws_session_token|secret[_-]?access[_-]?key"
        r"|session[_-]?token|api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token)[\"']?\s*[=:]\s*[\"']?)"
        r"[^\s\"'&,;<>}]+"
    ),
    # JSON members holding AWS credentials (a metadata-service answer): "Token": "…", "SecretAccessKey": "…".
    re.compile(r"(?i)(\"(?:token|secretaccesskey|sessiontoken|secret|password|credentials?)\"\s*:\s*\")[^\"]+"),
    # Cookie and Set-Cookie headers written as text: the whole value up to the end of the line.
    re.compile(r"(?im)(\b(?:set-)?cookie\s*:\s*)[^\r\n]+"),
    # AWS access key ids (long-term AKIA…, temporary ASIA…).
    re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b"),
]

_lock = threading.Lock()
_known: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret so every later ``redact_text`` call removes it."""
    if value and len(value) >= 6:
        with _lock:
            _known.add(value)


def redact_text(text: str) -> str:
    """Mask known secrets and credential-shaped strings in ``text``."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    if len(text) > MEMO_MAX_CHARS:
        return _mask_shapes(text)
    return _mask_shapes_memo(text)


MEMO_MAX_CHARS = 2048
"""Texts up to this long have their shape-masking remembered (at most ``MEMO_ENTRIES`` of them, ~10 MB at worst)."""
MEMO_ENTRIES = 4096


def _mask_shapes(text: str) -> str:
    """The credential-shaped parts of ``text`` masked: a pure function of ``text`` (the patterns never change)."""
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        else:
            text = pattern.sub(MASK, text)
    return text


# Why a memo: a doctor run redacts ~500 strings (every result's summary, details and evidence, each probe's evidence
# again when its result is sanitised), and ten regex passes over each cost ~6 % of the run's CPU. Nearly all of them
# were seen before (the same URLs, headers, summaries; the second pass over already-redacted evidence): ~25 new ones
# per run. The known secrets are replaced before the memo, so a secret registered later is never missed.
_mask_shapes_memo = functools.lru_cache(maxsize=MEMO_ENTRIES)(_mask_shapes)


def redact(value: Any, *, key: str | None = None) -> Any:
    """Return a deep copy of ``value`` with secrets masked (dicts, lists, strings)."""
    if key is not None and _is_secret_key(key) and isinstance(value, (str, bytes)) and value:
        return MASK
    if isinstance(value, dict):
        return {k: redact(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in _NOT_SECRET_KEYS:
        return False
    return bool(_SECRET_KEY_NAMES.search(lowered))
