"""What a check function receives: the context, the facts so far, and safe clients."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.context import Context

if TYPE_CHECKING:
    from tui.playbook.model import Playbook


@dataclass
class CheckContext:
    """Passed to every check; read-only by construction."""

    context: Context
    facts: Mapping[str, Any] = field(default_factory=dict)
    timeout: float = 10.0
    cancelled: threading.Event = field(default_factory=threading.Event)
    """Set when the run is cancelled; long thread checks should look at it between calls."""
    playbook: Playbook | None = None
    node_id: str | None = None

    def aws(self, service: str) -> Any:
        """A boto3 client whose every non-read operation is refused (the read-only guard)."""
        from tui.aws.session import read_only_client

        return read_only_client(self.context, service, timeout=self.timeout)

    def fact(self, name: str, default: Any = None) -> Any:
        value = self.facts.get(name)
        return default if value is None else value
