"""Symptom search in English and Japanese: error texts, the guide's section headings and numbers, symptom words.

``search_nodes`` is what ``match`` and the ``/`` search call. It ranks, best first:

1. nodes whose **signatures** match the text (``tui.playbook.matching.match_signatures``; score = signatures matched,
   exactly as before, so a pasted error line ranks as it always did), the text's full-width and half-width forms
   folded first (``fold_width``: ＡＲＭ６４、（４２４）、ﾄﾚｰｽ as Japanese input methods type them);
2. then nodes the text points at without an error signature (score 0): a **section number** of the Japanese
   troubleshooting guide ("1.1", "§2.1", "セクション 4.1"), one of its **headings** 「CloudWatch Logsへの権限不足」,
   a **symptom word** 「ログ」「権限」「トレース」, or Japanese words found in a node's **Japanese texts**. Words and
   texts count only in a short query of one line (a symptom or a heading, ``WORDS_MAX_QUERY``), and a node's texts only through
   pairs of characters that few nodes share: a pasted report or log is ranked by its error lines alone, so it finds
   nothing rather than everything.

Nodes may name their guide section themselves (a ``guide: "1.1"`` field); ``GUIDE_SECTIONS`` below is the map for
the shipped playbook, derived from the guide's headings, and breaks ties in favour of the node that answers the
section. Everything here is bounded: the query is cut at ``MAX_QUERY`` characters and matching is plain substring
search, apart from the signatures (which ``match_signatures`` owns).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tui.playbook.matching import match_signatures
from tui.playbook.model import Playbook

MAX_QUERY = 20_000
GUIDE_PLAYBOOK = "agentcore-mcp"
"""The playbook the guide's map below is about (other playbooks use only their own ``guide`` fields)."""


@dataclass(frozen=True)
class GuideSection:
    """A heading of the Japanese troubleshooting guide and the node that answers it."""

    number: str | None
    heading: str
    node: str


GUIDE_SECTIONS: tuple[GuideSection, ...] = (
    GuideSection(None, "MCPサーバーのトラブルシューティングガイド", "symptom"),
    GuideSection(None, "一般的なエラーと解決策", "symptom"),
    GuideSection("1", "内部サーバーエラー（Internal Server Error）", "ep-internal-error"),
    GuideSection("1.1", "CloudWatch Logsへの権限不足", "aws-role-logs"),
    GuideSection("1.2", "CloudWatch Logsグループの不足", "aws-otel-group-missing"),
    GuideSection("1.3", "Content-Typeヘッダーの問題", "ep-headers"),
    GuideSection("2", "OpenTelemetry関連のエラー", "aws-traces"),
    GuideSection("2.1", "トレースセグメントの送信先エラー", "aws-transaction-search-off"),
    GuideSection("2.2", "aws-opentelemetry-distroパッケージの不足", "project-no-telemetry"),
    GuideSection("3", "JSON-RPC関連のエラー", "ep-internal-error"),
    GuideSection("3.1", "内部JSON-RPCエラー（-32603）", "ep-internal-error"),
    GuideSection("4", "ストリーム処理関連のエラー", "ep-closed-resource"),
    GuideSection("4.1", "ClosedResourceError", "ep-closed-resource"),
    GuideSection(None, "再デプロイ手順", "project-start"),
    GuideSection(None, "UUIDフォーマットの問題", "ep-uuid"),
    GuideSection(None, "ログの収集と分析", "aws-recent-errors"),
    GuideSection(None, "その他の問題", "context"),
)
"""Every heading of shared/seed/agentcore-mcp-troubleshooting-guide.ja.md, with the node that answers it."""

SYMPTOM_WORDS: dict[str, str] = {
    # the guide's vocabulary and the words of Japanese AWS documentation, each to the node that starts on it
    "ログ": "aws-logs",
    "ロググループ": "aws-logs",
    "ログが出": "aws-logs",
    "ログがない": "aws-logs",
    "権限": "aws-role",
    "アクセス拒否": "aws-role",
    "実行ロール": "aws-role",
    "iamロール": "aws-role",
    "信頼ポリシー": "aws-role-trust",
    "トレース": "aws-traces",
    "スパン": "aws-traces",
    "トランザクション検索": "aws-traces",
    "x-ray": "aws-traces",
    "メトリクス": "aws-role-telemetry",
    "認証情報": "aws-no-access",
    "クレデンシャル": "aws-no-access",
    "リージョン": "aws-region-mismatch",
    "ランタイムが見つからない": "aws-runtime-not-found",
    "トークン": "ep-auth",
    "認証": "ep-auth",
    "ヘッダー": "ep-headers",
    "タイムアウト": "ep-slow",
    "応答しない": "ep-slow",
    "セッション": "ep-stateful",
    "ステートフル": "ep-stateful",
    "内部エラー": "ep-internal-error",
    "接続できない": "ep-unreachable",
    "到達できない": "ep-unreachable",
    "起動しない": "ep-runtime-not-started",
    "起動時": "project-start",
    "クラッシュ": "project-start",
    "インポート": "project-mcp-2x",
    "ストリーム": "ep-closed-resource",
    "uuid": "ep-uuid",
    "再デプロイ": "project-start",
    "デプロイ": "aws-runtime",
}
"""Japanese (and guide-flavoured) symptom words → the node that answers them; the longest word found wins."""

