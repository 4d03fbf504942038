"""Client-code checks, the stateless fix and the role-helper check and fix, on the sample project's real files
(and, for the role helper, against moto's IAM: the patched helper really keeps the inline policy)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import pytest

from tui.checks.base import CheckContext
from tui.cli import resolve_playbook
from tui.context import Context, build_context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.engine.walk import Walk
from tui.playbook.model import DiagnosisNode
from tui.project.client_scan import analyse_client, python_files
from tui.registry import load_all
from tui.results import Status

CLIENT_CHECKS = (
    "project.client_session_header",
    "project.client_uuid_patch",
    "project.client_initialize_params",
    "project.client_mcp_api",
    "project.client_runtime_session_id",
)


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def run_check(check_id: str, project: Path):  # type: ignore[no-untyped-def]
    spec = load_all().checks[check_id]
    return spec.func(CheckContext(context=Context(project=str(project))), spec.params(dir=str(project)))


def walk_project(project: Path) -> tuple[str, list[str]]:
    walk = Walk(resolve_playbook("agentcore-mcp").playbook, Context(project=str(project)))
    walk.answer("4")
    for _ in range(10):
        if isinstance(walk.node, DiagnosisNode):
            return walk.current, walk.explain()
        asyncio.run(walk.advance())
    raise AssertionError(f"no diagnosis reached; at {walk.current}")


def test_healthy_client_passes(sample_project) -> None:
    project = sample_project()
    got = {c: run_check(c, project) for c in CLIENT_CHECKS}
    assert {c: r.status for c, r in got.items()} == dict.fromkeys(CLIENT_CHECKS, Status.PASS), got
    assert walk_project(project)[0] == "project-ok"


@pytest.mark.parametrize(
    ("defects", "check_id", "words", "node"),
    [
        (
            {"client-session-id", "stateful"},
            "project.client_session_header",
            ["stateful server + client-chosen Mcp-Session-Id", "my_mcp_client_remote.py:", "Session not found"],
            "ep-stateful",
        ),
        (
            {"client-v1-api"},
            "project.client_mcp_api",
            ["streamablehttp_client", "installs mcp 2.x", "mcp>=2.3,<3"],
            "client-mcp-api",
        ),
        (
            {"client-uuid-patch"},
            "project.client_uuid_patch",
            ["JSONRPCMessage.model_validate_json", "AttributeError"],
            "ep-uuid",
        ),
        (
            {"client-initialize-params"},
            "project.client_initialize_params",
            ["-32602 Invalid params"],
            "ep-internal-error",
        ),
    ],
)
def test_client_defects_fail_their_check_and_the_walk_names_the_node(
    sample_project, defects, check_id, words, node
) -> None:
    project = sample_project(defects)
    result = run_check(check_id, project)
    assert result.status is Status.FAIL, result.summary
    for word in words:
        assert word in result.summary, result.summary
    others = {c: run_check(c, project).status for c in CLIENT_CHECKS if c != check_id}
    assert set(others.values()) == {Status.PASS}, others
    reached, why = walk_project(project)
    assert reached == node, why


def test_session_header_with_a_stateless_server_only_warns(sample_project) -> None:
    result = run_check("project.client_session_header", sample_project({"client-session-id"}))
    assert result.status is Status.WARN and "stateless server ignores it" in result.summary


def test_session_header_without_a_readable_server_does_not_claim_stateful(sample_project) -> None:
    project = sample_project({"client-session-id"})
    (project / "mcp_server.py").write_text("print('no server here')\n")
    result = run_check("project.client_session_header", project)
    assert result.status is Status.WARN and "could not be read" in result.summary


def test_uuid_patch_on_1x_explains_the_id_0_mismatch(sample_project) -> None:
    project = sample_project({"client-uuid-patch"})
    (project / "requirements.txt").write_text("mcp>=1.12,<1.13\n")
    result = run_check("project.client_uuid_patch", project)
    assert result.status is Status.FAIL and 'id 0 comes back as "0"' in result.summary


def test_the_uuid_patch_really_raises_on_the_installed_mcp_2x(sample_project) -> None:
    """The check's claim, proven on the installed mcp: the guide's patch fails before anything is sent."""
    import mcp.types

    project = sample_project({"client-uuid-patch"})
    text = (project / "my_mcp_client_remote.py").read_text()
    patch = text[text.index("original_model_validate_json =") :].split("\n\n")[0]
    with pytest.raises(AttributeError, match="model_validate_json"):
        exec(patch, {"JSONRPCMessage": mcp.types.JSONRPCMessage})  # noqa: S102 - our own sample text


def test_client_scan_bounds_and_other_files(tmp_path: Path) -> None:
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "x.py").write_text("import mcp.client\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "probe.py").write_text(
        'from mcp.client.streamable_http import streamablehttp_client\nheaders = {}\nheaders["mcp-session-id"] = "s"\n'
        'BODY = \'{"jsonrpc": "2.0", "method": "initialize", "params": {}, "id": 1}\'\n'
    )
    (tmp_path / "tools" / "v2.py").write_text(
        "from mcp.client.streamable_http import streamable_http_client\n"
        "async def go(url):\n"
        "    async with streamable_http_client(url) as (read, write, get_session_id):\n"
        "        pass\n"
    )
    assert [f.line for f in analyse_client(tmp_path / "tools" / "v2.py").v1_api] == [3]
    (tmp_path / "tools" / "v2.py").unlink()
    files = list(python_files(tmp_path))
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["tools/probe.py"]
    code = analyse_client(files[0])
    assert [f.line for f in code.session_headers] == [3]
    assert [f.line for f in code.initialize_empty_params] == [4]
    assert [f.line for f in code.v1_api] == [1]


INVOKE_WITH_SESSION_IDS = """import secrets, time, uuid
import boto3
agentcore = boto3.client("bedrock-agentcore")
agentcore.invoke_agent_runtime(agentRuntimeArn=ARN, runtimeSessionId=uuid.uuid4().hex, payload=b"{}")
agentcore.invoke_agent_runtime(agentRuntimeArn=ARN, runtimeSessionId=str(uuid.uuid4()), payload=b"{}")
agentcore.invoke_agent_runtime(agentRuntimeArn=ARN, runtimeSessionId=f"chat-{int(time.time())}", payload=b"{}")
agentcore.invoke_agent_runtime(agentRuntimeArn=ARN, runtimeSessionId=f"chat-{uuid.uuid4().hex}", payload=b"{}")
headers = {"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": "user-42"}
headers["x-amzn-bedrock-agentcore-runtime-session-id"] = secrets.token_hex(8)
agentcore.invoke_agent_runtime(agentRuntimeArn=ARN, runtimeSessionId=session_id, payload=b"{}")
agentcore.invoke_agent_runtime(agentRuntimeArn=ARN, runtimeSessionId="s" * 40, payload=b"{}")
"""


def test_runtime_session_ids_are_flagged_only_when_their_length_is_certain(tmp_path: Path) -> None:
    """uuid4().hex (32), a timestamp id (15), a short literal (7) and token_hex(8) (16) cannot be 33-256 characters;
    str(uuid4()) (36), a prefixed hex uuid (37), a variable and an expression the scan does not evaluate are left
    alone: the check never guesses."""
    (tmp_path / "invoke.py").write_text(INVOKE_WITH_SESSION_IDS)
    found = analyse_client(tmp_path / "invoke.py").session_ids
    assert [(f.line, f.what.rsplit("(", 1)[-1]) for f in found] == [
        (4, "32 characters)"),
        (6, "15 characters)"),
        (8, "7 characters)"),
        (9, "16 characters)"),
    ], found


def test_a_too_short_runtime_session_id_fails_and_the_walk_names_its_node(sample_project) -> None:
    project = sample_project()
    (project / "invoke_runtime.py").write_text(
        "import uuid\nimport boto3\n\n"
        'boto3.client("bedrock-agentcore").invoke_agent_runtime(\n'
        '    agentRuntimeArn="arn", runtimeSessionId=uuid.uuid4().hex, payload=b"{}"\n)\n'
    )
    result = run_check("project.client_runtime_session_id", project)
    assert result.status is Status.FAIL, result.summary
    assert "invoke_runtime.py:5: runtimeSessionId=uuid.uuid4().hex (32 characters)" in result.summary
    assert "33-256" in result.summary
    others = {c: run_check(c, project).status for c in CLIENT_CHECKS if c != "project.client_runtime_session_id"}
    assert set(others.values()) == {Status.PASS}, others
    reached, why = walk_project(project)
    assert reached == "runtime-session-id", why


def test_no_client_code_is_skipped_not_green(tmp_path: Path) -> None:
    (tmp_path / "mcp_server.py").write_text("from mcp.server import MCPServer\n")
    for check_id in CLIENT_CHECKS:
        assert run_check(check_id, tmp_path).status is Status.SKIP


# ------------------------------------------------------------------------------ the stateless fix


@pytest.mark.parametrize(
    ("defects", "expect"),
    [
        ({"stateful"}, 'mcp.run("streamable-http", host="0.0.0.0", port=8000, stateless_http=True)'),
        ({"stateful", "fastmcp-import"}, 'mcp = FastMCP(host="0.0.0.0", stateless_http=True)'),
    ],
    ids=["mcp-2x-run", "mcp-1x-constructor"],
)
def test_stateless_fix_previews_applies_and_undoes(sample_project, defects, expect) -> None:
    project = sample_project(defects)
    server = project / "mcp_server.py"
    before = server.read_text()
    assert run_check("project.stateless", project).status is Status.WARN
    ctx = Context(project=str(project))
    plan = plan_fix("project.stateless", {"dir": str(project)}, ctx, {})
    assert plan.actions[0].diff.startswith("--- a/mcp_server.py")
    assert "-" in plan.preview() and "+" in plan.preview() and "stateless_http=True" in plan.preview()
    record = apply_plan(plan, ctx)
    assert record.outcome == "applied", record.error
    assert expect in server.read_text()
    assert run_check("project.stateless", project).status is Status.PASS
    assert plan_fix("project.stateless", {"dir": str(project)}, ctx, {}).noop
    undone, _ = undo_record(record.id, ctx)
    assert undone.outcome == "undone", undone.error
    assert server.read_text() == before


def test_stateless_fix_adds_the_setting_where_2x_wants_it(tmp_path: Path) -> None:
    from tui.project.patch import make_stateless

    text = 'from mcp.server import MCPServer\nmcp = MCPServer("x", stateless_http=False)\nmcp.run("streamable-http")\n'
    new, notes = make_stateless(text)
    assert (
        new
        == 'from mcp.server import MCPServer\nmcp = MCPServer("x")\nmcp.run("streamable-http", stateless_http=True)\n'
    )
    assert len(notes) == 2
    assert make_stateless("import os\n")[1] == ["no FastMCP/MCPServer server found: set stateless_http=True by hand"]


# ------------------------------------------------------------------------------ the role helper


def _load_helper(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"utils_{id(path)}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _add_triage_policy(role: str) -> None:
    import boto3

    boto3.client("iam").put_role_policy(
        RoleName=role,
        PolicyName="agentcore-triage-logs",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}],
            }
        ),
    )


def _inline_policies(role: str) -> list[str]:
    import boto3

    return sorted(boto3.client("iam").list_role_policies(RoleName=role)["PolicyNames"])


def test_role_helper_drops_the_fixes_policy_and_the_patched_one_keeps_it(seeded_aws, sample_project) -> None:
    info = seeded_aws()
    project = sample_project({"role-helper"}, runtime_arn=info.runtime_arn)
    helper = project / "utils.py"
    warned = run_check("project.role_helper", project)
    assert warned.status is Status.WARN
    assert "utils.py:" in warned.summary and "create_agentcore_role()" in warned.summary

    # unpatched: re-running the samples' helper loses agentcore-triage-logs (the defect is real)
    _add_triage_policy(info.role_name)
    _load_helper(helper).create_agentcore_role("mcp_server")
    assert _inline_policies(info.role_name) == ["AgentCorePolicy"]

    ctx = Context(project=str(project))
    plan = plan_fix("project.role_helper", {"dir": str(project)}, ctx, {})
    assert "+        _kept_inline_policies = {" in plan.preview()
    record = apply_plan(plan, ctx)
    assert record.outcome == "applied", record.error
    assert run_check("project.role_helper", project).status is Status.PASS

    _add_triage_policy(info.role_name)
    _load_helper(helper).create_agentcore_role("mcp_server")
    assert _inline_policies(info.role_name) == ["AgentCorePolicy", "agentcore-triage-logs"]

    undone, _ = undo_record(record.id, ctx)
    assert undone.outcome == "undone" and "_kept_inline_policies" not in helper.read_text()


def test_role_helper_warns_at_the_iam_fixes_node_with_its_fix(seeded_aws, sample_project) -> None:
    info = seeded_aws()
    project = sample_project({"role-helper"}, runtime_arn=info.runtime_arn)
    walk = Walk(
        resolve_playbook("agentcore-mcp").playbook, build_context(runtime=info.runtime_arn, project=str(project))
    )
    walk.answer("2")
    for _ in range(4):
        if walk.current == "aws-role":
            break
        asyncio.run(walk.advance())
    assert walk.current == "aws-role"
    results = asyncio.run(walk.run_node())
    assert results["project.role_helper"].status is Status.WARN
    offered = {o.ref.key: o.spec.id for o in walk.offered_fixes()}
    assert offered.get("p") == "project.role_helper"
    assert walk.decision()[0] == "aws-logs"  # a warning never re-routes the walk
