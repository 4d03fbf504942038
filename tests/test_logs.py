"""`agentcore-triage logs` against the sandbox's moto: both groups, ranges, sessions, grep, classification,
ranking (noise last), the cap message, non-UTF-8 bytes, huge and multi-line messages, all runtimes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from tui.logs.command import logs_command
from tui.sandbox.logs_seed import LEAKED_TOKEN, NOISE_COUNT, seed_logs


@pytest.fixture
def seeded_logs(seeded_aws, aws_sandbox):
    info = seeded_aws({"logs-permission-missing"})
    seed = seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    return info, seed


def run(*args: str) -> Any:
    result = CliRunner().invoke(logs_command, list(args))
    assert not (result.exception and not isinstance(result.exception, SystemExit)), result.exception
    return result


def groups_of(result: Any) -> dict[str | None, dict[str, Any]]:
    data = json.loads(result.stdout)
    return {g["node"] or g["title"]: g for g in data["groups"]}


def test_reads_both_groups_classifies_ranks_and_redacts(seeded_logs):
    info, seed = seeded_logs
    result = run("--runtime", info.runtime_arn, "--since", "2h", "--format", "json")
    assert result.exit_code == 1  # actionable errors found
    data = json.loads(result.stdout)
    assert data["log_groups"] == [info.runtime_log_group, info.otel_log_group]
    assert [g["kind"] for g in data["runtime"]["log_groups"]] == ["runtime", "otel"]
    groups = groups_of(result)
    # seed() writes one AccessDenied line itself; seed_logs two more
    assert groups["aws-role-logs"]["count"] == seed.expected["aws-role-logs"] + 1
    closed = groups["ep-closed-resource"]
    assert closed["count"] == seed.expected["ep-closed-resource"]
    assert info.otel_log_group in closed["log_groups"] and info.runtime_log_group in closed["log_groups"]
    assert seed.session_id in closed["sessions"]
    # the huge message's error is its last line; the non-UTF-8 line still classifies
    assert groups["aws-transaction-search-off"]["count"] == 1
    assert groups["ep-host-protection"]["count"] == 1
    assert "\ufffd" in groups["ep-host-protection"]["last"]["message"]
    # the multi-line traceback: the sample is the line that matched, not the first line
    assert any("ClosedResourceError" in (s or {}).get("message", "") for s in (closed["first"], closed["last"]))
    # noise outnumbers every real error, yet ranks below all of them
    flags = [g["noise"] for g in data["groups"]]
    assert flags == sorted(flags) and flags[-1]  # actionable groups first, then noise
    cold_start = next(g for g in data["groups"] if "log stream does not exist" in g["signature"])
    assert cold_start["noise"] and cold_start["count"] == NOISE_COUNT
    assert cold_start["count"] > max(g["count"] for g in data["groups"] if not g["noise"])
    assert LEAKED_TOKEN not in result.output and "redacted" in groups["ep-headers"]["last"]["message"]


def test_text_names_each_error_with_its_node(seeded_logs):
    info, _ = seeded_logs
    result = run("--runtime", info.runtime_arn, "--since", "2h")
    out = result.stdout
    for node in ("[aws-role-logs]", "[ep-closed-resource]", "[aws-transaction-search-off]", "[ep-host-protection]"):
        assert node in out
    assert out.index("[aws-role-logs]") < out.index("noise · ")
    assert "Walk from the top error: agentcore-triage run --playbook agentcore-mcp --start aws-role-logs" in out
    assert "\x1b" not in out and "\udcff" not in out


def test_range_excludes_older_events(seeded_logs):
    info, seed = seeded_logs
    # the last 10 minutes: only the second AccessDenied line (5 min ago) and seed()'s line (now)
    start = str(seed.now_ms - 10 * 60_000)
    result = run("--runtime", info.runtime_arn, "--start", start, "--end", "now", "--format", "json")
    groups = groups_of(result)
    assert set(groups) == {"aws-role-logs"} and groups["aws-role-logs"]["count"] == 2
    assert seed.other_session_id in groups["aws-role-logs"]["sessions"]


def test_session_selects_that_sessions_events_in_both_groups(seeded_logs):
    info, seed = seeded_logs
    result = run("--runtime", info.runtime_arn, "--since", "2h", "--session", seed.session_id, "--format", "json")
    groups = groups_of(result)
    assert groups["aws-role-logs"]["count"] == 1 and groups["ep-closed-resource"]["count"] == 1
    assert groups["ep-closed-resource"]["log_groups"] == [info.otel_log_group]
    assert set(groups) == {"aws-role-logs", "ep-closed-resource"}


def test_grep_and_node_narrow(seeded_logs):
    info, _ = seeded_logs
    result = run("--runtime", info.runtime_arn, "--since", "2h", "--grep", "Invalid Host", "--format", "json")
    assert set(groups_of(result)) == {"ep-host-protection"}
    result = run("--runtime", info.runtime_arn, "--since", "2h", "--node", "ep-closed-resource", "--format", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2 and {e["node"] for e in lines} == {"ep-closed-resource"}
    assert {e["log_group"] for e in lines} == {info.runtime_log_group, info.otel_log_group}


def test_insights_and_filter_agree(seeded_logs):
    info, _ = seeded_logs
    counts = {}
    for via in ("filter", "insights"):
        result = run("--runtime", info.runtime_arn, "--since", "2h", "--via", via, "--format", "json", "-v")
        assert f"read via {via}" in result.stderr
        counts[via] = {k: g["count"] for k, g in groups_of(result).items()}
    assert counts["filter"] == counts["insights"]


def test_the_api_is_picked_per_range_and_said():
    from tui.logs.reader import ReadRequest, plan_read

    hour = 3_600_000
    assert plan_read(ReadRequest(["g"], 0, 24 * hour))[0] == "insights"
    assert plan_read(ReadRequest(["g"], 0, 2 * hour))[0] == "filter"
    assert plan_read(ReadRequest(["g"], 0, 24 * hour, strategy="filter"))[0] == "filter"


def test_long_range_says_which_api_and_why(seeded_logs, monkeypatch):
    from tui.logs import reader

    monkeypatch.setattr(reader, "_IGNORES_PATTERNS", {})  # nothing learnt earlier in this process
    info, seed = seeded_logs
    # A --session read first: its probe page holds only that session's lines, which proves nothing about patterns
    # (it once taught the reader, for the rest of the process, that moto honours them).
    run("--runtime", info.runtime_arn, "--since", "2h", "--session", seed.session_id, "--format", "json")
    result = run("--runtime", info.runtime_arn, "--since", "24h", "-v")
    # moto ignores filter patterns: the reader notices and says so instead of sending a useless pattern
    assert "read via filter: the server ignored a filter pattern" in result.stderr
    assert "[aws-role-logs]" in result.stdout


def test_cap_is_never_silent(seeded_logs):
    info, _ = seeded_logs
    result = run("--runtime", info.runtime_arn, "--since", "2h", "--max-events", "3")
    assert result.exit_code == 1
    assert "stopped at the cap of 3 events" in result.stderr and "Narrow with --since" in result.stderr


def test_missing_otel_group_is_said_not_fatal(seeded_aws):
    info = seeded_aws({"otel-log-group-missing"})
    result = run("--runtime", info.runtime_arn, "--since", "1h")
    assert f"log group {info.otel_log_group} does not exist" in result.stderr
    assert "[aws-otel-group-missing]" in result.stdout


def test_usage_errors_are_one_line(seeded_aws):
    info = seeded_aws()
    for args, words in (
        (["--since", "yesterday"], "use a duration"),
        (["--start", "2026-13-45"], "use ISO 8601"),
        (["--node", "no-such-node"], "no such node"),
        (["--since", "1h", "--start", "-2h"], "contradict"),
    ):
        result = run("--runtime", info.runtime_arn, *args)
        assert result.exit_code == 2 and words in result.output, (args, result.output)


def test_all_runtimes_reads_each_runtime(seeded_logs, aws_sandbox):
    import boto3
    from sandbox_fixtures import add_second_runtime

    info, _ = seeded_logs
    other = add_second_runtime(info.role_arn)
    from tui.sandbox.logs_seed import put

    logs = boto3.client("logs")
    group = f"/aws/bedrock-agentcore/runtimes/{other['agentRuntimeId']}-DEFAULT"
    import time

    put(logs, group, "s", [(int(time.time() * 1000) - 1000, "Invalid Host header")], create_group=True)
    result = run("--all-runtimes", "--since", "2h", "--format", "json")
    rows = {r["id"]: r for r in json.loads(result.stdout)["runtimes"]}
    assert rows[info.runtime_id]["top"][0]["node"] == "aws-role-logs"
    assert rows[other["agentRuntimeId"]]["top"] == [
        {"node": "ep-host-protection", "count": 1, "title": rows[other["agentRuntimeId"]]["top"][0]["title"]}
    ]
    text = run("--all-runtimes", "--since", "2h").stdout
    assert "other_server" in text and "ep-host-protection (1×)" in text and "aws-role-logs" in text


def test_sent_patterns_give_the_same_groups(seeded_logs, monkeypatch):
    """The path where CloudWatch honours the patterns (two OR chunks, each event counted once) gives what the
    emulator path gives: moto ignores patterns, and the reader applies each chunk's terms itself."""
    import tui.logs.reader as reader

    info, _ = seeded_logs
    baseline = {
        k: g["count"]
        for k, g in groups_of(run("--runtime", info.runtime_arn, "--since", "2h", "--format", "json")).items()
    }
    monkeypatch.setattr(reader, "_IGNORES_PATTERNS", {})
    monkeypatch.setattr(reader, "_ignores_patterns", lambda *a: False)
    result = run("--runtime", info.runtime_arn, "--since", "2h", "--format", "json", "-v")
    assert result.stderr.count("filter pattern: ") >= 2  # the signatures need several patterns of <= 1024 chars
    assert {k: g["count"] for k, g in groups_of(result).items()} == baseline


