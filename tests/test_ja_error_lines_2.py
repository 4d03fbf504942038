"""More error lines of bad inputs, under ``--lang ja``: Japanese; under ``--lang en``: unchanged.

Seen under ``--lang ja``: ``--playbook nosuch`` said ``no playbook 'nosuch' (shipped: agentcore-mcp; or give a path to
a .yaml file)``, every ``run --answer`` mistake (no ``=``, a node that is not a question, a choice the node does not
have, two answers to one node) and ``open`` on a bundle whose ``context.json`` or ``walk.json`` was damaged were all
English; so were the TUI's notes when a choice or a step is refused. Each case below makes the input really bad (real
files in ``tmp_path``, a real bundle rewritten with its checksums recomputed) and runs the CLI in-process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_i18n_checks_ja import english_phrases
from test_ja_error_lines import JAPANESE, _error_lines
from test_qa_cli_inputs import invoke
from test_qa_round14 import _forged_bundle

from tui import __version__, i18n


def _assert_japanese(lines: list[str], names: list[str]) -> None:
    text = "\n".join(lines)
    for name in names:
        assert name in text, (name, text)
    for line in lines:
        assert JAPANESE.search(line), line
    assert english_phrases(text) == [], text


def _symptom_keys() -> str:
    from tui.playbook.validate import resolve_playbook

    node = resolve_playbook("agentcore-mcp").playbook.nodes["symptom"]
    return ", ".join(choice.key for choice in node.choices)


def _shipped() -> str:
    from tui.playbook.loader import shipped_playbook_files

    return ", ".join(f.stem for f in shipped_playbook_files())


# Each case: the command line (made in tmp_path), what the Japanese lines must name, the English lines as they were.
Case = tuple[list[str], list[str], list[str]]


def _unknown_playbook(_tmp: Path) -> Case:
    return (
        ["doctor", "--playbook", "nosuch"],
        ["'nosuch'", "agentcore-mcp", ".yaml"],
        [f"agentcore-triage: no playbook 'nosuch' (shipped: {_shipped()}; or give a path to a .yaml file)"],
    )


def _answer_without_equals(_tmp: Path) -> Case:
    return (
        ["run", "--answer", "symptom"],
        ["--answer 'symptom'", "NODE=CHOICE"],
        ["agentcore-triage: --answer 'symptom': use NODE=CHOICE"],
    )


def _answer_unknown_node(_tmp: Path) -> Case:
    return (
        ["run", "--answer", "nosuch=1"],
        ["--answer 'nosuch=1'", "'nosuch'", "agentcore-mcp"],
        ["agentcore-triage: --answer 'nosuch=1': 'nosuch' is not a question node of agentcore-mcp"],
    )


def _answer_unknown_choice(_tmp: Path) -> Case:
    return (
        ["run", "--answer", "symptom=99"],
        ["--answer 'symptom=99'", "symptom", _symptom_keys()],
        [f"agentcore-triage: --answer 'symptom=99': choices at symptom are {_symptom_keys()}"],
    )


def _answer_given_twice(_tmp: Path) -> Case:
    return (
        ["run", "--answer", "symptom=1", "--answer", "symptom=2"],
        ["--answer 'symptom=2'", "symptom", "'1'"],
        ["agentcore-triage: --answer 'symptom=2': symptom is already answered '1'; give one answer"],
    )


def _input_unknown(_tmp: Path) -> Case:
    return (
        ["run", "--input", "nosuch=1"],
        ["--input nosuch", "agentcore-mcp", "log_window_minutes"],
        ["agentcore-triage: --input nosuch: playbook agentcore-mcp has no such input (inputs: log_window_minutes)"],
    )


def _input_without_equals(_tmp: Path) -> Case:
    return (
        ["run", "--input", "nosuch"],
        ["--input 'nosuch'", "NAME=VALUE"],
        ["agentcore-triage: --input 'nosuch': use NAME=VALUE"],
    )


def _home_of_no_user(_tmp: Path) -> Case:
    return (
        ["doctor", "--project", "~nosuchuser-x/p"],
        ["~nosuchuser-x/p", "'nosuchuser-x'"],
        [
            "agentcore-triage: ~nosuchuser-x/p: ~nosuchuser-x cannot be expanded: no user 'nosuchuser-x' on this "
            "machine; write the path in full"
        ],
    )


def _bundle_case(change: dict[str, Any], english: str, *names: str) -> Callable[[Path], Case]:
    def make(tmp: Path) -> Case:
        path = _forged_bundle(tmp, change)
        return (["open", str(path)], [str(path), *names], [f"agentcore-triage: {path}: {english}"])

    return make


CASES: dict[str, Callable[[Path], Case]] = {
    "--playbook names no playbook": _unknown_playbook,
    "--answer without =": _answer_without_equals,
    "--answer names no question": _answer_unknown_node,
    "--answer names no choice": _answer_unknown_choice,
    "--answer twice for one node": _answer_given_twice,
    "--input names no input": _input_unknown,
    "--input without =": _input_without_equals,
    "~user of no user": _home_of_no_user,
    "context.json not an object": _bundle_case({"context.json": [1]}, "context.json is not an object", "context.json"),
    "context.json inputs not an object": _bundle_case(
        {"context.json": {"inputs": 5}}, "context.json: inputs is not an object", "context.json", "inputs"
    ),
    "context.json timeout not a number": _bundle_case(
        {"context.json": {"timeout": "soon"}}, "context.json: timeout is not a number", "context.json", "timeout"
    ),
    "context.json read_only not a boolean": _bundle_case(
        {"context.json": {"read_only": "yes"}},
        "context.json: read_only is not true or false",
        "context.json",
        "read_only",
    ),
    "context.json region not a string": _bundle_case(
        {"context.json": {"region": 5}}, "context.json: region is not a string", "context.json", "region"
    ),
    "walk.json not an object": _bundle_case({"walk.json": [1]}, "no walk.json transcript", "walk.json"),
    "walk.json field of the wrong type": _bundle_case(
        {"walk.json": {"history": "abc"}},
        "walk.json: history has the wrong type (the bundle was changed or damaged)",
        "walk.json",
        "history",
    ),
    "walk.json results for no node": _bundle_case(
        {"walk.json": {"results": {"no-such-node": []}}},
        "walk.json has results for 'no-such-node', which its playbook does not have",
        "walk.json",
        "'no-such-node'",
    ),
    "walk.json history names no node": _bundle_case(
        {"walk.json": {"history": [{"node": "no-such-node", "target": "symptom"}]}},
        "walk.json names node 'no-such-node', which its playbook does not have",
        "walk.json",
        "'no-such-node'",
    ),
    "walk.json ends at no node": _bundle_case(
        {"walk.json": {"current": "no-such-node"}},
        "walk.json ends at 'no-such-node', which its playbook does not have",
        "walk.json",
        "'no-such-node'",
    ),
    "playbook.json does not load": _bundle_case(
        {"playbook.json": {"nodes": 5}},
        "its playbook does not load in this agentcore-triage (nodes: Input should be a valid dictionary); the bundle "
        f"was written by agentcore-triage {__version__}",
        "agentcore-triage",
        __version__,
        '"Input should be a valid dictionary"',  # pydantic's words, quoted verbatim
    ),
    "walk.json results unreadable": _bundle_case(
        {"walk.json": {"results": {"symptom": [{"status": "ok"}]}}},
        "walk.json or audit.jsonl cannot be read (KeyError)",
        "walk.json",
        "audit.jsonl",
        "KeyError",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_error_line_is_japanese(case: str, tmp_path: Path) -> None:
    args, names, _english = CASES[case](tmp_path)
    _assert_japanese(_error_lines(invoke(args[0], "--lang", "ja", *args[1:])), names)


@pytest.mark.parametrize("case", list(CASES))
def test_in_english_the_error_line_is_unchanged(case: str, tmp_path: Path) -> None:
    args, _names, english = CASES[case](tmp_path)
    assert _error_lines(invoke(args[0], "--lang", "en", *args[1:])) == english


def test_an_installation_without_playbooks_says_so_in_japanese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's and the checkout's playbook directories are real, empty directories here."""
    from tui.playbook import locate

    package, checkout = tmp_path / "package" / "playbooks", tmp_path / "playbooks"
    package.mkdir(parents=True)
    checkout.mkdir()
    monkeypatch.setattr(locate, "candidate_dirs", lambda: [package, checkout])
    english = _error_lines(invoke("doctor", "--lang", "en", "--playbook", "nosuch"))
    assert english == [
        f"agentcore-triage: no playbook 'nosuch': this installation has no shipped playbooks (looked in {package} and "
        f"{checkout}); reinstall agentcore-triage, or give a path to a .yaml file"
    ]
    _assert_japanese(
        _error_lines(invoke("doctor", "--lang", "ja", "--playbook", "nosuch")),
        ["'nosuch'", str(package), str(checkout), ".yaml"],
    )


