"""The support bundle: no secret in any byte, the same session gives the same bytes, newer or changed bundles
are refused with one line, and `doctor --bundle` / `bundle` / `open` on the command line."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tui.context import Context
from tui.engine.report import SessionLog
from tui.engine.walk import Step, Walk
from tui.fixes.audit import AuditRecord, Target
from tui.playbook.validate import resolve_playbook
from tui.results import CheckResult, Status
from tui.support.bundle import MANIFEST, BundleError, read_bundle, write_bundle
from tui.support.collect import collect
from tui.support.replay import open_replay, replay_bundle
from tui.support.scrub import scrub_text

BEARER = "tok3nVALUEabcdefGHIJKL0123456789xyz"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+sessionTOKEN/body=="
URL_PASSWORD = "hunter2-Sup3r-pass"
PEM_BODY = "MIIEowIBAAKCAQEAx4Ujk1sEcretKeyBodyLineNumberOne"
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\nMIIsecondLine0987\n-----END RSA PRIVATE KEY-----"
SECRETS = (BEARER, AWS_SECRET, SESSION, URL_PASSWORD, PEM_BODY, "MIIsecondLine0987")
BLOB = (
    f"Authorization: Bearer {BEARER} key {AWS_SECRET} sts {SESSION} "
    f"url https://alice:{URL_PASSWORD}@mcp.example.com/mcp pem {PEM}"
)
"""All five shapes in one piece of free text, planted in every source the bundle draws from."""
CREATED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def planted_session(tmp_path: Path) -> tuple[Walk, SessionLog, list[AuditRecord], dict[Any, Any]]:
    """A walk over the shipped playbook with BLOB in the context, the playbook, the path, every result
    (summary, details, evidence, facts), a CloudWatch log excerpt, a project finding and its diff, the fix
    attempts and the audit records."""
    loaded = resolve_playbook("agentcore-mcp")
    playbook = loaded.playbook.model_copy(deep=True)
    playbook.nodes["aws-role-logs"].body += "\n" + BLOB
    project = tmp_path / "project"
    project.mkdir()
    context = Context(
        endpoint=f"https://alice:{URL_PASSWORD}@mcp.example.com/mcp",
        runtime="arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/demo-abc",
        region="us-east-1",
        project=str(project),
        inputs={"note": BLOB},
        agentcore={"environment": {"AWS_SECRET_ACCESS_KEY": AWS_SECRET, "NOTE": BLOB}},
        sources={"endpoint": BLOB},
    )
    walk = Walk(playbook, context)

    def result(check: str, status: Status, **extra: Any) -> CheckResult:
        return CheckResult(
            check=check,
            status=status,
            summary=f"summary {BLOB}",
            details=f"details {BLOB}",
            remediation=f"remediation {BLOB}",
            evidence={"headers": {"Authorization": f"Bearer {BEARER}"}, "text": BLOB, **extra},
            facts={"runtime.note": BLOB},
            duration=0.25,
        )

    walk.results["aws-role"] = {"iam.role.logs": result("iam.role.logs", Status.FAIL)}
    walk.results["aws-recent-errors"] = {
        "logs.errors.recent": result(
            "logs.errors.recent", Status.FAIL, matches=[{"first": {"message": BLOB}, "last": {"message": BLOB}}]
        )
    }
    project_node, project_key, project_fix = _a_project_fix(walk)
    walk.results.setdefault(project_node, {})[project_key] = result(project_key, Status.FAIL)
    walk.facts = {"runtime.note": BLOB, "logs.evidence": {"aws-role": [{"message": BLOB}]}}
    walk.answers = {"symptom": "2"}
    walk.history = [
        Step("symptom", "aws-start", f"you answered {BLOB}", "2", {"note": BLOB}),
        Step("aws-start", "aws-role", f"because {BLOB}", None, {"note": BLOB}),
    ]
    walk.current = "aws-role"
    record = AuditRecord(
        fix="iam.role_policy",
        title=BLOB,
        node="aws-role",
        outcome="applied",
        error=BLOB,
        request=[{"params": {"PolicyDocument": BLOB}}],
        before={"doc": BLOB},
        after={"doc": BLOB},
        target=Target(account="123456789012", region="us-east-1"),
    )
    log = SessionLog(
        fixes=[record],
        started="2026-12-01T11:00:00+00:00",
        attempts=[
            {
                "node": "aws-role",
                "key": "l",
                "title": BLOB,
                "id": "iam.role_policy",
                "applied": True,
                "outcome": None,
                "error": BLOB,
                "plan": {"summary": BLOB, "actions": [{"kind": "api", "params": {"doc": BLOB}}]},
                "prerequisites": [],
                "audit": [record.id],
            }
        ],
        runs=[
            {"node": "aws-role", "results": {"iam.role.logs": {"status": "fail", "summary": BLOB, "evidence": BLOB}}}
        ],
    )
    other_target = AuditRecord(
        fix="logs.create_group", outcome="applied", error=BLOB, target=Target(project=str(project))
    )
    plans = {(project_node, project_fix): {"actions": [{"kind": "file", "path": "x", "diff": f"+{BLOB}\n"}]}}
    return walk, log, [record, other_target], plans


def _a_project_fix(walk: Walk) -> tuple[str, str, str]:
    from tui.playbook.model import CheckNode

    for node_id, node in walk.playbook.nodes.items():
        if isinstance(node, CheckNode):
            for ref in node.fixes:
                key = node.remedies(ref)
                if key.startswith("project."):
                    return node_id, key, ref.fix
    raise AssertionError("the shipped playbook has no project fix")


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_no_secret_reaches_any_byte_of_the_bundle(tmp_path: Path) -> None:
    walk, log, records, plans = planted_session(tmp_path)
    files, manifest = collect(walk, log, audit=records, plans=plans, created=CREATED)
    # every source really was drawn from (else the assertion below would prove nothing)
    assert {"context.json", "playbook.json", "walk.json", "report.json", "report.md", "audit.jsonl"} <= set(files)
    assert any(n.startswith("logs/") for n in files) and any(n.endswith(".diff") for n in files)
    assert "project/findings.json" in files and "logs/attached.json" in files
    assert any(BLOB in json.dumps(v, default=str) if not isinstance(v, str) else BLOB in v for v in files.values())
    path = write_bundle(tmp_path / "b.zip", files, manifest)
    raw = path.read_bytes()
    contents = entries(path)
    for secret in SECRETS:
        assert secret.encode() not in raw
        for name, data in contents.items():
            assert secret.encode() not in data, f"{secret[:12]}… in {name}"
    # what stays is still useful: the masks, the host of the URL, the audit records of the target
    walk_json = json.loads(contents["walk.json"])
    assert "***redacted***" in walk_json["history"][0]["reason"]
    assert "https://***redacted***@mcp.example.com/mcp" in contents["context.json"].decode()
    assert len(contents["audit.jsonl"].decode().splitlines()) == 2
    # and the bundle still opens
    replay = open_replay(path)
    assert replay.walk.current == "aws-role" and replay.walk.results["aws-role"]["iam.role.logs"].status is Status.FAIL


def test_the_same_session_gives_the_same_bytes(tmp_path: Path) -> None:
    walk, log, records, plans = planted_session(tmp_path)
    first = write_bundle(tmp_path / "1.zip", *collect(walk, log, audit=records, plans=plans, created=CREATED))
    second = write_bundle(tmp_path / "2.zip", *collect(walk, log, audit=records, plans=plans, created=CREATED))
    assert first.read_bytes() == second.read_bytes()
    later = write_bundle(
        tmp_path / "3.zip", *collect(walk, log, audit=records, plans=plans, created=datetime(2027, 1, 1, tzinfo=UTC))
    )
    differ = {n for n, data in entries(later).items() if entries(first)[n] != data}
    assert differ == {MANIFEST, "report.json"}  # only the time stamp, which the report carries as generated_at
    first_report, later_report = (json.loads(entries(b)["report.json"]) for b in (first, later))
    assert later_report.pop("generated_at") == "2027-01-01T00:00:00Z"
    assert first_report.pop("generated_at") == "2026-12-01T12:00:00Z" and first_report == later_report
    manifest = json.loads(entries(first)[MANIFEST])
    assert manifest["schema_version"] == 1
    assert manifest["playbook"]["id"] == "agentcore-mcp"
    loaded = resolve_playbook("agentcore-mcp")
    with_source = collect(walk, log, loaded=loaded, audit=records, plans=plans, created=CREATED)[1]["playbook"]
    assert with_source["file"] == "agentcore-mcp.yaml"
    assert with_source["sha256"] == hashlib.sha256(Path(loaded.file).read_bytes()).hexdigest()
    assert {"boto3", "mcp"} <= set(manifest["packages"]) and manifest["python"] and manifest["os"]["system"]
    assert manifest["language"] == "en" and manifest["created"] == "2026-12-01T12:00:00+00:00"
    assert [i.date_time for i in zipfile.ZipFile(first).infolist()] == [(1980, 1, 1, 0, 0, 0)] * len(entries(first))


def _rewrite(path: Path, change: Any) -> Path:
    """The bundle with ``change(name, bytes) -> bytes`` applied to each entry (a newer writer, or tampering)."""
    data = {n: change(n, b) for n, b in entries(path).items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in data.items():
            zf.writestr(name, content)
    out = path.with_name("changed-" + path.name)
    out.write_bytes(buffer.getvalue())
    return out


def _small_bundle(tmp_path: Path) -> Path:
    walk, log, records, plans = planted_session(tmp_path)
    return write_bundle(tmp_path / "b.zip", *collect(walk, log, audit=records, plans=plans, created=CREATED))


def _cli(*args: str) -> Result:
    """The command line in-process through click's runner: exit code, stdout and stderr as a terminal gets them, and
    an unexpected exception fails the test (where the real process would print a traceback)."""
    from tui.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _open_cli(path: Path) -> Result:
    return _cli("open", str(path))


def test_a_bundle_of_a_newer_schema_is_refused_with_one_line(tmp_path: Path) -> None:
    def newer(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        return json.dumps({**json.loads(data), "schema_version": 2}).encode()

    path = _rewrite(_small_bundle(tmp_path), newer)
    with pytest.raises(BundleError, match="schema_version 2 is newer"):
        read_bundle(path)
    done = _open_cli(path)
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1 and "upgrade agentcore-triage" in done.stderr and not done.stdout


def test_a_changed_or_broken_bundle_is_refused_with_one_line(tmp_path: Path) -> None:
    tampered = _rewrite(
        _small_bundle(tmp_path), lambda n, b: b.replace(b"aws-role", b"aws-rule") if n == "walk.json" else b
    )
    with pytest.raises(BundleError, match="does not match the manifest"):
        read_bundle(tampered)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    done = _open_cli(junk)
    assert done.exit_code == 2 and done.stderr.count("\n") == 1 and "not a support bundle" in done.stderr
    assert _open_cli(tmp_path / "missing.zip").stderr.strip().endswith("no such file")


def test_results_for_a_node_the_playbook_lacks_are_refused(tmp_path: Path) -> None:
    bundle = read_bundle(_small_bundle(tmp_path))
    transcript = json.loads(bundle.files["walk.json"])
    transcript["results"]["no-such-node"] = []
    bundle.files["walk.json"] = json.dumps(transcript).encode()
    with pytest.raises(BundleError, match="no-such-node"):
        replay_bundle(bundle)


def test_scrub_keeps_what_is_not_a_secret() -> None:
    text = "sha256 3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed /work/project/mcp_server.py"
    assert scrub_text(text) == text
    assert scrub_text("https://example.com:8443/mcp?x=1") == "https://example.com:8443/mcp?x=1"
    assert scrub_text(f"aws {AWS_SECRET} sts {SESSION}") == "aws ***redacted*** sts ***redacted***"
    assert scrub_text("DB_PASSWORD=s3cr3tvalue next") == "DB_PASSWORD=***redacted*** next"


@pytest.mark.slow
def test_doctor_bundle_and_open_it(sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox("seed-guide")
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    out = tmp_path / "doctor.zip"
    done = _cli("doctor", "--format", "json", "--timeout", "20", "--bundle", str(out))
    assert done.exit_code == 1, done.stderr  # the seed-guide faults fail checks
    assert f"support bundle written to {out}" in done.stderr
    report = json.loads(done.stdout)
    bundle = read_bundle(out)
    assert bundle.json("report.json")["findings"] == report["findings"]
    assert bundle.manifest["session"] == "doctor"
    replay = replay_bundle(bundle)
    recorded = {r.check for results in replay.walk.results.values() for r in results.values()}
    assert recorded == {f["check"] for f in report["findings"]}  # a check listed at two nodes is one finding
    assert replay.walk.current == replay.walk.playbook.start and not replay.walk.history
    missing_dir = _cli("doctor", "--bundle", str(tmp_path / "nope" / "b.zip"))
    assert missing_dir.exit_code == 2 and "--bundle" in missing_dir.stderr and missing_dir.stderr.count("\n") == 1


async def test_project_findings_carry_the_diffs_of_their_fixes(sample_project: Any, tmp_path: Path) -> None:
    """A walk down the project branch of a sample project with seeded defects: the bundle holds each failing
    project check with the diff its fix would write (planned from the project's files; nothing written)."""
    from tui.support.collect import write_session_bundle

    project = sample_project({"host-localhost", "no-otel-distro"})
    before = {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()}
    walk = Walk(resolve_playbook("agentcore-mcp").playbook, Context(project=str(project), read_only=True))
    walk.answer("4")
    await walk.next_step()
    assert walk.results["project-start"]["project.server_host"].status is Status.FAIL
    path = write_session_bundle(tmp_path, walk, SessionLog(started="2026-12-01T12:00:00+00:00"))
    bundle = read_bundle(path)
    findings = {f["check"]: f for f in bundle.json("project/findings.json")}
    host = findings["project.server_host"]
    assert host["status"] == "fail" and host["fixes"][0]["fix"] == "project.server_code"
    diff = bundle.text(host["fixes"][0]["diff"])
    assert "0.0.0.0" in diff and diff.count("\n+") >= 1
    assert findings["project.layout"]["fixes"] == []  # passing: no fix, no diff
    assert {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()} == before


def test_a_playbook_this_version_cannot_load_is_refused_naming_where(tmp_path: Path) -> None:
    bundle = read_bundle(_small_bundle(tmp_path))
    playbook = json.loads(bundle.files["playbook.json"])
    playbook["nodes"]["symptom"]["kind"] = "riddle"
    bundle.files["playbook.json"] = json.dumps(playbook).encode()
    with pytest.raises(BundleError, match=r"its playbook does not load .*nodes\.symptom.* written by agentcore-triage"):
        replay_bundle(bundle)


@pytest.mark.parametrize("kind", ["device", "fifo", "directory", "oversized"])
def test_what_cannot_be_a_bundle_is_refused_before_it_is_read(tmp_path: Path, kind: str) -> None:
    """Seen: `open /dev/zero` read until it held gigabytes of memory; a FIFO with no writer would block for ever."""
    from tui.support.bundle import MAX_TOTAL_BYTES, BundleError, read_bundle

    if kind == "device":
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero here")
    elif kind == "fifo":
        path = tmp_path / "bundle.zip"
        os.mkfifo(path)
    elif kind == "directory":
        path = tmp_path
    else:
        path = tmp_path / "huge.zip"
        with path.open("wb") as f:
            f.truncate(MAX_TOTAL_BYTES + 1)  # sparse: no disk used
    with pytest.raises(BundleError) as refused:
        read_bundle(path)
    assert "not a support bundle" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_a_bundle_is_never_renamed_over_a_link_a_pipe_or_a_device(tmp_path: Path, kind: str) -> None:
    """Seen as root: `bundle --out /dev/null` replaced the device with a plain file (the bundle is written beside its
    target and renamed over it); a symlink was replaced instead of written through. Both are refused, untouched."""
    from tui.cli.base import UsageProblem
    from tui.cli.support import check_bundle_target
    from tui.support.bundle import BundleError, write_bundle

    target = tmp_path / "out.zip"
    if kind == "symlink":
        kept = tmp_path / "kept.txt"
        kept.write_text("keep me")
        target.symlink_to(kept)
    else:
        os.mkfifo(target)
    with pytest.raises(UsageProblem, match="not a file a bundle may replace"):
        check_bundle_target(str(target), "--out")
    with pytest.raises(BundleError, match="not a file a bundle may replace"):
        write_bundle(target, {"report.json": {"ok": True}}, {})
    if kind == "symlink":
        assert target.is_symlink() and (tmp_path / "kept.txt").read_text() == "keep me"
    else:
        assert stat.S_ISFIFO(target.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bundle-")] == []


def test_open_without_a_terminal_says_how_to_read_the_bundle_instead(tmp_path: Path) -> None:
    """Seen: `open b.zip < /dev/null > out` drew the replay's escape codes into the file and waited for keys for
    ever. The bundle is still checked first (a broken one is named as such)."""
    done = _open_cli(_small_bundle(tmp_path))
    assert done.exit_code == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "needs a terminal" in done.stderr and "report.md" in done.stderr


def test_a_forged_bundle_nested_past_the_parser_is_refused_with_one_line(tmp_path: Path) -> None:
    """Seen: a bundle whose manifest checksums were recomputed (they are not a signature) with a walk.json nested
    100,000 deep ended `open` in "RecursionError: maximum recursion depth exceeded"."""
    from tui.support.bundle import sha256

    deep = b"[" * 100_000 + b"]" * 100_000

    def forge(name: str, data: bytes) -> bytes:
        if name == "walk.json":
            return deep
        if name == MANIFEST:
            head = json.loads(data)
            head["files"]["walk.json"] = {"sha256": sha256(deep), "bytes": len(deep)}
            return json.dumps(head).encode()
        return data

    done = _open_cli(_rewrite(_small_bundle(tmp_path), forge))
    assert done.exit_code == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "walk.json is not valid JSON" in done.stderr


@pytest.mark.parametrize(
    ("field", "value"),
    [("inputs", 5), ("inputs", [1, 2]), ("agentcore", "x"), ("sources", 7), ("timeout", "soon")],
    ids=["inputs-int", "inputs-list", "agentcore-str", "sources-int", "timeout-str"],
)
def test_a_forged_context_with_a_wrong_type_is_refused_naming_the_field(tmp_path: Path, field: str, value: Any) -> None:
    """QA sweep 2 F9: such a bundle ended `open` in a bare TypeError/AttributeError naming no file or field."""
    from tui.support.bundle import sha256

    def forge(name: str, data: bytes) -> bytes:
        if name == "context.json":
            return json.dumps(json.loads(data) | {field: value}).encode()
        if name == MANIFEST:
            head = json.loads(data)
            forged = forge("context.json", archive_member)
            head["files"]["context.json"] = {"sha256": sha256(forged), "bytes": len(forged)}
            return json.dumps(head).encode()
        return data

    bundle = _small_bundle(tmp_path)
    with zipfile.ZipFile(bundle) as archive:
        archive_member = archive.read("context.json")
    done = _open_cli(_rewrite(bundle, forge))
    assert done.exit_code == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "context.json" in done.stderr and "Error" not in done.stderr
