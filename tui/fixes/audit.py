"""The audit log: one JSON line per applied (or undone) fix, in the user's state directory.

Each line says when, who (the AWS principal or local user), which fix, the exact
request, the state before, what the API answered, the outcome, and the actions
that would undo it. Everything is redacted before it is written.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from tui.redact import redact


def state_dir() -> Path:
    """``$AGENTCORE_TRIAGE_STATE_DIR``, else ``$XDG_STATE_HOME/agentcore-triage``, else ``~/.local/state/agentcore-triage``."""
    explicit = os.environ.get("AGENTCORE_TRIAGE_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "agentcore-triage"


def audit_path() -> Path:
    return state_dir() / "audit.jsonl"


class AuditRecord(BaseModel):
    """One applied or undone fix."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    time: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    principal: str = ""
    fix: str
    title: str = ""
    node: str | None = None
    risk: str = ""
    request: list[dict[str, Any]] = Field(default_factory=list)
    before: dict[str, Any] = Field(default_factory=dict)
    after: dict[str, Any] = Field(default_factory=dict)
    outcome: str
    """``applied``, ``failed`` or ``undone``."""
    error: str | None = None
    undo: list[dict[str, Any]] = Field(default_factory=list)
    undoes: str | None = None
    """For an undo record: the id of the record it reverses."""


def append(record: AuditRecord) -> Path:
    """Write one redacted line; create the directory (mode 700) if needed."""
    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = json.dumps(redact(record.model_dump(mode="json")), default=str, sort_keys=False)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    return path


def records() -> list[AuditRecord]:
    """Every record, oldest first; unreadable lines are skipped."""
    path = audit_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(AuditRecord.model_validate_json(line))
        except ValueError:
            continue
    return out


def undone_ids(recs: list[AuditRecord] | None = None) -> set[str]:
    """Ids of records that a successful undo reversed (a failed undo leaves its target undoable)."""
    return {r.undoes for r in (records() if recs is None else recs) if r.undoes and r.outcome == "undone"}


def is_undoable(record: AuditRecord, undone: set[str]) -> bool:
    """An applied fix that recorded how to reverse it and has not been reversed yet."""
    return record.outcome == "applied" and bool(record.undo) and not record.undoes and record.id not in undone
