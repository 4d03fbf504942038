"""Progress events the engine reports while it works (the TUI shows them live)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.results import CheckResult


@dataclass(frozen=True)
class CheckStarted:
    node: str
    key: str
    check: str


@dataclass(frozen=True)
class CheckFinished:
    node: str
    key: str
    result: CheckResult


@dataclass(frozen=True)
class NodeFinished:
    node: str
    results: dict[str, CheckResult]


Event = CheckStarted | CheckFinished | NodeFinished
Listener = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """Default listener."""
