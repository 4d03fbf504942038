"""Two silent surprises of the command line: a playbook input given twice, and an AGENTCORE_TRIAGE_LANG naming no
language this tool speaks.

Seen: ``doctor --input X=a --input X=b`` ran with ``b`` without a word (``run`` and ``bundle`` too), and
``AGENTCORE_TRIAGE_LANG=xx agentcore-triage doctor`` spoke English without saying the variable was skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_qa_cli_inputs import invoke, one_line_exit_2

INPUT = "log_window_minutes"
"""The one input the shipped playbook (agentcore-mcp) declares: digits, default 60."""

ONLY_CONTEXT = ("--only", "context.given")
"""A doctor run that needs no AWS and no endpoint: the context rows only."""

WARNING = "is not a language this tool speaks"


# 1. --input


@pytest.mark.parametrize(
    "command",
    [
        ["doctor", *ONLY_CONTEXT],
        ["run", "--answer", "symptom=9"],
        ["bundle", "--out", "{tmp}"],
    ],
    ids=["doctor", "run", "bundle"],
)
def test_two_different_values_for_one_input_are_refused(command: list[str], tmp_path: Path) -> None:
    args = [word.format(tmp=tmp_path) for word in command]
    result = invoke(*args, "--input", f"{INPUT}=5", "--input", f"{INPUT}=60")
    one_line_exit_2(result, f"--input '{INPUT}=60'", f"{INPUT} is already given as '5'", "give one value")
    assert not list(tmp_path.iterdir())  # the bundle was not written with either value


def test_a_second_value_that_fails_the_pattern_is_called_a_contradiction_first() -> None:
    result = invoke("doctor", *ONLY_CONTEXT, "--input", f"{INPUT}=5", "--input", f"{INPUT}=abc")
    one_line_exit_2(result, f"--input '{INPUT}=abc'", "already given as '5'")


def test_the_same_value_twice_is_no_contradiction() -> None:
    result = invoke("doctor", *ONLY_CONTEXT, "--format", "json", "--input", f"{INPUT}=5", "--input", f"{INPUT}=5")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["context"]["inputs"] == {INPUT: "5"}
    assert result.stderr == ""


def test_the_contradiction_is_said_in_japanese_under_lang_ja() -> None:
    result = invoke("doctor", "--lang", "ja", *ONLY_CONTEXT, "--input", f"{INPUT}=5", "--input", f"{INPUT}=60")
    line = one_line_exit_2(result, f"--input '{INPUT}=60'", "'5'")
    assert "already given" not in line


@pytest.mark.parametrize(
    "pairs, fragments",
    [
        (["oops"], ["--input 'oops': use NAME=VALUE"]),
        (["=5"], ["--input '=5': no input name before '='", f"(inputs: {INPUT})"]),
        (["nope=5"], ["--input nope: playbook agentcore-mcp has no such input", f"(inputs: {INPUT})"]),
        # an unknown name given twice is unknown first: its two values are beside the point
        (["nope=5", "nope=6"], ["no such input", f"(inputs: {INPUT})"]),
        ([f"{INPUT}=abc"], [f"input {INPUT}='abc' does not match"]),
    ],
    ids=["no-equals", "no-name", "unknown", "unknown-twice", "bad-value"],
)
def test_a_malformed_or_unknown_input_is_one_line(pairs: list[str], fragments: list[str]) -> None:
    args = [word for pair in pairs for word in ("--input", pair)]
    one_line_exit_2(invoke("doctor", *ONLY_CONTEXT, *args), *fragments)
