"""`agentcore-triage logs` in Japanese against the seed-guide sandbox (real moto, the scenario's own log lines): the
node titles come from the playbook's Japanese overlay, and no English prose is left in the text output, the
``--verbose`` lines, the one-line errors or the ``--all-runtimes`` table. Values stay verbatim (log group names,
runtime names and ids, times, node ids, sample event lines, commands, API names); ``--format json`` keeps its keys
and its machine values in English.

The check is word-based (``english_words``): any run of Latin letters left once the allowed values are taken out
fails it, so a new untranslated line fails too, not only the ones known today.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_i18n_chrome import english_words

from tui import i18n
from tui.cli import main
from tui.playbook.locate import playbook_dir
from tui.playbook.translations import load_translation, translation_file

pytestmark = pytest.mark.slow

GUIDE_NODES = ("aws-role-logs", "aws-otel-group-missing", "aws-transaction-search-off", "ep-closed-resource")
"""What the seed-guide scenario's runtime log holds: the guide's errors (and the stream-closed noise)."""
NAMES = (
    "agentcore-triage",
    "logs",
    "FilterLogEvents",
    "Logs Insights",
    "CloudWatch",
    "OTEL",
    "GetAgentRuntime",
    "ListAgentRuntimes",
    "ID",
    "filter",
    "insights",
    "ctrl-c",
    "agentcore-mcp",
)
"""Command, API, service and strategy names, the playbook's id (values, not prose)."""


@pytest.fixture
def restore_english() -> Iterator[None]:
    yield
    i18n.set_language("en")


def overlay_titles() -> dict[str, str]:
    shipped = playbook_dir()
    assert shipped is not None
    overlay = load_translation(translation_file(shipped / "agentcore-mcp.yaml", "ja"))
    return {node_id: texts.title for node_id, texts in overlay.nodes.items() if texts.title}


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert not (result.exception and not isinstance(result.exception, SystemExit)), result.exception
    return result


