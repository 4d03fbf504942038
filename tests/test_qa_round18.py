"""QA round 18: hostile inputs on the newer surfaces (fleet sweeps, logs filters, bundle names, tampered audit logs).

Each test says what was seen before; all run in-process (click's runner), on files in tmp_path.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_qa_cli_inputs import invoke, one_line_exit_2

FLEET = ("--region", "us-east-1", "--only", "context.required")
FLEET_ENV = {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PROFILE": ""}


# 1. Fleet sweeps: the runtimes file and --regions


def test_an_empty_runtimes_file_path_is_a_usage_error_not_a_run_without_a_target() -> None:
    """Seen: `doctor --runtimes-file "$FLEET"` with FLEET unset ran a single doctor with no target (exit 1, "none of
    runtime, endpoint, project is set"): the flag was taken as not given."""
    one_line_exit_2(invoke("doctor", *FLEET, "--runtimes-file", "", env=FLEET_ENV), "--runtimes-file", "empty path")


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (b"good\ncaf\xe9\n", "caf\\ufffd"),  # Latin-1: not UTF-8
        (b"good\nrt-a\xe2\x80\xa8evil\n", "rt-a\\u2028evil"),  # LINE SEPARATOR: was split into two runtimes
        (b"good\nrt\xe2\x80\x8bb\n", "rt\\u200bb"),  # a zero-width space: an invisible difference
        (b"good\n\xe2\x80\xaeevil\n", "\\u202eevil"),  # RIGHT-TO-LEFT OVERRIDE: reorders what the terminal shows
    ],
    ids=["latin-1", "line-separator", "zero-width", "bidi-override"],
)
def test_a_runtimes_file_line_that_is_not_ascii_is_refused_naming_the_line(
    tmp_path: Path, content: bytes, shown: str
) -> None:
    """Seen: these lines were swept as runtimes (`caf�`, `rt-a` and `evil`, `rt\\u200bb`…), each "pass" with
    context.required: no runtime name, id, ARN or region holds anything but ASCII."""
    listed = tmp_path / "fleet.txt"
    listed.write_bytes(content)
    line = one_line_exit_2(invoke("doctor", *FLEET, "--runtimes-file", str(listed), env=FLEET_ENV), f"{listed}:2")
    assert shown in line and "ASCII" in line
    assert not any(c in line for c in "\u2028\u200b\u202e")


def test_a_runtime_label_never_shows_invisible_or_reordering_characters() -> None:
    """Seen: `--runtime $'\\u202eevil'` reached the summary table raw (the terminal drew the rest of the row right to
    left)."""
    from tui.engine.fleet import FleetTarget

    assert FleetTarget("\u202eevil\u200b\u2028x").label == "\ufffdevil\ufffd\ufffdx"


