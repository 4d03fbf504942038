"""The audit log: one JSON line per applied (or undone) fix, in the user's state directory.

Each line says when, who (the AWS principal or local user), which fix, on which
target (AWS account + region + partition, endpoint origin, project directory,
demo sandbox), the exact request, the state before, what the API answered, the
outcome, and the typed actions that would undo it. Everything is redacted before
it is written.

The log is untrusted input on the way back in: a broken line (not UTF-8, cut
short, not a record) is skipped and reported, never fatal; ``tui.fixes.undo``
checks every undo action against the fix's own definition before running it.
Writers hold an ``fcntl`` lock so concurrent runs never interleave lines.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from tui.files import NotARegularFile, open_regular, read_regular_tail, user_path
from tui.fixes.base import Action, FixError
from tui.i18n import _, os_reason
from tui.redact import redact

APP_NAME = "agentcore-triage"
MAX_LINE_BYTES = 4 * 1024 * 1024
"""A line longer than this is not read (a corrupt or hostile log must not exhaust memory)."""
MAX_LOG_BYTES = 64 * 1024 * 1024
MAX_RECORDS = 5000
"""The newest records read (a fix writes one, its undo another). Each costs about 700 bytes of memory once read:
16 MiB of the smallest valid records took 28 s and 1.4 GB for `audit` before there was a limit."""
MAX_NESTING = 64
"""A record nested deeper than this is not read (real ones hold API payloads, about ten levels deep): deeper ones
stop the JSON reader (``[[[[…``) or pydantic's serializer (past about 250 levels) in the middle of ``audit``."""


def state_dir() -> Path:
    """``$AGENTCORE_TRIAGE_STATE_DIR``, else platformdirs' user state dir (``$XDG_STATE_HOME/agentcore-triage`` on Linux)."""
    explicit = os.environ.get("AGENTCORE_TRIAGE_STATE_DIR")
    if explicit:
        return user_path(explicit)
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


def audit_path() -> Path:
    return state_dir() / "audit.jsonl"


class AuditUnwritable(FixError):
    """The audit log cannot be written, so no fix or undo may run: its change would have no record and no undo."""


def _unwritable(where: Path, exc: OSError) -> AuditUnwritable:
    return AuditUnwritable(
        _(
            "fixes are recorded in {path}, which cannot be written ({reason}): nothing was changed; set "
            "AGENTCORE_TRIAGE_STATE_DIR to a directory you can write"
        ).format(path=where, reason=os_reason(exc))
    )


class Target(BaseModel):
    """What a fix acted on; an undo runs only against the same target."""

    account: str | None = None
    region: str | None = None
    partition: str | None = None
    endpoint: str | None = None
    """Origin of the MCP endpoint (scheme://host:port), never its path or query."""
    project: str | None = None
    """Absolute path of the project directory (file fixes)."""
    files: dict[str, str | None] = Field(default_factory=dict)
    """sha256 of each file the fix wrote, as it left it (None: the fix deleted it)."""
    sandbox: str | None = None
    """Id of the demo sandbox the fix ran in."""

    def aws_label(self) -> str:
        return f"{self.partition or 'aws'}:{self.account or '?'}:{self.region or '?'}"

    def label(self) -> str:
        """Short text for the audit viewer's target column."""
        parts = []
        if self.sandbox:
            parts.append(_("sandbox {id}").format(id=self.sandbox))
        if self.account or self.region:
            parts.append(self.aws_label())
        if self.project:
            parts.append(self.project)
        return " · ".join(parts) or "-"

    def short_label(self) -> str:
        """The target in a narrow column: a sandbox's id says it all; else the account, else the project."""
        if self.sandbox:
            return f"sandbox {self.sandbox}"
        if self.account or self.region:
            return self.aws_label()
        return self.project or "-"


RECORD_ID = r"^[A-Za-z0-9_.-]{1,64}$"
"""What a record id may be: written as 12 hex digits; a forged one with a newline or an escape split ``audit``'s
listing and ``undo``'s error lines (undo picks records by id), so a record with another id is skipped, named."""


class AuditRecord(BaseModel):
    """One applied or undone fix."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12], pattern=RECORD_ID)
    time: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    principal: str = ""
    fix: str
    title: str = ""
    node: str | None = None
    risk: str = ""
    target: Target | None = None
    """None only in records written before targets were recorded (those are never undone automatically)."""
    request: list[dict[str, Any]] = Field(default_factory=list)
    before: dict[str, Any] = Field(default_factory=dict)
    after: dict[str, Any] = Field(default_factory=dict)
    outcome: str
    """``applied``, ``failed``, ``noop`` or ``undone``."""
    error: str | None = None
    undo: list[Action] = Field(default_factory=list)
    undoes: str | None = Field(default=None, pattern=RECORD_ID)
    """For an undo record: the id of the record it reverses."""


@dataclass
class AuditLog:
    """The records that could be read, and one line per line that could not."""

    records: list[AuditRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """``line 7: not valid UTF-8`` …"""
    problem: str | None = None
    """Why the log as a whole could not be read (a directory in its place, no permission)."""

    def summary(self) -> str | None:
        """One line saying what was skipped and why (None when everything was read)."""
        if self.problem:
            return _("audit log {path}: {problem}").format(path=audit_path(), problem=self.problem)
        if not self.skipped:
            return None
        more = _("; … {count} more").format(count=len(self.skipped) - 5) if len(self.skipped) > 5 else ""
        return _("audit log {path}: skipped {count} unreadable line(s): {lines}").format(
            path=audit_path(), count=len(self.skipped), lines="; ".join(self.skipped[:5]) + more
        )


_thread_lock = threading.RLock()
_lock_depth = 0
_lock_fd: int | None = None


@contextmanager
def locked() -> Iterator[None]:
    """Hold the audit lock (``fcntl.flock`` on ``audit.lock`` + an in-process lock); re-entrant in one thread.

    Fix runs hold it from the last re-read of the live state until their audit line is
    written, so two runs never apply the same change twice or interleave lines.
    """
    global _lock_depth, _lock_fd
    with _thread_lock:
        if _lock_depth == 0:
            directory = state_dir()
            try:
                _ensure_dir(directory)
                fd = os.open(directory / "audit.lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:  # a file where the directory should be, no permission, a name too long
                raise _unwritable(directory, exc) from None
            try:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            _lock_fd = fd
        _lock_depth += 1
        try:
            yield
        finally:
            _lock_depth -= 1
            if _lock_depth == 0 and _lock_fd is not None:
                os.close(_lock_fd)  # closing releases the flock
                _lock_fd = None


def _ensure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)


def ensure_writable() -> None:
    """Raise ``AuditUnwritable`` unless a record can be appended now (creates the state directory and the log).

    Fix runs call it inside their ``locked()`` before anything changes (a record that failed to write after the
    change left it without an undo); ``doctor --fix all`` before it starts.
    """
    with locked():
        path = audit_path()
        try:
            os.close(_open_for_append(path))
        except OSError as exc:
            raise _unwritable(path, exc) from None


def _open_for_append(path: Path) -> int:
    """``path`` open for appending (created if missing), as a regular file only.

    ``O_NONBLOCK``: a pipe in its place fails at once (no reader) instead of waiting for one for ever, and is then
    refused like a device or a socket."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except IsADirectoryError:
        raise IsADirectoryError(errno.EISDIR, _("a directory, not the audit log: move it away")) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotARegularFile(mode)
    return fd


def append(record: AuditRecord) -> Path:
    """Write one redacted line under the lock; create the directory (mode 700) if needed."""
    path = audit_path()
    line = json.dumps(redact(record.model_dump(mode="json")), default=str, sort_keys=False) + "\n"
    with locked():
        fd = _open_for_append(path)
        try:
            # A record that followed a truncated line must still start on its own line.
            if os.fstat(fd).st_size and not _ends_with_newline(path):
                line = "\n" + line
            os.write(fd, line.encode("utf-8"))  # one write: lines never interleave
        finally:
            os.close(fd)
    return path


def _ends_with_newline(path: Path) -> bool:
    stream, _info = open_regular(path)
    with stream:
        stream.seek(-1, os.SEEK_END)
        return stream.read(1) == b"\n"


def read_log() -> AuditLog:
    """Every valid record, oldest first; every other line is skipped and named (line number and why)."""
    path = audit_path()
    log = AuditLog()
    try:
        # the newest records are last, and they are the ones undo needs: a log too large is read from its end
        data, size = read_regular_tail(path, MAX_LOG_BYTES)
    except FileNotFoundError:  # a symbolic link loop is not this: it is named below, not taken for "no fixes yet"
        return log
    except NotARegularFile as exc:
        if exc.directory:
            log.problem = _("is a directory, not a file: move it away (no records could be read)")
        else:
            log.problem = _("is a device, pipe or socket, not a file: move it away (no records could be read)")
        return log
    except OSError as exc:
        log.problem = _("cannot be read ({reason})").format(reason=os_reason(exc))
        return log
    if size > len(data):
        data = data[data.find(b"\n") + 1 :]  # the tail cut its first line in two: that line is left out
        log.skipped.append(
            _("everything before the last {size} bytes: the log is too large (line numbers count from there)").format(
                size=MAX_LOG_BYTES
            )
        )
    lines = data.split(b"\n")
    newest_first: list[AuditRecord] = []
    skipped: list[str] = []
    for number in range(len(lines), 0, -1):  # from the end: the newest records are the ones kept
        raw = lines[number - 1]
        if not raw.strip():
            continue
        if len(newest_first) >= MAX_RECORDS:
            skipped.append(
                _("lines 1 to {number}: older than the newest {count} records, which are all that is read").format(
                    number=number, count=MAX_RECORDS
                )
            )
            break
        reason = _parse_line(raw, newest_first)
        if reason:
            skipped.append(_("line {number}: {reason}").format(number=number, reason=reason))
    log.records = newest_first[::-1]
    log.skipped += skipped[::-1]
    return log


def _parse_line(raw: bytes, out: list[AuditRecord]) -> str | None:
    if len(raw) > MAX_LINE_BYTES:
        return _("longer than {size} bytes").format(size=MAX_LINE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _("not valid UTF-8")
    try:
        data = json.loads(text)
    except ValueError:
        return _("not complete JSON (truncated?)")
    except RecursionError:  # `[[[[…` within MAX_LINE_BYTES: deeper than the JSON reader goes
        return _("nested too deeply")
    if not isinstance(data, dict):
        return _("not a record (a JSON object is expected)")
    if _nested_deeper_than(data, MAX_NESTING):
        return _("nested too deeply")
    try:
        out.append(AuditRecord.model_validate(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        return _("not a valid record ({field}: {reason})").format(
            field=".".join(map(_shown_key, first["loc"])), reason=first["msg"]
        )
    except RecursionError:
        return _("nested too deeply")
    return None


def _shown_key(part: str | int) -> str:
    """One step of a field's path as a skipped line names it: a key of the record's own data (``target.files``) may be
    anything the log holds (an escape sequence reached the terminal raw, a newline split the line, 100,000 characters
    came back whole): a plain name as it is, any other as a Python literal, cut."""
    text = str(part)
    if re.fullmatch(r"[A-Za-z0-9_]{1,40}", text):
        return text
    return repr(text[:40]) + ("…" if len(text) > 40 else "")


def _nested_deeper_than(data: Any, limit: int) -> bool:
    """Does ``data`` (parsed JSON) hold lists or objects more than ``limit`` levels deep? (No recursion.)"""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def records() -> list[AuditRecord]:
    """Every valid record, oldest first (``read_log()`` also says what was skipped)."""
    return read_log().records


def undone_ids(recs: list[AuditRecord] | None = None) -> set[str]:
    """Ids of records that a successful undo reversed (a failed undo leaves its target undoable)."""
    return {r.undoes for r in (records() if recs is None else recs) if r.undoes and r.outcome == "undone"}


def is_undoable(record: AuditRecord, undone: set[str]) -> bool:
    """An applied fix that recorded how to reverse it and has not been reversed yet."""
    return record.outcome == "applied" and bool(record.undo) and not record.undoes and record.id not in undone


def endpoint_origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an endpoint URL (no userinfo, path or query: those may hold secrets)."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")


def sandbox_id() -> str | None:
    """The demo sandbox this process runs in (set by ``agentcore-triage demo`` and its ``--print-env``)."""
    return os.environ.get("AGENTCORE_TRIAGE_SANDBOX_ID") or None


def aws_identity(context: Any, region: str | None = None) -> tuple[str | None, str | None, str | None]:
    """(account, partition, principal ARN) of the credentials in use; Nones when STS cannot say."""
    try:
        from tui.aws.session import read_only_client

        ctx = context.model_copy(update={"region": region}) if region and region != context.region else context
        ident = read_only_client(ctx, "sts", timeout=context.timeout).get_caller_identity()
    except Exception:  # noqa: BLE001 - no credentials: the target is unknown, which undo treats as "not current"
        return None, None, None
    arn = str(ident.get("Arn") or "")
    partition = arn.split(":")[1] if arn.count(":") >= 2 else None
    return str(ident.get("Account") or "") or None, partition, arn or None


def _session_region(context: Any) -> str | None:
    try:
        from tui.aws.session import session_for

        region: str | None = session_for(context).region_name
        return region
    except Exception:  # noqa: BLE001 - no profile / no region: unknown
        return None


def target_of(context: Any, actions: list[Any]) -> Target:
    """The target a set of actions acts on, as seen from ``context`` (calls STS only for AWS actions)."""
    from tui.fixes.base import ApiCall, FileChange, sha256_text

    target = Target(endpoint=endpoint_origin(getattr(context, "endpoint", None)), sandbox=sandbox_id())
    api = [a for a in actions if isinstance(a, ApiCall)]
    if api:
        region = next((a.region for a in api if a.region), None) or getattr(context, "region", None)
        if not region:
            region = _session_region(context)
        target.region = region
        target.account, target.partition, _ = aws_identity(context, region)
    files = [a for a in actions if isinstance(a, FileChange)]
    if files:
        project = getattr(context, "project", None)
        target.project = str(user_path(project).resolve()) if project else None
        for change in files:
            target.files[str(user_path(change.path).resolve())] = (
                sha256_text(change.after) if change.after is not None else None
            )
    return target
