"""iam.role.workload_identity and the aws-role-workload-identity diagnosis, against the sandbox's moto server.

What the check asks comes from the AgentCore Runtime execution role policy (statement ``GetAgentAccessToken``,
https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-permissions.html): GetWorkloadAccessToken,
GetWorkloadAccessTokenForJWT and GetWorkloadAccessTokenForUserId on ``workload-identity-directory/default`` and on
``…/workload-identity/<agentName>-*``; a runtime with inbound JWT auth calls GetWorkloadAccessTokenForJWT on every
request (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/get-workload-access-token.html).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import boto3
import pytest
from test_i18n_checks_ja import english_phrases

from tui import i18n
from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.fixes import audit
from tui.playbook.loader import load_playbook
from tui.playbook.search import search_nodes
from tui.results import Status
from tui.sandbox.aws import ROLE_POLICY_NAME, role_policy
from tui.sandbox.aws_variants import reconfigure_runtime

PLAYBOOK = "playbooks/agentcore-mcp.yaml"
CHECK = "iam.role.workload_identity"
TOKEN_SID = "GetAgentAccessToken"


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def run(info: Any) -> Any:
    pb = load_playbook(PLAYBOOK).playbook
    context = build_context(runtime=info.runtime_arn, inputs={"log_window_minutes": 60})
    found = asyncio.run(run_doctor(pb, context, only=(CHECK,)))
    return next(f for f in found.findings if f.check == CHECK)


def put_sample_policy(info: Any, edit) -> None:  # type: ignore[no-untyped-def]
    """The sample's inline AgentCorePolicy with its GetAgentAccessToken statement changed by ``edit`` (None drops it)."""
    doc = role_policy(info.account_id, info.region, agent_name=info.runtime_name)
    statements = []
    for stmt in doc["Statement"]:
        if stmt.get("Sid") == TOKEN_SID:
            stmt = edit(stmt)
        if stmt is not None:
            statements.append(stmt)
    doc["Statement"] = statements
    boto3.client("iam").put_role_policy(
        RoleName=info.role_name, PolicyName=ROLE_POLICY_NAME, PolicyDocument=json.dumps(doc)
    )


def test_the_samples_role_passes_and_the_documented_resources_are_what_is_asked(seeded_aws):
    info = seeded_aws()
    f = run(info)
    assert f.status is Status.PASS, f.summary
    asked = {(r["action"], r["resource"]) for r in f.evidence["results"]}
    directory = f"arn:aws:bedrock-agentcore:{info.region}:{info.account_id}:workload-identity-directory/default"
    for action in ("GetWorkloadAccessToken", "GetWorkloadAccessTokenForJWT", "GetWorkloadAccessTokenForUserId"):
        assert (f"bedrock-agentcore:{action}", directory) in asked
        assert (f"bedrock-agentcore:{action}", f"{directory}/workload-identity/{info.runtime_id}") in asked


def test_a_jwt_runtime_whose_role_lacks_the_statement_fails_and_the_fix_grants_exactly_it(seeded_aws):
    info = seeded_aws()
    put_sample_policy(info, lambda stmt: None)
    f = run(info)
    assert f.status is Status.FAIL
    assert "bedrock-agentcore:GetWorkloadAccessToken" in f.summary and "no statement allows it" in f.summary
    assert f.fix is not None

    params = {
        "role_arn": info.role_arn,
        "scope": "workload_identity",
        "region": info.region,
        "account": info.account_id,
        "runtime_id": info.runtime_id,
    }
    plan = plan_fix("iam.role_policy", params, build_context(), {})
    (call,) = plan.actions
    doc = json.loads(call.params["PolicyDocument"])
    assert call.params["PolicyName"] == "agentcore-triage-workload_identity"
    directory = f"arn:aws:bedrock-agentcore:{info.region}:{info.account_id}:workload-identity-directory/default"
    assert sorted((s["Resource"], tuple(sorted(s["Action"]))) for s in doc["Statement"]) == sorted(
        [
            (directory, ACTIONS),
            (f"{directory}/workload-identity/{info.runtime_name}-*", ACTIONS),
        ]
    )
    assert all(s["Sid"].isalnum() for s in doc["Statement"])  # IAM refuses a Sid with "_"
    apply_plan(plan, build_context())
    assert run(info).status is Status.PASS
    (record,) = [r for r in audit.records() if r.outcome == "applied"]
    undo_record(record.id, build_context())
    assert (
        "agentcore-triage-workload_identity"
        not in boto3.client("iam").list_role_policies(RoleName=info.role_name)["PolicyNames"]
    )
    assert run(info).status is Status.FAIL


