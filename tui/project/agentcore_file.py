"""Where a project's ``.bedrock_agentcore.yaml`` is (``tui.project.agentcore_config`` reads it).

Apart from the reader so that asking whether there is one does not build the reader's pydantic models: context is
built on every start-up, and most directories have no project file (``agentcore-triage logs`` never imports
pydantic when it classifies from the signature index).
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_NAME = ".bedrock_agentcore.yaml"


def find(directory: str | os.PathLike[str]) -> Path | None:
    """The project file in ``directory``, if there is one."""
    from tui.files import is_file, user_path

    path = user_path(directory) / FILE_NAME
    return path if is_file(path) else None  # a directory name too long for a file system: no project file there
