"""Error lines of bad inputs, under ``--lang ja``: Japanese, naming the path; under ``--lang en``: unchanged.

Seen: under ``--lang ja`` a missing token file said ``--token-file x は使えません: no such file (give the path of a
file holding the bearer token)``, ``bundle --out`` over a symbolic link said ``a symbolic link で、バンドルで…``, and a
``--playbook`` that is not UTF-8, a ``match`` path that does not exist and a broken ``.bedrock_agentcore.yaml`` were
all English. Each case below makes the input really bad (real files in ``tmp_path``) and runs the CLI in-process.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from test_i18n_checks_ja import english_phrases
from test_qa_cli_inputs import invoke

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _error_lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("agentcore-triage: "), result.stderr
    return [str(line) for line in lines]


def _assert_japanese(lines: list[str], path: Path | None) -> None:
    text = "\n".join(lines)
    assert path is None or str(path) in text, text
    for line in lines:
        assert JAPANESE.search(line), line
    assert english_phrases(text) == [], text


# Each case: make the bad input in tmp_path, the command line, and the English lines as they have always been.


def _missing_token_file(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "token.txt"
    return (
        path,
        ["doctor", "--token-file", str(path)],
        [
            f"agentcore-triage: --token-file {path} is unusable: no such file (give the path of a file holding the "
            "bearer token)"
        ],
    )


def _token_file_is_a_directory(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "tokens"
    path.mkdir()
    return (
        path,
        ["doctor", "--token-file", str(path)],
        [f"agentcore-triage: --token-file {path} is unusable: it is a directory, not a file holding the bearer token"],
    )


def _token_file_not_utf8(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "token.txt"
    path.write_bytes(b"\xff\xfe\xfa token\n")
    return (
        path,
        ["doctor", "--token-file", str(path)],
        [
            f"agentcore-triage: --token-file {path} is unusable: not UTF-8 text; the file must hold the bearer token "
            "as plain text"
        ],
    )


def _bundle_over_a_report(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "report.md"
    path.write_text("# my report\n")
    return (
        path,
        ["bundle", "--out", str(path)],
        [
            f"agentcore-triage: --out {path}: an existing file that is not a support bundle, not a file a bundle may "
            "replace; choose a file path"
        ],
    )


def _bundle_over_a_symlink(tmp: Path) -> tuple[Path, list[str], list[str]]:
    (tmp / "real.zip").write_bytes(b"")
    path = tmp / "link.zip"
    path.symlink_to(tmp / "real.zip")
    return (
        path,
        ["bundle", "--out", str(path)],
        [f"agentcore-triage: --out {path}: a symbolic link, not a file a bundle may replace; choose a file path"],
    )


def _match_missing_file(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "server.log"
    return (
        path,
        ["match", str(path)],
        [
            f"agentcore-triage: match: {path}: no such file (to match a text that looks like a path, quote more of "
            "the line)"
        ],
    )


def _match_empty_file(tmp: Path) -> tuple[Path | None, list[str], list[str]]:
    path = tmp / "server.log"
    path.write_text("\n")
    return (
        None,  # the line has never named the file: it says there is nothing in it to match
        ["match", str(path)],
        ["agentcore-triage: match: nothing to match: give the error text, a log file, or - for stdin"],
    )


def _playbook_not_utf8(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "book.yaml"
    path.write_bytes(b"id: x\ntitle: \xff\xfe\n")
    return (
        path,
        ["doctor", "--playbook", str(path)],
        ["agentcore-triage: invalid playbook:", f"{path}:2:8: not UTF-8 text: save the playbook as UTF-8"],
    )


def _playbook_a_list(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "book.yaml"
    path.write_text("- id: x\n- title: y\n")
    return (
        path,
        ["doctor", "--playbook", str(path)],
        [
            "agentcore-triage: invalid playbook:",
            f"{path}:1:1: a playbook must be a mapping with id, title, start and nodes",
        ],
    )


def _playbook_too_big(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "book.yaml"
    path.write_text("#" * (600 * 1024) + "\n")
    return (
        path,
        ["doctor", "--playbook", str(path)],
        ["agentcore-triage: invalid playbook:", f"{path}:1:1: playbook is larger than 512 KiB, the limit: split it up"],
    )


def _playbook_empty(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "book.yaml"
    path.write_text("# nothing yet\n")
    return (
        path,
        ["doctor", "--playbook", str(path)],
        ["agentcore-triage: invalid playbook:", f"{path}:1:1: empty file: a playbook needs id, title, start and nodes"],
    )


def _agentcore_yaml_broken(tmp: Path) -> tuple[Path, list[str], list[str]]:
    project = tmp / "project"
    project.mkdir()
    path = project / ".bedrock_agentcore.yaml"
    path.write_text("agents: [\n")
    return (
        path,
        ["doctor", "--project", str(project), "--agent", "mcp_server"],
        [f"agentcore-triage: {path}:2:1: not valid YAML (did not find expected node content)"],
    )


def _agentcore_yaml_a_list(tmp: Path) -> tuple[Path, list[str], list[str]]:
    project = tmp / "project"
    project.mkdir()
    path = project / ".bedrock_agentcore.yaml"
    path.write_text("- mcp_server\n")
    return (
        path,
        ["doctor", "--project", str(project), "--agent", "mcp_server"],
        [f"agentcore-triage: {path}: expected a mapping with `agents:`, got list"],
    )


def _agentcore_yaml_not_utf8(tmp: Path) -> tuple[Path, list[str], list[str]]:
    project = tmp / "project"
    project.mkdir()
    path = project / ".bedrock_agentcore.yaml"
    path.write_bytes(b"default_agent: \xff\n")
    return (
        path,
        ["doctor", "--project", str(project), "--agent", "mcp_server"],
        [f"agentcore-triage: {path}: not UTF-8 text"],
    )


def _agentcore_yaml_no_such_agent(tmp: Path) -> tuple[Path, list[str], list[str]]:
    project = tmp / "project"
    project.mkdir()
    path = project / ".bedrock_agentcore.yaml"
    path.write_text("agents: {}\n")
    return (
        path,
        ["doctor", "--project", str(project), "--agent", "mcp_server"],
        [f"agentcore-triage: --agent mcp_server: no such agent in {path} (agents: none)"],
    )


def _open_not_a_bundle(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "notes.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello\n")
    return (path, ["open", str(path)], [f"agentcore-triage: {path}: not a support bundle (no manifest.json)"])


def _open_missing_bundle(tmp: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp / "bundle.zip"
    return (path, ["open", str(path)], [f"agentcore-triage: {path}: no such file"])


CASES: dict[str, Callable[[Path], tuple[Path | None, list[str], list[str]]]] = {
    "missing token file": _missing_token_file,
    "token file is a directory": _token_file_is_a_directory,
    "token file not UTF-8": _token_file_not_utf8,
    "bundle --out over a report": _bundle_over_a_report,
    "bundle --out over a symlink": _bundle_over_a_symlink,
    "match a missing file": _match_missing_file,
    "match an empty file": _match_empty_file,
    "playbook not UTF-8": _playbook_not_utf8,
    "playbook a list": _playbook_a_list,
    "playbook too big": _playbook_too_big,
    "playbook empty": _playbook_empty,
    ".bedrock_agentcore.yaml not YAML": _agentcore_yaml_broken,
    ".bedrock_agentcore.yaml a list": _agentcore_yaml_a_list,
    ".bedrock_agentcore.yaml not UTF-8": _agentcore_yaml_not_utf8,
    "--agent not in .bedrock_agentcore.yaml": _agentcore_yaml_no_such_agent,
    "open a zip that is not a bundle": _open_not_a_bundle,
    "open a missing bundle": _open_missing_bundle,
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_error_line_is_japanese_and_names_the_path(case: str, tmp_path: Path) -> None:
    path, args, _english = CASES[case](tmp_path)
    lines = _error_lines(invoke(args[0], "--lang", "ja", *args[1:]))
    _assert_japanese(lines, path)


@pytest.mark.parametrize("case", list(CASES))
def test_in_english_the_error_line_is_unchanged(case: str, tmp_path: Path) -> None:
    _path, args, english = CASES[case](tmp_path)
    assert _error_lines(invoke(args[0], "--lang", "en", *args[1:])) == english


def test_a_broken_project_file_is_said_in_japanese_in_the_report(tmp_path: Path) -> None:
    """Without ``--agent`` a broken file does not stop doctor: the project check says why it was not used."""
    path, _args, _english = _agentcore_yaml_broken(tmp_path)
    result = invoke("doctor", "--lang", "ja", "--project", str(path.parent), "--only", "project.layout")
    line = next((line for line in result.output.splitlines() if ".bedrock_agentcore.yaml" in line), "")
    assert "YAML" in line and JAPANESE.search(line), result.output
    assert "not valid YAML" not in result.output


def test_the_kinds_a_bundle_never_replaces_are_japanese(tmp_path: Path) -> None:
    from tui import i18n
    from tui.support.bundle import not_a_file_to_replace

    (tmp_path / "report.md").write_text("x\n")
    (tmp_path / "link").symlink_to(tmp_path / "report.md")
    assert not_a_file_to_replace(tmp_path / "link") == "a symbolic link"
    i18n.set_language("ja")
    for name in ("link", "report.md"):
        kind = not_a_file_to_replace(tmp_path / name)
        assert kind and JAPANESE.search(kind) and not english_phrases(kind), kind
