"""Where the shipped playbooks are, in a wheel install and in a source checkout.

``playbooks/`` at the top of the repository is the source of truth. The build maps it onto the package
``tui.playbooks`` (see ``setup.py``), so an installed wheel (pip, pipx, uv tool) has it at
``tui/playbooks/``. A source checkout, and an editable install of one, has no ``tui/playbooks/``: the
files are read where they are, next to ``pyproject.toml``.
"""

from __future__ import annotations

from pathlib import Path

import tui

_PACKAGE_DIR = Path(tui.__file__).resolve().parent

TRANSLATION_LANGUAGES = ("ja",)
"""Languages a shipped playbook may have an overlay for (``<stem>.<lang>.yaml``, see ``tui.playbook.translations``)."""


def candidate_dirs() -> list[Path]:
    """Where playbooks are looked for, in order: inside the installed package, then the checkout."""
    return [_PACKAGE_DIR / "playbooks", _PACKAGE_DIR.parent / "playbooks"]


def playbook_dir() -> Path | None:
    """The directory holding the shipped playbooks, or None when this installation has none.

    The checkout's ``playbooks/`` counts only next to a ``pyproject.toml``: in site-packages, a stray
    top-level ``playbooks`` directory from another distribution must not be taken for ours.
    """
    packaged, checkout = candidate_dirs()
    if packaged.is_dir():
        return packaged
    if checkout.is_dir() and (checkout.parent / "pyproject.toml").is_file():
        return checkout
    return None


def shipped_playbook_files() -> list[Path]:
    """Every playbook shipped with agentcore-triage, sorted by file name ([] when none were found)."""
    directory = playbook_dir()
    return sorted(directory.glob("*.yaml")) if directory else []


def is_translation_file(path: str | Path) -> bool:
    """True for ``<stem>.<lang>.yaml`` overlays (so playbook listings can skip them)."""
    suffixes = Path(path).suffixes
    return (
        len(suffixes) >= 2 and suffixes[-2].lstrip(".") in TRANSLATION_LANGUAGES and suffixes[-1] in (".yaml", ".yml")
    )
