"""``{name}`` templates in check and fix parameters.

A template names a context value (``{region}``) or a fact published by an
earlier check (``{runtime.role_arn}``). ``{{`` and ``}}`` are literal braces. A
string that is exactly one template keeps the value's type (a list stays a list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

TEMPLATE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}")


class MissingValue(KeyError):
    """A template names a value that is not known (yet)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def names_in(value: Any) -> Iterator[str]:
    """Every template name used anywhere in ``value``."""
    if isinstance(value, str):
        for match in TEMPLATE.finditer(value):
            if match.group(1):
                yield match.group(1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from names_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from names_in(item)


def render(value: Any, values: Mapping[str, Any]) -> Any:
    """Substitute templates in ``value`` (recursively); raise ``MissingValue`` for unknown names."""
    if isinstance(value, dict):
        return {k: render(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, values) for v in value]
    if not isinstance(value, str):
        return value
    whole = TEMPLATE.fullmatch(value)
    if whole and whole.group(1):
        return _lookup(whole.group(1), values)

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "{{":
            return "{"
        if match.group(0) == "}}":
            return "}"
        return str(_lookup(match.group(1), values))

    return TEMPLATE.sub(substitute, value)


def _lookup(name: str, values: Mapping[str, Any]) -> Any:
    if name in values and values[name] is not None:
        return values[name]
    raise MissingValue(name)
