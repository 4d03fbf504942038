"""QA round 14: untrusted input and CLI behaviour found by a fresh-eyes pass (each test says what was seen before)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_qa_cli_inputs import closed_port, invoke, one_line_exit_2

from tui.redact import MASK

# 1. A token source's error line: the words after the variable's or file's name were masked as if they were the token


@pytest.mark.parametrize("name", ["MY_TOKEN", "AUTH_TOKEN", "BEARER_TOKEN", "ACCESS_TOKEN", "API_SECRET"])
@pytest.mark.parametrize(("value", "fragment"), [(None, "not set"), ("  ", "empty"), ("two parts", "space or tab")])
def test_a_token_variable_named_like_a_token_is_named_without_a_mask(
    name: str, value: str | None, fragment: str
) -> None:
    """Seen: `--token-env BEARER_TOKEN` unset said "--token-env BEARER_TOKEN: ***redacted*** environment variable is
    not set": the redactor took "NAME: that" for a secret assignment, so the line read as if a secret were shown."""
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    env = {name: value} if value is not None else {}
    result = invoke("doctor", "--endpoint", endpoint, "--token-env", name, env=env)
    line = one_line_exit_2(result, f"--token-env {name}", fragment)
    assert MASK not in line
    for lang in ("ja",):
        result = invoke("doctor", "--lang", lang, "--endpoint", endpoint, "--token-env", name, env=env)
        assert MASK not in one_line_exit_2(result, f"--token-env {name}")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(None, "no such file"), (b"\n", "empty"), (b"a b", "space or tab"), (b"\xff", "not UTF-8"), ("dir", "directory")],
)
@pytest.mark.parametrize("name", ["token.txt", "secret", "jwt.txt"])
def test_a_token_file_named_like_a_token_is_named_without_a_mask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes | str | None, fragment: str
) -> None:
    """Seen: `--token-file token.txt` (an empty file) said "--token-file token.txt: ***redacted*** file is empty"."""
    monkeypatch.chdir(tmp_path)
    if content == "dir":
        (tmp_path / name).mkdir()
    elif isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    endpoint = f"http://127.0.0.1:{closed_port()}/mcp"
    result = invoke("doctor", "--endpoint", endpoint, "--token-file", name)
    assert MASK not in one_line_exit_2(result, f"--token-file {name}", fragment)


# 2. A support bundle whose walk.json or manifest holds values of the wrong type (forged: the checksums are no signature)


