"""The JSON report of a doctor run as pydantic models: the code that writes it and its published schema.

``docs/report.schema.json`` is ``report_schema()`` written out (``python -m tui.engine.formats.report_model``);
``tests/test_report_formats.py`` fails when the two differ and validates real reports against the file.
Bump ``SCHEMA_VERSION`` on any change a consumer could trip over (a removed or renamed key, a new status);
adding an optional key is a minor bump.

Versions: 1.0, the first; 1.1, each finding has ``withheld_fixes`` (the fixes its check found cannot help, with why),
which the text and Markdown reports already showed.
"""

from __future__ import annotations

import functools
import json
import platform
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tui import __version__
from tui.engine.fixing import FixInfo
from tui.engine.formats.outcome import could_not_run
from tui.playbook.model import CheckNode
from tui.results import Severity, Status

if TYPE_CHECKING:
    from tui.context import Context
    from tui.engine.doctor import DoctorRun, Finding

SCHEMA_VERSION: Literal["1.1"] = "1.1"
SCHEMA_ID = "urn:agentcore-triage:doctor-report"


class Versions(BaseModel):
    """What produced the report: enough to reproduce it or to tell two runs apart."""

    model_config = ConfigDict(extra="forbid")

    agentcore_triage: str = Field(alias="agentcore-triage")
    python: str
    boto3: str | None = Field(description="null when not installed")
    botocore: str | None
    mcp: str | None


class WithheldFix(BaseModel):
    """A fix the finding's node declares for it that the check withheld: it found the fix cannot help."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="The fix id (`agentcore-triage fixes list`)")
    reason: str = Field(description="Why it is not offered (e.g. the account's resource-policy quota is full)")


class ReportFinding(BaseModel):
    """One check result at one node."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        description="Stable and unique within the report: `<node>/<key>` (key: the check's name at that node)"
    )
    check: str = Field(description="The check id (`agentcore-triage checks list`)")
    node: str = Field(description="The playbook node that ran it")
    key: str = Field(description="The check's name at that node (the check id unless the playbook names it)")
    title: str
    status: Status
    could_not_run: bool = Field(
        description="A skip because a prerequisite check failed, errored or was skipped: not a pass"
    )
    skip_reason: Literal["not_applicable", "could_not_run"] | None = Field(
        description="For a skip: intended (`not_applicable`) or `could_not_run`; null for other statuses"
    )
    severity: Severity
    summary: str
    details: str = Field(description="Markdown: why, and what to do")
    remediation: str
    evidence: dict[str, Any] = Field(description="What decided the outcome (redacted)")
    duration: float = Field(description="Seconds")
    fix: FixInfo | None = Field(description="The one-key fix the node offers for this finding, and what became of it")
    withheld_fixes: list[WithheldFix] = Field(
        default_factory=list,
        description="Fixes the node declares for this finding that the check withheld, with why (schema 1.1; empty "
        "when none, and for a passing or skipped check)",
    )


class FixConsidered(BaseModel):
    """A fix ``--fix all`` considered."""

    model_config = ConfigDict(extra="forbid")

    id: str
    applied: bool
    outcome: str | None
    why_not: str | None = Field(description="One line: why it was not applied (null when it was)")


class Totals(BaseModel):
    """Findings per status, and how many of the skips could not run (those are not green)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    pass_: int = Field(alias="pass")
    warn: int
    fail: int
    error: int
    skip: int
    could_not_run: int = Field(description="Of the `skip`: a prerequisite failed, errored or was skipped")


class DoctorReport(BaseModel):
    """``agentcore-triage doctor --format json``. A TUI session export adds ``walk``, ``session_started``
    and ``fixes_applied``; consumers ignore keys they do not know."""

    model_config = ConfigDict(populate_by_name=True, title="agentcore-triage doctor report")

    schema_version: Literal["1.1"] = Field(
        description="Of this report's shape (docs/report.schema.json); 1.1 added `withheld_fixes` to each finding"
    )
    tool: Literal["agentcore-triage"]
    version: str = Field(description="agentcore-triage's version (also in `versions`)")
    generated_at: datetime = Field(description="When the report was written (UTC, ISO 8601)")
    versions: Versions
    playbook: str = Field(description="The playbook id")
    context: dict[str, Any] = Field(description="The target (region, runtime, endpoint, project, ...); no secrets")
    findings: list[ReportFinding]
    totals: Totals
    fixes: list[FixConsidered] | None = Field(
        default=None, description="Every fix `--fix all` considered, in order; absent without --fix all"
    )


def installed_versions() -> Versions:
    """Versions from the installed distributions' metadata (no import of boto3 or mcp)."""
    return Versions.model_validate(dict(_installed_versions()))


