"""What `agentcore-triage logs` does before it reads: the AWS side (clients, the runtime's discovery) runs beside the
playbook's load, yet errors come in the order they always did; a group just listed is not described again; the
command imports only its own module of the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tui.logs.command import logs_command


def _describes() -> int:
    """DescribeLogGroups calls so far (the suite's recorder: the plugin module ``aws_recorder`` of conftest)."""
    recorder = sys.modules["aws_recorder"].RECORDER
    return int(recorder.operations()[("logs", "DescribeLogGroups")])


def run(*args: str):
    result = CliRunner().invoke(logs_command, list(args))
    assert not (result.exception and not isinstance(result.exception, SystemExit)), result.exception
    return result


def test_a_bad_playbook_is_reported_before_anything_about_the_runtime(seeded_aws):
    seeded_aws()
    result = run("--runtime", "no_such_runtime", "--playbook", "no-such-playbook", "--since", "1h")
    assert result.exit_code == 2
    assert "no such playbook" in result.stderr and "no runtime" not in result.output


def test_a_bad_node_is_reported_before_a_runtime_that_does_not_exist(seeded_aws):
    seeded_aws()
    result = run("--runtime", "no_such_runtime", "--node", "no-such-node", "--since", "1h")
    assert result.exit_code == 2
    assert "no such node" in result.stderr and "no runtime" not in result.output


def test_a_runtime_that_does_not_exist_is_still_one_line(seeded_aws):
    info = seeded_aws()
    result = run("--runtime", "no_such_runtime", "--since", "1h")
    assert result.exit_code == 2 and "no runtime 'no_such_runtime'" in result.stderr
    assert info.runtime_arn.rsplit("/", 1)[-1].rsplit("-", 1)[0] in result.stderr  # the runtimes there are named


def test_the_listed_runtime_group_is_not_described_again(seeded_aws):
    info = seeded_aws()
    before = _describes()
    result = run("--runtime", info.runtime_arn, "--since", "1h", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["read"]["groups_read"] == [info.runtime_log_group, info.otel_log_group]
    # one listing by the runtime's prefix (discovery), one look for the OTEL group; the runtime group is known
    assert _describes() - before == 2


def test_a_group_that_is_not_listed_is_still_looked_for(seeded_aws):
    info = seeded_aws()
    result = run("--runtime", info.runtime_arn, "--log-group", "/no/such/group", "--since", "1h", "--format", "json")
    data = json.loads(result.stdout)
    assert data["read"]["missing_groups"] == ["/no/such/group"]
    assert "log group /no/such/group does not exist" in result.stderr


PROBE = """
import json, sys
from tui.cli import main
try:
    main(["logs", "--help"])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("tui.cli.", "asyncio", "tui.app", "tui.engine")))))
"""


def test_logs_imports_no_other_command_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent
    )
    assert proc.returncode == 0, proc.stderr
    assert "Read the runtime's CloudWatch logs" in proc.stdout
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    # the shared flag and error helpers only (tiny, no third-party imports); no other command's module
    assert loaded == ["tui.cli.base", "tui.cli.click_messages", "tui.cli.environment", "tui.cli.input_flags"], loaded