def test_invalid_playbook_heading_is_japanese_where_the_tui_shows_it(tmp_path: Path) -> None:
    """The TUI shows validate's message as it is (no CLI heading translation on the way)."""
    from tui.playbook.validate import resolve_playbook

    path = tmp_path / "book.yaml"
    path.write_text("- id: x\n")
    i18n.set_language("ja")
    with pytest.raises(ValueError) as caught:
        resolve_playbook(str(path))
    head, _newline, rest = str(caught.value).partition("\n")
    assert JAPANESE.search(head) and not english_phrases(head), head
    assert str(path) in rest
    i18n.set_language("en")
    with pytest.raises(ValueError) as caught:
        resolve_playbook(str(path))
    assert str(caught.value).startswith(f"invalid playbook:\n{path}:1:1: ")


def _walk() -> Any:
    from tui.context import Context
    from tui.engine.walk import Walk
    from tui.playbook.validate import resolve_playbook

    return Walk(resolve_playbook("agentcore-mcp").playbook, Context())


async def test_the_tuis_refused_choice_and_step_are_japanese() -> None:
    """What the walk screen's notes say when a key is no choice, or a question is left with n (no way on)."""
    from tui.engine.walk import WalkError

    walk = _walk()
    english: list[str] = []
    for language in ("en", "ja"):
        i18n.set_language(language)
        said = []
        with pytest.raises(WalkError) as caught:
            walk.answer("99")
        said.append(str(caught.value))
        with pytest.raises(WalkError) as caught:
            await walk.advance()
        said.append(str(caught.value))
        if language == "en":
            english = said
            continue
        for line in said:
            assert "symptom" in line and JAPANESE.search(line) and not english_phrases(line), line
    assert english == [
        f"no choice '99' at symptom (choices: {_symptom_keys()})",
        "symptom has no way on; answer it or go back",
    ]


def test_the_replay_banner_is_japanese(tmp_path: Path) -> None:
    """The line over the replay screen: which bundle, when and by which version, and that nothing runs live."""
    from test_support_bundle import _small_bundle

    from tui.support.replay import open_replay

    replay = open_replay(_small_bundle(tmp_path))
    assert replay.banner.startswith("REPLAY of b.zip · recorded ")
    assert replay.banner.endswith(f" with agentcore-triage {__version__} · nothing runs live")
    i18n.set_language("ja")
    banner = replay.banner
    assert "b.zip" in banner and __version__ in banner and JAPANESE.search(banner), banner
    assert english_phrases(banner) == [], banner
