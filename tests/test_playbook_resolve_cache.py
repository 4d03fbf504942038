"""resolve_playbook keeps what it resolved for the process, and never gives back a playbook whose files, language or
registry have changed since (tui/playbook/validate.py, ``_resolved_key``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui import i18n
from tui.playbook.loader import shipped_playbook
from tui.playbook.validate import resolve_playbook
from tui.registry import REGISTRY, load_all

ENGLISH_TITLE = "title: MCP server on Amazon Bedrock AgentCore Runtime"
JAPANESE_TITLE = "title: Amazon Bedrock AgentCore Runtime 上の MCP サーバー"


@pytest.fixture
def playbook(tmp_path: Path) -> Iterator[Path]:
    """A copy of the shipped playbook and its Japanese overlay, which the tests change."""
    shipped = shipped_playbook("agentcore-mcp")
    assert shipped is not None
    copy = tmp_path / shipped.name
    shutil.copy(shipped, copy)
    shutil.copy(shipped.with_name("agentcore-mcp.ja.yaml"), tmp_path / "agentcore-mcp.ja.yaml")
    yield copy
    i18n.set_language("en")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_same_files_resolve_once(playbook: Path) -> None:
    first = resolve_playbook(str(playbook))
    assert resolve_playbook(str(playbook)) is first


def test_a_change_of_the_same_size_is_seen_at_once(playbook: Path) -> None:
    """Within the file system's timestamp resolution, with the size unchanged: only the bytes tell."""
    assert resolve_playbook(str(playbook)).playbook.title == "MCP server on Amazon Bedrock AgentCore Runtime"
    replace(playbook, ENGLISH_TITLE, ENGLISH_TITLE.replace("server", "SERVER"))
    assert resolve_playbook(str(playbook)).playbook.title == "MCP SERVER on Amazon Bedrock AgentCore Runtime"


def test_an_overlay_change_and_a_language_switch_are_seen(playbook: Path) -> None:
    english = resolve_playbook(str(playbook))
    i18n.set_language("ja")
    japanese = resolve_playbook(str(playbook))
    assert japanese.playbook.title == "Amazon Bedrock AgentCore Runtime 上の MCP サーバー"
    replace(playbook.with_name("agentcore-mcp.ja.yaml"), JAPANESE_TITLE, JAPANESE_TITLE.replace("サーバー", "サーバ"))
    assert resolve_playbook(str(playbook)).playbook.title == "Amazon Bedrock AgentCore Runtime 上の MCP サーバ"
    i18n.set_language("en")
    again = resolve_playbook(str(playbook))  # validated again: validation reads the overlay too
    assert again is not english and again.playbook.title == english.playbook.title
    assert resolve_playbook(str(playbook)) is again


def test_a_broken_overlay_is_refused_every_time(playbook: Path) -> None:
    resolve_playbook(str(playbook))
    (playbook.with_name("agentcore-mcp.ja.yaml")).write_text("nodes: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ValueError, match=r"agentcore-mcp\.ja\.yaml"):
            resolve_playbook(str(playbook))


def test_a_check_gone_from_the_registry_is_seen(playbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    resolve_playbook(str(playbook))
    monkeypatch.delitem(load_all().checks, "endpoint.auth")
    with pytest.raises(ValueError, match=r"endpoint\.auth"):
        resolve_playbook(str(playbook))
    assert "endpoint.auth" not in REGISTRY.checks