def prose(text: str) -> str:
    """``text`` without its sample event lines (``│ …``: the log's own words, verbatim)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("│"))


def values_of(box: Any, text: str) -> list[str]:
    """The verbatim values the output may carry: runtime, groups, region, times, node ids, the walk command."""
    info = box.seed_info
    found = [
        info.runtime_name,
        info.runtime_id,
        info.runtime_log_group,
        info.otel_log_group,
        box.region,
        *re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", text),
        *overlay_titles(),  # node ids
        *re.findall(r"agentcore-triage run --playbook \S+ --start \S+", text),
        *re.findall(r"^\s*\d+\.\s+\d+×\s+(?:雑音 · )?(.+?)\s+\[", text, re.MULTILINE),  # titles (checked apart)
    ]
    return [v for v in found if v]


def test_logs_in_japanese_names_the_guides_errors_with_japanese_titles(sandbox, restore_english) -> None:
    box = sandbox("seed-guide")
    titles = overlay_titles()

    result = run("--lang", "ja", "logs", "--since", "1h", "-v")
    assert result.exit_code == 1, result.output  # actionable errors found
    out, err = result.stdout, result.stderr
    for node in GUIDE_NODES:  # every guide error is named, with the overlay's title on its line
        line = next((ln for ln in out.splitlines() if f"[{node}]" in ln), None)
        assert line is not None, out
        assert titles[node] in line, line
    assert "実行ロールに自分のログを書き込む権限がありません" in out  # the overlay's text, not a copy of the English
    assert "The execution role may not write its logs" not in out
    assert "ロググループ" in out and "存在しません" in out  # the OTEL group the scenario leaves missing
    assert "雑音" in out and "agentcore-triage run --playbook agentcore-mcp --start aws-role-logs" in out
    allowed = [*values_of(box, out + err), *NAMES]
    assert english_words(prose(out), allowed) == [], out
    assert english_words(err, allowed) == [], err
    shown_titles = re.findall(r"^\s*\d+\.\s+\d+×\s+(?:雑音 · )?(.+?)\s+\[", out, re.MULTILINE)
    assert shown_titles and all(t in titles.values() for t in shown_titles), shown_titles

    # Logs Insights: its reason and its query (the query is a value: CloudWatch's own language)
    result = run("--lang", "ja", "logs", "--since", "1h", "--via", "insights", "-v")
    said = [line.split("Logs Insights のクエリ: ")[0] for line in result.stderr.splitlines()]
    assert any("Logs Insights のクエリ: fields @timestamp" in line for line in result.stderr.splitlines())
    assert "insights が指定されました" in result.stderr
    assert english_words("\n".join(said), allowed) == [], result.stderr

    # the whole region (the guide's first script)
    result = run("--lang", "ja", "logs", "--all-runtimes", "--since", "1h", "-v")
    assert result.exit_code == 1, result.output
    assert "ランタイム" in result.stdout and "イベント" in result.stdout
    table = result.stdout + result.stderr
    assert english_words(table, [*values_of(box, table), *NAMES]) == [], table

    # the machine contract: JSON keys and machine values stay English, titles are the human text
    result = run("--lang", "ja", "logs", "--since", "1h", "--format", "json")
    data = json.loads(result.stdout)
    assert [(g["kind"], g["source"]) for g in data["runtime"]["log_groups"]] == [
        ("runtime", "runtime id"),
        ("otel", "runtime environment"),
    ]
    assert {g["node"]: g["title"] for g in data["groups"]}["aws-role-logs"] == titles["aws-role-logs"]
    assert data["read"]["strategy"] == "filter"


USAGE_ERRORS = (
    ["--since", "soon"],
    ["--since", "1h", "--start", "-2h"],
    ["--start", "-1h", "--end", "-2h"],
    ["--follow", "--format", "json"],
    ["--follow", "--all-runtimes"],
    ["--node", "no-such-node"],
    ["--runtime", "no-such-runtime"],
    ["--playbook", "no-such-playbook"],
    ["--start", "tomorrow"],
)


def test_one_line_errors_in_japanese(sandbox, restore_english) -> None:
    box = sandbox("seed-guide")
    for args in USAGE_ERRORS:
        result = run("--lang", "ja", "logs", *args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("agentcore-triage: "), (args, result.stderr)
        allowed = [
            *re.findall(r"--[a-z-]+", lines[0]),  # flags named in the message
            *re.findall(r"`[^`]+`", lines[0]),  # commands
            *args,
            box.region,
            box.seed_info.runtime_name,
            "agentcore-mcp",
            "ISO",
            "now",
            "TEXT",
            "ARN|ID|NAME",
            "NAME",
            "text",
            "jsonl",
            *NAMES,
        ]
        assert english_words(lines[0], allowed) == [], lines[0]
        assert re.search(r"[\u3040-\u30ff]", lines[0]), lines[0]  # Japanese, not only free of English
    # the command's own flag, after it, as with the other commands
    result = run("logs", "--lang", "ja", "--since", "soon")
    assert result.exit_code == 2 and "のような期間で指定してください" in result.stderr, result.stderr


def test_the_locale_alone_chooses_japanese(sandbox, restore_english, monkeypatch: pytest.MonkeyPatch) -> None:
    """``LANG=ja_JP.UTF-8 agentcore-triage logs``: no flag, no AGENTCORE_TRIAGE_LANG."""
    sandbox("seed-guide")
    monkeypatch.delenv("AGENTCORE_TRIAGE_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    result = run("logs", "--since", "1h")
    assert overlay_titles()["aws-role-logs"] in result.stdout
    assert "ロググループ:" in result.stdout and "groups:" not in result.stdout


def test_follow_in_japanese_until_ctrl_c(sandbox) -> None:
    """``--follow`` as a user runs it (a real process): the verbose poll lines, the missing group and the line that
    ends it on ctrl-c are Japanese; the followed events are the log's own lines, verbatim."""
    import queue
    import signal
    import subprocess
    import sys
    import threading

    box = sandbox("seed-guide")
    cli = str(Path(sys.executable).parent / "agentcore-triage")
    proc = subprocess.Popen(
        [cli, "--lang", "ja", "logs", "--follow", "--since", "1h", "--poll-interval", "0.2", "-v"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    out: list[str] = []

    def pump(stream: Any, into: Any) -> None:
        for line in stream:
            into(line.rstrip("\n"))
        into(None)

    threading.Thread(target=pump, args=(proc.stderr, lines.put), daemon=True).start()
    stdout_done = threading.Thread(target=pump, args=(proc.stdout, out.append), daemon=True)
    stdout_done.start()
    seen: list[str] = []
    try:
        while not any(re.match(r"(?:poll 1:|ポーリング 1 回目)", line) for line in seen):  # English: the test fails
            line = lines.get(timeout=120)  # a bound so a broken build fails instead of hanging, not a timing assertion
            assert line is not None, seen
            seen.append(line)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    while (line := lines.get(timeout=120)) is not None:
        seen.append(line)
    stdout_done.join(timeout=120)
    proc.stdout.close()  # both pumps have read to the end
    proc.stderr.close()
    stdout = "\n".join(line for line in out if line)
    assert proc.returncode == 130, seen
    assert "[aws-role-logs]" in stdout  # the seeded AccessDenied line, followed
    assert any(line.startswith("agentcore-triage: 追跡を終了しました（") for line in seen), seen
    assert any("ロググループ agents/mcp-server-logs は存在しません" in line for line in seen), seen
    text = "\n".join(seen)
    info = box.seed_info
    allowed = [info.runtime_name, info.runtime_id, info.runtime_log_group, info.otel_log_group, box.region]
    assert english_words(text, [*allowed, *overlay_titles(), *NAMES]) == [], text
    assert "Traceback" not in text


async def test_logs_screen_shows_the_overlays_titles_in_japanese(
    sandbox, restore_english, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI's Logs screen (L) classifies with the walk's playbook, which is already the translated one."""
    from test_app_support import open_logs_screen
    from textual.widgets import DataTable

    from tui.app.main import TriageApp
    from tui.context import build_context

    sandbox("seed-guide")
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    i18n.set_language("ja")
    titles = overlay_titles()
    app = TriageApp(build_context(timeout=20), "agentcore-mcp", show_start=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs_screen(app, pilot)
        shown = {g.node: g.title for g in screen.shown}
        for node in GUIDE_NODES:
            assert shown[node] == titles[node], shown
        table = screen.query_one("#logs-groups", DataTable)
        cells = " ".join(str(table.get_row_at(i)[2]) for i in range(table.row_count))
        assert titles["aws-role-logs"] in cells and "The execution role" not in cells, cells
