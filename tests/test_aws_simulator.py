"""The real-AWS path of the iam.role.* checks: IAM's policy simulator, on answers shaped like AWS's.

moto has no ``SimulatePrincipalPolicy``, so this one operation is answered by a handler on
botocore's own ``before-call`` event (what ``botocore.stub.Stubber`` does), on the very client
the checks use; every other call goes to the sandbox's moto. The answers are built against the
botocore model: every enum value is one the model lists (``PolicySourceType`` is ``role``,
``user-managed``, ``resource``…, never a label of our own), ``StartPosition`` points at where the
statement starts in the stored document, and a long answer comes in several ``Marker`` pages.
The AWS call recorder (tests/aws_recorder.py) walks each page against the output shape, and
``test_answers_are_valid_for_the_model`` does it explicitly.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.playbook.loader import load_playbook
from tui.results import Status
from tui.sandbox.aws import BOUNDARY_POLICY_NAME, ROLE_POLICY_NAME, role_policy

try:
    from tests.aws_recorder import validate_output
except ModuleNotFoundError:  # bare `pytest` puts tests/ itself on sys.path
    from aws_recorder import validate_output  # type: ignore[no-redef]

PLAYBOOK = "playbooks/agentcore-mcp.yaml"
ROLE_CHECKS = ("aws.identity", "runtime.discover", "iam.role.logs", "iam.role.xray", "iam.role.metrics", "iam.role.ecr")


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))


def statement_positions(document: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    """(start line, start column, end line, end column) of each statement in the document as stored (indent 4)."""
    text = json.dumps(document, indent=4)
    lines = text.splitlines()
    out = []
    depth_line = None
    for n, line in enumerate(lines, 1):
        if line == "        {":  # a statement object inside "Statement": [ ... ] at indent 8
            depth_line = n
        elif line in ("        },", "        }") and depth_line is not None:
            out.append((depth_line, 9, n, 10))
            depth_line = None
    return out


@dataclass
class Simulator:
    """Answers iam:SimulatePrincipalPolicy per action from a table, several pages per call."""

    decide: Callable[[str, str], dict[str, Any]]
    """(action, resource) → the EvaluationResults item without EvalActionName/EvalResourceName."""
    page_size: int = 1
    calls: list[dict[str, Any]] = field(default_factory=list)
    deny_the_caller: bool = False

    def answer(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(dict(params))
        if self.deny_the_caller:
            return 403, {
                "Error": {
                    "Type": "Sender",
                    "Code": "AccessDenied",
                    "Message": "User: arn:aws:iam::123456789012:user/triage is not authorized to perform: "
                    "iam:SimulatePrincipalPolicy on resource: role agentcore-mcp_server-role",
                }
            }
        resource = params["ResourceArns"][0]
        results = [
            {"EvalActionName": a, "EvalResourceName": resource, **self.decide(a, resource)}
            for a in params["ActionNames"]
        ]
        start = int(params.get("Marker") or 0)
        page = results[start : start + self.page_size]
        more = start + self.page_size < len(results)
        return 200, {
            "EvaluationResults": page,
            "IsTruncated": more,
            **({"Marker": str(start + self.page_size)} if more else {}),
        }


@pytest.fixture
def simulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Simulator]]:
    """Factory: install a ``Simulator`` on every IAM client made from now on (fresh per-run client cache)."""
    import botocore.awsrequest

    from tui.aws import roles, session

    monkeypatch.setattr(roles, "_NO_SIMULATOR", {})  # earlier tests learnt that moto lacks it
    monkeypatch.setattr(roles, "_SIMULATOR_OK", set())
    session.reset_sessions()
    real_session_for = session.session_for
    installed: list[Simulator] = []

    def remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["simulator_params"] = dict(params)

    def respond(model: Any, context: dict[str, Any], **_: Any) -> Any:
        status, body = installed[-1].answer(context["simulator_params"])
        if status == 200:
            problems = validate_output(model, body)
            assert problems == [], problems  # a hand-built answer AWS would never send proves nothing
        http = botocore.awsrequest.AWSResponse("https://iam.amazonaws.com/", status, {}, None)
        return http, {**body, "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "sim"}}

    def session_for(context: Any) -> Any:
        s = real_session_for(context)
        s.events.register("provide-client-params.iam.SimulatePrincipalPolicy", remember_params, unique_id="sim-params")
        s.events.register("before-call.iam.SimulatePrincipalPolicy", respond, unique_id="sim-respond")
        return s

    monkeypatch.setattr(session, "session_for", session_for)

    def factory(decide: Callable[[str, str], dict[str, Any]], **kwargs: Any) -> Simulator:
        installed.append(Simulator(decide, **kwargs))
        return installed[-1]

    yield factory
    session.reset_sessions()


def doctor(runtime: str) -> dict[str, Any]:
    pb = load_playbook(PLAYBOOK).playbook
    run = asyncio.run(run_doctor(pb, build_context(runtime=runtime), only=ROLE_CHECKS))
    out: dict[str, Any] = {}
    for f in run.findings:
        out.setdefault(f.check, f)
    return out


def matched(policy: str, kind: str, index: int, document: dict[str, Any]) -> dict[str, Any]:
    line, col, end_line, end_col = statement_positions(document)[index]
    return {
        "SourcePolicyId": policy,
        "SourcePolicyType": kind,
        "StartPosition": {"Line": line, "Column": col},
        "EndPosition": {"Line": end_line, "Column": end_col},
    }


def sample_decider(info: Any, faults: frozenset[str] = frozenset()) -> Callable[[str, str], dict[str, Any]]:
    """What the simulator answers for the seeded sample role: each action matched by its real statements."""
    doc = role_policy(info.account_id, info.region, faults)
    statements = doc["Statement"]

    def decide(action: str, resource: str) -> dict[str, Any]:
        from tui.aws.policy_eval import PolicyDoc, statement_applies

        pd = PolicyDoc.parse(ROLE_POLICY_NAME, doc)
        context = {"cloudwatch:namespace": "bedrock-agentcore"}
        hits = [i for i, s in enumerate(pd.statements()) if statement_applies(s, action, resource, context=context)]
        effects = {statements[i]["Effect"] for i in hits}
        decision = "explicitDeny" if "Deny" in effects else ("allowed" if hits else "implicitDeny")
        return {
            "EvalDecision": decision,
            "MatchedStatements": [matched(ROLE_POLICY_NAME, "role", i, doc) for i in hits],
            "MissingContextValues": [],
        }

    return decide


def test_answers_are_valid_for_the_model():
    """The validator the recorder uses rejects what the Stubber let through (an enum value of our own)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("iam").operation_model("SimulatePrincipalPolicy")
    good = {
        "EvaluationResults": [
            {
                "EvalActionName": "logs:PutLogEvents",
                "EvalDecision": "allowed",
                "MatchedStatements": [{"SourcePolicyId": "AgentCorePolicy", "SourcePolicyType": "role"}],
            }
        ],
        "IsTruncated": False,
    }
    assert validate_output(model, good) == []
    bad = json.loads(json.dumps(good))
    bad["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyType"] = "IAM Policy"
    bad["EvaluationResults"][0]["EvalDecision"] = "denied"
    problems = validate_output(model, bad)
    assert any("'IAM Policy' is not one of" in p for p in problems)
    assert any("'denied' is not one of" in p for p in problems)
    del bad["EvaluationResults"][0]["EvalActionName"]
    assert any("EvalActionName: required member missing" in p for p in validate_output(model, bad))


