"""The CLI's human output in Japanese beyond the reports: doctor's live progress line on a real terminal, the fleet
summary (CJK headings aligned by terminal cells), one-line errors, and the demo's scenario list and banner."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from test_cli_terminal import BOOK, run_on_a_terminal
from test_i18n_chrome import english_words

from tui import i18n
from tui.cli import main
from tui.context import Context
from tui.engine.fleet import FleetTarget, render_fleet_text, run_fleet
from tui.playbook.loader import parse_yaml
from tui.playbook.model import Playbook
from tui.registry import CheckParams, CheckSpec, Registry
from tui.results import CheckResult, Severity, failed, passed
from tui.sandbox.cli import banner, describe_scenarios
from tui.sandbox.scenarios import SCENARIOS


@pytest.fixture
def japanese() -> Iterator[None]:
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


def test_doctor_progress_line_in_japanese_on_a_terminal() -> None:
    done = run_on_a_terminal("--lang", "ja", "doctor", "--playbook", BOOK, stderr=True)
    assert done.exit_code == 1
    assert "1 件のチェック完了" in done.stderr
    assert "check done" not in done.stderr and "running" not in done.stderr
    assert "チェック 1 件" in done.stdout  # the report below it is Japanese too


class NameParams(CheckParams):
    name: str = ""


ONE_NODE = """
id: fleet-ja
title: Fleet
start: look
nodes:
  look:
    kind: check
    title: Look
    checks: [{check: t.look, params: {name: "{runtime}"}}]
    default: end
  end: {kind: diagnosis, title: End}
"""


def look(ctx: Any, params: NameParams) -> CheckResult:
    return failed("broken") if params.name == "billing-mcp" else passed("fine")


def test_fleet_summary_in_japanese_keeps_its_columns_aligned(japanese: None) -> None:
    data, _ = parse_yaml(ONE_NODE, "<test>")
    registry = Registry()
    registry.add_check(CheckSpec("t.look", "Look", Severity.MEDIUM, NameParams, look))
    targets = [FleetTarget("orders-mcp"), FleetTarget("billing-mcp")]
    fleet = asyncio.run(
        run_fleet(Playbook.model_validate(data), Context(region="ap-northeast-1"), targets, registry=registry)
    )
    lines = render_fleet_text(fleet).splitlines()
    assert lines[0].split() == ["ランタイム", "最悪の状態", "失敗したチェック"]
    assert lines[1].split() == ["billing-mcp", "失敗", "t.look"] and lines[2].split()[:2] == ["orders-mcp", "合格"]

    def column(line: str, text: str) -> int:  # terminal cells before ``text``
        return cell_len(line[: line.index(text)])

    assert column(lines[0], "最悪の状態") == column(lines[1], "失敗") == column(lines[2], "合格")
    assert column(lines[0], "失敗したチェック") == column(lines[1], "t.look")
    assert lines[-1].startswith("ランタイム 2 件") and "失敗 1" in lines[-1] and "合格 1" in lines[-1]


def test_one_line_errors_in_japanese() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "ja", "demo", "--scenario", "nope"])
    assert result.exit_code == 2
    assert "agentcore-triage: 不明なシナリオ 'nope'（使えるもの: healthy," in result.output
    result = runner.invoke(main, ["--lang", "ja", "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2, result.output
    assert "--host 0.0.0.0 には他のマシンから接続できます" in result.output


def test_demo_list_in_japanese(japanese: None) -> None:
    text = describe_scenarios()
    assert text.startswith("サンドボックスのシナリオ（agentcore-triage demo --scenario NAME）:")
    assert "トラブルシューティングガイドの障害をまとめて再現（既定）" in text and "障害: なし" in text
    for scenario in SCENARIOS.values():
        assert scenario.title not in text and scenario.description[:40] not in text
    assert "faults:" not in text and "(default)" not in text


def test_demo_banner_in_japanese_fits_its_frame(japanese: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")  # the title on one line (a narrower terminal moves half of it into the box)
    info = {
        "aws_endpoint": "http://127.0.0.1:40001",
        "runtime_arn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/sandbox-abc",
        "front_door": "http://127.0.0.1:40002",
        "mcp_server": "http://127.0.0.1:40003/mcp",
        "project": "/tmp/sandbox/project",
        "scenario": "seed-guide",
    }
    text = banner(SimpleNamespace(describe=lambda: info))
    lines = text.splitlines()
    assert "サンドボックス · シナリオ seed-guide · 実際の AWS には一切触れません" in lines[0]
    assert len({cell_len(line) for line in lines}) == 1, text  # every row as wide as the frame, in cells
    assert english_words(text, [*info.values(), "agentcore-triage", "AWS", "moto", "MCP"]) == []


def test_demo_text_stays_english_in_english() -> None:
    out = io.StringIO()
    out.write(describe_scenarios())
    assert out.getvalue().startswith("Sandbox scenarios (agentcore-triage demo --scenario NAME):")
    assert "faults: none" in out.getvalue()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_demo_banner_fits_an_80_column_terminal(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns the one-line title (82 cells in English) moves its second half into the box."""
    from tui.i18n import set_language

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")
    set_language(lang)
    try:
        info = {
            "aws_endpoint": "http://127.0.0.1:40001",
            "runtime_arn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/sandbox-abcdefghij",
            "front_door": "http://127.0.0.1:40002/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A1234567/invocations",
            "mcp_server": "http://127.0.0.1:40003/mcp",
            "project": "/tmp/sandbox/project",
            "scenario": "seed-guide",
        }
        lines = banner(SimpleNamespace(describe=lambda: info)).splitlines()
    finally:
        set_language("en")
    assert {cell_len(line) for line in lines} == {80}, lines
    assert "seed-guide" in lines[1]  # the scenario is still said, in the first row