ACTIONS = tuple(
    sorted(
        (
            "bedrock-agentcore:GetWorkloadAccessToken",
            "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
            "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
        )
    )
)


def test_a_policy_written_for_another_agent_name_fails_naming_what_it_grants(seeded_aws):
    """agentcore-samples#136: the role grants on mcp_server_ac-*, the runtime's workload identity is mcp_server-…"""
    info = seeded_aws()

    def other_name(stmt: dict[str, Any]) -> dict[str, Any]:
        stmt["Resource"] = [r.replace(f"/{info.runtime_name}-*", "/mcp_server_ac-*") for r in stmt["Resource"]]
        return stmt

    put_sample_policy(info, other_name)
    f = run(info)
    assert f.status is Status.FAIL
    assert info.runtime_id in f.summary and "mcp_server_ac-*" in f.summary


def test_a_sigv4_runtime_only_warns(seeded_aws):
    info = seeded_aws()
    put_sample_policy(info, lambda stmt: None)
    reconfigure_runtime(info, authorizer=None)
    f = run(info)
    assert f.status is Status.WARN, f.summary
    assert "SigV4" in f.details and "X-Amzn-Bedrock-AgentCore-Runtime-User-Id" in f.details
    assert f.fix is not None  # the grant is still offered, as a precaution


def test_a_boundary_that_refuses_it_fails_and_withholds_the_grant(seeded_aws):
    info = seeded_aws()
    iam = boto3.client("iam")
    boundary = iam.create_policy(
        PolicyName="no-agentcore-identity",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "NotAction": "bedrock-agentcore:*", "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=info.role_name, PermissionsBoundary=boundary)
    f = run(info)
    assert f.status is Status.FAIL
    assert "no-agentcore-identity" in f.evidence["blocked_by"]
    assert f.fix is None  # an inline grant cannot pass a boundary: none is offered


def test_the_role_node_routes_a_failure_to_the_diagnosis():
    pb = load_playbook(PLAYBOOK).playbook
    node = pb.nodes["aws-role"]
    routes = [(w.check, w.goto, w.because) for w in node.when if getattr(w, "check", None) == CHECK]
    assert routes and routes[0][1] == "aws-role-workload-identity" and routes[0][2]
    assert "aws-role-workload-identity" in pb.nodes


@pytest.mark.parametrize(
    "text",
    [
        "User: arn:aws:sts::111122223333:assumed-role/agentcore-mcp_server-role/Genesis-serviceExecutor-1 is not "
        "authorized to perform: bedrock-agentcore:GetWorkloadAccessTokenForJWT on resource: arn:aws:bedrock-agentcore:"
        "us-east-1:111122223333:workload-identity-directory/default/workload-identity/mcp_server-AbCdEf1234",
        "An error occurred (AccessDeniedException) when calling the GetWorkloadAccessTokenForUserId operation: User: "
        "arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform this action",
    ],
)
def test_match_ranks_the_diagnosis_first(text: str) -> None:
    pb = load_playbook(PLAYBOOK).playbook
    assert [n for n, _ in search_nodes(pb, text, None)][:1] == ["aws-role-workload-identity"]


def test_the_token_texts_that_are_not_this_do_not_match() -> None:
    """No workload access token because SigV4 sent no user id is not a permission problem (corpus h2-qiita)."""
    pb = load_playbook(PLAYBOOK).playbook
    text = "ERROR: Workload access token has not been set. If invoking agent runtime via SIGV4 inbound auth"
    assert "aws-role-workload-identity" not in [n for n, _ in search_nodes(pb, text, None)]


def test_findings_are_japanese(seeded_aws):
    info = seeded_aws()
    put_sample_policy(info, lambda stmt: None)
    i18n.set_language("ja")
    try:
        failing = run(info)
        reconfigure_runtime(info, authorizer=None)
        warning = run(info)
    finally:
        i18n.set_language("en")
    assert (failing.status, warning.status) == (Status.FAIL, Status.WARN)
    for f in (failing, warning):
        for field in ("summary", "details", "remediation"):
            assert english_phrases(getattr(f, field) or "") == [], (field, getattr(f, field))
