"""Typed messages the engine's listener posts to the walk screen (from the checks worker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.engine.events import Event
    from tui.results import CheckResult


@dataclass
class CheckRunStarted(Message):
    """A check of a node started running."""

    node: str
    key: str
    check: str


@dataclass
class CheckRunFinished(Message):
    """A check of a node finished (any status, including error and timeout)."""

    node: str
    key: str
    result: CheckResult


@dataclass
class NodeRunFinished(Message):
    """Every check of a node finished; the walk stored the results and facts."""

    node: str
    results: dict[str, CheckResult]


@dataclass
class NodeRunCancelled(Message):
    """The user cancelled a node's running checks (``esc``)."""

    node: str
    running: list[str]


@dataclass
class WalkMoved(Message):
    """The walk's current node changed (answer, advance, back, forward, jump)."""

    node: str


def engine_message(event: Event) -> Message:
    """The typed message for an engine event (the walk's listener; called on the loop by the runner)."""
    from tui.engine.events import CheckFinished, CheckStarted

    if isinstance(event, CheckStarted):
        return CheckRunStarted(event.node, event.key, event.check)
    if isinstance(event, CheckFinished):
        return CheckRunFinished(event.node, event.key, event.result)
    return NodeRunFinished(event.node, dict(event.results))
