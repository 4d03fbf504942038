"""Reading a project's own files: inside the project, regular files only, bounded in size.

A project folder is untrusted input: its ``mcp_server.py`` can be a symlink to ``/etc/passwd`` (it was read and
reported as "does not parse"), a FIFO (a read blocks for ever: the check timed out and its thread stayed stuck), or
50 MB of padding; ``.bedrock_agentcore.yaml``'s entrypoint can name ``/etc/passwd`` or ``../../secret.py``.
"""

from __future__ import annotations

from pathlib import Path

from tui.files import NotARegularFile, read_regular
from tui.i18n import _, os_reason


class UnreadableProjectFile(OSError):
    """A project file that is not read: outside the project, not a regular file, too large or unreadable. Its
    message is one line naming why (translated)."""


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, with every symlink followed, stays within the project folder ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name the system cannot look up
        return False


MAX_LINKS = 40
"""Symlinks followed resolving one path (Linux's own limit): more is a loop."""


def context_path(root: Path, relative: str) -> Path | None:
    """Where ``relative`` (``/``-separated, of the build context ``root``) leads as BuildKit reads the context: every
    symlink followed within the context (an absolute target, or ``..`` past the top, stays at the context's root,
    as moby's ``FollowSymlinkInScope`` does), so nothing outside ``root`` is looked at; None when it does not exist
    or loops."""
    import os

    base = root.resolve()
    done: list[str] = []
    todo = [p for p in relative.split("/") if p not in ("", ".")]
    links = 0
    while todo:
        part = todo.pop(0)
        if part == "..":
            if done:
                done.pop()
            continue
        path = base.joinpath(*done, part)
        try:
            if not path.is_symlink():
                if not os.path.lexists(path):
                    return None
                done.append(part)
                continue
            target = os.readlink(path)
        except (OSError, ValueError):
            return None
        links += 1
        if links > MAX_LINKS:
            return None
        if target.startswith("/"):
            done = []
        todo = [p for p in target.split("/") if p not in ("", ".")] + todo
    return base.joinpath(*done)


def is_project_file(root: Path, path: Path) -> bool:
    """A regular file inside the project (symlinks followed only when they stay inside); never opens it."""
    try:
        return path.is_file() and inside(root, path)
    except (OSError, ValueError):
        return False


def size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def read_project_text(root: Path, path: Path, limit: int) -> str:
    """``path``'s text (UTF-8, undecodable bytes as U+FFFD); ``UnreadableProjectFile`` saying why it is not read."""
    if not inside(root, path):
        if _loops(path):
            raise UnreadableProjectFile(_("it is a symlink loop"))
        raise UnreadableProjectFile(_("it leads outside the project folder"))
    try:
        data = read_regular(path, limit)
    except NotARegularFile as exc:
        raise UnreadableProjectFile(os_reason(exc)) from None
    except OSError as exc:
        raise UnreadableProjectFile(os_reason(exc) if exc.strerror else type(exc).__name__) from None
    if len(data) > limit:
        try:
            size = path.stat().st_size
        except OSError:
            size = len(data)
        raise UnreadableProjectFile(
            _("{size}, over the {limit} this tool reads").format(size=size_text(size), limit=size_text(limit))
        )
    return data.decode("utf-8", errors="replace")


def _loops(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11/3.12: "Symlink loop from …"
        return True
    except OSError as exc:
        import errno

        return exc.errno == errno.ELOOP
    return False
