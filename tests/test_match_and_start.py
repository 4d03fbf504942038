"""`match` input rules, noise ranking, the guide-section index (`run --start 1.1`) and walks to the new families."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.context import Context
from tui.engine.walk import Walk
from tui.playbook.loader import PLAYBOOK_DIR, load_playbook
from tui.playbook.matching import node_for_start, rank
from tui.playbook.model import DiagnosisNode, QuestionNode

BOOK = "agentcore-mcp"


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input, env={"NO_COLOR": "1"}, catch_exceptions=False)


@pytest.fixture(scope="module")
def playbook():  # type: ignore[no-untyped-def]
    return load_playbook(PLAYBOOK_DIR / "agentcore-mcp.yaml").playbook


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_match_with_nothing_to_match_is_a_usage_error(text: str) -> None:
    result = invoke("match", text)
    assert result.exit_code == 2 and "nothing to match" in result.output


def test_match_of_empty_stdin_is_a_usage_error() -> None:
    result = invoke("match", "-", input="")
    assert result.exit_code == 2 and "nothing to match" in result.output


@pytest.mark.parametrize("path", ["/var/log/does-not-exist.log", "./missing/runtime.log", "errors.txt"])
def test_match_of_a_path_that_does_not_exist_is_an_error_not_text(path: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = invoke("match", path)
    assert result.exit_code == 2 and "no such file" in result.output and path in result.output


def test_match_reads_an_existing_log_file(tmp_path: Path) -> None:
    log = tmp_path / "runtime.log"
    log.write_text("2026-07-01 ERROR exec /bin/sh: exec format error\n", encoding="utf-8")
    result = invoke("match", str(log), "--format", "json")
    assert result.exit_code == 0 and '"node": "image-arch"' in result.output


def test_error_text_with_slashes_is_still_text() -> None:
    result = invoke(
        "match", "is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:x:1:log-group:/aws/y"
    )
    assert result.exit_code == 0 and "aws-role-logs" in result.output


@pytest.mark.parametrize(
    "text",
    [
        "Runtime名バリデーションエラー [ValidationError] Runtime name must start with a letter and contain only letters, "
        "numbers, and underscores 原因: sandbox識別子（デフォルトでユーザー名）にハイフン等の禁止文字が含まれている",
        "ResourceNotFoundException: Agent runtime " + "x" * 300 + " not found",
    ],
    ids=["japanese-line", "long-ascii-line"],
)
def test_a_line_longer_than_a_file_name_is_text_not_an_error(text: str) -> None:
    """Seen: a pasted Japanese line of ~100 characters (over 255 bytes, the longest file name) ended `match` with
    "[Errno 36] File name too long" while it looked for a file of that name."""
    result = invoke("match", text)
    assert result.exit_code in (0, 1), result.output
    assert "Errno" not in result.output and "File name too long" not in result.output


def test_frequent_noise_never_outranks_the_one_real_error(playbook) -> None:  # type: ignore[no-untyped-def]
    noise = "ERROR Error in message router\nanyio.ClosedResourceError\n" * 40
    paste = noise + "ERROR exec /usr/local/bin/python: exec format error\n" + noise
    ranked = rank(playbook, paste)
    assert ranked[0].node == "image-arch" and not ranked[0].noise
    closed = next(m for m in ranked if m.node == "ep-closed-resource")
    assert closed.noise and ranked.index(closed) > 0
    # alone, the noise is still explained (first, marked as noise)
    alone = rank(playbook, noise)
    assert alone[0].node == "ep-closed-resource" and alone[0].noise


LOCAL_UVICORN_START = (
    "INFO:     Started server process [1234]\n"
    "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)\n"
)


@pytest.mark.parametrize(
    ("error", "node"),
    [
        ("WARNING  Missing Content-Type header in POST request", "ep-headers"),
        ('{"jsonrpc":"2.0","id":"server-error","error":{"code":-32600,"message":"Session not found"}}', "ep-stateful"),
    ],
)
def test_a_local_runs_loopback_start_line_is_not_the_diagnosis(playbook, error: str, node: str) -> None:  # type: ignore[no-untyped-def]
    """Every local uvicorn run logs its 127.0.0.1 start line: a paste of one ranks its real error, not the bind."""
    ranked = rank(playbook, LOCAL_UVICORN_START + error + "\n")
    assert [m.node for m in ranked] == [node]
    # with a sign that nothing reached the server, the loopback bind is the cause
    refused = rank(playbook, LOCAL_UVICORN_START + "Default STARTUP TCP probe failed for container on port 8080\n")
    assert refused[0].node == "project-unreachable-host"


def test_cli_marks_noise_and_ranks_it_last() -> None:
    result = invoke("match", "Error in message router ClosedResourceError; then: Token has expired")
    lines = [line for line in result.output.splitlines() if line[:2].strip().rstrip(".").isdigit()]
    assert "ep-auth" in lines[0] and "known noise" in lines[-1] and "ep-closed-resource" in lines[-1]


@pytest.mark.parametrize(
    ("section", "node"),
    [
        ("1", "ep-session-probe"),
        ("1.1", "aws-role"),
        ("1.2", "aws-logs"),
        ("1.3", "ep-handshake"),
        ("2.1", "aws-traces"),
        ("2.2", "project-start"),
        ("3.1", "ep-session-probe"),
        ("4.1", "ep-protocol"),
        ("uuid", "ep-uuid"),
    ],
)
def test_guide_section_names_a_start_node(playbook, section: str, node: str) -> None:  # type: ignore[no-untyped-def]
    assert node_for_start(playbook, section) == node


def test_run_start_accepts_a_guide_section() -> None:
    result = invoke("run", "--playbook", BOOK, "--start", "uuid")
    assert result.exit_code in (0, 1), result.output
    assert "started at ep-uuid (--start uuid: the node for that guide section)" in result.output
    bad = invoke("run", "--playbook", BOOK, "--start", "9.9")
    assert bad.exit_code == 2 and "no such node or guide section" in bad.output


FAMILIES = {
    ("1", "1"): "image-arch",
    ("1", "2"): "image-base-pull",
    ("1", "3"): "image-layers",
    ("1", "4"): "image-user",
    ("1", "5"): "runtime-mmds",
    ("2",): "aws-runtime-not-mcp",
    ("3",): "ep-runtime-unhealthy",
    ("7",): "ep-unknown-tool",
    ("8",): "runtime-error-passed-on",
    ("4", "1"): "otel-not-signed",
    ("4", "2"): "otel-collector-credentials",
    ("4", "3"): "otel-distro-old",
    ("4", "4"): "otel-export-limits",
    ("4", "5"): "otel-log-stream-noise",
    ("4", "6"): "aws-transaction-search-perms",
    ("5",): "gateway-target-failed",
    ("6",): "client-mcp-api",
}


@pytest.mark.parametrize(("answers", "node"), list(FAMILIES.items()), ids=list(FAMILIES.values()))
def test_each_family_is_walked_to_its_diagnosis(playbook, answers: tuple[str, ...], node: str) -> None:  # type: ignore[no-untyped-def]
    walk = Walk(playbook, Context())
    walk.answer("5")
    for key in answers:
        assert isinstance(walk.node, QuestionNode), walk.current
        walk.answer(key)
    assert walk.current == node and isinstance(walk.node, DiagnosisNode)
    assert walk.node.body.strip() and walk.node.signatures, node


@pytest.mark.parametrize("command", [("match",), ("logs", "--runtime", "r")])
def test_a_playbook_id_longer_than_a_file_name_is_an_unknown_playbook(command: tuple[str, ...]) -> None:
    """Seen: `--playbook` with a name longer than any file name ended in a bare OSError (Errno 36)."""
    text = ("Session not found",) if command == ("match",) else ()
    result = invoke(*command, "--playbook", "p" * 300, *text)
    assert result.exit_code == 2, result.output
    assert "Errno" not in result.output and "playbook" in result.output
