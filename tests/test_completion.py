"""Shell completion of --only, --scenario, --profile and --agent, as the README tells to enable it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner, Result

from tui.cli import main

COMPLETE_VAR = "_AGENTCORE_TRIAGE_COMPLETE"


def complete(args: list[str], incomplete: str) -> list[str]:
    return [
        item.value
        for item in ShellComplete(main, {}, "agentcore-triage", COMPLETE_VAR).get_completions(args, incomplete)
    ]


def as_installed(cwd: Path, **env: str) -> Result:
    """The installed ``agentcore-triage`` command as the shell runs it for completion, in-process: click's ``main``
    under the console script's name (which names the ``_AGENTCORE_TRIAGE_COMPLETE`` variable it answers), in ``cwd``,
    with ``env`` added. (The console script itself runs in tests/test_wheel.py.)"""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [], env=env, prog_name="agentcore-triage", catch_exceptions=False)
    finally:
        os.chdir(previous)


def bash(words: str, cwd: Path, **env: str) -> list[str]:
    """What bash's completion function gets from the installed command (the README's `bash_source` wiring)."""
    line = words.split(" ")
    out = as_installed(
        cwd, **env, **{COMPLETE_VAR: "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(line) - 1)}
    )
    assert out.exit_code == 0, out.stderr
    return [line.partition(",")[2] for line in out.stdout.splitlines() if line]


def test_the_documented_bash_line_produces_a_completion_function(tmp_path: Path) -> None:
    out = as_installed(tmp_path, **{COMPLETE_VAR: "bash_source"})
    assert out.exit_code == 0 and "complete -o nosort -F _agentcore_triage_completion agentcore-triage" in out.stdout
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert f'eval "$({COMPLETE_VAR}=bash_source agentcore-triage)"' in readme


def test_only_completes_check_ids_and_the_playbook_names_for_them(tmp_path: Path) -> None:
    assert bash("agentcore-triage doctor --only have-", tmp_path) == [
        "have-endpoint",
        "have-project",
        "have-runtime",
        "have-target",
    ]
    ids = complete(["doctor", "--only"], "endpoint.")
    assert "endpoint.initialize" in ids and all(i.startswith("endpoint.") for i in ids)
    assert complete(["doctor", "--only"], "no-such") == []


def test_scenario_completes_the_sandbox_scenarios() -> None:
    assert complete(["demo", "--scenario"], "se") == ["seed-guide", "server-crashed", "session-stream"]


def test_profile_completes_the_configured_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[default]\nregion = us-east-1\n[profile dev-admin]\nregion = eu-west-1\n[profile prod]\n")
    credentials.write_text("[dev-keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    assert complete(["doctor", "--profile"], "dev") == ["dev-admin", "dev-keys"]
    assert complete(["--profile"], "") == ["default", "dev-admin", "dev-keys", "prod"]


def test_agent_completes_the_agents_of_the_project_file(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / ".bedrock_agentcore.yaml").write_text(
        "agents:\n  alpha: {name: alpha, entrypoint: a.py}\n  beta: {name: beta, entrypoint: b.py}\n"
    )
    assert complete(["doctor", "--project", str(project), "--agent"], "") == ["alpha", "beta"]
    assert complete(["--project", str(project), "doctor", "--agent"], "b") == ["beta"]
    assert bash("agentcore-triage run --agent ", project) == ["alpha", "beta"]  # the current directory's file
    assert bash("agentcore-triage run --agent ", tmp_path) == []
