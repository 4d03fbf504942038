"""The operating system's reason for a failed file operation, in the user's language.

Seen: under ``--lang ja`` every word of ``--runtimes-file x: No such file or directory`` was Japanese but the reason,
which came straight from the C library (``exc.strerror``) in English. ``tui.i18n.os_reason`` says it in Japanese;
English users keep exactly the system's words (compared with ``os.strerror`` below).

Each CLI case makes the operation really fail (a missing file, a directory where a file should be, a symbolic link
loop, a name longer than NAME_MAX, a file where a directory should be).
"""

from __future__ import annotations

import errno
import os
import re
import socket
from pathlib import Path

import pytest
from test_qa_cli_inputs import invoke

from tui import i18n
from tui.files import NotARegularFile, read_regular
from tui.i18n import os_reason

ONLY_CONTEXT = ("--only", "context.given")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
NAME_MAX = 255


def _japanese(text: str) -> bool:
    return bool(JAPANESE.search(text))


def _one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return str(lines[0])


# What makes each operation fail, and the errno it fails with (None: this tool's own reason, NotARegularFile).


def _missing(tmp: Path) -> Path:
    return tmp / "missing.txt"


def _directory(tmp: Path) -> Path:
    (tmp / "adir").mkdir()
    return tmp / "adir"


def _loop(tmp: Path) -> Path:
    (tmp / "loop").symlink_to(tmp / "loop")
    return tmp / "loop"


def _too_long(tmp: Path) -> Path:
    return tmp / ("n" * (NAME_MAX + 1))


def _under_a_file(tmp: Path) -> Path:
    (tmp / "plain").write_text("x\n")
    return tmp / "plain" / "child"


