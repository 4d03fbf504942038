"""``run_fix``'s verification: where it re-runs, and that an applied fix is not offered again by its own re-run."""

from __future__ import annotations

from pathlib import Path

from engine_support import book
from test_app_support import make_context, make_registry

from tui.engine.fixing import run_fix
from tui.engine.walk import Walk
from tui.results import Status

PLAYBOOK = """
id: verify
title: Verify
start: config
nodes:
  config:
    kind: check
    title: Config
    checks:
      - {check: test.warns}
      - {check: test.file_ok, params: {path: "{project}/config.txt"}}
    when:
      - {check: test.file_ok, status: fail, goto: broken}
    default: done
    fixes:
      - {fix: test.write_file, key: w, for: test.warns, params: {path: "{project}/other.txt"}}
      - {fix: test.write_file, key: c, for: test.file_ok, params: {path: "{project}/config.txt"}}
  broken:
    kind: diagnosis
    title: Broken
    fixes:
      - {fix: test.write_file, key: f, params: {path: "{project}/config.txt"}}
  done:
    kind: diagnosis
    severity: info
    title: Done
"""


def _yes(_request: object) -> bool:
    return True


async def test_a_fix_whose_check_still_warns_is_not_offered_again_by_its_verification(isolated: Path) -> None:
    """Seen in tmux: after `t` (trace destination, still PENDING) the footer offered `t` again: "Nothing to do"."""
    walk = Walk(book(PLAYBOOK), make_context(isolated), registry=make_registry())
    (isolated / "config.txt").write_text("ok\n")
    await walk.run_node("config")
    assert [o.ref.key for o in walk.offered_fixes()] == ["w"]
    outcome = await run_fix(walk.offered_fixes()[0].ref, walk, _yes, node="config")
    assert outcome.info.applied and outcome.verified is not None
    assert outcome.verified.status is Status.WARN  # the check still warns after the fix
    assert walk.offered_fixes() == []  # but the fix did its part: not offered until the node runs again
    await walk.run_node("config")
    assert [o.ref.key for o in walk.offered_fixes()] == ["w"]  # a later run offers it again


async def test_a_fix_at_a_diagnosis_is_verified_at_the_check_node_that_led_there(isolated: Path) -> None:
    """Seen in tmux: a fix applied at a diagnosis left its check red on the path ("1 problem")."""
    walk = Walk(book(PLAYBOOK), make_context(isolated), registry=make_registry())
    await walk.run_node("config")
    await walk.next_step()
    assert walk.current == "broken"
    outcome = await run_fix(walk.offered_fixes()[0].ref, walk, _yes, node="broken")
    assert outcome.info.applied
    assert outcome.verified_key == "test.file_ok" and outcome.verified is not None
    assert walk.results["config"]["test.file_ok"].status is Status.PASS


async def test_an_undo_rechecks_the_node_that_led_to_the_diagnosis_it_was_applied_at(isolated: Path) -> None:
    """Seen in tmux (boundary): undoing the boundary fix, offered only at its diagnosis, left the role check green."""
    from tui.app.audit_screen import nodes_to_recheck

    text = PLAYBOOK.replace(
        "      - {fix: test.write_file, key: f, params:", "      - {fix: test.delete_file, key: f, params:"
    )
    walk = Walk(book(text), make_context(isolated), registry=make_registry())
    await walk.run_node("config")
    await walk.next_step()
    assert walk.current == "broken"
    assert nodes_to_recheck(walk, [("test.delete_file", "broken")]) == ["config"]
    assert nodes_to_recheck(walk, [("test.write_file", "config")]) == ["config"]
    assert nodes_to_recheck(walk, []) == []


async def test_an_undone_fix_is_offered_again_at_its_diagnosis(isolated: Path) -> None:
    """Seen in tmux (boundary): after the undo the role check was red again but `w` was no longer offered."""
    from tui.app.audit_screen import forget_settled

    walk = Walk(book(PLAYBOOK), make_context(isolated), registry=make_registry())
    await walk.run_node("config")
    await walk.next_step()
    outcome = await run_fix(walk.offered_fixes()[0].ref, walk, _yes, node="broken")
    assert outcome.info.applied and walk.offered_fixes() == []
    forget_settled(walk, [("test.write_file", "broken")])
    assert [o.ref.key for o in walk.offered_fixes()] == ["f"]
