"""doctor --lang ja: text and Markdown in Japanese (values verbatim), JSON keys and ids in English with human texts
in the chosen language; the flag works before and after the command, and English stays the default."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui import i18n
from tui.cli import main


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


def doctor(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, ["doctor", *args], env={"AGENTCORE_TRIAGE_LANG": "", "LANG": "C", **(env or {})})
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_doctor_text_in_japanese(tmp_path: Path) -> None:
    project = str(tmp_path)
    out = doctor("--lang", "ja", "--project", project)
    assert out.startswith("agentcore-triage doctor · プレイブック agentcore-mcp")
    assert f"対象: project={project}" in out
    assert (
        "未指定: runtime（必要とするチェックを実行するには --runtime ARN|ID|NAME を指定してください）" in out
    )  # a skip
    assert "MCP サーバーの Python ファイルがあるフォルダを指定してください。" in out  # a failing check's remediation
    assert "{runtime} が必要ですが、指定されていません（--runtime を使ってください）" in out
    assert re.search(r"^チェック \d+ 件: \d+ 失敗, .*\d+ スキップ(（うち \d+ 件は実行できませんでした）)?$", out, re.M)
    for english in ("not given:", "checks:", "Point --project at", "needs {runtime}: not given"):
        assert english not in out
    before = CliRunner().invoke(main, ["--lang", "ja", "doctor", "--project", project], env={"LANG": "C"}).output
    assert before.splitlines()[0] == out.splitlines()[0]


def test_doctor_markdown_in_japanese_and_english_by_default(tmp_path: Path) -> None:
    project = str(tmp_path)
    markdown = doctor("--lang", "ja", "--project", project, "--format", "markdown")
    assert markdown.startswith("# agentcore-triage レポート: Amazon Bedrock AgentCore Runtime 上の MCP サーバー")
    assert "| | チェック | ノード | 概要 | 修正 |" in markdown and "## 問題" in markdown
    assert "### ✗ サーバーのプロジェクトのファイルが、ランタイムの想定する場所にある (`project.layout`)" in markdown
    assert "**対処:** --project には MCP サーバーの" in markdown
    english = doctor("--project", project, "--format", "markdown")
    assert english.startswith("# agentcore-triage report: MCP server on Amazon Bedrock AgentCore Runtime")
    assert "## Problems" in english and "## 問題" not in english


def test_doctor_json_keeps_keys_and_ids_in_english(tmp_path: Path) -> None:
    project = str(tmp_path)
    english = json.loads(doctor("--project", project, "--format", "json"))
    japanese = json.loads(doctor("--lang", "ja", "--project", project, "--format", "json"))
    assert japanese.keys() == english.keys()
    assert [f.keys() for f in japanese["findings"]] == [f.keys() for f in english["findings"]]
    pairs = list(zip(english["findings"], japanese["findings"], strict=True))
    for en, ja in pairs:
        assert (ja["check"], ja["node"], ja["status"]) == (en["check"], en["node"], en["status"])
    runtime = next(ja for en, ja in pairs if en["check"] == "context.given" and en["key"] == "have-runtime")
    assert runtime["title"] == "指定された入力" and runtime["summary"].startswith("未指定: runtime（")
