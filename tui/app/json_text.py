"""JSON shown on screen: readable in any language, inert for the terminal.

``json.dumps`` escapes every non-ASCII character by default, so a Japanese fix title in an audit record read as
``\\u30a2\\u30af…``. Here text stays as written, except the characters a terminal acts on or that disguise text:
C0/C1 controls (C1 ``\\x9b`` starts an escape sequence on some terminals), format characters such as bidi
overrides (U+202E), line/paragraph separators and lone surrogates stay escaped, as JSON allows.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escape_unsafe(match: re.Match[str]) -> str:
    char = match.group(0)
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    if ord(char) > 0xFFFF:
        high, low = divmod(ord(char) - 0x10000, 0x400)
        return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
    return f"\\u{ord(char):04x}"


def readable_json(value: Any) -> str:
    """``value`` as indented JSON for a screen: non-ASCII text as written, unsafe characters escaped."""
    text = json.dumps(value, indent=2, default=str, ensure_ascii=False)
    return _NON_ASCII.sub(_escape_unsafe, text)  # escape only what must not reach the terminal raw