def test_otel_groups_are_found_in_dockerfile_and_agentcore_yaml(tmp_path):
    from tui.logs.targets import otel_groups_from_env, otel_groups_from_project

    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12\nENV AWS_REGION=us-east-1 \\\n"
        "    OTEL_EXPORTER_OTLP_LOGS_HEADERS=x-aws-log-group=agents/from-docker,x-aws-log-stream=default\n"
        'CMD ["opentelemetry-instrument", "python", "-m", "server"]\n'
    )
    (tmp_path / ".bedrock_agentcore.yaml").write_text(
        "default_agent: a\nagents:\n  a:\n    name: a\n    environment:\n"
        "      OTEL_EXPORTER_OTLP_LOGS_HEADERS: x-aws-log-group=agents/from-yaml,x-aws-log-stream=s\n"
    )
    assert otel_groups_from_project(str(tmp_path)) == [
        ("agents/from-docker", "Dockerfile ENV"),
        ("agents/from-yaml", ".bedrock_agentcore.yaml"),
    ]
    assert otel_groups_from_env({"OTEL_EXPORTER_OTLP_LOGS_HEADERS": "x-aws-log-group=agents/env"}) == ["agents/env"]
    assert otel_groups_from_project(str(tmp_path / "missing")) == []


def test_the_heap_is_unfrozen_when_the_command_ends(seeded_logs):
    """The command keeps the collector off its start-up heap and collects less often while it runs; run inside
    another process (here pytest, or the TUI) it must leave the collector as it found it, however it ends."""
    import gc

    info, _ = seeded_logs
    thresholds = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    assert run("--runtime", info.runtime_arn, "--since", "2h", "--format", "json").exit_code == 1
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    assert run("--runtime", info.runtime_arn, "--since", "yesterday").exit_code == 2
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds


def test_a_host_that_froze_its_heap_keeps_it_frozen(seeded_logs):
    """The collector can only unfreeze everything at once: a command run inside a process that froze its own heap
    (an embedding tool, a test runner) must not undo that freeze when it ends."""
    import gc

    info, _ = seeded_logs
    gc.freeze()  # garbage included: a full collection of the worker's heap first cost 0.3-0.5 s and proves nothing here
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert run("--runtime", info.runtime_arn, "--since", "2h", "--format", "json").exit_code == 1
        # Frozen objects freed by reference counting leave the frozen generation; an unfreeze would have emptied it.
        assert gc.get_freeze_count() > frozen // 2
    finally:
        gc.unfreeze()  # the rest of the suite runs with the collector as this test found it