def test_multi_statement_answers_are_attributed_to_their_statements_over_several_pages(seeded_aws, simulator):
    """Issue 18 §2: positions name the statement (the Deny, not "statement #1"), and every Marker page is read."""
    faults = frozenset({"logs-deny-putlogevents"})
    info = seeded_aws(faults)
    sim = simulator(sample_decider(info, faults), page_size=1)
    found = doctor(info.runtime_arn)
    logs = found["iam.role.logs"]
    assert logs.status is Status.FAIL and logs.evidence["method"] == "SimulatePrincipalPolicy"
    assert "logs:PutLogEvents" in logs.summary and "DenyLogWrites" in logs.summary, logs.summary
    results = {(r["action"], r["resource"]): r for r in logs.evidence["results"]}
    otel_stream = f"arn:aws:logs:{info.region}:{info.account_id}:log-group:{info.otel_log_group}:log-stream:default"
    create = results[("logs:CreateLogStream", otel_stream)]
    assert create["decision"] == "allowed" and create["decided_by"]["sid"] == "OtelLogGroupAccess"
    put = results[("logs:PutLogEvents", otel_stream)]
    assert put["decided_by"]["sid"] == "DenyLogWrites" and put["decided_by"]["effect"] == "Deny"
    assert put["decided_by"]["position"]["line"] > create["decided_by"]["position"]["line"]
    labels = {r["explanation"] for r in logs.evidence["results"]}
    assert not any("statement #1 " in label for label in labels), labels
    # two actions per call, one result per page: every call was followed by a second page with its Marker
    markers = [c.get("Marker") for c in sim.calls]
    assert {"1", "2", "3"} <= set(markers)  # the four X-Ray actions came one per page
    for n, call in enumerate(sim.calls):  # checks run in parallel: calls of different checks interleave
        if call.get("Marker"):
            page_before = str(int(call["Marker"]) - 1) if call["Marker"] != "1" else None
            same_question = {k: v for k, v in call.items() if k != "Marker"}
            assert any(
                {k: v for k, v in c.items() if k != "Marker"} == same_question and c.get("Marker") == page_before
                for c in sim.calls[:n]
            ), call  # the same question, next page, after the page before
    xray = found["iam.role.xray"]
    assert xray.status is Status.PASS and xray.evidence["method"] == "SimulatePrincipalPolicy"
    assert "service control policies" not in xray.evidence["not_evaluated"]  # the simulator evaluates SCPs


