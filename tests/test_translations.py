"""Playbook translations: the shipped Japanese overlay covers every text, keeps every value verbatim, cannot change
the tree, and `playbooks validate` reports gaps as file:line:col (errors when shipped, warnings for user playbooks)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui import i18n
from tui.cli import main
from tui.playbook import loader, locate
from tui.playbook.loader import PLAYBOOK_DIR, PlaybookLoadError, load_playbook
from tui.playbook.translations import (
    english_texts,
    load_translation,
    localize,
    source_digest,
    translate,
    translation_file,
    translation_problems,
)
from tui.playbook.validate import resolve_playbook, validate_file

SOURCE = PLAYBOOK_DIR / "agentcore-mcp.yaml"
OVERLAY = PLAYBOOK_DIR / "agentcore-mcp.ja.yaml"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CODE = re.compile(r"`([^`]+)`")


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def english():  # type: ignore[no-untyped-def]
    return load_playbook(SOURCE)


@pytest.fixture(scope="module")
def japanese(english):  # type: ignore[no-untyped-def]
    return translate(english.playbook, load_translation(OVERLAY))


def test_shipped_overlay_covers_every_text_and_is_current(english) -> None:  # type: ignore[no-untyped-def]
    assert translation_problems(english) == []


def test_every_text_is_japanese_or_a_verbatim_value(english, japanese) -> None:  # type: ignore[no-untyped-def]
    for node_id in english.playbook.nodes:
        en_texts = english_texts(english.playbook, node_id)
        ja_texts = english_texts(japanese, node_id)
        assert [p for p, _ in en_texts] == [p for p, _ in ja_texts]
        for (path, en), (_, ja) in zip(en_texts, ja_texts, strict=True):
            assert JAPANESE.search(ja) or ja == en, f"{'.'.join(map(str, path))} is not Japanese: {ja!r}"


def test_values_stay_verbatim(english, japanese) -> None:  # type: ignore[no-untyped-def]
    """Every `code` span of the English (ARNs, log groups, codes, commands) appears unchanged in the Japanese."""
    for node_id in english.playbook.nodes:
        for (path, en), (_, ja) in zip(
            english_texts(english.playbook, node_id), english_texts(japanese, node_id), strict=True
        ):
            en, ja = " ".join(en.split()), " ".join(ja.split())  # a span may wrap across lines
            for value in CODE.findall(en):
                assert f"`{value}`" in ja, f"{'.'.join(map(str, path))}: `{value}` missing from the Japanese"


def test_translation_never_changes_the_tree(english, japanese) -> None:  # type: ignore[no-untyped-def]
    texts = {"title", "body", "label", "because", "next_steps", "description", "prompt", "language"}

    def structure(value):  # type: ignore[no-untyped-def]
        if isinstance(value, dict):
            return {k: structure(v) for k, v in value.items() if k not in texts}
        if isinstance(value, list):
            return [structure(v) for v in value]
        return value

    en = english.playbook.model_dump(by_alias=True)
    ja = japanese.model_dump(by_alias=True)
    assert structure(en) == structure(ja)
    assert japanese.language == "ja" and english.playbook.language == "en"
    for node_id, node in english.playbook.nodes.items():
        if hasattr(node, "next_steps"):
            assert len(node.next_steps) == len(japanese.nodes[node_id].next_steps)


def test_resolve_applies_the_overlay_only_in_japanese() -> None:
    assert resolve_playbook("agentcore-mcp").playbook.nodes["symptom"].title == "What are you seeing?"
    i18n.set_language("ja")
    playbook = resolve_playbook("agentcore-mcp").playbook
    assert playbook.nodes["symptom"].title == "どのような症状が出ていますか？"
    assert playbook.nodes["symptom"].choices[1].goto == "aws-start"
    assert playbook.inputs[0].prompt.startswith("ランタイムのログを")
    assert next(f for f in playbook.nodes["aws-role"].fixes if f.key == "l").label.startswith(
        "インラインポリシー agentcore-triage-logs"
    )
    assert playbook.nodes["context"].when[1].because == "ランタイムが指定されました。AWS 側から始めます"


# ---------------------------------------------------------------------------- overlays that try too much


TINY = """\
id: tiny
title: Tiny
start: ask
nodes:
  ask:
    kind: question
    title: Which one?
    choices:
      - {key: "1", label: First, goto: done, because: the first was chosen}
      - {key: "2", label: Second, goto: done}
  done:
    kind: diagnosis
    severity: info
    title: Done
    body: All done.
    next_steps: [Go home.]
