"""Write files that hold evidence (reports, exports) readable by their owner only.

Evidence is redacted, but it still describes the user's account, runtime and endpoint: a report written into a
shared directory must not be world-readable. The file is created 0600 (never briefly wider), and an existing
file is narrowed to 0600 before it is overwritten.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

PRIVATE_MODE = 0o600


def write_private(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with mode 0600; return the path."""
    target = Path(path)
    try:
        # O_NONBLOCK: a named pipe nobody reads fails at once instead of waiting for a reader for ever
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK, PRIVATE_MODE)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(exc.errno, "a named pipe that nothing reads") from None
        raise
    try:
        os.set_blocking(fd, True)  # a pipe that has a reader (`--out >(gzip > r.gz)`) is then written as usual
        if stat.S_ISREG(os.fstat(fd).st_mode):  # not /dev/stdout or a pipe the user named on purpose
            os.fchmod(fd, PRIVATE_MODE)  # an existing file keeps its old mode through O_CREAT: narrow it
        with os.fdopen(fd, "w", encoding="utf-8", closefd=False) as stream:
            stream.write(text)
    finally:
        os.close(fd)
    return target
