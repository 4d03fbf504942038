"""Playbooks: decision trees of questions, checks and diagnoses, one YAML file each.

The model's names are exported lazily: importing a submodule that needs no model (``patterns``, ``locate``,
``signatures``, ``signature_index``) must not build pydantic's classes (``agentcore-triage logs`` classifies from
the compiled signature index without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.playbook.model import (
        CheckInvocation,
        CheckNode,
        Choice,
        Condition,
        DiagnosisNode,
        FixRef,
        Input,
        Node,
        Playbook,
        QuestionNode,
    )

__all__ = [
    "CheckInvocation",
    "CheckNode",
    "Choice",
    "Condition",
    "DiagnosisNode",
    "FixRef",
    "Input",
    "Node",
    "Playbook",
    "QuestionNode",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tui.playbook import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
