"""Playbooks: decision trees of questions, checks and diagnoses, one YAML file each."""

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