def _forged_bundle(tmp_path: Path, changes: dict[str, Any], name: str = "forged.zip") -> Path:
    """The small planted bundle of test_support_bundle with ``changes`` (file name -> JSON value) written over its
    files, the manifest's checksums recomputed to match (as anyone editing a bundle can)."""
    from test_support_bundle import _small_bundle, entries

    from tui.support.bundle import MANIFEST, sha256

    files = entries(_small_bundle(tmp_path))
    head = json.loads(files[MANIFEST])
    for file, value in changes.items():
        if file == MANIFEST:
            head |= value
            continue
        data = json.dumps(json.loads(files[file]) | value if isinstance(value, dict) else value).encode()
        files[file] = data
        head["files"][file] = {"sha256": sha256(data), "bytes": len(data)}
    files[MANIFEST] = json.dumps(head).encode()
    out = tmp_path / name
    with zipfile.ZipFile(out, "w") as zf:
        for file, data in files.items():
            zf.writestr(file, data)
    return out


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"history": "abc"}, "history"),
        ({"history": [1]}, "history[0]"),
        ({"history": [{"node": [1], "target": "x"}]}, "history[0].node"),
        ({"forward": 5}, "forward"),
        ({"facts": [1, 2]}, "facts"),
        ({"answers": ["symptom"]}, "answers"),
        ({"settled": 5}, "settled"),
        ({"fixes_applied": 5}, "fixes_applied"),
        ({"current": ["aws-role"]}, "current"),
        ({"results": {"aws-role": 5}}, "results['aws-role']"),
        ({"fixes": [5]}, "fixes[0]"),
        ({"fixes": [{"title": ["x"]}]}, "fixes[0].title"),
        ({"fixes": [{"prerequisites": [5]}]}, "fixes[0].prerequisites[0]"),
        ({"fixes": [{"plan": {"actions": [5]}}]}, "fixes[0].plan.actions[0]"),
        ({"runs": 5}, "runs"),
        ({"runs": [{"node": "aws-role", "results": {"iam.role.logs": 5}}]}, "runs[0].results['iam.role.logs']"),
    ],
)
def test_a_forged_walk_of_the_wrong_types_is_refused_naming_the_field(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    """Seen: `open` on such a bundle ended in "AttributeError: 'str' object has no attribute 'get'" (or a TypeError)
    naming no file or field; runs and fixes of the wrong shape loaded, then ended the replay TUI in a traceback when
    H or a fix key showed them."""
    from test_support_bundle import _open_cli

    done = _open_cli(_forged_bundle(tmp_path, {"walk.json": change}))
    assert done.exit_code == 2 and done.stderr.count("\n") == 1, done.stderr
    assert f"walk.json: {field} has the wrong type" in done.stderr
    assert "Error" not in done.stderr and "DEBUG" not in done.stderr


async def test_a_bundle_manifest_with_markup_or_a_tool_of_the_wrong_type_replays_with_its_banner_shown(
    tmp_path: Path,
) -> None:
    """Seen: a manifest whose `created` was "[/]" ended the replay TUI in Textual's MarkupError (a traceback); a `tool`
    that was a string ended `open` in "AttributeError: 'str' object has no attribute 'get'"."""
    from test_app_support import screen_text

    from tui.app.replay_app import ReplayApp
    from tui.support.replay import open_replay

    bundle = _forged_bundle(tmp_path, {"manifest.json": {"created": "[/]\x1b[2J[@click=app.quit]x", "tool": "x"}})
    replay = open_replay(bundle)
    app = ReplayApp(replay, export_dir=str(tmp_path), export_stamp="r")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "recorded [/]\ufffd[2J[@click=app.quit]x with agentcore-triage ?" in text, text
    assert app.return_code in (None, 0)


# 3. Fleet sweeps: runtime names with control characters, a runtimes file saved with a BOM, a report that cannot be
# written


def test_a_runtimes_file_saved_with_a_bom_and_crlf_reads_its_first_runtime_clean(tmp_path: Path) -> None:
    """Seen: a file saved by Notepad (BOM, CRLF) swept "\\ufeffarn:…" and "arn:…" as two runtimes, the first one's
    name starting with an invisible character in every report."""
    from tui.engine.fleet import FleetTarget, read_runtimes_file

    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/demo-abc"
    listed = tmp_path / "fleet.txt"
    listed.write_bytes(f"\ufeff{arn}\r\nsecond us-west-2\r\n{arn}\r\n".encode())
    assert read_runtimes_file(str(listed)) == [FleetTarget(arn), FleetTarget("second", "us-west-2")]


def test_a_runtimes_file_line_with_a_control_character_is_refused_naming_the_line(tmp_path: Path) -> None:
    """Seen: `evil<ESC>]0;pwned<BEL>name` was swept as a runtime and its escape sequence reached the terminal in the
    summary table (here: setting the window title)."""
    listed = tmp_path / "fleet.txt"
    listed.write_bytes(b"good\nevil\x1b]0;pwned\x07name\n")
    result = invoke("doctor", "--region", "us-east-1", "--runtimes-file", str(listed))
    line = one_line_exit_2(result, f"{listed}:2", "control character")
    assert "\x1b" not in line and "\x07" not in line


FLEET_ENV = {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PROFILE": ""}


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "json"])
def test_fleet_reports_of_runtimes_named_with_control_characters_are_clean(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen: `doctor --runtime 'evil<ESC>]0;x<BEL>' --runtime other --format junit` wrote the ESC and BEL raw into a
    testsuite name: not well-formed XML (a CI parser rejects the whole file); the text table sent them to the
    terminal. Such a --runtime is refused since QA round 19; a listing (--all-runtimes) is what AWS answers, and is
    shown the same way."""
    from xml.etree import ElementTree

    import tui.engine.fleet as fleet

    evil = "evil\x1b]0;x\x07\x00name"
    monkeypatch.setattr(
        fleet, "list_all_runtimes", lambda _ctx, _regions: [fleet.FleetTarget(evil), fleet.FleetTarget("other")]
    )
    args = ["doctor", "--region", "us-east-1", "--all-runtimes", "--only", "context.required"]
    result = invoke(*args, "--format", fmt, env=FLEET_ENV | {"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["runtimes"][0]["runtime"] == evil  # JSON escapes it: kept as given
        return
    assert not any(c in result.stdout for c in "\x1b\x07\x00"), result.stdout
    assert "evil\ufffd]0;x\ufffd\ufffdname" in result.stdout
    if fmt == "junit":
        names = [s.get("name") for s in ElementTree.fromstring(result.stdout).iter("testsuite")]
        assert names == ["evil\ufffd]0;x\ufffd\ufffdname", "other"]


def test_a_fleet_report_that_cannot_be_written_is_printed_instead_and_the_file_named(tmp_path: Path) -> None:
    """Seen: `doctor --runtime A --runtime B --out /dev/full` swept every runtime, then ended in "could not write the
    output: No space left on device" without naming the file, and the sweep's report was lost (doctor of one runtime
    prints it instead)."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    args = ["doctor", "--region", "us-east-1", "--runtime", "one", "--runtime", "two", "--only", "context.required"]
    result = invoke(*args, "--format", "json", "--out", "/dev/full", env=FLEET_ENV)
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["kind"] == "fleet"
    assert result.stderr.count("\n") == 1 and "--out /dev/full: the report could not be written" in result.stderr


