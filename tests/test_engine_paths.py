"""The one engine-owned path: stepping (next_step, run_to_end), inputs, run_fix for the CLI and the TUI alike,
``--fix all`` explaining what it did not apply, and checks/fixes found by package scan."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from test_app_support import TEST_PLAYBOOK, make_context, make_registry

import tui
from tui.engine.doctor import fix_all, run_doctor
from tui.engine.fixing import FixRequest, run_fix
from tui.engine.report import render_json, render_text
from tui.engine.walk import Walk, WalkError, parse_answers
from tui.fixes import audit
from tui.fixes.base import Fix, FixError, Plan, file_change
from tui.playbook.loader import load_playbook, parse_yaml
from tui.playbook.model import InputError, Playbook
from tui.registry import FixSpec, Registry, load_all, plugin_modules
from tui.results import Risk, Status


def book(text: str) -> Playbook:
    data, _ = parse_yaml(text, "<test>")
    return Playbook.model_validate(data)


def walk_test(project: Path, **ctx: object) -> Walk:
    return Walk(load_playbook(TEST_PLAYBOOK).playbook, make_context(project, **ctx), registry=make_registry())


def always_yes(request: FixRequest) -> bool:
    return True


async def test_next_step_redoes_a_step_undone_by_back_then_follows_the_decision(isolated: Path) -> None:
    walk = walk_test(isolated)
    walk.answer("1")
    assert walk.back() and walk.current == "symptom"
    assert walk.way_on() == "config"
    assert await walk.next_step() == "config"  # the redo, not a new answer
    assert walk.way_on() is None  # not run yet
    assert await walk.next_step() == "config-broken"  # runs the node, then follows its decision
    assert walk.results["config"]["test.file_ok"].status is Status.FAIL
    with pytest.raises(WalkError, match="no way on"):
        await walk.next_step()


async def test_run_to_end_stops_where_an_answer_is_missing_and_ends_at_a_diagnosis(isolated: Path) -> None:
    walk = walk_test(isolated)
    stopped = await walk.run_to_end({})
    assert walk.current == "symptom" and "--answer symptom=KEY" in stopped
    assert await walk.run_to_end(parse_answers(walk.playbook, ["symptom=1"])) == ""
    assert walk.current == "config-broken"
    with pytest.raises(WalkError, match="choices at symptom are 1, 2, 3"):
        parse_answers(walk.playbook, ["symptom=9"])


INPUTS = """
id: inputs
title: Inputs
start: end
inputs:
  - {name: depth, prompt: How deep, default: "3", pattern: "[0-9]+"}
  - {name: team, prompt: Which team, required: true}
nodes:
  end: {kind: diagnosis, title: End}
