"""docs/seed-coverage.md cannot drift from the guide or the product.

Every heading of the seed guide appears in the doc; every node, check, fix and test file the doc names
exists; every verdict is one of true/outdated/wrong; every guide section is the ``guide:`` of a node.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.playbook.loader import PLAYBOOK_DIR, load_playbook
from tui.playbook.matching import node_for_start
from tui.registry import REGISTRY, load_all

ROOT = Path(__file__).parent.parent
DOC = ROOT / "docs" / "seed-coverage.md"
GUIDE_CANDIDATES = [
    ROOT.parent.parent / "shared" / "seed" / "agentcore-mcp-troubleshooting-guide.ja.md",
    Path("/work/shared/seed/agentcore-mcp-troubleshooting-guide.ja.md"),
]
NAMED_SECTIONS = {
    "再デプロイ手順": "redeploy",
    "UUIDフォーマットの問題": "uuid",
    "ログの収集と分析": "logs",
    "その他の問題": "other",
}
VERDICTS = {"true", "outdated", "wrong"}


def guide_headings(text: str) -> list[str]:
    """Markdown headings outside fenced code (the guide's code blocks have `#` comments)."""
    headings, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            headings.append(line.lstrip("#").strip())
    return headings


def doc_sections(text: str) -> dict[str, list[list[str]]]:
    """``### heading`` → table rows (cells) under it."""
    sections: dict[str, list[list[str]]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("### "):
            current = line[4:].strip()
            sections[current] = []
        elif current and line.startswith("|") and not re.match(r"\|[-| ]+\|$", line):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] != "claim":
                sections[current].append(cells)
    return sections


@pytest.fixture(scope="module")
def guide() -> str:
    for path in GUIDE_CANDIDATES:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.skip("the seed guide is not available in this checkout")


@pytest.fixture(scope="module")
def doc() -> dict[str, list[list[str]]]:
    return doc_sections(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def playbook():  # type: ignore[no-untyped-def]
    return load_playbook(PLAYBOOK_DIR / "agentcore-mcp.yaml").playbook


def test_every_guide_heading_has_a_section_with_claims(guide: str, doc) -> None:  # type: ignore[no-untyped-def]
    headings = guide_headings(guide)
    assert len(headings) >= 15, headings
    missing = [h for h in headings if h not in doc]
    assert not missing, f"docs/seed-coverage.md lacks sections for: {missing}"
    empty = [h for h in headings if not doc[h]]
    assert not empty, f"sections without a claim row: {empty}"
    extra = [h for h in doc if h not in headings]
    assert not extra, f"sections that are not guide headings: {extra}"


def test_every_named_node_check_fix_and_test_exists(doc, playbook) -> None:  # type: ignore[no-untyped-def]
    load_all()
    problems = []
    for heading, rows in doc.items():
        for cells in rows:
            assert len(cells) == 6, (heading, cells)
            claim, verdict, nodes, checks, fixes, tests = cells
            if verdict not in VERDICTS:
                problems.append(f"{heading}: verdict {verdict!r} for {claim!r}")
            node_ids = re.findall(r"`([^`]+)`", nodes)
            if not node_ids:
                problems.append(f"{heading}: no node for {claim!r}")
            problems += [f"{heading}: no node {n}" for n in node_ids if n not in playbook.nodes]
            problems += [
                f"{heading}: no check {c}" for c in re.findall(r"`([^`]+)`", checks) if c not in REGISTRY.checks
            ]
            problems += [f"{heading}: no fix {f}" for f in re.findall(r"`([^`]+)`", fixes) if f not in REGISTRY.fixes]
            problems += [f"{heading}: no test {t}" for t in re.findall(r"`([^`]+)`", tests) if not (ROOT / t).is_file()]
    assert not problems, "\n".join(problems)


def test_every_guide_section_is_answered_by_a_node(guide: str, playbook) -> None:  # type: ignore[no-untyped-def]
    sections = []
    for heading in guide_headings(guide):
        number = re.match(r"(\d+(?:\.\d+)*)\.? ", heading)
        if number:
            sections.append(number.group(1))
        elif heading in NAMED_SECTIONS:
            sections.append(NAMED_SECTIONS[heading])
    assert {"1", "1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "4.1", "uuid"} <= set(sections)
    unanswered = [s for s in sections if node_for_start(playbook, s) is None]
    assert not unanswered, f"no node has guide: {unanswered}"


def test_the_headline_error_says_what_cannot_cause_it(playbook) -> None:  # type: ignore[no-untyped-def]
    body = playbook.nodes["ep-internal-error"].body
    assert "§1.1" in body and "§1.2" in body and "§2.1" in body and "cannot produce a -32603" in body
    assert playbook.nodes["ep-internal-error"].next == "ep-session-probe"
