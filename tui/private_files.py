"""Write files that hold evidence (reports, exports) readable by their owner only.

Evidence is redacted, but it still describes the user's account, runtime and endpoint: a report written into a
shared directory must not be world-readable. The file is created 0600 (never briefly wider), and an existing
file is narrowed to 0600 before it is overwritten.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_MODE = 0o600


def write_private(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with mode 0600; return the path."""
    target = Path(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # not /dev/stdout or a pipe the user named on purpose
            os.fchmod(fd, PRIVATE_MODE)  # an existing file keeps its old mode through O_CREAT: narrow it
        with os.fdopen(fd, "w", encoding="utf-8", closefd=False) as stream:
            stream.write(text)
    finally:
        os.close(fd)
    return target
