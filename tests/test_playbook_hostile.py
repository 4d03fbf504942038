"""Playbooks are untrusted input: hostile files stop at the loader's limits with one located line, never hang.

The per-case regressions (alias bomb, deep nesting, recursive alias, python tags, merge key, bad scalar tags, NUL,
catastrophic and oversize signatures) live as files in tests/playbooks/broken/ and run through
test_playbook_validation.py; this module holds the limits, the regex engine and a property test.
"""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli import main
from tui.playbook import patterns
from tui.playbook.loader import MAX_PLAYBOOK_BYTES, shipped_playbook_files
from tui.playbook.matching import match_signatures
from tui.playbook.validate import validate_file

SHIPPED = next(p for p in shipped_playbook_files() if p.stem == "agentcore-mcp")
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): \S.*$")


def _assert_located(file: Path, errors: list) -> None:
    text = file.read_bytes()
    lines = max(1, text.count(b"\n") + 1)
    for error in errors:
        rendered = str(error)
        assert "\n" not in rendered, rendered
        found = LOCATED.match(rendered)
        assert found and found["file"] == str(file), rendered
        assert 1 <= int(found["line"]) <= lines, rendered
        assert "Traceback" not in rendered and "<unicode string>" not in rendered, rendered


def test_oversize_playbook_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("".join(f"k{i}: 1\n" for i in range(200_000)))  # 2.6 MB of unknown keys
    result = CliRunner().invoke(main, ["playbooks", "validate", str(big)])
    assert result.exit_code == 2
    assert f"{big}:1:1: playbook is larger than {MAX_PLAYBOOK_BYTES // 1024} KiB, the limit" in result.stdout
    assert "Traceback" not in result.output