@functools.cache
def _installed_versions() -> tuple[tuple[str, str | None], ...]:
    """Read once per process: the metadata search walks every ``sys.path`` entry (~2.5 ms), and what a process runs
    does not change while it runs (a reinstall meanwhile changes the files, not the modules already loaded)."""

    def version_of(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return (
        ("agentcore-triage", __version__),
        ("python", platform.python_version()),
        ("boto3", version_of("boto3")),
        ("botocore", version_of("botocore")),
        ("mcp", version_of("mcp")),
    )


def report_context(context: Context) -> dict[str, Any]:
    """The target as every report shows it (text, Markdown, JSON, SARIF): ``Context.public()``, with the runtime
    endpoint the AWS checks examined (``qualifier``) whenever a runtime is targeted, DEFAULT included: it answers
    "which endpoint?". Before, the text report's target line always named it while the JSON, Markdown and SARIF
    context named it only when it was not DEFAULT (or was given)."""
    data = context.public()
    if "runtime" not in data or "qualifier" in data:
        return data
    after = "endpoint" if "endpoint" in data else "runtime"  # where public() puts a given qualifier
    shown: dict[str, Any] = {}
    for key, value in data.items():
        shown[key] = value
        if key == after:
            shown["qualifier"] = context.endpoint_name
    return shown


def finding_id(node: str, key: str) -> str:
    """The finding's id: a check's key is unique at its node, a node id unique in its playbook."""
    return f"{node}/{key}"


def withheld_fixes(run: DoctorRun, finding: Finding) -> list[tuple[str, str]]:
    """``(fix id, reason)`` for each fix the finding's node declares for its check that the failing or warning check
    withheld (found it cannot help, e.g. the account's resource-policy quota is full): the report says why the fix is
    not offered instead of leaving the reader to wonder where it went."""
    if finding.status not in (Status.FAIL, Status.WARN):  # as Walk.withheld: a passing check withholds nothing
        return []
    result = run.results.get(finding.node, {}).get(finding.key)
    node = run.playbook.nodes.get(finding.node)
    if result is None or not result.withheld_fixes or not isinstance(node, CheckNode):
        return []
    return [
        (ref.fix, result.withheld_fixes[ref.fix])
        for ref in node.fixes
        if node.remedies(ref) == finding.key and ref.fix in result.withheld_fixes
    ]


def report_finding(f: Finding, withheld: list[tuple[str, str]] | None = None) -> ReportFinding:
    """One finding of the report; ``withheld``: its ``withheld_fixes(run, f)`` (it needs the run's check results)."""
    return ReportFinding(
        id=finding_id(f.node, f.key),
        check=f.check,
        node=f.node,
        key=f.key,
        title=f.title,
        status=f.status,
        could_not_run=could_not_run(f),
        skip_reason=None if f.status is not Status.SKIP else "could_not_run" if could_not_run(f) else "not_applicable",
        severity=f.severity,
        summary=f.summary,
        details=f.details,
        remediation=f.remediation,
        evidence=f.evidence,
        duration=f.duration,
        fix=f.fix,
        withheld_fixes=[WithheldFix(id=fix_id, reason=reason) for fix_id, reason in withheld or []],
    )


def totals(findings: list[Finding]) -> Totals:
    counts = {s.value: 0 for s in Status}
    for f in findings:
        counts[f.status.value] += 1
    return Totals.model_validate(counts | {"could_not_run": sum(1 for f in findings if could_not_run(f))})


def doctor_report(run: DoctorRun, *, now: datetime | None = None) -> DoctorReport:
    """The report model of a doctor run (not yet redacted: ``DoctorRun.report`` redacts its JSON form)."""
    return DoctorReport(
        schema_version=SCHEMA_VERSION,
        tool="agentcore-triage",
        version=__version__,
        generated_at=(now or datetime.now(UTC)).replace(microsecond=0),
        versions=installed_versions(),
        playbook=run.playbook.id,
        context=report_context(run.context),
        findings=[report_finding(f, withheld_fixes(run, f)) for f in run.findings],
        totals=totals(run.findings),
        fixes=None
        if run.fixes is None
        else [
            FixConsidered(id=f.id, applied=f.applied, outcome=f.outcome, why_not=f.explanation() or None)
            for f in run.fixes
        ],
    )


def report_dict(run: DoctorRun) -> dict[str, Any]:
    """The report as JSON data (``fixes`` only after ``--fix all``)."""
    data = doctor_report(run).model_dump(mode="json", by_alias=True)
    if run.fixes is None:
        del data["fixes"]
    return data


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, as published in ``docs/report.schema.json``."""
    schema = DoctorReport.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