_SECTION = re.compile(
    r"(§|セクション|節|章|section\s*)?\s*(?<![\d./])(\d{1,2}(?:\.\d{1,2})?)(?![\d.])\s*(節|章)?", re.IGNORECASE
)
SECTION_QUERY_MAX = 24
"""A bare number is a section number only in a query about that short ("1.1", "2.1 のエラー"); in a pasted line it is
a version or a time ("HTTP/1.1", "mcp 1.12", "07:53:29,661") unless marked (§2.1, セクション 1.1, section 4.1)."""
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_DROP = re.compile(r"[\s\u3000「」『』（）()【】\[\]・:：、。,.!?！？\"'`*_#]+")

TEXT_GRAM_MAX_NODES = 4
"""A two-character run of Japanese tells nodes apart only if few nodes' texts hold it ("ます", "エラー" are in most)."""
TEXT_MIN_SCORE = 6
"""Distinctive runs a node's texts must share with the query (its title's count three times) to be named at all."""
TEXT_MAX_HITS = 5
"""At most this many nodes found through their texts alone, and only those within half the best one's score."""
WORDS_MAX_QUERY = 80
"""Symptom words and texts are for symptoms and headings ("ログが出ない"); in a longer paste (a report, a log) they
are incidental (「認証情報を取得しようとすると」), and only the signatures speak."""
TEXT_MIN_SHARE = 0.3
"""…and a node found through its texts shares at least this part of the query's distinctive runs."""

SIGNATURE_WEIGHT = 1_000_000
SECTION_POINTS = 9_000
HEADING_POINTS = 8_000
GUIDE_FIELD_POINTS = 500
WORD_POINTS = 1_000


@dataclass(frozen=True)
class SearchHit:
    node: str
    signatures: int
    """How many of the node's signatures matched (0: found through the guide or the words)."""
    points: int
    reasons: tuple[tuple[str, str], ...]
    """Why, as ``(kind, detail)``: ``signatures`` (count), ``section`` (number), ``heading``, ``word``, ``text``."""


def normalize(text: str) -> str:
    """NFKC, lower case, without spaces, brackets and punctuation: 「CloudWatch Logs への権限不足」 == cloudwatchlogsへの権限不足."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def fold_width(text: str) -> str:
    """``text`` with full-width letters, digits and punctuation (ＡＲＭ６４、（４２４）、：) and half-width katakana
    (ﾄﾚｰｽ) folded to the forms signatures are written in (NFKC); ASCII text is returned as it is.

    Japanese input methods type these forms, so a signature must not depend on how a report was typed. Only the
    width changes: case and spacing stay, and signatures still run on the text as pasted otherwise."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text)


def _sections(query: str) -> set[str]:
    """Section numbers the query names: any "n.m", or a bare "n" when it is (nearly) the whole query."""
    found = set()
    short = len(query.strip())
    for m in _SECTION.finditer(query[:200]):
        number, marked = m.group(2), bool(m.group(1) or m.group(3))
        if marked or short <= 12 or ("." in number and short <= SECTION_QUERY_MAX):
            found.add(number)
    return found


def _guide_field(node: Any) -> tuple[str, ...]:
    value = getattr(node, "guide", None)
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1) if _CJK.search(text[i : i + 2])}