def test_a_boundary_answer_names_the_boundary_and_withholds_the_grant(seeded_aws, simulator):
    info = seeded_aws({"permissions-boundary"})
    base = sample_decider(info)
    boundary_doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "NoTelemetryWrites", "Effect": "Allow", "NotAction": ["cloudwatch:*", "logs:*"], "Resource": "*"}
        ],
    }

    def decide(action: str, resource: str) -> dict[str, Any]:
        answer = base(action, resource)
        if action.startswith(("logs:", "cloudwatch:")):
            # AWS: the identity Allow matched, the boundary allowed nothing: implicitDeny
            return {
                **answer,
                "EvalDecision": "implicitDeny",
                "PermissionsBoundaryDecisionDetail": {"AllowedByPermissionsBoundary": False},
            }
        return {
            **answer,
            "MatchedStatements": answer["MatchedStatements"]
            + [matched(BOUNDARY_POLICY_NAME, "user-managed", 0, boundary_doc)],
            "PermissionsBoundaryDecisionDetail": {"AllowedByPermissionsBoundary": True},
        }

    simulator(decide, page_size=10)
    found = doctor(info.runtime_arn)
    metrics = found["iam.role.metrics"]
    assert metrics.status is Status.FAIL
    assert (
        f"permissions boundary {BOUNDARY_POLICY_NAME}" in metrics.summary
        and "[SimulatePrincipalPolicy]" in metrics.summary
    )
    assert "the role's own policies allow it" in metrics.summary
    assert metrics.fix is None
    xray = found["iam.role.xray"]
    assert xray.status is Status.PASS
    [result] = [r for r in xray.evidence["results"] if r["action"] == "xray:PutTraceSegments"]
    assert result["decided_by"]["kind"] == "inline"


def test_an_scp_answer_says_the_organization_denies_it(seeded_aws, simulator):
    info = seeded_aws()
    base = sample_decider(info)

    def decide(action: str, resource: str) -> dict[str, Any]:
        answer = base(action, resource)
        if action == "cloudwatch:PutMetricData":
            # an SCP Deny: explicitDeny, no matched statement of the role's, AllowedByOrganizations false
            return {
                "EvalDecision": "explicitDeny",
                "MatchedStatements": [],
                "OrganizationsDecisionDetail": {"AllowedByOrganizations": False},
            }
        return {**answer, "OrganizationsDecisionDetail": {"AllowedByOrganizations": True}}

    simulator(decide, page_size=10)
    found = doctor(info.runtime_arn)
    metrics = found["iam.role.metrics"]
    assert metrics.status is Status.FAIL and "service control policy" in metrics.summary
    assert metrics.fix is None and "management account" in metrics.details
    assert found["iam.role.logs"].status is Status.PASS


