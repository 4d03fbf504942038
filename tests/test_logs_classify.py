"""The log classifier answers exactly what ranking every signature answers (``Classifier.reference``, the same
ranking as ``match``), only faster: on every real error text of the corpus and variants of it, on the hard
cases of a log scan, and on signatures RE2's prefilter cannot index (no literal atom in them)."""

from __future__ import annotations

import pytest
from engine_support import book
from test_corpus import corpus_cases

from tui.logs.classify import BUILTIN_NOISE, MATCH_WINDOW, Classifier, clean_text
from tui.playbook.loader import PLAYBOOK_DIR, load_playbook


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(load_playbook(PLAYBOOK_DIR / "agentcore-mcp.yaml").playbook)


def corpus_texts() -> list[str]:
    return [case["text"] for case in corpus_cases()]


def test_classify_equals_the_full_ranking_on_the_corpus(classifier: Classifier) -> None:
    texts = corpus_texts()
    # Each text as it is, and in one of two variants, taken in turn, that between them change case both ways
    # (signatures match case-insensitively), bury it in a log line and split it over lines (^ and $ at line ends).
    # Both variants of every text cost half as much again (the reference ranks every signature: 4 s of CPU on a slow
    # 2-core machine, the suite's costliest unit test); taken in turn, each variant still meets half the corpus.
    variants = [
        *texts,
        *(f"2026-12-01T10:00:00Z INFO worker-3 {t} (request 413 took 504 ms)".upper() for t in texts[::2]),
        *(t.replace(" ", "\n").lower() for t in texts[1::2]),
    ]
    explained = 0
    for text in variants:
        expected = classifier.reference(text)
        assert classifier.classify(text) == expected, text
        assert classifier.classify(text) == expected, text  # the second answer comes from the cache
        explained += expected is not None
    assert explained >= len(texts)  # most corpus texts name a node: the comparison is not between two Nones