"""


def test_resolve_inputs_fills_defaults_and_names_what_is_wrong() -> None:
    pb = book(INPUTS)
    assert pb.resolve_inputs(["team=core"]) == {"team": "core", "depth": "3"}
    assert pb.resolve_inputs((), {"team": "core", "depth": "7"}) == {"team": "core", "depth": "7"}
    for given, message in [
        (["team"], "use NAME=VALUE"),
        (["colour=red", "team=x"], "has no such input (inputs: depth, team)"),
        ([], "'team' is required: Which team"),
        (["team=x", "depth=deep"], "does not match [0-9]+"),
    ]:
        with pytest.raises(InputError, match=re.escape(message)):
            pb.resolve_inputs(given)


async def test_run_fix_confirms_applies_audits_and_verifies(isolated: Path) -> None:
    walk = walk_test(isolated)
    walk.answer("1")
    await walk.run_node()
    offered = {o.ref.key: o for o in walk.offered_fixes()}
    asked: list[FixRequest] = []

    def confirm(request: FixRequest) -> bool:
        asked.append(request)
        return True

    outcome = await run_fix(offered["f"].ref, walk, confirm, node="config")
    assert [r.plan.fix for r in asked] == ["test.write_file"] and "[mutating]" in asked[0].headline
    assert outcome.info.applied and outcome.info.outcome == "applied"
    assert [r.fix for r in audit.records()] == ["test.write_file"] == [r.fix for r in outcome.records]
    assert outcome.verified_key == "test.file_ok" and outcome.verified is not None
    assert outcome.verified.status is Status.PASS
    assert (isolated / "config.txt").read_text() == "ok\n"
    assert "f" not in {o.ref.key for o in walk.offered_fixes()}  # the check passes now: not offered again


async def test_run_fix_declined_changes_nothing_and_an_async_confirm_works(isolated: Path) -> None:
    walk = walk_test(isolated)
    walk.answer("1")
    await walk.run_node()
    ref = next(o.ref for o in walk.offered_fixes() if o.ref.key == "f")

    async def no(request: FixRequest) -> bool:
        return False

    outcome = await run_fix(ref, walk, no, node="config")
    assert outcome.info.outcome == "declined" and not outcome.records
    assert outcome.info.explanation() == "test.write_file: declined: you declined it"
    assert not (isolated / "config.txt").exists() and audit.records() == []


class WriteOnce(Fix):
    """Writes ``ok`` into the file; nothing to do when it already says so (like the product's fixes)."""

    def plan(self) -> Plan:
        path = Path(self.params.path)
        done = path.exists() and path.read_text() == "ok\n"
        actions = [] if done else [file_change(path, "ok\n", description="write a good config")]
        return Plan(fix="test.write_once", title="Write once", risk=Risk.MUTATING, summary="ok", actions=actions)


def registry_with(fix_id: str, cls: type[Fix]) -> Registry:
    registry = make_registry()
    registry.add_fix(FixSpec(fix_id, fix_id, Risk.MUTATING, registry.fixes["test.write_file"].params, cls))
    return registry


AT_DIAGNOSIS = """
id: diag
title: Diag
start: end
nodes:
  end:
    kind: diagnosis
    title: End
    fixes: [{fix: test.write_once, key: f, params: {path: "{project}/config.txt"}}]
"""


async def test_a_fix_no_longer_needed_is_not_offered(isolated: Path) -> None:
    registry = registry_with("test.write_once", WriteOnce)
    walk = Walk(book(AT_DIAGNOSIS), make_context(isolated), registry=registry)
    [offered] = walk.offered_fixes()
    outcome = await run_fix(offered.ref, walk, always_yes, node="end")
    assert outcome.info.applied
    assert walk.offered_fixes() == []  # applied: gone from the diagnosis
    walk2 = Walk(book(AT_DIAGNOSIS), make_context(isolated), registry=registry)
    outcome = await run_fix(walk2.offered_fixes()[0].ref, walk2, always_yes, node="end")
    assert outcome.info.outcome == "nothing to do" and not outcome.records  # the file is already right
    assert walk2.offered_fixes() == []


class Unplannable(Fix):
    """Cannot be planned: an explicit Deny stands in the way."""

    def plan(self) -> Plan:
        raise FixError("an explicit Deny in policy P statement S; an Allow cannot override it: remove that statement")


NOT_PLANNED = """
id: np
title: NP
start: node
nodes:
  node:
    kind: check
    title: Node
    checks: [{check: test.file_ok, params: {path: "{project}/config.txt"}}]
    default: end
    fixes:
      - {fix: test.deny, key: d, params: {path: "{project}/config.txt"}}
  end: {kind: diagnosis, title: End}
"""


async def test_fix_all_explains_every_fix_it_does_not_apply_in_text_and_json(isolated: Path) -> None:
    registry = registry_with("test.deny", Unplannable)
    run = await run_doctor(book(NOT_PLANNED), make_context(isolated), registry=registry)
    outcomes = await fix_all(run, confirm=lambda headline, preview: True)
    assert [(o.id, o.outcome) for o in outcomes] == [("test.deny", "not planned")]
    line = "test.deny: not planned: an explicit Deny in policy P statement S"
    assert f"  - {line}" in render_text(run)
    [entry] = json.loads(render_json(run))["fixes"]
    assert entry["applied"] is False and entry["why_not"].startswith(line)


def test_every_check_and_fix_module_is_found_by_package_scan() -> None:
    """A module with ``@check``/``@fixer`` anywhere under tui/checks or tui/fixes is loaded without a list entry."""
    root = Path(tui.__file__).parent
    registering = set()
    for package in ("checks", "fixes"):
        for file in (root / package).rglob("*.py"):
            tree = ast.parse(file.read_text(encoding="utf-8"))
            decorators = [
                d.func.id
                for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                for d in node.decorator_list
                if isinstance(d, ast.Call) and isinstance(d.func, ast.Name)
            ]
            if {"check", "fixer"} & set(decorators):
                registering.add(".".join(("tui", *file.relative_to(root).with_suffix("").parts)))
    assert registering and registering <= set(plugin_modules())
    registry = load_all()
    registered = {spec.func.__module__ for spec in registry.checks.values()}
    registered |= {spec.cls.__module__ for spec in registry.fixes.values()}
    assert registered == registering
