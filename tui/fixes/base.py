"""The fix contract: a plan that says exactly what will change, then apply and undo.

``plan()`` is read-only: it looks at the current state and returns the exact
API calls (service, operation, payload) or file diffs it would make, plus the
calls that would undo them. ``apply()`` executes that plan and nothing else, so
what the user confirmed is what happens. Most fixes only write ``plan()``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field

from tui.context import Context
from tui.i18n import _
from tui.results import Risk

if TYPE_CHECKING:
    from tui.aws.session import AwsClient


class FixError(Exception):
    """A fix could not be planned or applied; the message says why and what to do."""


class ApiCall(BaseModel):
    """One AWS API call, exactly as it will be sent (boto3 client method + kwargs)."""

    kind: Literal["api"] = "api"
    service: str
    operation: str
    """boto3 method name, e.g. ``put_role_policy``."""
    params: dict[str, Any] = Field(default_factory=dict)
    description: str = ""
    region: str | None = None
    """Region to call (the runtime's); None uses the session's region."""

    def display_params(self) -> tuple[str, list[str]]:
        """The payload as JSON for people: policy documents sent as JSON strings are shown decoded.

        The call sends exactly ``params``; decoding only changes how a string that holds
        a JSON document is laid out; the second value names those keys.
        """
        shown: dict[str, Any] = {}
        decoded: list[str] = []
        for key, value in self.params.items():
            if isinstance(value, str) and value.lstrip().startswith("{"):
                try:
                    shown[key] = json.loads(value)
                    decoded.append(key)
                    continue
                except ValueError:
                    pass
            shown[key] = value
        return json.dumps(shown, indent=2, sort_keys=False, default=str), decoded

    def preview(self) -> str:
        where = "  # " + _("region {region}").format(region=self.region) + "\n" if self.region else ""
        text, decoded = self.display_params()
        shown = _("{fields}: sent as a JSON string, shown decoded").format(fields=", ".join(decoded))
        note = f"\n  # {shown}" if decoded else ""
        return where + f"{self.service}.{self.operation}(\n{text}\n){note}"


class FileChange(BaseModel):
    """A change to one file, shown as a unified diff; applied only if the file is unchanged since planning."""

    kind: Literal["file"] = "file"
    path: str
    diff: str
    before_sha256: str | None
    """Hash of the file when planned; None if the file does not exist yet."""
    after: str | None
    """New content; None deletes the file."""
    before: str | None = None
    """Old content (kept for undo)."""
    description: str = ""

    def preview(self) -> str:
        return self.diff


Action = Annotated[ApiCall | FileChange, Field(discriminator="kind")]


def parse_actions(data: list[Any]) -> list[Action]:
    """Actions from their JSON form (as the audit log stores them)."""
    from pydantic import TypeAdapter

    return TypeAdapter(list[Action]).validate_python(data)


class Plan(BaseModel):
    """What a fix will do, for the preview, the confirmation and the audit log."""

    fix: str
    title: str
    risk: Risk
    summary: str
    actions: list[Action] = Field(default_factory=list)
    undo: list[Action] = Field(default_factory=list)
    """Actions that reverse this plan (empty when it cannot be undone)."""
    permissions: list[str] = Field(default_factory=list)
    before: dict[str, Any] = Field(default_factory=dict)
    """The state the plan was made against."""
    notes: list[str] = Field(default_factory=list)
    prerequisites: list[str] = Field(default_factory=list)
    """Fix ids that must be applied first (in order)."""

    @property
    def noop(self) -> bool:
        """True when there is nothing to do (already fixed)."""
        return not self.actions

    def preview(self) -> str:
        """The exact payloads / diffs, as shown before confirmation."""
        if self.noop:
            return _("Nothing to change: ") + self.summary
        return "\n\n".join(a.preview() for a in self.actions)


class FixContext(BaseModel):
    """What a fix may use; ``client()`` returns a writable client, created only after confirmation."""

    model_config = {"arbitrary_types_allowed": True}

    context: Context
    facts: dict[str, Any] = Field(default_factory=dict)
    timeout: float = 10.0

    def _ctx_in(self, region: str | None) -> Context:
        if region and region != self.context.region:
            return self.context.model_copy(update={"region": region})
        return self.context

    def reader(self, service: str, region: str | None = None) -> AwsClient:
        """Read-only client for planning."""
        from tui.aws.session import read_only_client

        return read_only_client(self._ctx_in(region), service, timeout=self.timeout)

    def writer(self, service: str, region: str | None = None) -> AwsClient:
        """Client allowed to mutate; only ``execute`` (applying or undoing a confirmed plan) calls this."""
        from tui.aws.session import writable_client

        return writable_client(self._ctx_in(region), service, timeout=self.timeout)


class Fix:
    """Base class for fixes; subclasses implement ``plan`` and register with ``@fixer``."""

    id: ClassVar[str] = ""
    undo_operations: ClassVar[frozenset[str]] = frozenset()
    """``service.operation`` calls this fix's undo may make; ``undo`` refuses a record asking for anything else."""
    changes_files: ClassVar[bool] = False
    """Whether this fix (and so its undo) writes project files; an undo of any other fix may not write one."""

    def __init__(self, ctx: FixContext, params: Any) -> None:
        self.ctx = ctx
        self.params = params

    def plan(self) -> Plan:  # pragma: no cover - abstract
        raise NotImplementedError


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_exact(path: Path) -> str:
    """The file's text exactly as stored: line endings (``\r\n``, ``\r``) are not translated, so its UTF-8 encoding
    is the file's bytes (what ``before_sha256`` hashes and what an undo writes back)."""
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def write_exact(path: Path, text: str) -> None:
    """Write ``text`` as is: no line ending is translated (the counterpart of ``read_exact``)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def keep_line_endings(old: str, new: str) -> str:
    """``new`` with the line endings of ``old`` where a fix built it from ``old`` read with translated endings.

    A fix reads the file in text mode (every ``\r\n`` becomes ``\n``) and returns text with ``\n`` only. Then the
    lines it left alone get their own endings back, and the lines it added or rewrote the file's usual one (the most
    common ending in ``old``). ``new`` that already holds a ``\r`` was built from the exact text and is kept as is.
    """
    import difflib

    if "\r" in new or "\r" not in old:
        return new
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    endings = [_ending(line) for line in old_lines if _ending(line)]
    usual = max(set(endings), key=endings.count) if endings else "\n"
    strip = [line.rstrip("\r\n") for line in old_lines]
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, strip, [line.rstrip("\n") for line in new_lines], autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        for k, line in enumerate(new_lines[j1:j2]):
            body = line.rstrip("\n")
            if not line.endswith("\n"):
                out.append(body)  # the last line without an ending stays without one
            elif tag == "equal" and _ending(old_lines[i1 + k]):
                out.append(body + _ending(old_lines[i1 + k]))
            else:
                out.append(body + usual)
    return "".join(out)


class StaleFileError(Exception):
    """The file changed between planning and applying."""


def execute(ctx: FixContext, actions: list[Action]) -> dict[str, Any]:
    """Run actions in order; stop at the first failure (the exception propagates)."""
    answers: dict[str, Any] = {}
    for i, action in enumerate(actions):
        if isinstance(action, ApiCall):
            client = ctx.writer(action.service, action.region) if action.region else ctx.writer(action.service)
            response = getattr(client, action.operation)(**action.params)
            if isinstance(response, dict):
                response = {k: v for k, v in response.items() if k != "ResponseMetadata"}
            answers[f"{i}:{action.service}.{action.operation}"] = response
        else:
            path = Path(action.path)
            current = read_exact(path) if path.exists() else None
            current_hash = sha256_text(current) if current is not None else None
            if current_hash != action.before_sha256:
                raise StaleFileError(
                    _("{path} changed since the fix was planned; plan it again").format(path=action.path)
                )
            if action.after is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_exact(path, action.after)
            answers[f"{i}:file {action.path}"] = "written" if action.after is not None else "deleted"
    return answers


def file_change(path: str | Path, new_text: str | None, description: str = "") -> FileChange:
    """Build a ``FileChange`` with its unified diff from the file's current content, byte for byte: the lines a fix
    left alone keep their line endings (``keep_line_endings``) and ``before`` is the file as stored."""
    import difflib

    p = Path(path)
    old = read_exact(p) if p.exists() else None
    if old is not None and new_text is not None:
        new_text = keep_line_endings(old, new_text)
    diff = "".join(
        difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            (new_text or "").splitlines(keepends=True),
            fromfile=f"a/{p.name}" if old is not None else "/dev/null",
            tofile=f"b/{p.name}" if new_text is not None else "/dev/null",
        )
    )
    return FileChange(
        path=str(p),
        diff=diff,
        before_sha256=sha256_text(old) if old is not None else None,
        after=new_text,
        before=old,
        description=description,
    )


def reverse_file_change(change: FileChange) -> FileChange:
    """The change that restores a file to what it was before ``change``."""
    import difflib

    p = Path(change.path)
    diff = "".join(
        difflib.unified_diff(
            (change.after or "").splitlines(keepends=True),
            (change.before or "").splitlines(keepends=True),
            fromfile=f"a/{p.name}",
            tofile=f"b/{p.name}",
        )
    )
    return FileChange(
        path=change.path,
        diff=diff,
        before_sha256=sha256_text(change.after) if change.after is not None else None,
        after=change.before,
        before=change.after,
        description=_("undo: {description}").format(description=change.description),
    )
