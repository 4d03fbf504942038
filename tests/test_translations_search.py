"""Search in Japanese: every heading of the troubleshooting guide, its section numbers and the guide's symptom words
rank the node that answers them first; pasted error texts rank exactly as signature matching always did."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_guide_coverage import EXPECTED_NODE, GUIDE_ERRORS
from tui.cli import main
from tui.playbook.loader import PLAYBOOK_DIR, load_playbook
from tui.playbook.matching import match_signatures
from tui.playbook.search import GUIDE_SECTIONS, MAX_QUERY, fold_width, normalize, rank_nodes, search_nodes
from tui.playbook.translations import load_translation, translate

ROOT = Path(__file__).resolve().parent.parent
GUIDE_NAME = "agentcore-mcp-troubleshooting-guide.ja.md"
GUIDE_CANDIDATES = (ROOT.parent / "shared" / "seed" / GUIDE_NAME, ROOT.parents[1] / "shared" / "seed" / GUIDE_NAME)


def guide_headings(text: str) -> list[tuple[str | None, str]]:
    """``(number, heading)`` for every Markdown heading outside fenced code blocks."""
    headings = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^#{1,6}\s+(?:(\d+(?:\.\d+)?)\.?\s+)?(.+?)\s*$", line)
        if m:
            headings.append((m.group(1), m.group(2)))
    return headings


@pytest.fixture(scope="module")
def english():  # type: ignore[no-untyped-def]
    return load_playbook(PLAYBOOK_DIR / "agentcore-mcp.yaml").playbook


@pytest.fixture(scope="module")
def japanese(english):  # type: ignore[no-untyped-def]
    return translate(english, load_translation(PLAYBOOK_DIR / "agentcore-mcp.ja.yaml"))


def test_the_map_lists_every_heading_of_the_guide() -> None:
    guide = next((p for p in GUIDE_CANDIDATES if p.is_file()), None)
    if guide is None:
        pytest.skip(f"the guide is not beside this checkout ({GUIDE_CANDIDATES[0]})")
    in_guide = guide_headings(guide.read_text(encoding="utf-8"))
    assert len(in_guide) >= 17
    mapped = {(s.number, normalize(s.heading)) for s in GUIDE_SECTIONS}
    missing = [h for h in in_guide if (h[0], normalize(h[1])) not in mapped]
    assert not missing, f"guide headings with no node in GUIDE_SECTIONS: {missing}"


def test_every_mapped_node_exists(english) -> None:  # type: ignore[no-untyped-def]
    assert {s.node for s in GUIDE_SECTIONS} <= set(english.nodes)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("section", GUIDE_SECTIONS, ids=lambda s: s.number or s.heading)
def test_each_heading_ranks_its_node_first(english, japanese, section, lang: str) -> None:  # type: ignore[no-untyped-def]
    playbook = japanese if lang == "ja" else english
    queries = [section.heading, f"「{section.heading}」"]
    if section.number:
        queries += [f"{section.number} {section.heading}", f"{section.number}. {section.heading}"]
    for query in queries:
        ranked = search_nodes(playbook, query, lang)
        assert ranked and ranked[0][0] == section.node, f"{query!r} ({lang}): {ranked[:3]}"


@pytest.mark.parametrize("section", [s for s in GUIDE_SECTIONS if s.number], ids=lambda s: s.number)
def test_each_section_number_ranks_its_node_first(japanese, section) -> None:  # type: ignore[no-untyped-def]
    for query in (section.number, f"§{section.number}", f"セクション{section.number}", f"section {section.number}"):
        assert search_nodes(japanese, query, "ja")[0][0] == section.node, query


@pytest.mark.parametrize(
    ("query", "node"),
    [
        ("CloudWatch Logsへの権限不足", "aws-role-logs"),
        ("CloudWatch Logs への 権限不足", "aws-role-logs"),
        ("ログ", "aws-logs"),
        ("権限", "aws-role"),
        ("トレース", "aws-traces"),
        ("トランザクション検索", "aws-traces"),
        ("ロググループがない", "aws-logs"),
        ("ヘッダーが足りない", "ep-headers"),
        ("トークンの期限切れ", "ep-auth"),
        ("信頼ポリシー", "aws-role-trust"),
    ],
)
def test_japanese_symptoms(japanese, query: str, node: str) -> None:  # type: ignore[no-untyped-def]
    ranked = rank_nodes(japanese, query, "ja")
    assert ranked[0].node == node, [(h.node, h.reasons) for h in ranked[:3]]


@pytest.mark.parametrize("section", sorted(GUIDE_ERRORS))
def test_pasted_errors_rank_as_signature_matching_does(english, japanese, section: str) -> None:  # type: ignore[no-untyped-def]
    text = GUIDE_ERRORS[section]
    expected = match_signatures(english, text)
    for playbook in (english, japanese):
        ranked = search_nodes(playbook, text)
        assert ranked[: len(expected)] == expected
        assert ranked[0][0] == EXPECTED_NODE[section]


def test_text_about_nothing_finds_nothing(english, japanese) -> None:  # type: ignore[no-untyped-def]
    for query in ("", "   ", "nothing", "nothing relevant here", "42"):
        assert search_nodes(english, query) == [] and search_nodes(japanese, query) == [], query


def test_huge_input_is_cut_not_choked_on(japanese) -> None:  # type: ignore[no-untyped-def]
    text = "ログ" * (MAX_QUERY * 5) + "Invalid Host header"
    assert search_nodes(japanese, text) == []  # the signature past the cut is never seen; nothing is scanned past it
    assert search_nodes(japanese, "Invalid Host header " + "x" * MAX_QUERY)[0][0] in {
        "ep-host-protection",
        "project-unreachable-host",
    }


def test_cli_match_accepts_japanese_headings_and_numbers() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["match", "CloudWatch Logsへの権限不足"])
    assert result.exit_code == 0 and "[agentcore-mcp:aws-role-logs]" in result.output.splitlines()[0]
    result = runner.invoke(main, ["--lang", "ja", "match", "2.1"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith(
        "1. トランザクション検索が無効です  [agentcore-mcp:aws-transaction-search-off]"
    )


def test_readme_ja_index_matches_the_map_and_the_titles(japanese) -> None:  # type: ignore[no-untyped-def]
    """README.ja.md's guide-section index names, for every section, the node that answers it and its Japanese title."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in (ROOT / "README.ja.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and "`" in line
    ]
    index = {(row[0], row[2].strip("`")): row for row in rows if len(row) >= 4}
    for section in GUIDE_SECTIONS:
        matching = [
            row for (number, node), row in index.items() if node == section.node and number == (section.number or "—")
        ]
        assert matching, f"README.ja.md: no row for {section.number or '—'} {section.heading} -> {section.node}"
        assert any(section.heading in row[1] for row in matching), section.heading
        assert all(row[3] == japanese.nodes[section.node].title for row in matching), section.node


