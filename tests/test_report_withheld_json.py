"""The doctor's JSON report says which fixes a check withheld, and why, at each finding (``withheld_fixes``, schema
1.1). Before, text and Markdown said "fix not offered: <fix>: <reason>" while JSON carried only the check's raw
result: a script reading the report saw no fix and no reason. Real doctor runs of a real playbook; the report is
validated against the published schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from engine_support import book, make_registry

from tui.context import Context
from tui.engine.doctor import run_doctor
from tui.engine.formats.report_model import SCHEMA_VERSION
from tui.engine.report import render_json
from tui.registry import Registry
from tui.results import CheckResult, failed, passed

PUBLISHED = Path(__file__).parent.parent / "docs" / "report.schema.json"
REASON = "the account has 10 resource policies already (the quota); delete one first"

PLAYBOOK = """
id: withheld-json
title: Withheld
start: policy
nodes:
  policy:
    kind: check
    title: Resource policy
    checks: [{check: a.policy}, {check: b.other}]
    fixes: [{fix: logs.resource_policy, key: p, for: a.policy}]
    default: fine
  fine: {kind: diagnosis, title: Fine}
"""


def registry(*, quota_full: bool, other_passes: bool = True) -> Registry:
    def policy(ctx: object, params: object) -> CheckResult:
        return failed("no resource policy", withheld_fixes={"logs.resource_policy": REASON} if quota_full else {})

    def other(ctx: object, params: object) -> CheckResult:
        # withholds a fix the node does not declare for it: not reported (as text and Markdown)
        if other_passes:
            return passed("fine", withheld_fixes={"logs.resource_policy": REASON})
        return failed("broken", withheld_fixes={"logs.resource_policy": REASON})

    return make_registry(a_policy=(policy, ()), b_other=(other, ()))


async def report(**kwargs: bool) -> dict[str, object]:
    run = await run_doctor(book(PLAYBOOK), Context(), registry=registry(**kwargs))
    data = json.loads(render_json(run))
    jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text(encoding="utf-8"))).validate(data)
    return data


async def test_json_names_the_withheld_fix_and_why_at_its_finding() -> None:
    data = await report(quota_full=True)
    assert data["schema_version"] == SCHEMA_VERSION == "1.1"
    by_id = {f["id"]: f for f in data["findings"]}  # type: ignore[attr-defined]
    assert by_id["policy/a.policy"]["withheld_fixes"] == [{"id": "logs.resource_policy", "reason": REASON}]
    assert by_id["policy/b.other"]["withheld_fixes"] == []  # passing: withholds nothing
    assert by_id["policy/a.policy"]["fix"] is None  # not offered, as before


async def test_nothing_withheld_is_an_empty_list_and_a_fix_for_another_check_is_not_reported() -> None:
    data = await report(quota_full=False, other_passes=False)
    assert all(f["withheld_fixes"] == [] for f in data["findings"])  # type: ignore[attr-defined]