# 4. match: the error text given on the command line holds bytes that are not UTF-8


def test_match_text_with_bytes_that_are_not_utf8_still_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen: `match "$(cat latin1.log)"` (Python hands such argv bytes over as lone surrogates) ended in
    "UnicodeEncodeError: 'utf-8' codec can't encode characters …: surrogates not allowed" from the pattern engine;
    the same text from a file or stdin matched."""
    monkeypatch.chdir(tmp_path)  # the text is no file name here
    text = (
        "caf\udce9: is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:us-east-1:1:log-group:x"
    )
    result = invoke("match", "--format", "json", text)
    assert result.exit_code == 0, result.output
    assert "aws-role-logs" in {hit["node"] for hit in json.loads(result.stdout)}


# 5. Control characters the user typed, quoted back in an error line or shown by `audit`


@pytest.mark.parametrize(
    "args",
    [
        ["doctor", "--only", "a\x1b]0;pwn\x07b"],
        ["run", "--input", "a\x1b]0;pwn\x07b=1"],
        ["open", "/nonexistent/a\x1b]0;pwn\x07b.zip"],
    ],
    ids=["only", "input", "open"],
)
def test_an_error_line_never_sends_control_characters_to_the_terminal(args: list[str], tmp_path: Path) -> None:
    """Seen: `doctor --only $'a\\e]0;pwn\\ab'` quoted the value back raw: the escape sequence set the terminal's title
    (ESC[2J would clear it). Shown as U+FFFD, as the reports show them."""
    result = invoke(*args, env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    line = one_line_exit_2(result)
    assert "\x1b" not in line and "\x07" not in line and "a\ufffd]0;pwn\ufffdb" in line


def test_audit_shows_a_record_with_control_characters_without_them(tmp_path: Path) -> None:
    """Seen: a record whose error held ESC[2J and an OSC title sequence was printed raw by `audit` (the error text of a
    failed fix comes from AWS or from file names in the project)."""
    record = {
        "id": "abc123def456",
        "fix": "logs.create_group\x1b]0;pwn\x07",
        "principal": "arn:aws:iam::1:user/x\x1b[31m",
        "outcome": "failed",
        "error": "boom\x1b[2J\x07",
    }
    (tmp_path / "audit.jsonl").write_text(json.dumps(record) + "\n")
    result = invoke("audit", env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "boom\ufffd[2J\ufffd" in result.stdout and "logs.create_group\ufffd]0;pwn\ufffd" in result.stdout


# 6. A closed standard input (`<&-`, as some daemons and job runners start a process)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["doctor", "--fix", "all", "--only", "context.required"], "needs --yes when not run on a terminal"),
        ([], "the TUI needs a terminal"),
        (["match", "-"], "match:"),
    ],
    ids=["fix-all", "tui", "match-stdin"],
)
def test_a_closed_stdin_is_read_as_empty_not_a_crash(args: list[str], fragment: str, tmp_path: Path) -> None:
    """Seen: `doctor --fix all <&-` and a bare `agentcore-triage <&-` ended in "AttributeError: 'NoneType' object has
    no attribute 'isatty'", `match - <&-` in "... no attribute 'buffer'". A real process: only one has a closed
    descriptor 0 (Python then sets sys.stdin to None)."""
    import os
    import shlex
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCORE_TRIAGE_")}
    env["AGENTCORE_TRIAGE_STATE_DIR"] = str(tmp_path)
    command = shlex.join([sys.executable, "-m", "tui", *args])
    done = subprocess.run(
        ["/bin/sh", "-c", f"exec {command} <&-"], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 2, done.stderr
    assert fragment in done.stderr and "Error" not in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr


# 7. The audit log's disk fills between the start of `doctor --fix all` and a fix's record


def test_a_fix_whose_record_the_full_disk_refused_is_said_and_never_exits_0(tmp_path: Path) -> None:
    """Seen: with the state directory's disk full (here: a file-size limit, a per-process setting, hence a process),
    `doctor --fix all --yes` pinned mcp in requirements.txt, wrote no audit record and said nothing: the report showed
    the fix applied and the check passing, `undo` knew nothing of it, and the exit status could be 0."""
    import os
    import resource
    import subprocess
    import sys

    project = tmp_path / "p"
    project.mkdir()
    requirements = "mcp\naws-opentelemetry-distro>=0.10.0\n"  # only the mcp pin is wrong: fixed, the run is green
    (project / "requirements.txt").write_text(requirements)
    (project / "mcp_server.py").write_text(
        'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("x", host="0.0.0.0", stateless_http=True)\n\n'
        'if __name__ == "__main__":\n    mcp.run(transport="streamable-http")\n'
    )
    state = tmp_path / "state"
    state.mkdir()
    limit = 16 * 1024
    (state / "audit.jsonl").write_text(" " * (limit - 1) + "\n")  # blank: read as no records, and no room left

    def no_room() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCORE_TRIAGE_")}
    env |= {"AGENTCORE_TRIAGE_STATE_DIR": str(state), "PYTHONDONTWRITEBYTECODE": "1"}  # no .pyc cut at the limit
    args = ["doctor", "--project", str(project), "--fix", "all", "--yes", "--only", "project.mcp_version", "-q"]
    done = subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        preexec_fn=no_room,  # noqa: PLW1509 - only sets a limit, no threads involved
        check=False,
    )
    assert (project / "requirements.txt").read_text() != requirements  # the change was made
    assert (state / "audit.jsonl").stat().st_size == limit  # and its record is not there
    assert done.returncode == 1, done.stderr
    assert "project.pin_mcp was applied, but its audit record could not be written" in done.stderr
    assert "undo it by hand" in done.stderr


def test_an_undo_whose_record_the_full_disk_refused_is_said(tmp_path: Path) -> None:
    """Seen: the same for `undo --yes`: the file was restored, "undone: …" printed, exit 0, and the log, which never
    got the undo record, still offered the fix for undo."""
    import os
    import resource
    import subprocess
    import sys

    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("mcp\n")
    (project / "mcp_server.py").write_text('from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("x")\n')
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCORE_TRIAGE_")}
    env |= {"AGENTCORE_TRIAGE_STATE_DIR": str(state), "PYTHONDONTWRITEBYTECODE": "1"}
    fix = ["doctor", "--project", str(project), "--fix", "all", "--yes", "--only", "project.mcp_version", "-q"]
    subprocess.run([sys.executable, "-m", "tui", *fix], capture_output=True, timeout=120, env=env, check=False)
    assert (project / "requirements.txt").read_text() != "mcp\n"
    log = state / "audit.jsonl"
    limit = log.stat().st_size + 1024
    with log.open("a") as stream:
        stream.write(" " * (limit - log.stat().st_size - 1) + "\n")

    def no_room() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "tui", "undo", "--yes", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        preexec_fn=no_room,  # noqa: PLW1509 - only sets a limit, no threads involved
        check=False,
    )
    assert (project / "requirements.txt").read_text() == "mcp\n"  # undone
    assert done.returncode == 1, done.stderr
    assert "its audit record could not be written" in done.stderr and "undo it by hand" in done.stderr


# 8. Contradicting flags


def test_two_different_answers_to_one_question_are_refused() -> None:
    """Seen: `run --answer symptom=1 --answer symptom=2` walked with the last one, without a word; the same answer
    twice is no contradiction."""
    result = invoke("run", "--answer", "symptom=1", "--answer", "symptom=2")
    one_line_exit_2(result, "--answer 'symptom=2'", "already answered '1'")
    from tui.engine.walk import parse_answers
    from tui.playbook.validate import resolve_playbook

    assert parse_answers(resolve_playbook("agentcore-mcp").playbook, ["symptom=1", "symptom=1"]) == {"symptom": "1"}


# 9. A "bundle" whose zip directory lists far more entries than a bundle has


def _zip_directory_only(entries: int, *, zip64: bool = False) -> bytes:
    """A zip of ``entries`` empty central directory records (no data): what a bundle's entry count is read from."""
    import struct

    record = struct.Struct("<4s6H3L5H2L")
    names = [b"%x" % (i % 4096) for i in range(entries)]
    directory = b"".join(
        record.pack(b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(n), 0, 0, 0, 0, 0, 0) + n for n in names
    )
    end_size = 0 if zip64 else len(directory)
    locator = b""
    if zip64:  # the classic end record says nothing; the zip64 one (which zipfile prefers) holds the real size
        end64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, len(directory), 0)
        locator = end64 + struct.pack("<4sLQL", b"PK\x06\x07", 0, len(directory), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries % 0xFFFF, entries % 0xFFFF, end_size, 0, 0)
    return directory + locator + end


@pytest.mark.parametrize("zip64", [False, True], ids=["zip", "zip64"])
def test_a_zip_directory_far_larger_than_a_bundle_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zip64: bool
) -> None:
    """Seen: a 61 MB file of 1.3 million empty directory entries took 6 s of CPU and 590 MB of memory to be refused
    "for more than 1000 entries": zipfile builds an object per entry before the count is looked at. The end record
    says the directory's size; a larger one is refused without handing the file to zipfile."""
    import zipfile

    from tui.support.bundle import BundleError, read_bundle

    path = tmp_path / "many.zip"
    path.write_bytes(_zip_directory_only(30_000, zip64=zip64))

    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the zip directory was handed to zipfile")

    monkeypatch.setattr(zipfile, "ZipFile", never)
    with pytest.raises(BundleError, match=r"its zip directory is [0-9]+ bytes: far more than 1000 entries"):
        read_bundle(path)