CLICK_ENGLISH = (
    "No such option", "Did you mean", "No such command", "Invalid value", "is not one of", "is not a valid",
    "is not in the range", "requires an argument", "does not take a value", "Got unexpected", "Missing",
)  # fmt: skip
"""click's own wordings of usage errors (8.x)."""


@pytest.mark.parametrize(
    ("args", "kept"),
    [
        (["doctor", "--regio", "x"], ["'--regio'", "'--region', '--regions'"]),
        (["doctor", "--format", "xml"], ["'--format'", "'xml'", "'sarif'"]),
        (["doctor", "--jobs", "x"], ["'--jobs'", "'x'"]),
        (["doctor", "--jobs", "0"], ["'--jobs'", "1<=x<=64"]),
        (["doctor", "--timeout"], ["'--timeout'"]),
        (["doctor", "--read-only=yes"], ["'--read-only'"]),
        (["doctor", "stray"], ["stray"]),
        (["bogus"], ["'bogus'", "'logs'"]),
    ],
    ids=[
        "no-such-option",
        "not-a-choice",
        "not-a-number",
        "out-of-range",
        "needs-a-value",
        "takes-no-value",
        "extra-argument",
        "no-such-command",
    ],
)
def test_clicks_usage_errors_are_said_in_japanese_with_their_values(args: list[str], kept: list[str]) -> None:
    """QA sweep 2 F20: under --lang ja a mistyped flag was the one English line left (click words its own errors)."""
    result = CliRunner().invoke(main, ["--lang", "ja", *args], catch_exceptions=False)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert [e for e in CLICK_ENGLISH if e in line] == [], line
    assert all(value in line for value in kept), line
    english = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    assert any(e in english.stderr for e in CLICK_ENGLISH), english.stderr  # English stays click's own


@pytest.mark.parametrize("lang", [["--lang", "ja"], ["--lang=ja"]], ids=["separate", "joined"])
def test_a_commands_own_lang_applies_to_the_error_the_parser_stopped_at(lang: list[str]) -> None:
    """`doctor --lang ja --regio x`: --lang is applied after parsing, and parsing stopped at --regio, in English."""
    result = CliRunner().invoke(
        main, ["doctor", *lang, "--regio", "x"], catch_exceptions=False, env={"AGENTCORE_TRIAGE_LANG": "en"}
    )
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert [e for e in CLICK_ENGLISH if e in line] == [] and "'--regio'" in line and "を参照" in line, line
