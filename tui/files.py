"""Files the user named: looked up without raising, opened only when regular, read bounded.

A name on the command line can be a device (/dev/zero grew to gigabytes of memory), a pipe with no writer (the read
blocks for ever), a huge log, or longer than any file name may be (a pasted line: "[Errno 36] File name too long").
``open_regular`` looks before it opens, opens without blocking and checks again what it opened; ``read_regular``
reads at most ``limit + 1`` bytes, so the caller can tell "too large" from "just right". ``exists``, ``is_file`` and
``is_dir`` answer False for a name the system cannot look up instead of raising.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class UnknownHome(ValueError):
    """A path starting with ``~name`` for a user this machine does not know, or ``~`` with no home directory."""


def user_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with a leading ``~`` or ``~name`` expanded, as a shell would; ``UnknownHome`` when it cannot be.

    ``Path.expanduser`` raises a bare ``RuntimeError("Could not determine home directory.")`` there, which reached
    the user as that sentence, without the path it was about.
    """
    try:
        return Path(path).expanduser()
    except RuntimeError:
        from tui.i18n import _

        first = Path(path).parts[0]
        who = (
            _("no user {user} on this machine").format(user=repr(first[1:]))
            if len(first) > 1
            else _("no home directory (HOME is not set)")
        )
        raise UnknownHome(
            _("{path}: {first} cannot be expanded: {who}; write the path in full").format(
                path=path, first=first, who=who
            )
        ) from None


class NotARegularFile(OSError):
    """The path names a directory, a device, a pipe or a socket."""

    def __init__(self, mode: int) -> None:
        self.directory = stat.S_ISDIR(mode)
        super().__init__("a directory, not a file" if self.directory else "a device, pipe or socket, not a file")


def open_regular(path: str | Path) -> tuple[BinaryIO, os.stat_result]:
    """The regular file ``path`` open for reading, and what ``fstat`` says of it; ``NotARegularFile`` for
    anything else, which is never opened (opening some devices does something).

    ``O_NONBLOCK`` makes opening a FIFO swapped in after the look return at once (so it can be refused) instead of
    waiting for a writer; it changes nothing for a regular file."""
    file = user_path(path)
    mode = os.stat(file).st_mode
    if not stat.S_ISREG(mode):
        raise NotARegularFile(mode)
    fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced between the two looks
            raise NotARegularFile(info.st_mode)
        return os.fdopen(fd, "rb"), info
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``; ``NotARegularFile`` for anything else."""
    stream, _info = open_regular(path)
    with stream:
        return stream.read(limit + 1)


def read_regular_tail(path: str | Path, limit: int) -> tuple[bytes, int]:
    """The last ``limit`` bytes of the regular file ``path`` and its whole size (a log's newest lines are last)."""
    stream, info = open_regular(path)
    with stream:
        stream.seek(max(0, info.st_size - limit))
        return stream.read(limit), info.st_size


def exists(path: str | Path) -> bool:
    """``Path.exists``, False for a name the system cannot look up (too long) instead of raising."""
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return False


def is_file(path: str | Path) -> bool:
    """``Path.is_file``, False for a name the system cannot look up (too long) instead of raising."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: str | Path) -> bool:
    """``Path.is_dir``, False for a name the system cannot look up (too long) instead of raising."""
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):
        return False
