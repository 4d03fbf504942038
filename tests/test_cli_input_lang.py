"""Two silent surprises of the command line: a playbook input given twice, and an AGENTCORE_TRIAGE_LANG naming no
language this tool speaks.

Seen: ``doctor --input X=a --input X=b`` ran with ``b`` without a word (``run`` and ``bundle`` too), and
``AGENTCORE_TRIAGE_LANG=xx agentcore-triage doctor`` spoke English without saying the variable was skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from test_qa_cli_inputs import BASE_ENV, invoke, one_line_exit_2

from tui import i18n
from tui.cli import main

INPUT = "log_window_minutes"
"""The one input the shipped playbook (agentcore-mcp) declares: digits, default 60."""

ONLY_CONTEXT = ("--only", "context.given")
"""A doctor run that needs no AWS and no endpoint: the context rows only."""

WARNING = "is not a language this tool speaks"


@pytest.fixture(autouse=True)
def warning_not_said_yet() -> Iterator[None]:
    """Each test starts as a fresh process would: the once-per-process warning not said yet."""
    with mock.patch.object(i18n, "_env_warning_said", False, create=True):  # create: also before the fix
        yield


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


# 2. AGENTCORE_TRIAGE_LANG


@pytest.mark.parametrize(
    "value, unsupported",
    [
        ("xx", "xx"),
        ("fr_FR.UTF-8", "fr_FR.UTF-8"),
        ("C", "C"),
        ("ja", None),
        ("JA", None),
        ("ja_JP.UTF-8", None),
        ("en-US", None),
        ("", None),  # empty is unset
        ("  ", None),
    ],
)
def test_which_values_of_the_variable_are_unsupported(value: str, unsupported: str | None) -> None:
    assert i18n.unsupported_env_language({i18n.ENV_VAR: value}) == unsupported


def test_the_warning_names_the_variable_the_value_the_accepted_names_and_the_fallback_once() -> None:
    env = {i18n.ENV_VAR: "xx", "LANG": "ja_JP.UTF-8"}
    warning = i18n.env_language_warning(env)
    assert warning is not None
    for fragment in ("AGENTCORE_TRIAGE_LANG='xx'", "en or ja", "ja_JP.UTF-8", "using ja (from the locale, LANG="):
        assert fragment in warning, warning
    assert i18n.env_language_warning(env) is None  # once per process
    assert i18n.resolve_language(None, env) == "ja"  # the next source decides, as before


def test_the_warning_says_the_default_when_no_locale_is_set() -> None:
    warning = i18n.env_language_warning({i18n.ENV_VAR: "xx"})
    assert warning is not None and warning.endswith("using en (the default)")


def test_json_stays_clean_and_the_warning_is_one_stderr_line() -> None:
    result = invoke("doctor", *ONLY_CONTEXT, "--format", "json", env={i18n.ENV_VAR: "xx", "LANG": "C.UTF-8"})
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("agentcore-triage: warning: AGENTCORE_TRIAGE_LANG='xx'"), lines
    assert "using en (from the locale, LANG=C.UTF-8)" in lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["doctor", "--lang", "ja", *ONLY_CONTEXT],  # the command's flag
        ["--lang", "en", "doctor", *ONLY_CONTEXT],  # the group's flag
        ["doctor", "--lang=en", *ONLY_CONTEXT],
    ],
    ids=["after", "before", "equals"],
)
def test_no_warning_when_lang_is_given(args: list[str]) -> None:
    result = invoke(*args, env={i18n.ENV_VAR: "xx"})
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize("value, heading", [("", "playbook"), ("JA", "プレイブック"), ("ja_JP.UTF-8", "プレイブック")])
def test_no_warning_for_empty_or_locale_style_values(value: str, heading: str) -> None:
    result = invoke("doctor", *ONLY_CONTEXT, env={i18n.ENV_VAR: value, "LANG": "C"})
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and heading in result.stdout.splitlines()[0]


def test_the_warning_is_said_once_in_a_process_that_runs_twice() -> None:
    first = invoke("doctor", *ONLY_CONTEXT, env={i18n.ENV_VAR: "xx"})
    second = invoke("doctor", *ONLY_CONTEXT, env={i18n.ENV_VAR: "xx"})
    assert first.stderr.count(WARNING) == 1 and second.stderr == ""


def test_the_warning_is_said_before_the_tui_takes_the_screen() -> None:
    """``demo`` (and the bare command) open the TUI after the group's flags are read: the warning is on the terminal
    before the app draws, not in the middle of it."""

    def tui_starts(**_kwargs: object) -> int:
        print("TUI STARTS", file=sys.stderr)
        return 0

    with mock.patch("tui.sandbox.cli.run_demo", tui_starts):
        result = invoke("demo", env={i18n.ENV_VAR: "xx"})
    assert result.exit_code == 0, result.output
    assert result.stderr.index(WARNING) < result.stderr.index("TUI STARTS")
    assert result.stderr.count(WARNING) == 1


def test_shell_completion_says_nothing() -> None:
    env = BASE_ENV | {
        i18n.ENV_VAR: "xx",
        "_AGENTCORE_TRIAGE_COMPLETE": "bash_complete",
        "COMP_WORDS": "agentcore-triage doc",
        "COMP_CWORD": "1",
    }
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [], env=env, prog_name="agentcore-triage")
    assert "doctor" in result.stdout and result.stderr == ""


def test_the_installed_command_warns_once_on_stderr_and_keeps_junit_clean(tmp_path: Path) -> None:
    """The real process (the entry point's own exit path), not the in-process runner."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AGENTCORE_TRIAGE_", "LC_", "LANG"))}
    env |= {i18n.ENV_VAR: "xx", "AWS_EC2_METADATA_DISABLED": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "tui", "doctor", *ONLY_CONTEXT, "--format", "junit"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<?xml")
    assert done.stderr.count(WARNING) == 1 and len(done.stderr.splitlines()) == 1, done.stderr
    assert "using en (the default)" in done.stderr