CASES = {
    "ENOENT": (_missing, errno.ENOENT),
    "directory": (_directory, None),
    "ELOOP": (_loop, errno.ELOOP),
    "ENAMETOOLONG": (_too_long, errno.ENAMETOOLONG),
    "ENOTDIR": (_under_a_file, errno.ENOTDIR),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_runtimes_file_that_cannot_be_read_is_said_in_japanese(case: str, tmp_path: Path) -> None:
    make, number = CASES[case]
    path = make(tmp_path)
    line = _one_line(invoke("doctor", "--lang", "ja", "--runtimes-file", str(path)))
    assert f"--runtimes-file {str(path)[:60]}" in line  # a name too long is shown shortened
    reason = line.rsplit(": ", 1)[1]
    assert _japanese(reason), line
    if number is not None:
        assert os.strerror(number) not in line


@pytest.mark.parametrize("case", list(CASES))
def test_in_english_the_reason_is_the_system_s_own_words(case: str, tmp_path: Path) -> None:
    make, number = CASES[case]
    path = make(tmp_path)
    line = _one_line(invoke("doctor", "--lang", "en", "--runtimes-file", str(path)))
    expected = os.strerror(number) if number is not None else "a directory, not a file"
    assert line.startswith(f"agentcore-triage: --runtimes-file {str(path)[:60]}")
    assert line.endswith(f" {expected}")  # a name too long is cut in the middle, before its reason


def _pipe(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe")
    return tmp / "pipe"


def test_a_report_file_that_is_a_pipe_nothing_reads_is_said_in_japanese(tmp_path: Path) -> None:
    out = _pipe(tmp_path)
    result = invoke("doctor", "--lang", "ja", *ONLY_CONTEXT, "--out", str(out))
    assert result.exit_code == 2, result.output
    line = result.stderr.strip().splitlines()[-1]
    assert f"--out {out}" in line and "名前付きパイプ" in line, line
    assert "a named pipe" not in line
    assert result.stdout.strip()  # the report was printed instead


def test_a_report_file_that_is_a_pipe_nothing_reads_keeps_the_english_reason(tmp_path: Path) -> None:
    out = _pipe(tmp_path)
    result = invoke("doctor", "--lang", "en", *ONLY_CONTEXT, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "(a named pipe that nothing reads)" in result.stderr.strip().splitlines()[-1]


def test_a_state_directory_under_a_file_stops_fixes_in_japanese(tmp_path: Path) -> None:
    state = _under_a_file(tmp_path)
    result = invoke(
        "doctor", "--lang", "ja", *ONLY_CONTEXT, "--fix", "all", "--yes", env={"AGENTCORE_TRIAGE_STATE_DIR": str(state)}
    )
    line = _one_line(result)
    assert str(state) in line and "ディレクトリではありません" in line, line
    assert os.strerror(errno.ENOTDIR) not in line

    english = _one_line(
        invoke("doctor", *ONLY_CONTEXT, "--fix", "all", "--yes", env={"AGENTCORE_TRIAGE_STATE_DIR": str(state)})
    )
    assert f"({os.strerror(errno.ENOTDIR)})" in english


@pytest.mark.skipif(os.geteuid() == 0, reason="root is never refused: EACCES does not happen")
def test_a_read_only_state_directory_stops_fixes_in_japanese(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o500)
    try:
        line = _one_line(
            invoke(
                "doctor",
                "--lang",
                "ja",
                *ONLY_CONTEXT,
                "--fix",
                "all",
                "--yes",
                env={"AGENTCORE_TRIAGE_STATE_DIR": str(state)},
            )
        )
    finally:
        state.chmod(0o700)
    assert str(state) in line and "アクセス権がありません" in line, line


def test_an_audit_log_that_is_a_symbolic_link_loop_is_said_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "audit.jsonl").symlink_to(tmp_path / "audit.jsonl")
    env = {"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)}
    line = _one_line(invoke("audit", "--lang", "ja", env=env))
    assert "audit.jsonl" in line and "シンボリックリンク" in line, line
    assert os.strerror(errno.ELOOP) not in line
    assert f"({os.strerror(errno.ELOOP)})" in _one_line(invoke("audit", "--lang", "en", env=env))


def test_a_bundle_name_longer_than_name_max_is_said_in_japanese(tmp_path: Path) -> None:
    out = _too_long(tmp_path)
    line = _one_line(invoke("bundle", "--lang", "ja", "--out", str(out)))
    assert "--out" in line and "ファイル名が長すぎます" in line, line
    assert os.strerror(errno.ENAMETOOLONG) not in line
    assert f"({os.strerror(errno.ENAMETOOLONG)})" in _one_line(invoke("bundle", "--lang", "en", "--out", str(out)))


def test_a_log_file_to_match_that_is_a_loop_is_said_in_japanese(tmp_path: Path) -> None:
    from tui.playbook.matching import MatchInputError, read_match_file

    path = _loop(tmp_path)
    with pytest.raises(MatchInputError) as english:
        read_match_file(path)
    assert str(english.value) == f"{path}: {os.strerror(errno.ELOOP)}"
    i18n.set_language("ja")
    with pytest.raises(MatchInputError) as japanese:
        read_match_file(path)
    assert str(japanese.value).startswith(f"{path}: ") and "シンボリックリンク" in str(japanese.value)


# The function itself: every errno it knows, and what it leaves alone.


def _real_error(make, tmp: Path) -> OSError:  # type: ignore[no-untyped-def]
    with pytest.raises(OSError) as caught:
        read_regular(make(tmp), 10)
    return caught.value


def test_english_is_exactly_what_the_system_says_for_every_known_errno() -> None:
    for name in i18n._OS_REASONS:
        number = getattr(errno, name, None)
        if number is None:
            continue
        exc = OSError(number, os.strerror(number), "some/file")
        assert os_reason(exc) == os.strerror(number)


def test_japanese_says_every_known_errno_in_japanese() -> None:
    i18n.set_language("ja")
    for name in i18n._OS_REASONS:
        number = getattr(errno, name, None)
        if number is None:
            continue
        said = os_reason(OSError(number, os.strerror(number)))
        assert _japanese(said) and said != os.strerror(number), (name, said)


def test_real_failures_are_said_in_japanese(tmp_path: Path) -> None:
    errors = {}
    for case, (make, _number) in CASES.items():
        (tmp_path / case).mkdir()
        errors[case] = _real_error(make, tmp_path / case)
    assert isinstance(errors["directory"], NotARegularFile)
    english = {case: os_reason(exc) for case, exc in errors.items()}
    i18n.set_language("ja")
    for case, exc in errors.items():
        assert _japanese(os_reason(exc)), (case, os_reason(exc))
        assert os_reason(exc) != english[case]


def test_a_reason_of_this_tool_s_own_is_translated_and_an_unknown_one_is_left_alone() -> None:
    pipe = OSError(errno.ENXIO, "a named pipe that nothing reads")  # what write_private raises
    odd = OSError(errno.ENOENT, "something only this system says")
    i18n.set_language("ja")
    assert _japanese(os_reason(pipe))
    assert os_reason(odd) == "something only this system says"
    assert os_reason(ValueError("not an OSError")) == "not an OSError"


def test_a_name_that_does_not_resolve_is_said_in_japanese() -> None:
    exc = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert os_reason(exc) == "Name or service not known"
    i18n.set_language("ja")
    assert _japanese(os_reason(exc))