# 10. An audit log of very many small records


def test_only_the_newest_records_of_a_huge_audit_log_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen: 16 MiB of the smallest valid records (`{"fix": "x", "outcome": "applied"}`, 520,000 of them) took 28 s
    and 1.4 GB of memory for `audit` (and the log was read twice); the 64 MiB the reader allows would take four times
    that. Only the newest MAX_RECORDS are read, and the rest is named as skipped."""
    from tui.fixes import audit

    monkeypatch.setattr(audit, "MAX_RECORDS", 3)
    lines = [json.dumps({"id": f"{n:012d}", "fix": "x", "outcome": "applied"}) for n in range(10)]
    (tmp_path / "audit.jsonl").write_text("\n".join(lines[:6]) + "\nnot json\n" + "\n".join(lines[6:]) + "\n")
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path))
    read = audit.read_log()
    assert [r.id for r in read.records] == [f"{n:012d}" for n in (7, 8, 9)]
    assert read.skipped == ["lines 1 to 8: older than the newest 3 records, which are all that is read"]
    result = invoke("audit", env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3, result.output
    assert "older than the newest 3 records" in result.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["bundle", "--lang", "ja", "--out", "/nonexistent-qa14/"], "/nonexistent-qa14/"),
        (["serve", "--lang", "ja", "--host", "bad host"], "--host 'bad host'"),
        (["open", "--lang", "ja", "/nonexistent-qa14.zip"], "/nonexistent-qa14.zip"),
    ],
    ids=["bundle", "serve", "open"],
)
def test_lang_after_the_command_works_for_every_command(args: list[str], fragment: str) -> None:
    """Seen: `doctor --lang ja` worked, `bundle --lang ja`, `serve --lang ja` and `open --lang ja` ended in "no such
    option '--lang'" (the README: the language flag goes before or after the command)."""
    line = one_line_exit_2(invoke(*args), fragment)
    assert "--lang" not in line
    if args[0] != "open":  # open's own reasons are not translated yet; the flag is taken all the same
        assert any("\u3040" <= c <= "\u30ff" for c in line), line  # kana: the line is in Japanese