def test_numbers_in_a_pasted_line_are_not_guide_sections(english, japanese) -> None:  # type: ignore[no-untyped-def]
    """Seen: every httpx log line ("HTTP/1.1 404 Not Found") was sent to the guide's §1.1 (role permissions for
    logs), and a version ("mcp 1.12") to §1.1 too; a marked number still counts in a longer query."""
    for text in (
        '2025-07-21 07:53:29,661 - INFO - HTTP Request: POST http://host:8006/mcp/ "HTTP/1.1 404 Not Found"',
        "after upgrading mcp to 1.12 every call hangs",
    ):
        for playbook in (english, japanese):
            assert not [h for h in rank_nodes(playbook, text) if ("section", "1.1") in h.reasons], text
    assert (
        rank_nodes(japanese, "ガイドの §2.1 のとおりに直したのにまだ出る", "ja")[0].node == "aws-transaction-search-off"
    )


def test_a_long_japanese_paste_is_ranked_by_its_error_lines_only(japanese) -> None:  # type: ignore[no-untyped-def]
    """Seen: a pasted Japanese report listed all 80 nodes (every node's Japanese text shares common pairs of
    characters with any long Japanese text) and proposed starting at the first. Its English error line decides."""
    report = (
        "AgentCore Runtimeにデプロイしたエージェントにおいて、 @requires_api_key デコレーターを使用してAgentCore "
        "Identityから認証情報を取得しようとすると、以下のエラーが発生することがあります。 ERROR: Workload access "
        "token has not been set."
    )
    assert search_nodes(japanese, report, "ja") == []
    assert search_nodes(japanese, report + " ResourceNotFoundException: Agent runtime arn:x not found", "ja") == [
        ("aws-runtime-not-found", 1)
    ]


