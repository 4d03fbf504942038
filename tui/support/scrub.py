"""Redaction for everything a support bundle holds: ``tui.redact`` plus the shapes a bundle meets more often.

A bundle carries log lines, project files, diffs and audit records, where credentials show up
without a telling key name. ``redact_text`` already masks JWTs, bearer values, URL userinfo and PEM
private keys; this adds a bare AWS secret access key, an STS session token and ``password=…``-style
assignments in free text. Every pattern here is bounded (no nested quantifiers, capped repeats), so
scrubbing untrusted text stays linear in its length.
"""

from __future__ import annotations

import re
from typing import Any

from tui.redact import MASK, redact, redact_text, remembered

# 40 characters of base64 with both cases and a digit: the shape of an AWS secret access key (a hex digest
# has one case only, so content hashes stay; a path segment rarely runs 40 characters without - _ or .).
_AWS_SECRET = re.compile(
    r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[0-9])"
    r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
)
# STS session tokens start with these (base64 of their binary header); they run to hundreds of characters.
_SESSION_TOKEN = re.compile(r"(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]{16,4096}")
# `password=…`, `secret: …` and friends in free text (log lines, Dockerfiles, .env files).
_NAMED_SECRET = re.compile(
    r"(?i)(?<![a-z])((?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|session[_-]?token|client[_-]?secret)"
    r"[\"']?\s{0,3}[=:]\s{0,3}[\"']?)[^\s\"',;&]{4,512}"
)


def scrub_text(text: str) -> str:
    """``redact_text`` and the bundle's extra shapes."""
    if not text:
        return text
    return _bundle_shapes_remembered(redact_text(text))


def _bundle_shapes(text: str) -> str:
    """The bundle's extra shapes masked: a pure function of ``text``."""
    text = _SESSION_TOKEN.sub(MASK, text)
    text = _AWS_SECRET.sub(MASK, text)
    return _NAMED_SECRET.sub(lambda m: m.group(1) + MASK, text)


# A bundle scrubs every string of the playbook (thousands, the same in every bundle of a process), and the playbook's
# whole JSON text once more: remembered as redact_text's shapes are.
_bundle_shapes_remembered = remembered(_bundle_shapes)


def scrub(value: Any) -> Any:
    """A deep copy of ``value`` with secrets masked by key name (``redact``) and by shape (``scrub_text``)."""
    return _scrub_strings(redact(value))


def _scrub_strings(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub_text(str(k)): _scrub_strings(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub_strings(v) for v in value]
    return value