"""


def _user_copy(tmp_path: Path, overlay: str) -> Path:
    book = tmp_path / "walk.yaml"
    book.write_text(TINY, encoding="utf-8")
    translation_file(book, "ja").write_text(overlay, encoding="utf-8")
    return book


def test_structural_keys_are_rejected_with_their_position(tmp_path: Path) -> None:
    first = "ask"
    overlay = f"playbook: tiny\nlanguage: ja\nnodes:\n  {first}:\n    title: 題名\n    goto: elsewhere\n"
    path = _user_copy(tmp_path, overlay)
    with pytest.raises(PlaybookLoadError) as caught:
        load_translation(translation_file(path, "ja"))
    (error,) = caught.value.errors
    assert (error.line, error.col) == (6, 5)
    assert "'goto' is structure, which a translation cannot change" in error.message
    # the playbook refuses to load with it, in any language: one line naming the overlay's file:line:col
    with pytest.raises(ValueError, match=r"walk\.ja\.yaml:6:5: .*'goto' is structure"):
        resolve_playbook(str(path))


def test_choice_given_a_goto_is_rejected(tmp_path: Path) -> None:
    overlay = 'playbook: tiny\nlanguage: ja\nnodes:\n  ask:\n    choices:\n      "1": {goto: x}\n'
    with pytest.raises(PlaybookLoadError, match="'goto' is structure"):
        load_translation(translation_file(_user_copy(tmp_path, overlay), "ja"))


def test_user_playbook_gaps_are_warnings_and_do_not_stop_a_walk(tmp_path: Path) -> None:
    first, second = "ask", "done"
    path = _user_copy(tmp_path, "playbook: tiny\nlanguage: ja\ntitle: テスト\nnodes:\n  ask:\n    title: 題名\n")
    _, problems = validate_file(path)
    assert problems and all(p.message.startswith("warning: ") for p in problems), [str(p) for p in problems]
    loaded = load_playbook(path)
    line, col = loaded.where("nodes", second, key=True)
    assert any((p.file, p.line, p.col) == (str(path), line, col) and "no Japanese text" in p.message for p in problems)
    result = CliRunner().invoke(main, ["playbooks", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}:{line}:{col}: warning: nodes.{second}: no Japanese text" in result.output
    i18n.set_language("ja")
    walked = resolve_playbook(str(path)).playbook
    assert walked.nodes[first].title == "題名" and walked.nodes[second].title == "Done"


def test_user_playbook_without_overlay_is_quiet(tmp_path: Path) -> None:
    book = tmp_path / "plain.yaml"
    book.write_text(TINY, encoding="utf-8")
    assert validate_file(book)[1] == []


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped playbook and overlay in a scratch PLAYBOOK_DIR, so a test may break them."""
    shutil.copy(SOURCE, tmp_path / SOURCE.name)
    shutil.copy(OVERLAY, tmp_path / OVERLAY.name)
    monkeypatch.setattr(loader, "PLAYBOOK_DIR", tmp_path)
    monkeypatch.setattr(locate, "playbook_dir", lambda: tmp_path)
    return tmp_path


def test_shipped_gap_is_an_error_at_the_english_text(shipped_copy: Path) -> None:
    overlay = shipped_copy / OVERLAY.name
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(text.replace("    title: トランザクション検索が無効です\n", ""), encoding="utf-8")
    source = load_playbook(shipped_copy / SOURCE.name)
    line, col = source.where("nodes", "aws-transaction-search-off", "title")
    result = CliRunner().invoke(main, ["playbooks", "validate"])
    assert result.exit_code == 2
    expected = f"{shipped_copy / SOURCE.name}:{line}:{col}: nodes.aws-transaction-search-off.title: no Japanese text"
    assert expected in result.output
    assert "warning:" not in result.output
    # the walk still works (English for that one title)
    i18n.set_language("ja")
    walked = resolve_playbook(str(shipped_copy / SOURCE.name)).playbook
    assert walked.nodes["aws-transaction-search-off"].title == "Transaction Search is off"


def test_new_node_and_english_edit_are_reported(shipped_copy: Path) -> None:
    source = shipped_copy / SOURCE.name
    text = source.read_text(encoding="utf-8")
    text = text.replace("    title: The endpoint works\n", "    title: The endpoint works fine\n")
    text = text.replace(
        "  not-covered:\n",
        "  brand-new:\n    kind: diagnosis\n    title: Added later\n    next: not-covered\n  not-covered:\n",
    )
    text = text.replace("        goto: not-covered\n", "        goto: brand-new\n")
    source.write_text(text, encoding="utf-8")
    loaded = load_playbook(source)
    problems = [str(p) for p in translation_problems(loaded)]
    assert any("nodes.brand-new: no Japanese text" in p for p in problems), problems
    digest = source_digest(loaded.playbook, "ep-ok")
    stale = [p for p in problems if "nodes.ep-ok: English changed since it was translated" in p]
    assert stale and f"set source: {digest}" in stale[0]
    assert stale[0].startswith(str(shipped_copy / OVERLAY.name))


def test_orphan_texts_are_reported(shipped_copy: Path) -> None:
    overlay = shipped_copy / OVERLAY.name
    text = overlay.read_text(encoding="utf-8")
    text = text.replace('      "9": その他\n', '      "9": その他\n      "7": 存在しない選択肢\n')
    text += "  ghost:\n    title: 幽霊\n"
    overlay.write_text(text, encoding="utf-8")
    problems = [str(p) for p in translation_problems(load_playbook(shipped_copy / SOURCE.name))]
    assert any("nodes.symptom.choices.7: not in the playbook" in p for p in problems), problems
    assert any("nodes.ghost: not in the playbook" in p for p in problems), problems


def test_localize_leaves_english_alone(english) -> None:  # type: ignore[no-untyped-def]
    assert localize(english, "en") is english
    japanese = localize(english, "ja")
    assert japanese.playbook.nodes["aws-ok"].title == "AWS 側は正常に見えます"
    assert localize(japanese, "ja") is japanese
    back = localize(japanese, "en")  # switching back reads the English source again
    assert back.playbook.nodes["aws-ok"].title == "The AWS side looks healthy"
    assert back.playbook.model_dump() == english.playbook.model_dump()
