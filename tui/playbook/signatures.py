"""What matching a text against a playbook needs of it, without the playbook's model (pydantic).

Matching (``tui.playbook.matching``) and the logs classifier (``tui.logs.classify``) read only a playbook's id, its
node ids, each node's title and signatures: ``SignedPlaybook`` says so. A loaded ``Playbook`` is one; so is a
``SignatureIndex``, the same facts read from the compiled index shipped beside a playbook
(``tui.playbook.signature_index``), which ``agentcore-triage logs`` uses to classify without building the model.
Both go through the same code, so both answer alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self


class Signature(str):
    """A signature's regular expression; a ``str`` (so every reader can use it as one) that knows if it is noise."""

    noise: bool

    def __new__(cls, pattern: str, noise: bool = False) -> Self:
        obj = super().__new__(cls, pattern)
        obj.noise = noise
        return obj


class SignedNode(Protocol):
    """A node as matching sees it: a title and the signatures (``Signature`` strings) it explains."""

    @property
    def title(self) -> str: ...

    @property
    def signatures(self) -> Sequence[Any]: ...


class SignedPlaybook(Protocol):
    """A playbook as matching sees it: its id and its nodes by id (in the playbook's order)."""

    @property
    def id(self) -> str: ...

    @property
    def nodes(self) -> Mapping[str, SignedNode]: ...


@dataclass(frozen=True)
class IndexedNode:
    """One node of a ``SignatureIndex``."""

    title: str
    signatures: tuple[Signature, ...]


@dataclass(frozen=True)
class SignatureIndex:
    """A playbook's id, node titles (in one language) and signatures: what ``logs`` classifies with."""

    id: str
    nodes: Mapping[str, IndexedNode]
