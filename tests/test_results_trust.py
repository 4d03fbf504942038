"""Results that never over-claim (issue 11 §4): a check that could not run is not green, stale facts do not
decide, a headless walk names what it found on the way and never loops."""

from __future__ import annotations

import json

import pytest
from engine_support import NameParams, book, make_registry

from tui.context import Context
from tui.engine.doctor import run_doctor
from tui.engine.report import render_json, render_markdown, render_text, render_walk_json, render_walk_text
from tui.engine.walk import Walk
from tui.results import CheckResult, SkipReason, Status, could_not_run, errored, passed, skipped

ONE_NODE = """
id: t
title: T
start: node
nodes:
  node:
    kind: check
    title: Three checks
    checks: [{check: a.one}, {check: a.two}, {check: a.three}]
    default: fine
  fine: {kind: diagnosis, title: Fine}
"""


async def test_a_skip_that_could_not_run_is_counted_apart_and_fails_the_run() -> None:
    """Seen: `33 checks: 29 pass, 4 skip — No problems found.` (exit 0) where the skips could not run."""
    reg = make_registry(
        a_one=(lambda c, p: passed("initialize OK"), ()),
        a_two=(lambda c, p: could_not_run("initialize fails (timeout); see endpoint.initialize"), ()),
        a_three=(lambda c, p: skipped("no Dockerfile"), ()),
    )
    run = await run_doctor(book(ONE_NODE), Context(), registry=reg)
    assert run.exit_code == 1
    text = render_text(run)
    assert "No problems found" not in text
    assert "1 pass, 2 skip (1 could not run)" in text
    assert "could not run: initialize fails (timeout); see endpoint.initialize" in text
    report = json.loads(render_json(run))
    assert report["totals"]["could_not_run"] == 1 and report["totals"]["skip"] == 2
    reasons = {f["check"]: f["skip_reason"] for f in report["findings"]}
    assert reasons == {"a.one": None, "a.two": "could_not_run", "a.three": "not_applicable"}
    markdown = render_markdown(run)
    assert "(1 could not run)" in markdown and "Could not run" in markdown


async def test_a_not_applicable_skip_keeps_the_run_green() -> None:
    reg = make_registry(
        a_one=(lambda c, p: passed("ok"), ()),
        a_two=(lambda c, p: skipped("no endpoint given"), ()),
        a_three=(lambda c, p: skipped("no Dockerfile"), ()),
    )
    run = await run_doctor(book(ONE_NODE), Context(), registry=reg)
    assert run.exit_code == 0 and run.totals["could_not_run"] == 0
    assert "No problems found." in render_text(run)


def test_the_skip_reason_belongs_to_skips_only() -> None:
    assert skipped("n/a").skip_reason is SkipReason.NOT_APPLICABLE and skipped("n/a").ok
    blocked = could_not_run("initialize timed out")
    assert blocked.status is Status.SKIP and blocked.could_not_run and not blocked.ok and blocked.is_problem
    assert passed("x", skip_reason=SkipReason.COULD_NOT_RUN).skip_reason is None


CHAIN = """
id: t
title: T
start: find
nodes:
  find:
    kind: check
    title: Find
    checks: [{check: a.find}]
    default: use
  use:
    kind: check
    title: Use
    checks: [{check: a.use, params: {name: "{thing.name}"}}]
    default: done
  done: {kind: diagnosis, title: Done}
"""


@pytest.mark.parametrize(
    ("publisher", "reason", "exit_code"),
    [
        (errored("timed out after 10 s"), SkipReason.COULD_NOT_RUN, 1),
        (could_not_run("initialize fails (timeout)"), SkipReason.COULD_NOT_RUN, 1),
        (skipped("no runtime given"), SkipReason.NOT_APPLICABLE, 0),
    ],
)
async def test_a_missing_fact_could_not_run_unless_its_publisher_did_not_apply(
    publisher: CheckResult, reason: SkipReason, exit_code: int
) -> None:
    reg = make_registry(a_find=(lambda c, p: publisher, ("thing.name",)), a_use=(lambda c, p: passed("x"), ()))
    run = await run_doctor(book(CHAIN), Context(), registry=reg)
    use = next(f for f in run.findings if f.check == "a.use")
    assert use.status is Status.SKIP and use.skip_reason is reason
    assert run.exit_code == exit_code
    if reason is SkipReason.COULD_NOT_RUN:
        assert "a.find" in use.summary  # which prerequisite, and what it said


STALE = """
id: t
title: T
start: node
nodes:
  node:
    kind: check
    title: Handshake
    checks: [{check: a.init}]
    when:
      - {fact: a.failure, exists: true, goto: slow, because: "initialize timed out"}
    default: fine
  slow: {kind: diagnosis, title: Slow}
  fine: {kind: diagnosis, title: Fine}
"""


async def test_a_rerun_drops_the_facts_the_earlier_run_published() -> None:
    """A failure published by the first run must not decide (or reach later checks) after a run that passed."""
    outcomes = [errored("timed out", facts={"a.failure": "timeout"}), passed("initialize OK")]
    reg = make_registry(a_init=(lambda c, p: outcomes.pop(0), ("a.failure",)))
    walk = Walk(book(STALE), Context(), registry=reg)
    await walk.run_node()
    assert walk.decision() == ("slow", "initialize timed out")
    await walk.run_node()
    assert "a.failure" not in walk.facts
    assert walk.decision() is not None and walk.decision()[0] == "fine"  # type: ignore[index]