def rank_nodes(playbook: Playbook, query: str, lang: str | None = None) -> list[SearchHit]:
    """Every node the query points at, best first, with why.

    ``lang`` is the reader's language. The query's own script decides what is recognised, in either language: a
    Japanese engineer on an English locale still pastes the guide's Japanese headings, and an English playbook is
    searched through its shipped Japanese texts.
    """
    query = query[:MAX_QUERY]
    if not query.strip():
        return []
    points: dict[str, int] = {}
    reasons: dict[str, list[tuple[str, str]]] = {}
    signatures: dict[str, int] = {}

    def add(node_id: str, amount: int, reason: tuple[str, str]) -> None:
        if node_id in playbook.nodes:
            points[node_id] = points.get(node_id, 0) + amount
            reasons.setdefault(node_id, []).append(reason)

    ranked = match_signatures(playbook, fold_width(query))
    for position, (node_id, hits) in enumerate(ranked):
        signatures[node_id] = hits
        add(node_id, hits * SIGNATURE_WEIGHT + (len(ranked) - position), ("signatures", str(hits)))

    short = len(query) <= 400  # a guide heading or a symptom, not a pasted log
    if short:
        text = normalize(query)
        sections = _sections(query)
        guide_map = GUIDE_SECTIONS if playbook.id == GUIDE_PLAYBOOK else ()
        for section in guide_map:
            heading = normalize(section.heading)
            if section.number is not None and section.number in sections:
                add(section.node, SECTION_POINTS, ("section", section.number))
            if heading and heading in text:
                add(section.node, HEADING_POINTS + len(heading), ("heading", section.heading))
            elif len(text) >= 2 and text in heading and not text.isdigit():
                add(section.node, HEADING_POINTS // 4 * len(text) // len(heading), ("heading", section.heading))
        for node_id, node in playbook.nodes.items():
            for number in _guide_field(node):
                if number in sections:
                    add(node_id, GUIDE_FIELD_POINTS, ("section", number))
        # a symptom is one line: a report of several lines ("the Lambda's logs show …") names words in passing
        symptom = len(text) <= WORDS_MAX_QUERY and "\n" not in query.strip()
        if guide_map and symptom:
            words = [w for w in SYMPTOM_WORDS if w in text]
            if words:
                longest = max(words, key=len)
                add(SYMPTOM_WORDS[longest], WORD_POINTS + 10 * len(longest), ("word", longest))
        query_grams = _bigrams(text) if symptom else set()
        if query_grams:
            texts, common = _japanese_grams(playbook)
            distinctive = query_grams - common
            scored = [
                (3 * len(distinctive & title) + len(distinctive & body), node_id) for node_id, title, body in texts
            ]
            enough = max(TEXT_MIN_SCORE, TEXT_MIN_SHARE * len(distinctive))
            scored = sorted((hit for hit in scored if hit[0] >= enough), reverse=True)[:TEXT_MAX_HITS]
            for score, node_id in scored:
                if 2 * score >= scored[0][0]:
                    add(node_id, score, ("text", ""))
    # signature matches keep match_signatures' order (actionable before noise), then the guide/word hits by points
    signature_rank = {node_id: i for i, (node_id, _) in enumerate(ranked)}
    order = sorted(points, key=lambda n: (n not in signature_rank, signature_rank.get(n, 0), -points[n], n))
    return [SearchHit(n, signatures.get(n, 0), points[n], tuple(reasons[n])) for n in order]


def search_nodes(playbook: Playbook, query: str, lang: str | None = None) -> list[tuple[str, int]]:
    """``(node id, signatures matched)`` best first: signature matches as ``match_signatures`` ranks them, then the
    nodes the guide's headings, section numbers and Japanese symptom words point at (0 signatures)."""
    return [(hit.node, hit.signatures) for hit in rank_nodes(playbook, query, lang)]


def _japanese_grams(playbook: Playbook) -> tuple[list[tuple[str, set[str], set[str]]], set[str]]:
    """``(node id, title bigrams, body bigrams)`` of the Japanese texts, and the bigrams in the texts of more than
    ``TEXT_GRAM_MAX_NODES`` nodes (they point at no node in particular). Cached per playbook object."""
    cached = _GRAMS.get(id(playbook))
    if cached is None or cached[0] is not playbook:
        grams = [(nid, _bigrams(normalize(t)), _bigrams(normalize(b))) for nid, t, b in _japanese_texts(playbook)]
        df: dict[str, int] = {}
        for _, title, body in grams:
            for gram in title | body:
                df[gram] = df.get(gram, 0) + 1
        cached = (playbook, grams, {g for g, n in df.items() if n > TEXT_GRAM_MAX_NODES})
        if len(_GRAMS) >= 8:
            _GRAMS.clear()
        _GRAMS[id(playbook)] = cached
    return cached[1], cached[2]


_GRAMS: dict[int, tuple[Playbook, list[tuple[str, set[str], set[str]]], set[str]]] = {}


def _japanese_texts(playbook: Playbook) -> list[tuple[str, str, str]]:
    """``(node id, title, body)`` in Japanese: the playbook's own when it is Japanese, else its shipped overlay."""
    if playbook.language == "ja":
        return [(nid, n.title, n.body) for nid, n in playbook.nodes.items()]
    overlay = _shipped_overlay(playbook.id)
    return [
        (nid, texts.title or "", texts.body or "")
        for nid, texts in (overlay.nodes.items() if overlay else ())
        if nid in playbook.nodes
    ]


@lru_cache(maxsize=8)
def _shipped_overlay(playbook_id: str) -> Any:
    from tui.playbook.loader import PlaybookLoadError
    from tui.playbook.locate import playbook_dir
    from tui.playbook.translations import load_translation, translation_file

    shipped = playbook_dir()
    if shipped is None:  # an installation without shipped playbooks: no Japanese texts to search
        return None
    path = translation_file(shipped / f"{playbook_id}.yaml", "ja")
    try:
        return load_translation(path) if path.is_file() else None
    except PlaybookLoadError:
        return None
