"""The support bundle file: a zip of text files with a manifest, scrubbed of secrets, byte-for-byte reproducible.

Writing: every file goes through ``scrub`` (structures: by key name and by shape) and then
``scrub_text`` (the serialized bytes), so nothing reaches the zip unredacted, whatever its
source. The zip is deterministic apart from time stamps *inside* the files: entries in name
order, a fixed entry date, fixed permissions, JSON with sorted keys. The manifest lists each
file's sha256, so a changed bundle is noticed on reading.

Reading: a bundle is untrusted input. Nothing is extracted to disk; entry count and sizes are
capped (sizes as read, not as the zip claims); a bundle of a newer ``schema_version`` is
refused with one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import struct
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.files import user_path
from tui.i18n import _, current_language, os_reason
from tui.support.scrub import scrub, scrub_text

SCHEMA_VERSION = 1
"""Raise when a reader of the old version could misread a new bundle; readers refuse newer versions."""
KIND = "agentcore-triage support bundle"
MANIFEST = "manifest.json"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every entry's date: the zip's own time stamps would make two bundles of one session differ."""
MAX_ENTRIES = 1000
MAX_ENTRY_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_DIRECTORY_BYTES = MAX_ENTRIES * 1024
"""The zip's central directory, as its end record says: ``MAX_ENTRIES`` entries with names far longer than a bundle's
fit. Checked before ``zipfile`` parses it: it builds an object per entry first (a 61 MB file of 1.3 million empty
entries took 6 s and 590 MB to be refused for its entry count)."""
_END_RECORD = struct.Struct("<4s4H2LH")


class BundleError(Exception):
    """A bundle that cannot be written or read; the message is one line saying what to do."""


def encode_json(value: Any) -> str:
    """The bundle's JSON: sorted keys, two-space indent, UTF-8 as is, one trailing newline."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_file(content: Any) -> bytes:
    """One bundle file, scrubbed: text as is, anything else as JSON."""
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")  # a bundle holds text only
    text = content if isinstance(content, str) else encode_json(scrub(content))
    return scrub_text(text).encode("utf-8")


def not_a_file_to_replace(target: Path) -> str | None:
    """What ``target`` is when it exists as something a bundle must never be renamed over, else None.

    A bundle is written beside its target and renamed over it (never half a zip): over a device node that rename
    deletes the device (as root, `--out /dev/null` left a plain file where /dev/null was), over a symlink it replaces
    the link instead of writing where it points, over a pipe or socket it removes them."""
    try:
        mode = target.lstat().st_mode
    except OSError:  # absent (or unreadable: the write reports it)
        return None
    if stat.S_ISLNK(mode):
        return _("a symbolic link")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return _("a pipe or socket")
    if stat.S_ISREG(mode) and not _is_a_bundle(target):
        return _("an existing file that is not a support bundle")  # a report, a key file: never replaced unasked
    return None


def _is_a_bundle(path: Path) -> bool:
    """True for a zip that holds a bundle manifest (an earlier bundle may be replaced; anything else may not)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return MANIFEST in archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError):
        return False


def write_bundle(path: str | Path, files: Mapping[str, Any], manifest: Mapping[str, Any]) -> Path:
    """Write ``files`` (name → text or JSON-able value) and the manifest to ``path`` atomically; returns the path."""
    target = user_path(path)
    for name in files:
        if name == MANIFEST or name.startswith("/") or ".." in name.split("/"):
            raise BundleError(f"bad bundle file name {name!r}")  # a bug in the collector, never user input
    rendered = {name: render_file(files[name]) for name in sorted(files)}
    head = {**manifest, "schema_version": SCHEMA_VERSION, "kind": KIND}
    head["files"] = {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in rendered.items()}
    entries = {MANIFEST: render_file(head), **rendered}
    if not target.parent.is_dir():
        raise BundleError(
            _("{target}: the directory {directory} does not exist (create it, or choose another path)").format(
                target=target, directory=target.parent
            )
        )
    if (kind := not_a_file_to_replace(target)) is not None:
        raise BundleError(
            _("{target}: {kind}, not a file a bundle may replace; choose a file path").format(target=target, kind=kind)
        )
    fd, temp = tempfile.mkstemp(prefix=".bundle-", suffix=".zip", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, wherever it was written
                info.external_attr = 0o644 << 16
                zf.writestr(info, data, compresslevel=6)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise BundleError(_("cannot write {target}: {reason}").format(target=target, reason=os_reason(exc))) from None
    return target


@dataclass
class Bundle:
    """A bundle read into memory: its manifest and its files (bytes, verified against the manifest)."""

    manifest: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    source: str = ""

    def has(self, name: str) -> bool:
        return name in self.files

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8", "replace")

    def json(self, name: str, default: Any = None) -> Any:
        """A JSON file of the bundle (``default`` when absent); a broken one is a ``BundleError``."""
        if name not in self.files:
            return default
        try:
            return json.loads(self.files[name])
        except (ValueError, RecursionError) as exc:  # nested deeper than the parser goes: a forged bundle
            raise BundleError(
                _("{where}: {name} is not valid JSON ({reason})").format(where=self.source, name=name, reason=exc)
            ) from None

    def names(self, prefix: str = "") -> list[str]:
        return sorted(n for n in self.files if n.startswith(prefix))


def read_bundle(path: str | Path) -> Bundle:
    """Read and verify a bundle; raises ``BundleError`` with one line for anything that is not a usable bundle."""
    from tui.files import NotARegularFile, open_regular

    where = str(path)
    # A device or a pipe is never a bundle, and reading one has no end (/dev/zero filled gigabytes of memory; a FIFO
    # with no writer blocks forever): only a regular file of a bundle's size is read at all.
    try:
        stream, found = open_regular(path)
    except FileNotFoundError:
        raise BundleError(_("{where}: no such file").format(where=where)) from None
    except NotARegularFile:
        raise BundleError(_("{where}: not a support bundle (not a regular file)").format(where=where)) from None
    except (OSError, ValueError) as exc:
        # English keeps the whole exception text (errno and path) it always said; Japanese says the reason.
        reason = os_reason(exc) if isinstance(exc, OSError) and current_language() != "en" else str(exc)
        raise BundleError(
            _("{where}: not a support bundle (cannot be read: {reason})").format(where=where, reason=reason)
        ) from None
    with stream:
        return _read_open_bundle(stream, found.st_size, where)


def _directory_bytes(stream: Any, size: int) -> int | None:
    """The size of the zip's central directory from its end record (the last one in the file's last 64 KiB, where a
    zip comment may push it), or None when there is none (``zipfile`` then says what is wrong). A zip64 directory
    (0xFFFFFFFF here) counts as too large: a bundle is far below the sizes that need it."""
    tail_size = min(size, _END_RECORD.size + 0xFFFF)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return None
    if tail[max(0, at - 20) : at].startswith(b"PK\x06\x07"):  # a zip64 locator: zipfile would read its sizes instead
        return 0xFFFFFFFF
    directory: int = _END_RECORD.unpack_from(tail, at)[5]
    return directory


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_./-]{1,120}")


