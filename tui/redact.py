"""Keep tokens and secret keys out of every log, report and screen.

Two layers: values registered at run time (the bearer token the user gave us,
secret keys from the environment) are replaced wherever they appear, and
anything that looks like a credential (JWTs, ``Authorization`` headers, AWS
secret keys, keys named like secrets) is masked by shape.
"""

from __future__ import annotations

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

_PATTERNS = [
    # JWTs: three base64url segments, the first starting with eyJ ("{"").
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{0,}"),
    # Bearer credentials in headers or text.
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # AWS secret access keys next to their name.
    re.compile(r"(?i)(aws_secret_access_key\s*[=:]\s*['\"]?)[A-Za-z0-9/+=]{30,}"),
    re.compile(r"(?i)(aws_session_token\s*[=:]\s*['\"]?)[A-Za-z0-9/+=]{30,}"),
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
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        else:
            text = pattern.sub(MASK, text)
    return text


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
