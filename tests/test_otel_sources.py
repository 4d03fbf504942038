"""The OTEL log group named beyond the runtime's environment (Dockerfile ENV, agentcore YAML, code), and the
group fix that also creates the stream the exporter writes to; against the sandbox's moto server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import boto3
import pytest

from tui.checks.aws.otel_sources import project_otel_targets
from tui.checks.base import CheckContext
from tui.cli import resolve_playbook
from tui.context import build_context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.engine.walk import Walk
from tui.playbook.model import DiagnosisNode
from tui.registry import load_all
from tui.results import Status
from tui.sandbox.runtime_faults import apply_runtime_fault


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def run(info, project: Path | None, log_group: str = "", log_stream: str = ""):  # type: ignore[no-untyped-def]
    spec = load_all().checks["logs.otel.sources"]
    ctx = CheckContext(context=build_context(runtime=info.runtime_arn, project=str(project) if project else None))
    return spec.func(ctx, spec.params(log_group=log_group, log_stream=log_stream, region=info.region))


def streams(group: str) -> list[str]:
    return [s["logStreamName"] for s in boto3.client("logs").describe_log_streams(logGroupName=group)["logStreams"]]


def test_healthy_sample_passes_with_the_runtime_environment(seeded_aws, sample_project) -> None:
    info = seeded_aws()
    result = run(info, sample_project(), info.otel_log_group, "default")
    assert result.status is Status.PASS, result.summary
    assert "agents/mcp-server-logs/default" in result.summary


def test_group_named_only_in_the_dockerfile_is_found_and_created_with_its_stream(seeded_aws, sample_project) -> None:
    info = seeded_aws({"otel-log-group-missing"})
    project = sample_project({"otel-env-in-dockerfile"}, runtime_arn=info.runtime_arn)
    assert run(info, None).status is Status.SKIP  # the runtime's environment alone would not say
    result = run(info, project)
    assert result.status is Status.FAIL
    assert "agents/mcp-server-logs (named in Dockerfile line 10 (ENV)) does not exist" in result.summary
    assert result.facts == {"otel.missing_group": "agents/mcp-server-logs", "otel.missing_stream": "default"}

    ctx = build_context(runtime=info.runtime_arn)
    plan = plan_fix(
        "logs.create_group",
        {"log_group": "{otel.missing_group}", "log_stream": "{otel.missing_stream}", "region": info.region},
        ctx,
        result.facts,
    )
    assert [(a.operation, a.params) for a in plan.actions] == [
        ("create_log_group", {"logGroupName": "agents/mcp-server-logs"}),
        ("create_log_stream", {"logGroupName": "agents/mcp-server-logs", "logStreamName": "default"}),
    ]
    record = apply_plan(plan, ctx)
    assert record.outcome == "applied", record.error
    assert streams("agents/mcp-server-logs") == ["default"]
    assert run(info, project).status is Status.PASS
    undone, _ = undo_record(record.id, ctx)
    assert undone.outcome == "undone"
    assert run(info, project).status is Status.FAIL


def test_missing_stream_in_an_existing_group_warns_and_the_fix_creates_only_the_stream(seeded_aws) -> None:
    info = seeded_aws()
    logs = boto3.client("logs")
    logs.delete_log_stream(logGroupName=info.otel_log_group, logStreamName="default")
    result = run(info, None, info.otel_log_group, "default")
    assert result.status is Status.WARN and "stream default" in result.summary
    ctx = build_context(runtime=info.runtime_arn)
    plan = plan_fix("logs.create_group", {"log_group": info.otel_log_group, "log_stream": "default"}, ctx, {})
    assert [a.operation for a in plan.actions] == ["create_log_stream"]
    assert [a.operation for a in plan.undo] == ["delete_log_stream"]
    record = apply_plan(plan, ctx)
    assert record.outcome == "applied", record.error
    assert run(info, None, info.otel_log_group, "default").status is Status.PASS
    assert plan_fix("logs.create_group", {"log_group": info.otel_log_group, "log_stream": "default"}, ctx, {}).noop


def test_a_missing_group_from_the_runtime_environment_is_left_to_logs_group_otel(seeded_aws) -> None:
    info = seeded_aws({"otel-log-group-missing"})
    result = run(info, None, info.otel_log_group, "default")
    assert result.status is Status.SKIP and "logs.group.otel reports it" in result.summary


def test_the_runtime_environment_shadows_the_projects_names(seeded_aws, tmp_path: Path) -> None:
    info = seeded_aws()
    (tmp_path / "deploy.py").write_text(
        'env = {"OTEL_EXPORTER_OTLP_LOGS_HEADERS": "x-aws-log-group=agents/other,x-aws-log-stream=s1"}\n'
    )
    (tmp_path / ".bedrock_agentcore.yaml").write_text("agents: {}\n# x-aws-log-group=agents/yaml-group\n")
    named = project_otel_targets(tmp_path)
    assert {(t["group"], t["stream"]) for t in named} == {("agents/other", "s1"), ("agents/yaml-group", "default")}
    result = run(info, tmp_path, info.otel_log_group, "default")
    assert result.status is Status.PASS
    assert {t["group"] for t in result.evidence["shadowed_by_runtime_environment"]} == {
        "agents/other",
        "agents/yaml-group",
    }


def test_walk_from_the_aws_side_ends_at_the_missing_group(seeded_aws, sample_project) -> None:
    info = seeded_aws({"otel-log-group-missing"})
    apply_runtime_fault(info, "otel-env-missing")
    project = sample_project({"otel-env-in-dockerfile"}, runtime_arn=info.runtime_arn)
    walk = Walk(
        resolve_playbook("agentcore-mcp").playbook, build_context(runtime=info.runtime_arn, project=str(project))
    )
    walk.answer("2")
    for _ in range(12):
        if isinstance(walk.node, DiagnosisNode):
            break
        asyncio.run(walk.advance())
    assert walk.current == "aws-otel-group-missing", walk.explain()
    assert any("the OTEL log group the project names does not exist" in line for line in walk.explain())
    offered = {o.ref.key: o.ref.params for o in walk.offered_fixes("aws-logs")}
    assert offered["g"]["log_group"] == "{otel.missing_group}"
    assert walk.facts["otel.missing_group"] == "agents/mcp-server-logs"