def test_full_width_and_half_width_kana_match_signatures_as_typed_in_ascii(english, japanese) -> None:  # type: ignore[no-untyped-def]
    """Japanese input methods type full-width letters, digits and brackets (ＡＲＭ、（４２４）) and some logs half-width
    katakana (ﾄﾚｰｽ); a signature written in ASCII or in full-width kana matches them all the same."""
    assert fold_width("ｅｘｅｃ　ｆｏｒｍａｔ　ｅｒｒｏｒ（ＥＣＲ）") == "exec format error(ECR)"
    assert fold_width("ﾄﾚｰｽが表示されない") == "トレースが表示されない"
    plain = "exec format error"  # already ASCII: returned untouched (no copy, no normalisation)
    assert fold_width(plain) is plain
    for playbook in (english, japanese):
        for typed, node in (
            ("起動すると ｅｘｅｃ ｆｏｒｍａｔ ｅｒｒｏｒ になる", "image-arch"),
            ("An error occurred （４２４） when calling the InvokeAgentRuntime operation", "runtime-error-passed-on"),
            ("ﾃﾞﾌﾟﾛｲ後、GenAI Observability にﾄﾚｰｽが表示されない\n設定は見直した", "project-no-telemetry"),
        ):
            ranked = search_nodes(playbook, typed, "ja")
            assert ranked and ranked[0][0] == node, (typed, ranked[:3])


@pytest.mark.parametrize(
    ("report", "node"),
    [
        # Japanese wordings of what the signatures say in English, inside a report of several lines (where the
        # single-line symptom words do not apply): the signatures speak for them
        (
            "モジュールレベルで重い処理をしていたため、\nモジュール初期化でタイムアウトしてデプロイが失敗する。",
            "ep-runtime-not-started",
        ),
        (
            "デプロイは成功した。\nしかし GenAI Observability の Traces View にトレースが一切表示されない。",
            "project-no-telemetry",
        ),
        ("CloudWatch を見てもトレースが出力されない\nログは出ている", "project-no-telemetry"),
    ],
)
def test_japanese_wordings_of_signatures_in_a_report(japanese, report: str, node: str) -> None:  # type: ignore[no-untyped-def]
    assert search_nodes(japanese, report, "ja")[0][0] == node


def test_japanese_wordings_do_not_claim_neighbouring_symptoms(japanese) -> None:  # type: ignore[no-untyped-def]
    """Spans shown but no Memory events, or the Transaction Search status shown as active: not "no traces"."""
    for text in (
        "CloudWatch の Generative AI Observability ダッシュボードで、スパンは取得できるが「イベントはありません」と表示される。\n"
        "表示されるスパンは `Bedrock AgentCore.ListEvents` のみ",
        'トランザクション検索が有効化されているか確認します:\n{"Destination": "CloudWatchLogs", "Status": "ACTIVE"}',
    ):
        assert search_nodes(japanese, text, "ja") == [], text