def test_a_resource_policy_statement_is_labelled_as_such(seeded_aws, simulator):
    info = seeded_aws({"logs-permission-missing"})
    resource_doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Other",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "ecr:DescribeImages",
                "Resource": "*",
            },
            {"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": info.role_arn}, "Action": "ecr:*", "Resource": "*"},
        ],
    }
    base = sample_decider(info, frozenset({"logs-permission-missing"}))

    def decide(action: str, resource: str) -> dict[str, Any]:
        answer = base(action, resource)
        if action.startswith("logs:"):
            return {
                **answer,
                "EvalDecision": "allowed",
                "MatchedStatements": [matched("RepositoryPolicy", "resource", 1, resource_doc)],
            }
        return answer

    simulator(decide, page_size=3)
    found = doctor(info.runtime_arn)
    logs = found["iam.role.logs"]
    assert logs.status is Status.PASS
    [r] = [r for r in logs.evidence["results"] if r["action"] == "logs:PutLogEvents"][:1]
    assert (
        r["decided_by"]["kind"] == "resource"
        and r["decided_by"]["position"]["line"] == statement_positions(resource_doc)[1][0]
    )
    assert "resource policy RepositoryPolicy statement at line" in r["explanation"]


def test_a_denied_simulator_is_asked_once_not_by_every_check(seeded_aws, simulator):
    info = seeded_aws()
    sim = simulator(sample_decider(info), deny_the_caller=True)
    found = doctor(info.runtime_arn)
    assert len(sim.calls) == 1, sim.calls
    for check in ("iam.role.logs", "iam.role.xray", "iam.role.metrics", "iam.role.ecr"):
        f = found[check]
        assert f.status is Status.PASS and f.evidence["method"] == "local evaluation"
        assert "lacks iam:SimulatePrincipalPolicy" in f.evidence["simulator_not_used"]


def test_the_boundary_fix_is_refused_when_the_caller_may_not_edit_the_boundary(seeded_aws, simulator):
    """§1: the boundary change is offered only where the caller may edit it; else it says who must."""
    from tui.engine.fixing import FixError, plan_fix

    info = seeded_aws({"permissions-boundary"})
    base = sample_decider(info)

    def decide(action: str, resource: str) -> dict[str, Any]:
        if action.startswith("iam:"):  # the caller's own permissions on the boundary policy
            return {"EvalDecision": "implicitDeny", "MatchedStatements": [], "MissingContextValues": []}
        answer = base(action, resource)
        if action.startswith(("logs:", "cloudwatch:")):
            return {
                **answer,
                "EvalDecision": "implicitDeny",
                "PermissionsBoundaryDecisionDetail": {"AllowedByPermissionsBoundary": False},
            }
        return answer

    simulator(decide, page_size=10)
    params = {
        "role_arn": info.role_arn,
        "region": info.region,
        "account": info.account_id,
        "log_groups": [info.runtime_log_group],
    }
    with pytest.raises(FixError, match=r"may not edit boundary agentcore-runtime-boundary.*Whoever manages IAM"):
        plan_fix("iam.boundary_policy", params, build_context(), {})


def test_the_recorder_rejects_motos_own_runtime_arn_format():
    """What the sandbox rewrites (moto's ``…:agent/<uuid>:<version>``) is what the model, and AWS, reject."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("bedrock-agentcore-control")
    op = model.operation_model("ListAgentRuntimes")
    runtime = {
        "agentRuntimeId": "mcp_server-AbCdEfGhIj",
        "agentRuntimeName": "mcp_server",
        "agentRuntimeVersion": "1",
        "description": "x",
        "lastUpdatedAt": __import__("datetime").datetime(2026, 1, 1),
        "status": "READY",
    }
    real = {
        **runtime,
        "agentRuntimeArn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEfGhIj",
    }
    moto_style = {
        **runtime,
        "agentRuntimeArn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:agent/8c5e0a4e-1f2b-4c3d-9e8f-0a1b2c3d4e5f:1",
    }
    assert validate_output(op, {"agentRuntimes": [real]}) == []
    assert any("does not match the model pattern" in p for p in validate_output(op, {"agentRuntimes": [moto_style]}))
