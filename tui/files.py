"""Reading a file the user named, bounded: only a regular file, and never more than a limit.

A name on the command line can be a device (/dev/zero grew to gigabytes of memory), a pipe with no writer (the read
blocks for ever) or a huge log. ``read_regular`` opens without blocking, checks what it opened, and reads at most
``limit + 1`` bytes, so the caller can tell "too large" from "just right".
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotARegularFile(OSError):
    """The path names a directory, a device, a pipe or a socket."""


def read_regular(path: str | Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``; ``NotARegularFile`` for anything else.

    ``O_NONBLOCK`` makes opening a FIFO return at once (so it can be refused) instead of waiting for a writer; it
    changes nothing for a regular file."""
    fd = os.open(Path(path).expanduser(), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "a device, pipe or socket"
            raise NotARegularFile(f"{kind}, not a file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_regular_tail(path: str | Path, limit: int) -> tuple[bytes, int]:
    """The last ``limit`` bytes of the regular file ``path`` and its whole size (a log's newest lines are last)."""
    fd = os.open(Path(path).expanduser(), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
            raise NotARegularFile(f"{kind}, not a file")
        start = max(0, info.st_size - limit)
        os.lseek(fd, start, os.SEEK_SET)
        chunks: list[bytes] = []
        size = 0
        while size < limit:
            chunk = os.read(fd, min(1 << 20, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), info.st_size
    finally:
        os.close(fd)
