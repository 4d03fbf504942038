"""Reports say when a fix is withheld: a check found the fix cannot help (e.g. the account's 10 resource policies are
all taken), the TUI strikes the diagnosis' "Press `p` …", and the `run` report, the session export and the doctor
reports now say "`p` (fix) is not offered: why" instead of repeating the offer. Also: the doctor's target line names
the runtime endpoint (qualifier) the AWS checks examined, and the `run` report has no English left in Japanese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from engine_support import book, make_registry

from tui import i18n
from tui.context import Context
from tui.engine.doctor import DoctorRun, run_doctor
from tui.engine.report import render_markdown, render_text, render_walk_text, session_markdown
from tui.engine.walk import Walk
from tui.registry import Registry
from tui.results import CheckResult, failed

REASON = "the account has 10 resource policies already (the quota); delete one first"

PLAYBOOK = """
id: withheld
title: Withheld
start: policy
nodes:
  policy:
    kind: check
    title: Resource policy
    checks: [{check: a.policy}]
    fixes: [{fix: logs.resource_policy, key: p, for: a.policy}]
    when:
      - {check: a.policy, status: fail, goto: no-policy, because: "no resource policy"}
    default: fine
  no-policy:
    kind: diagnosis
    severity: high
    title: Spans have no resource policy
    body: "Press `p`: it creates the resource policy aws/spans."
    fixes: [{fix: logs.resource_policy, key: p}]
  fine: {kind: diagnosis, title: Fine}
"""

ON_THE_WAY = """
id: on-the-way
title: On the way
start: probe
nodes:
  probe:
    kind: check
    title: Probe
    checks: [{check: a.policy}]
    when:
      - {check: a.policy, status: fail, goto: first, because: "it fails"}
    default: last
  first:
    kind: diagnosis
    severity: high
    title: First finding
    next: last
  last: {kind: diagnosis, severity: low, title: Last finding}
"""


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


def registry(*, quota_full: bool) -> Registry:
    def policy(ctx: object, params: object) -> CheckResult:
        withheld = {"logs.resource_policy": REASON} if quota_full else {}
        return failed("no resource policy for aws/spans", withheld_fixes=withheld)

    return make_registry(a_policy=(policy, ()))


async def walked(*, quota_full: bool, text: str = PLAYBOOK) -> tuple[Walk, str]:
    walk = Walk(book(text), Context(), registry=registry(quota_full=quota_full))
    stopped = await walk.run_to_end({})
    return walk, stopped


async def test_the_run_report_says_a_withheld_fix_is_not_offered_and_why() -> None:
    walk, stopped = await walked(quota_full=True)
    assert walk.current == "no-policy" and stopped == ""
    text = render_walk_text(walk, stopped)
    verdict = text.split("Diagnosis (high): Spans have no resource policy")[1]
    assert "Press `p`" in verdict  # the playbook's prose is still shown ...
    assert f"`p` (logs.resource_policy) is not offered: {REASON}" in verdict  # ... and corrected right after it
    room, stopped = await walked(quota_full=False)  # the same failure with room for the policy: p is offered
    assert room.current == "no-policy"
    assert "not offered" not in render_walk_text(room, stopped) and "not offered" not in session_markdown(room)


async def test_the_session_export_says_a_withheld_fix_is_not_offered_and_why() -> None:
    walk, _stopped = await walked(quota_full=True)
    md = session_markdown(walk)
    now_at = md.split("**Now at:**")[1]
    assert f"- `p` (logs.resource_policy) is not offered: {REASON}" in now_at.split("##")[0]
    # the doctor-style part under it names the withheld fix at the finding as well
    assert f"**Fix not offered:** `logs.resource_policy`: {REASON}" in md


async def test_the_doctor_reports_say_a_withheld_fix_is_not_offered_and_why() -> None:
    run = await run_doctor(book(PLAYBOOK), Context(), registry=registry(quota_full=True))
    text = render_text(run)
    assert f"fix not offered: logs.resource_policy: {REASON}" in text
    md = render_markdown(run)
    assert "| `logs.resource_policy` (not offered) |" in md
    assert f"**Fix not offered:** `logs.resource_policy`: {REASON}" in md
    quiet = await run_doctor(book(PLAYBOOK), Context(), registry=registry(quota_full=False))
    assert "not offered" not in render_text(quiet) and "not offered" not in render_markdown(quiet)


def target_line(context: Context) -> str:
    text = render_text(DoctorRun(book(PLAYBOOK), context, make_registry()))
    return next(line for line in text.splitlines() if line.startswith("target: "))


def test_the_target_line_names_the_qualifier_the_aws_checks_examined() -> None:
    given = Context(region="us-east-1", runtime="mcp_server-AbCdEf1234", qualifier="prod")
    assert target_line(given) == "target: region=us-east-1, runtime=mcp_server-AbCdEf1234, qualifier=prod"
    default = Context(region="us-east-1", runtime="mcp_server-AbCdEf1234")
    assert target_line(default) == "target: region=us-east-1, runtime=mcp_server-AbCdEf1234, qualifier=DEFAULT"
    assert "qualifier" not in target_line(Context(region="us-east-1"))  # no runtime: no runtime endpoint examined


async def test_the_run_report_in_japanese_has_no_english_heading() -> None:
    i18n.set_language("ja")
    walk, stopped = await walked(quota_full=True, text=ON_THE_WAY)
    assert walk.diagnoses() == ["first", "last"]
    text = render_walk_text(walk, stopped)
    assert "Found on the way" not in text
    assert "First finding  [first]" in text  # the diagnosis found on the way is still listed, under its heading
    assert "(high)" not in text  # its severity is in Japanese as the final diagnosis' is