def test_classify_equals_the_full_ranking_where_several_nodes_match(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real texts in one message: several nodes match, and the order (actionable before noise, then hits, then
    the longest match, then the id) decides. A distinct matched line runs only the signatures the filter found
    matching (before: every signature of the playbook, ~0.9 ms a line)."""
    from tui.playbook import patterns

    texts = corpus_texts()
    pairs = [f"{a}\n{b}" for a, b in zip(texts[::7], texts[3::7], strict=False)]
    expected = [classifier.reference(text) for text in pairs]
    searched: list[str] = []
    real_search = patterns.search

    def counted(pattern: str, text: str, **kwargs: object) -> str | None:
        searched.append(pattern)
        return real_search(pattern, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(patterns, "search", counted)
    several = 0
    for text, answer in zip(pairs, expected, strict=True):
        searched.clear()
        assert classifier.classify(text) == answer, text
        assert len(searched) <= sum(real_search(p, text) is not None for _, p, _ in classifier._signatures)
        several += len({n for n, p, _ in classifier._signatures if real_search(p, text) is not None}) > 1
    assert several >= 20  # the ranking between nodes was exercised


def test_classify_equals_the_full_ranking_on_the_hard_cases(classifier: Classifier) -> None:
    error_at_the_end = "The OTLP API is supported with CloudWatch Logs as a Trace Segment Destination."
    cases = [
        "",
        "INFO:     Application startup complete.",
        'INFO 127.0.0.1 - "POST /mcp HTTP/1.1" 200 OK request 12 tools/call took 3 ms',
        "DEBUG payload " + "x" * 200_000 + " ERROR " + error_at_the_end,  # beyond the match window
        "ERROR " + error_at_the_end + " " + "y" * (3 * MATCH_WINDOW),
        clean_text("WARNING \udcff\udcfe Invalid Host header \ufffd rejected"),  # non-UTF-8 bytes, cleaned
        'Traceback (most recent call last):\n  File "x.py", line 1\nanyio.ClosedResourceError',
        BUILTIN_NOISE[0][0],  # the built-in noise alone
        BUILTIN_NOISE[0][0].upper() + " (ResourceNotFoundException)",
        "日本語のログ: アクセスが拒否されました AccessDenied",
    ]
    for text in cases:
        assert classifier.classify(text) == classifier.reference(text), text[:200]
    assert classifier.classify(cases[3]) is not None and classifier.classify(cases[2]) is None


SIGNATURES = """
id: sig-test
title: signatures without literal atoms
start: a
nodes:
  a:
    kind: diagnosis
    severity: high
    title: Three digits then a word
    signatures:
      - '\\d{3}\\s\\w+'
  b:
    kind: diagnosis
    severity: medium
    title: A literal word
    signatures:
      - 'gateway timeout'
      - '^fatal:'
"""


def test_signatures_without_a_literal_word_still_match() -> None:
    classifier = Classifier(book(SIGNATURES))
    for text, node in (
        ("upstream said 504 nope", "a"),
        ("GATEWAY TIMEOUT after 30s", "b"),
        ("line one\nfatal: no route", "b"),
        ("nothing to see", None),
        ("12 ab", None),
    ):
        match = classifier.classify(text)
        assert (match.node if match else None) == node, text
        assert match == classifier.reference(text)


NO_SIGNATURES = """
id: no-sig-test
title: no signatures at all
start: a
nodes:
  a:
    kind: diagnosis
    severity: high
    title: Something
"""


def test_a_playbook_without_signatures_still_knows_the_builtin_noise() -> None:
    classifier = Classifier(book(NO_SIGNATURES))
    assert classifier.classify("gateway timeout") is None
    noise = classifier.classify(BUILTIN_NOISE[0][0])
    assert noise is not None and noise.noise and noise.node is None
    # RE2's folding lets a long s (ſ) through the filter; ``in text.lower()``, the built-in check, does not match it
    assert classifier.classify(BUILTIN_NOISE[0][0].replace("s", "\u017f")) is None
    assert classifier.classify(BUILTIN_NOISE[0][0].upper()) == noise


def test_the_builtin_noise_is_found_as_lower_finds_it(classifier: Classifier) -> None:
    """The filter rules the built-in noise out in its pass (RE2's case folding); what it lets through is checked
    as ``literal in text.lower()`` (a long s, ſ, folds to s for RE2 but does not lower to it; the playbook's own
    signature for that line, run by RE2, may still match it: the answer is the full ranking's either way)."""
    literal = BUILTIN_NOISE[0][0]
    cases = [
        literal,
        literal.upper(),
        f"botocore: An error occurred (ResourceNotFoundException): {literal.swapcase()}.",
        literal.replace("s", "\u017f"),  # ſ: RE2 matches, lower() does not: no noise
        literal.replace("specified", "spec-ified"),
        literal.replace("log", "\u212aog"),  # K (Kelvin) is not in the literal: no noise either way
        "x" * 100 + "\n" + literal.lower() + "\n" + "y" * 100,
    ]
    found = [classifier.classify(text) for text in cases]
    assert found == [classifier.reference(text) for text in cases]
    assert [bool(m and m.noise) for i, m in enumerate(found) if i in (0, 1, 2, 4, 6)] == [True, True, True, False, True]


def test_a_group_redacts_each_sample_once_and_follows_its_newest_event(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The logs screen shows a group's samples again at every refresh: each event is redacted once, a newer event
    replaces the last sample, and what a caller does to a sample it got does not change the next one."""
    from tui.logs import classify
    from tui.logs.classify import Grouping, LogEvent

    redacted: list[str] = []

    def counting_redact(text: str) -> str:
        redacted.append(text)
        return real_redact(text)

    real_redact = classify.redact_text
    monkeypatch.setattr(classify, "redact_text", counting_redact)
    line = "ERROR Invalid Host header token=s3cr3tvalue " + "x" * 100_000  # a long one-line record
    grouping = Grouping(classifier, keep_unexplained=True)
    grouping.add(LogEvent(1_000, line, "/aws/g", "s"))
    (group,) = grouping.ranked()
    for _ in range(3):  # three refreshes
        first, last = group.first, group.last
        assert first is not None and last is not None and "s3cr3tvalue" not in first["message"]
        first["message"] = "changed by a caller"
    assert len(redacted) == 2
    assert group.first is not None and group.first["message"] != "changed by a caller"
    grouping.add(LogEvent(2_000, line.replace("s3cr3tvalue", "an0th3rvalue"), "/aws/g", "s"))
    assert group.last is not None and group.last["time"] != group.first["time"]  # type: ignore[index]
    assert len(redacted) == 3 and "an0th3rvalue" not in group.last["message"]  # type: ignore[index]