def _shown_name(name: str) -> str:
    """A file name of the bundle as an error line quotes it: a name the collector writes as it is; any other (a forged
    entry or manifest key: a newline split the line, U+202E reordered it, 60,000 characters came back whole) as a
    Python literal, cut."""
    if _PLAIN_NAME.fullmatch(name):
        return name
    return repr(name[:80]) + ("…" if len(name) > 80 else "")


def _read_open_bundle(stream: Any, size: int, where: str) -> Bundle:
    """``read_bundle`` on the opened file ``stream`` of ``size`` bytes."""
    if size > MAX_TOTAL_BYTES:
        raise BundleError(
            _("{where}: not a support bundle ({size} bytes, more than {limit})").format(
                where=where, size=size, limit=MAX_TOTAL_BYTES
            )
        )
    directory = _directory_bytes(stream, size)
    if directory is not None and directory > MAX_DIRECTORY_BYTES:
        raise BundleError(
            _(
                "{where}: not a support bundle (its zip directory is {size} bytes: far more than {limit} entries)"
            ).format(where=where, size=directory, limit=MAX_ENTRIES)
        )
    try:
        zf = zipfile.ZipFile(stream)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleError(
            _("{where}: not a support bundle (not a readable zip: {reason})").format(where=where, reason=exc)
        ) from None
    files: dict[str, bytes] = {}
    total = 0
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ENTRIES:
            raise BundleError(
                _("{where}: not a support bundle ({count} entries, more than {limit})").format(
                    where=where, count=len(infos), limit=MAX_ENTRIES
                )
            )
        for info in infos:
            try:
                with zf.open(info) as member:
                    data = member.read(MAX_ENTRY_BYTES + 1)
            except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
                raise BundleError(
                    _("{where}: {name} cannot be read ({reason})").format(
                        where=where, name=_shown_name(info.filename), reason=exc
                    )
                ) from None
            total += len(data)
            if len(data) > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
                raise BundleError(
                    _("{where}: not a support bundle ({name} is too large)").format(
                        where=where, name=_shown_name(info.filename)
                    )
                )
            files[info.filename] = data
    if MANIFEST not in files:
        raise BundleError(_("{where}: not a support bundle (no {name})").format(where=where, name=MANIFEST))
    try:
        manifest = json.loads(files.pop(MANIFEST))
    except (ValueError, RecursionError) as exc:
        raise BundleError(
            _("{where}: {name} is not valid JSON ({reason})").format(where=where, name=MANIFEST, reason=exc)
        ) from None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise BundleError(
            _("{where}: not an agentcore-triage support bundle ({name} does not say so)").format(
                where=where, name=MANIFEST
            )
        )
    version = manifest.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(_("{where}: {name} has no valid schema_version").format(where=where, name=MANIFEST))
    if version > SCHEMA_VERSION:
        raise BundleError(
            _(
                "{where}: bundle schema_version {version} is newer than this agentcore-triage reads ({known}); "
                "upgrade agentcore-triage to open it"
            ).format(where=where, version=version, known=SCHEMA_VERSION)
        )
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise BundleError(_("{where}: {name} lists no files").format(where=where, name=MANIFEST))
    for name, data in files.items():
        entry = listed.get(name)
        if not isinstance(entry, dict) or entry.get("sha256") != sha256(data):
            raise BundleError(
                _("{where}: {name} does not match the manifest (the bundle was changed after it was written)").format(
                    where=where, name=_shown_name(name)
                )
            )
    missing = sorted(set(listed) - set(files))
    if missing:
        raise BundleError(
            _("{where}: {name} is listed in the manifest but missing").format(where=where, name=_shown_name(missing[0]))
        )
    return Bundle(manifest, files, where)
