"""Helpers for the AWS fixes."""

from __future__ import annotations

from typing import Any, NoReturn


def refuse(message: str) -> NoReturn:
    """Stop planning with a reason a person can act on (shown as is, never a traceback)."""
    from tui.fixes.base import FixError

    raise FixError(message)


def error_code(exc: BaseException) -> str:
    response: Any = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get("Code") or "")
