"""The headless CLI: report shapes, exit codes, and one-line errors for bad input."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from tui.cli import main

BOOK = str(Path(__file__).parent / "playbooks" / "cli" / "needs-runtime.yaml")


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    base_env = {
        "AWS_PROFILE": "",
        "AWS_REGION": "",
        "AWS_DEFAULT_REGION": "",
        "AGENTCORE_TRIAGE_RUNTIME": "",
        "AGENTCORE_TRIAGE_ENDPOINT": "",
    }
    return CliRunner().invoke(main, list(args), input=input, env=base_env | (env or {}), catch_exceptions=False)


def test_doctor_json_is_pure_json_with_the_fixed_shape_and_exit_1_on_failure() -> None:
    result = invoke("doctor", "--playbook", BOOK, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {
        "schema_version",
        "tool",
        "version",
        "generated_at",
        "versions",
        "playbook",
        "context",
        "findings",
        "totals",
    }
    assert report["tool"] == "agentcore-triage" and report["playbook"] == "needs-runtime"
    finding = report["findings"][0]
    assert {"check", "node", "status", "severity", "summary", "evidence", "fix"} <= set(finding)
    assert finding["status"] == "fail" and finding["summary"] == "not set: runtime"
    assert report["totals"]["fail"] == 1


def test_doctor_exit_0_when_nothing_failed_and_flags_reach_the_context() -> None:
    result = invoke("doctor", "--playbook", BOOK, "--format", "json", "--runtime", "mcp_server-AbC123xyz0")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["context"]["runtime"] == "mcp_server-AbC123xyz0"
    assert report["context"]["inputs"] == {"depth": "3"}


def test_context_flags_may_come_before_the_subcommand() -> None:
    result = invoke("--runtime", "rt", "doctor", "--playbook", BOOK, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["context"]["runtime"] == "rt"


def test_doctor_markdown_and_out_file(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = invoke("doctor", "--playbook", BOOK, "--format", "markdown", "--out", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    text = out.read_text()
    assert text.startswith("# agentcore-triage report: Needs a runtime")
    assert "| ✗ fail | `context.required` | have-runtime | not set: runtime |" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["doctor", "--playbook", "nope"], "no playbook 'nope'"),
        (["doctor", "--playbook", BOOK, "--only", "no.such.check"], "--only: unknown check no.such.check"),
        (["doctor", "--playbook", BOOK, "--timeout", "-3"], "Invalid value for '--timeout'"),
        (["doctor", "--playbook", BOOK, "--format", "yaml"], "Invalid value for '--format'"),
        (["doctor", "--playbook", BOOK, "--input", "depth=deep"], "does not match"),
        (["doctor", "--playbook", BOOK, "--input", "depth"], "use NAME=VALUE"),
        (["doctor", "--playbook", BOOK, "--input", "dpeth=3"], "has no such input (inputs: depth)"),
        (["doctor", "--playbook", BOOK, "--fix", "all"], "--fix all needs --yes"),
        (["doctor", "--playbook", BOOK, "--fix", "all", "--yes", "--read-only"], "contradict"),
        (["run", "--playbook", BOOK, "--answer", "ask=7"], "choices at ask are 1, 2"),
        (["run", "--playbook", BOOK, "--answer", "nowhere=1"], "is not a question node"),
        (["undo", "--yes"], "nothing to undo"),
        (["no-such-command"], "No such command"),
    ],
)
def test_bad_input_gives_one_line_error_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = invoke(*args, env={"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path)})
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output  # one line, also for click's own usage errors


def python_dash_m_tui(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int | str | None, str, str]:
    """``python -m tui ARGS`` in this process: ``tui/__main__.py`` run as ``__main__`` (runpy, as ``-m`` does) with
    ``sys.argv`` set, stdout and stderr as captured; an unexpected exception fails the test where a process would print
    a traceback. (The module in a real interpreter: tests/test_app_terminal_loss.py starts ``python -m tui demo``.)"""
    with (
        mock.patch.object(sys, "argv", ["agentcore-triage", *args]),
        # the process would end here without the interpreter's teardown (``os._exit``): this process must go on
        mock.patch("tui.cli.entry.end_process", side_effect=lambda code: sys.exit(code)),
        pytest.raises(SystemExit) as exit_,
    ):
        runpy.run_module("tui", run_name="__main__", alter_sys=True)
    captured = capsys.readouterr()
    return exit_.value.code, captured.out, captured.err


def test_bad_flag_through_python_dash_m_has_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = python_dash_m_tui(capsys, "doctor", "--playbook", "/nonexistent/x.yaml")
    assert code == 2
    assert "cannot read playbook" in err
    assert "Traceback" not in err


def test_run_walks_with_answers_and_prints_path_reasons_and_diagnosis() -> None:
    result = invoke("run", "--playbook", BOOK, "--answer", "ask=1")
    assert result.exit_code == 1  # a check failed on the way
    out = result.stdout
    assert "-> have-runtime: you answered 'Errors'" in out
    assert "[✗] context.required: not set: runtime" in out
    assert "-> no-runtime: no runtime was given (not set: runtime)" in out
    assert "Diagnosis (high): Give a runtime" in out
    assert "1. Run again with --runtime" in out


def test_run_json_and_stop_when_an_answer_is_missing() -> None:
    result = invoke("run", "--playbook", BOOK, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["end"]["node"] == "ask"
    assert "--answer ask=KEY" in data["stopped"]


def test_match_ranks_nodes_from_text_stdin_and_files(tmp_path: Path) -> None:
    text = "botocore: ResourceNotFoundException: runtime mcp_server not found"
    result = invoke("match", "--playbook", BOOK, "--format", "json", text)
    hits = json.loads(result.stdout)
    assert {h["node"] for h in hits} == {"no-runtime", "have-runtime"}
    result = invoke("match", "--playbook", BOOK, "-", input="nothing relevant here")
    assert result.exit_code == 1 and "No node explains" in result.stdout
    log = tmp_path / "app.log"
    log.write_text("line 1\nResourceNotFoundException\n")
    result = invoke("match", "--playbook", BOOK, str(log))
    assert result.exit_code == 0 and "Give a runtime" in result.stdout


def test_checks_and_fixes_list() -> None:
    result = invoke("checks", "list", "--format", "json")
    ids = {c["id"] for c in json.loads(result.stdout)}
    assert "context.required" in ids
    result = invoke("fixes", "list", "--format", "json")
    assert result.exit_code == 0
    assert isinstance(json.loads(result.stdout), list)


def test_python_dash_m_tui_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = python_dash_m_tui(capsys, "--version")
    assert code == 0 and "agentcore-triage" in out


def test_run_can_start_at_the_node_match_names_and_prints_diagnosis_bodies_on_the_way() -> None:
    result = invoke("run", "--playbook", BOOK, "--start", "no-runtime")
    assert result.exit_code == 0
    assert "-> no-runtime: started at no-runtime (--start)" in result.stdout
    assert "Diagnosis (high): Give a runtime" in result.stdout
    result = invoke("match", "--playbook", BOOK, "ResourceNotFoundException")
    assert "agentcore-triage run --playbook needs-runtime --start no-runtime" in result.stdout
    result = invoke("run", "--playbook", BOOK, "--start", "nowhere")
    assert result.exit_code == 2 and "no such node" in result.output


def test_doctor_fix_all_explains_a_fix_it_could_not_plan_in_text_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also: an empty AGENTCORE_TRIAGE_PROJECT is no project (it used to be "", and the fix wrote into the cwd)."""
    monkeypatch.chdir(tmp_path)
    book = str(Path(__file__).parent / "playbooks" / "cli" / "unplannable-fix.yaml")
    env = {"AGENTCORE_TRIAGE_STATE_DIR": str(tmp_path / "state"), "AGENTCORE_TRIAGE_PROJECT": ""}
    why = "project.pin_mcp: not planned: project.pin_mcp needs {project}, which is not known yet"
    result = invoke("doctor", "--playbook", book, "--fix", "all", "--yes", env=env)
    assert result.exit_code == 1
    assert f"Fixes not applied:\n  - {why}" in result.stdout
    result = invoke("doctor", "--playbook", book, "--fix", "all", "--yes", "--format", "json", env=env)
    [fix] = json.loads(result.stdout)["fixes"]
    assert fix["id"] == "project.pin_mcp" and fix["applied"] is False and fix["why_not"].startswith(why)
    assert not (tmp_path / "requirements.txt").exists()


@pytest.mark.parametrize(
    ("raised", "status", "message"),
    [(KeyboardInterrupt, 130, "agentcore-triage: interrupted"), (EOFError, 1, "agentcore-triage: aborted")],
)
def test_ctrl_c_while_click_parses_is_an_interruption_and_a_closed_input_an_abort(
    raised: type[BaseException], status: int, message: str
) -> None:
    """Before a command's own handler takes over (click still parsing), ctrl-c exits 130 as everywhere else;
    an input that ended (EOFError) stays an abort."""
    import click

    from tui.cli.base import OneLineErrors

    def interrupt(ctx: click.Context, param: click.Parameter, value: object) -> object:
        if value:
            raise raised()
        return value

    @click.group(cls=OneLineErrors)
    @click.option("--boom", is_flag=True, callback=interrupt, expose_value=False)
    def group() -> None:
        pass

    @group.command()
    def sub() -> None:
        pass

    result = CliRunner().invoke(group, ["--boom", "sub"])
    assert result.exit_code == status
    assert message in result.stderr
    assert "Traceback" not in result.output