def test_many_keys_under_the_size_limit_stop_at_the_node_limit(tmp_path: Path) -> None:
    many = tmp_path / "many.yaml"
    many.write_text("".join(f"k{i}: 1\n" for i in range(40_000)))  # < 512 KiB, 80,000 YAML values
    loaded, errors = validate_file(many)
    assert loaded is None
    assert len(errors) == 1 and "more than 20000 YAML values" in errors[0].message
    _assert_located(many, errors)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("title: 日本語\nnodes:\n" + "".join(f"  k{i}: [値, {i}]\n" for i in range(8_000)), id="values"),
        pytest.param("title: 日本語\na: " + "[" * 70 + "]" * 70 + "\n", id="depth"),
    ],
)
def test_a_bound_is_located_where_the_python_parser_locates_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bound of ours reached under libyaml is reported as found, not parsed again by the Python parser: its place
    (line, column in characters, after non-ASCII text) is the one the Python parser gives."""
    from tui.playbook import loader

    if loader._LOADER is loader._Composer:
        pytest.skip("PyYAML without libyaml: the Python parser is the only one")

    def bound(compose: Any) -> tuple[int, int, str]:
        with pytest.raises(loader._TooBig) as raised:
            compose()
        return raised.value.mark.line, raised.value.mark.column, raised.value.message

    python = loader._Composer(text)
    try:
        expected = bound(python.get_single_node)
    finally:
        python.dispose()
    python_parses: list[str] = []
    original = loader._Composer.__init__

    def counted(self: Any, stream: str) -> None:
        python_parses.append(stream)
        original(self, stream)

    monkeypatch.setattr(loader._Composer, "__init__", counted)
    assert bound(lambda: loader._compose(text)) == expected
    assert python_parses == []  # found once, by libyaml's parser and our composition


# Slow (justified): tracemalloc traces every allocation while the loader refuses the bomb (the memory bound is the point).
@pytest.mark.slow
def test_alias_bomb_stops_within_a_small_memory_budget(tmp_path: Path) -> None:
    bomb = Path(__file__).parent / "playbooks" / "broken" / "alias_bomb.yaml"
    assert bomb.stat().st_size < 500  # nine levels of nine aliases: 387,420,489 strings if expanded
    tracemalloc.start()
    try:
        loaded, errors = validate_file(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded is None and "aliases expand to more than" in errors[0].message
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    ("pattern", "subject"),
    [
        ("(a|aa)+$", "a" * 100_000 + "b"),  # 25 s in re at 40 characters; linear in RE2
        ("(x+x+)+y", "x" * 100_000),  # rejected at validation; a playbook loaded some other way still cannot hang
        ("^(a+)+$", "a" * 100_000 + "!"),
    ],
)
def test_hostile_pattern_never_backtracks(pattern: str, subject: str) -> None:
    # Bounded by construction: RE2 runs in time linear in the (capped) subject; no timing assertion is needed, a
    # backtracking engine would not return at all within the suite's timeout.
    assert patterns.search(pattern, subject) is None


def test_search_only_looks_at_the_first_megabyte() -> None:
    subject = "x" * patterns.MAX_SUBJECT_CHARS + "needle"
    assert patterns.search("needle", subject) is None
    assert patterns.search("needle", "a needle") == "needle"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("^(a+)+$", "nests unbounded repetition"),
        ("(\\w+\\s*)*end", "nests unbounded repetition"),
        ("a{4294967296}", "too large"),
        ("a{1001}", "invalid repetition size"),
        ("(?=lookahead)x", "look-around"),
        ("(a)\\1", "back-references"),
        ("x" * 1001, "limit is 1000"),
        ("(unclosed", "does not compile"),
    ],
)
def test_check_pattern_rejects_with_one_line(pattern: str, reason: str) -> None:
    with pytest.raises(patterns.PatternError) as caught:
        patterns.check_pattern(pattern)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_every_shipped_signature_is_accepted_and_still_matches_its_own_node() -> None:
    loaded, errors = validate_file(SHIPPED)
    assert loaded is not None and not errors
    node = loaded.playbook.nodes["aws-no-access"]
    assert node.signatures
    ranked = dict(match_signatures(loaded.playbook, "botocore: unable to LOCATE credentials"))
    assert "aws-no-access" in ranked
    # RE2 with (?im) agrees with re.IGNORECASE | re.MULTILINE on every shipped signature
    corpus = (
        "\n".join(sig for node in loaded.playbook.nodes.values() for sig in node.signatures)
        + "\n"
        + SHIPPED.read_text()
    )
    for node in loaded.playbook.nodes.values():
        for sig in node.signatures:
            expected = re.search(sig, corpus, re.IGNORECASE | re.MULTILINE)
            assert patterns.search(sig, corpus) == (expected.group(0) if expected else None), sig


def test_re2_prints_nothing_to_stderr_for_a_bad_pattern(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(patterns.PatternError):
        patterns.check_pattern("a{1001}")
    assert capfd.readouterr().err == ""


# Hostile YAML fragments a mutation may splice in (aliases, tags, merge keys, control characters, deep flows).
_FRAGMENTS = [
    "&a ",
    "*a",
    "&b [*a, *a, *a, *a, *a, *a, *a, *a]",
    "!!python/name:os.system ",
    "!!python/object/apply:os.system ['x'] ",
    "<<: *a\n",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!timestamp ",
    "!!binary ",
    "!!set ",
    "!custom ",
    "\x00",
    "\t",
    "\x85",
    "\ufeff",
    "[" * 200,
    "{" * 200,
    "- " * 100,
    "? ",
    ": ",
    "'",
    '"',
    "\\",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "(a+)+$",
    "a{4294967296}",
    "{runtime.id}",
    "{{",
    "99999999999999999999999999999999",
    "0x",
    "~",
    "\n",
    "  ",
]


@st.composite
def mutated_playbook(draw: st.DrawFn) -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "garbage"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(_FRAGMENTS)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=200)) :]
        elif op == "duplicate":
            span = text[at : at + draw(st.integers(min_value=1, max_value=400))]
            text = text[:at] + span * draw(st.integers(min_value=2, max_value=5)) + text[at:]
        else:
            text = text[:at] + draw(st.text(max_size=20)) + text[at:]
    return text


# Slow (justified): 60 mutants of the 48 KB shipped playbook, each fully parsed and validated (~35 ms of CPU each);
# derandomized, so every run checks the same 60 and a failure reproduces.
@pytest.mark.slow
@settings(
    max_examples=60,
    # Each example parses a 48 KB playbook; on a loaded 2-core machine that is slow, and the bound that matters
    # is the loader's own limits (size, values, depth), not the wall clock.
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(text=mutated_playbook())
def test_mutated_shipped_playbook_never_crashes_and_every_error_is_located(tmp_path: Path, text: str) -> None:
    file = tmp_path / "mutant.yaml"
    file.write_text(text, encoding="utf-8", errors="surrogatepass")
    loaded, errors = validate_file(file)  # any exception fails the test: no tracebacks
    assert loaded is not None or errors
    _assert_located(file, errors)
    if loaded is not None:
        match_signatures(loaded.playbook, "a" * 5_000 + " AccessDenied " + text[:2_000])


def _hostile_copy(tmp_path: Path) -> Path:
    """needs-runtime.yaml with a backtracking-prone signature and input pattern that validation lets through."""
    source = (Path(__file__).parent / "playbooks" / "cli" / "needs-runtime.yaml").read_text()
    text = source.replace('signatures: ["runtime .* not found"]', 'signatures: ["(a|aa)+$"]')
    text = text.replace('pattern: "^[0-9]+$"', 'pattern: "^(x|xx)+y$"')
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    assert validate_file(path)[1] == []
    return path


def test_match_with_an_overlapping_alternation_signature_finishes(tmp_path: Path) -> None:
    playbook = _hostile_copy(tmp_path)
    # 25 s in Python's re at 40 characters; RE2 is linear, so this returns (the suite's timeout is the bound)
    result = CliRunner().invoke(main, ["match", "--playbook", str(playbook), "a" * 5_000 + "!"])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


def test_run_input_pattern_is_checked_without_backtracking(tmp_path: Path) -> None:
    playbook = _hostile_copy(tmp_path)
    result = CliRunner().invoke(
        main, ["run", "--playbook", str(playbook), "--answer", "ask=2", "--input", "depth=" + "x" * 5_000]
    )
    assert result.exit_code == 2
    assert "does not match" in result.stderr