def test_a_region_named_twice_in_regions_is_listed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen: `--regions us-east-1,us-east-1,…` called ListAgentRuntimes once per repetition (50 names, 50 listings
    of the same region)."""
    import tui.engine.fleet as fleet

    listed: list[list[str]] = []

    def record(_ctx: Any, regions: list[str]) -> list[Any]:
        listed.append(list(regions))
        return []

    monkeypatch.setattr(fleet, "list_all_runtimes", record)
    args = ("doctor", "--only", "context.required", "--all-runtimes")
    one_line_exit_2(invoke(*args, "--regions", "us-east-1, eu-west-1,us-east-1,,us-east-1"), "no runtime in")
    assert listed == [["us-east-1", "eu-west-1"]]


# 2. logs: --grep / --session beyond CloudWatch's filter pattern, and error lines quoting a huge or odd value


@pytest.mark.parametrize(
    ("args", "flag"),
    [(("--grep", "a" * 2000), "--grep"), (("--session", "s" * 600, "--grep", "g" * 600), "--session and --grep")],
    ids=["grep", "both"],
)
def test_a_filter_longer_than_cloudwatch_takes_is_one_line_before_any_call(args: tuple[str, ...], flag: str) -> None:
    """Seen (the sandbox's botocore-model recorder): `logs --grep <100,000 characters>` went to FilterLogEvents as a
    100,002-character filterPattern (CloudWatch takes 1024 and answers InvalidParameterException) and, with
    --via insights, as a 20,107-character query (10,000 at most)."""
    line = one_line_exit_2(invoke("logs", "--runtime", "x", "--region", "us-east-1", *args), flag, "1024")
    assert len(line) < 300


def test_a_logs_error_line_quoting_a_huge_value_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen: `logs --runtime <100,000 characters>` ended in "no runtime 'aaaa…'" with all 100,000 characters (doctor's
    error lines cut a value at 300); a control character another layer let through reached the terminal."""
    from tui.logs.command import LogsUsage

    result = invoke("logs", "--region", "us-east-1", "--since", "9" * 5000 + "x")
    line = one_line_exit_2(result)
    assert len(line) < 400 and "[5004 characters]" in line, line  # the value as quoted: 5001 and its quotes and colon
    shown: list[str] = []
    monkeypatch.setattr("click.echo", lambda message, err=False: shown.append(message))
    LogsUsage("no runtime evil\x1b]0;x\x07 here").show()
    assert shown == ["agentcore-triage: no runtime evil\ufffd]0;x\ufffd here"]


# 3. A support bundle whose file names or manifest keys hold a newline or reordering characters


def _bundle_with(tmp_path: Path, extra: str | None = None, listed: str | None = None) -> Path:
    from test_support_bundle import _small_bundle, entries

    from tui.support.bundle import MANIFEST

    files = entries(_small_bundle(tmp_path))
    if listed is not None:
        head = json.loads(files[MANIFEST])
        head["files"][listed] = {"sha256": "0" * 64, "bytes": 1}
        files[MANIFEST] = json.dumps(head).encode()
    out = tmp_path / "forged.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        if extra is not None:
            zf.writestr(extra, b"{}")
    return out


# not "x" * 5000: a test before this one in the same worker may have registered "x" * 40 as a secret (an AWS secret
# key), and the refusal then rightly shows the name redacted
@pytest.mark.parametrize("name", ["a\nb", "\u202eevil.json", "long-entry-name-" * 300], ids=["newline", "bidi", "long"])
@pytest.mark.parametrize("where", ["entry", "manifest"])
def test_a_bundle_name_is_quoted_in_one_short_line(tmp_path: Path, name: str, where: str) -> None:
    """Seen: a zip entry (or a manifest key) named "a\\nb" split the refusal over two lines; U+202E reordered it on
    the terminal."""
    path = _bundle_with(
        tmp_path, extra=name if where == "entry" else None, listed=name if where == "manifest" else None
    )
    line = one_line_exit_2(invoke("open", str(path)), str(path))
    assert "\u202e" not in line and len(line) < 500
    assert repr(name[:60])[:40] in line


# 4. A tampered audit log


def _write_log(state: Path, *records: dict[str, Any]) -> dict[str, str]:
    state.mkdir(exist_ok=True)
    (state / "audit.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return {"AGENTCORE_TRIAGE_STATE_DIR": str(state)}


@pytest.mark.parametrize("key", ["\x1b]0;pwned\x07", "a\nb", "k" * 100_000], ids=["escape", "newline", "huge"])
def test_a_skipped_audit_line_is_named_in_one_short_line_whatever_its_keys(tmp_path: Path, key: str) -> None:
    """Seen: a record with `"target": {"files": {KEY: 5}}` was skipped with pydantic's field path, KEY and all: an
    escape sequence went raw to the terminal, a newline split the warning, 100,000 characters came back whole."""
    env = _write_log(tmp_path / "state", {"fix": "x", "outcome": "applied", "target": {"files": {key: 5}}})
    for args in (["audit"], ["audit", "--format", "json"]):
        result = invoke(*args, env=env)
        assert result.exit_code == 0, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and "line 1: not a valid record (target.files." in lines[0], result.stderr
        assert "\x1b" not in lines[0] and "\x07" not in lines[0] and len(lines[0]) < 400


@pytest.mark.parametrize("bad_id", ["ab\ncd", "ab\x1b[2J", "x" * 100, ""], ids=["newline", "escape", "long", "empty"])
def test_an_audit_record_whose_id_no_fix_writes_is_skipped(tmp_path: Path, bad_id: str) -> None:
    """Seen: a record with id "ab\\ncd" split `audit`'s listing and `undo ab`'s "names 2 fixes (ab\\ncd, …)" over
    two lines; ids are 12 hex digits when written, and undo picks records by them."""
    good = {"id": "ab0123456789", "fix": "f", "outcome": "applied"}
    env = _write_log(tmp_path / "state", good, good | {"id": bad_id})
    result = invoke("audit", env=env)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("ab0123456789") and len(result.stdout.splitlines()) == 1
    assert "line 2: not a valid record (id:" in result.stderr
    result = invoke("undo", "ab", "--yes", env=env)  # the skipped line is named, then undo's own answer
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("agentcore-triage: ") for line in lines), result.stderr
    assert "line 2: not a valid record (id:" in lines[0] and "record ab0123456789 (f)" in lines[1]
