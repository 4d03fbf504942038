"""``doctor --format junit``: one ``testcase`` per check, one ``testsuite`` per playbook node.

How statuses map, and why:

* ``pass``: a passing testcase;
* ``warn``: a passing testcase with the warning in ``system-out`` (the run's exit code is 0 for warnings,
  so CI must not show them red);
* ``fail``: ``<failure>`` (type = the check's severity), the remediation in its text;
* ``error`` (the check could not decide: timeout, no permission, bad response): ``<error>``;
* ``skip`` that does not apply (no Dockerfile, no runtime given): ``<skipped message=…>``;
* ``skip`` that **could not run** (a prerequisite check failed, errored or was skipped): ``<error
  type="could-not-run">``, not ``<skipped>``: CI systems show skipped tests as neutral, and a check that never
  looked must not read as "nothing wrong" (JUnit's ``error`` means "the test did not complete", which is
  exactly this).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from tui.engine.formats.outcome import could_not_run
from tui.engine.formats.report_model import finding_id
from tui.redact import redact_text
from tui.results import Status

if TYPE_CHECKING:
    from tui.engine.doctor import DoctorRun, Finding


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Redacted, and without the characters XML 1.0 cannot hold (a server's raw bytes may have them)."""
    return _NOT_XML.sub("\ufffd", redact_text(value))


def _body(f: Finding) -> str:
    parts = [f"{f.title} ({f.check}, id {finding_id(f.node, f.key)})", f.summary]
    if f.details:
        parts.append(f.details.strip())
    if f.remediation:
        parts.append("What to do: " + f.remediation.strip())
    if f.fix:
        parts.append(f"One-key fix: {f.fix.id} [{f.fix.risk}]" + (f" ({f.fix.outcome})" if f.fix.outcome else ""))
    return _text("\n\n".join(parts))


def _testcase(suite: ET.Element, f: Finding, playbook: str) -> None:
    case = ET.SubElement(
        suite, "testcase", name=f.key, classname=f"{playbook}.{f.node}", time=f"{max(f.duration, 0.0):.3f}"
    )
    if f.status is Status.FAIL:
        ET.SubElement(case, "failure", message=_text(f.summary), type=f.severity.value).text = _body(f)
    elif f.status is Status.ERROR:
        ET.SubElement(case, "error", message=_text(f.summary), type="error").text = _body(f)
    elif could_not_run(f):
        ET.SubElement(case, "error", message=_text(f"could not run: {f.summary}"), type="could-not-run").text = _body(f)
    elif f.status is Status.SKIP:
        ET.SubElement(case, "skipped", message=_text(f.summary))
    elif f.status is Status.WARN:
        ET.SubElement(case, "system-out").text = f"warning: {_body(f)}"


def count_cases(suite: ET.Element) -> dict[str, int]:
    """Set a ``testsuite``'s tests, failures, errors and skipped from its testcases; returns the counts."""
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts


def render_junit(run: DoctorRun) -> str:
    """The JUnit XML report (every text redacted)."""
    playbook = run.playbook.id
    root = ET.Element("testsuites", name=f"agentcore-triage doctor {playbook}")
    suites: dict[str, ET.Element] = {}
    for f in run.findings:
        if f.node not in suites:
            suites[f.node] = ET.SubElement(root, "testsuite", name=f"{playbook}.{f.node}")
        _testcase(suites[f.node], f, playbook)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for suite in suites.values():
        for key, value in count_cases(suite).items():
            totals[key] += value
        suite_time = sum(float(c.get("time", "0")) for c in suite.findall("testcase"))
        suite.set("time", f"{suite_time:.3f}")
        total_time += suite_time
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml
