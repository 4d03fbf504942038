"""A pattern is parsed and checked once per process (``tui.playbook.patterns``), and the logs reader takes its
filter words from that same parse: the answers stay those of a fresh check, every time."""

from __future__ import annotations

import pytest

from tui.logs.terms import literal_terms
from tui.playbook import patterns


@pytest.mark.parametrize("pattern", ["(a+)+$", "a{1001}", "(?<=x)y", "x" * (patterns.MAX_PATTERN_CHARS + 1), "("])
def test_a_rejected_pattern_is_rejected_every_time_with_the_same_reason(pattern: str) -> None:
    reasons = []
    for _ in range(2):
        with pytest.raises(patterns.PatternError) as caught:
            patterns.check_pattern(pattern)
        reasons.append(str(caught.value))
    assert reasons[0] == reasons[1] and reasons[0]
    assert patterns.search(pattern, "aaaa") is None  # never run


def test_an_accepted_pattern_is_checked_once_and_still_matches() -> None:
    pattern = r"AccessDenied(Exception)?.*logs:(CreateLogStream|PutLogEvents)"
    before = patterns._problem.cache_info().hits
    patterns.check_pattern(pattern)
    patterns.check_pattern(pattern)
    assert patterns._problem.cache_info().hits >= before + 1
    assert patterns.search(pattern, "accessdeniedexception on logs:PutLogEvents") is not None


def test_literal_terms_hands_out_a_fresh_list() -> None:
    words = literal_terms(r"(?:ClosedResourceError|anyio\.ClosedResourceError)")
    assert words == ["ClosedResourceError", "anyio.ClosedResourceError"]
    assert words is not None
    words.append("changed by a caller")
    assert literal_terms(r"(?:ClosedResourceError|anyio\.ClosedResourceError)") == [
        "ClosedResourceError",
        "anyio.ClosedResourceError",
    ]


def test_every_shipped_signature_gives_the_logs_server_side_filter_a_word() -> None:
    """A signature without a literal word makes the logs reader fetch every event of the range and say so (the held-out
    round's first x86 and ``"POST / HTTP`` signatures did): the shipped playbook must never need that."""
    from tui.logs.scan import server_terms
    from tui.playbook.loader import PLAYBOOK_DIR, load_playbook

    playbook = load_playbook(PLAYBOOK_DIR / "agentcore-mcp.yaml").playbook
    terms, notes = server_terms(playbook)
    assert notes == [] and terms