async def test_the_default_branch_does_not_say_every_check_passed_when_one_skipped() -> None:
    reg = make_registry(
        a_one=(lambda c, p: passed("ok"), ()),
        a_two=(lambda c, p: skipped("no Dockerfile"), ()),
        a_three=(lambda c, p: could_not_run("initialize fails (timeout)"), ()),
    )
    walk = Walk(book(ONE_NODE), Context(), registry=reg)
    await walk.advance()
    reason = walk.history[-1].reason
    assert "every check passed" not in reason
    assert "a.three: could not run" in reason
    reg2 = make_registry(
        a_one=(lambda c, p: passed("ok"), ()),
        a_two=(lambda c, p: skipped("no Dockerfile"), ()),
        a_three=(lambda c, p: passed("ok"), ()),
    )
    walk2 = Walk(book(ONE_NODE), Context(), registry=reg2)
    await walk2.advance()
    assert walk2.history[-1].reason == "no condition matched; 2 passed, 1 did not apply (a.two)"


LOOP = """
id: t
title: T
start: probe
nodes:
  probe:
    kind: check
    title: Probe
    checks: [{check: a.one}]
    when:
      - {check: a.one, status: fail, goto: internal, because: "the server fails"}
    default: fine
  internal:
    kind: diagnosis
    severity: high
    title: -32603 and tool failures
    next: uuid
  uuid:
    kind: diagnosis
    severity: low
    title: Input should be a valid UUID
    next: probe
  fine: {kind: diagnosis, title: Fine}
"""


async def test_a_headless_walk_that_leads_back_stops_at_its_diagnosis_and_names_every_one() -> None:
    """Seen: `run` against an endpoint answering 500 stopped with "the walk went round in circles"
    (ep-internal-error → ep-uuid → endpoint-start), and the verdict named only the last, vaguest node."""
    from tui.results import failed

    reg = make_registry(a_one=(lambda c, p: failed("HTTP 500"), ()))
    walk = Walk(book(LOOP), Context(), registry=reg)
    stopped = await walk.run_to_end({})
    assert stopped == ""
    assert walk.current == "uuid"
    assert walk.diagnoses() == ["internal", "uuid"]
    text = render_walk_text(walk, stopped)
    assert "round in circles" not in text
    assert "(high) -32603 and tool failures  [internal]" in text.split("Found on the way:")[1]
    data = json.loads(render_walk_json(walk, stopped))
    assert [d["node"] for d in data["diagnoses"]] == ["internal", "uuid"]


FIXABLE = """
id: t
title: T
start: node
nodes:
  node:
    kind: check
    title: Trace destination
    checks: [{check: a.one}]
    fixes: [{fix: a.fix, key: t, for: a.one}]
    default: fine
  fine: {kind: diagnosis, title: Fine}
"""


async def test_a_fix_with_nothing_left_to_do_is_not_offered_until_the_node_runs_again() -> None:
    """Seen in tmux: after `t` the check still warned (PENDING) and `t` stayed offered, answering "Nothing to do"
    at every press."""
    from tui.engine.fixing import run_fix
    from tui.fixes.base import Fix, Plan
    from tui.registry import FixSpec
    from tui.results import Risk, warned

    class NothingToDo(Fix):
        def plan(self) -> Plan:
            return Plan(fix="a.fix", title="Send trace segments", risk=Risk.MUTATING, summary="already", actions=[])

    reg = make_registry(a_one=(lambda c, p: warned("destination CloudWatchLogs, status PENDING"), ()))
    reg.add_fix(
        FixSpec(id="a.fix", title="Send trace segments", risk=Risk.MUTATING, params=NameParams, cls=NothingToDo)
    )
    walk = Walk(book(FIXABLE), Context(), registry=reg)
    await walk.run_node()
    (offered,) = walk.offered_fixes()
    outcome = await run_fix(offered.ref, walk, lambda request: True, node="node")
    assert outcome.info.outcome == "nothing to do"
    assert walk.offered_fixes() == []
    await walk.run_node()  # the state may have changed since (an undo, someone else's change): offered again
    assert [o.ref.key for o in walk.offered_fixes()] == ["t"]


SWEEP = """
id: t
title: T
start: aws
nodes:
  aws:
    kind: check
    title: AWS
    checks: [{check: a.one}]
    when:
      - {check: a.one, status: fail, goto: aws-broken, because: "the role is wrong"}
    default: project
  aws-broken: {kind: diagnosis, severity: high, title: The role is wrong, next: project}
  project:
    kind: check
    title: Project
    checks: [{check: a.two}]
    default: project-ok
  project-ok: {kind: diagnosis, severity: info, title: The project looks right, next: all-clear}
  all-clear: {kind: diagnosis, severity: info, title: Nothing wrong in what was checked}
"""


@pytest.mark.parametrize(("first", "end"), [("fail", "project-ok"), ("pass", "all-clear")])
async def test_a_walk_that_found_something_never_ends_on_the_all_clear(first: str, end: str) -> None:
    """Seen in tmux: "check everything" went on through every branch and closed with "Nothing wrong in what was
    checked" after the endpoint branch had found a failing stream."""
    from tui.results import failed

    one = (lambda c, p: failed("no logs permission")) if first == "fail" else (lambda c, p: passed("ok"))
    reg = make_registry(a_one=(one, ()), a_two=(lambda c, p: passed("ok"), ()))
    walk = Walk(book(SWEEP), Context(), registry=reg)
    assert await walk.run_to_end({}) == ""
    assert walk.current == end
