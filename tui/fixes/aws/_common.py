"""Helpers for the AWS fixes."""

from __future__ import annotations

from typing import NoReturn


def refuse(message: str) -> NoReturn:
    """Stop planning with a reason a person can act on (shown as is, never a traceback)."""
    from tui.fixes.base import FixError

    raise FixError(message)
