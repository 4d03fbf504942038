"""Every broken playbook gives the right file:line:col message and exit 2; every shipped one validates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.playbook.loader import shipped_playbook_files
from tui.playbook.validate import validate_file

BROKEN = sorted((Path(__file__).parent / "playbooks" / "broken").glob("*.yaml"))


def _expectation(path: Path) -> tuple[str, str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} lacks an '# expect: LINE:COL: text' header"
    spec = first[len("# expect: ") :]
    line, col, text = spec.split(":", 2)
    return f"{line}:{col}", text.strip()


def test_there_are_at_least_ten_broken_playbooks() -> None:
    assert len(BROKEN) >= 10


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_playbook_is_reported_at_the_right_place(path: Path) -> None:
    where, text = _expectation(path)
    result = CliRunner().invoke(main, ["playbooks", "validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(path))]
    wanted = f"{path}:{where}:"
    matching = [line for line in lines if line.startswith(wanted) and text in line]
    assert matching, f"expected a line starting {wanted!r} containing {text!r}; got:\n" + "\n".join(lines)
    assert "Traceback" not in result.output


def test_validate_has_no_traceback_and_exit_2() -> None:
    path = next(p for p in BROKEN if p.stem == "cycle")
    # in-process, exceptions not caught by the runner: one escaping the command fails here (a process would print it)
    result = CliRunner().invoke(main, ["playbooks", "validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "cycle with no way out" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("path", shipped_playbook_files(), ids=[p.stem for p in shipped_playbook_files()])
def test_every_shipped_playbook_validates(path: Path) -> None:
    loaded, errors = validate_file(path)
    assert loaded is not None
    assert errors == [], "\n".join(map(str, errors))


def test_there_is_a_shipped_playbook() -> None:
    assert any(p.stem == "agentcore-mcp" for p in shipped_playbook_files())


def test_schema_is_json_schema_with_node_kinds() -> None:
    result = CliRunner().invoke(main, ["playbooks", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    text = json.dumps(schema)
    for kind in ("question", "check", "diagnosis"):
        assert f'"const": "{kind}"' in text
    # aliases are what authors write
    assert '"as"' in text and '"for"' in text


def test_template_in_param_is_not_type_checked_but_name_is(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        """
id: t
title: T
inputs: [{name: wanted, prompt: which values}]
start: c
nodes:
  c:
    kind: check
    title: C
    checks: [{check: context.required, params: {names: "{wanted}"}}]
    default: d
  d: {kind: diagnosis, title: D}
""",
        encoding="utf-8",
    )
    _, errors = validate_file(good)
    assert errors == []


def test_fact_published_by_an_earlier_node_is_defined_but_not_by_a_later_one(tmp_path: Path) -> None:
    from tui.checks.core import RequiredParams
    from tui.registry import CheckSpec, NoParams, Registry
    from tui.results import Severity, passed

    reg = Registry()
    reg.add_check(
        CheckSpec("pub", "publishes", Severity.LOW, NoParams, lambda c, p: passed("x"), publishes=("thing.id",))
    )
    reg.add_check(CheckSpec("use", "uses", Severity.LOW, RequiredParams, lambda c, p: passed("x")))
    book = tmp_path / "flow.yaml"
    book.write_text(
        """
id: flow
title: Flow
start: first
nodes:
  first:
    kind: check
    title: First
    checks: [{check: use, params: {names: ["{thing.id}"]}}]
    default: second
  second:
    kind: check
    title: Second
    checks: [{check: pub}]
    default: third
  third:
    kind: check
    title: Third
    checks: [{check: use, params: {names: ["{thing.id}"]}}]
    default: end
  end: {kind: diagnosis, title: End}
""",
        encoding="utf-8",
    )
    _, errors = validate_file(book, reg)
    assert len(errors) == 1, errors
    assert errors[0].line == 9 and "published by pub, which runs at no node before this one" in errors[0].message


def test_committed_schema_matches_the_model() -> None:
    """docs/playbook.schema.json is what editors load; regenerate with `agentcore-triage playbooks schema`."""
    committed = json.loads((Path(__file__).parent.parent / "docs" / "playbook.schema.json").read_text())
    current = json.loads(CliRunner().invoke(main, ["playbooks", "schema"]).stdout)
    assert committed == current, "run: agentcore-triage playbooks schema > docs/playbook.schema.json"


def test_non_utf8_playbook_is_one_located_error_and_other_files_are_still_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: x\ntitle: \xff\n")
    good = Path(__file__).parent / "playbooks" / "cli" / "needs-runtime.yaml"
    result = CliRunner().invoke(main, ["playbooks", "validate", str(bad), str(good)])
    assert result.exit_code == 2
    assert result.stdout.strip() == f"{bad}:2:8: not UTF-8 text: save the playbook as UTF-8"
    assert f"ok  {good}" in result.output
