"""The local IAM policy evaluator, on the sample's and the toolkit's real policies (research §2.3, §3.2, §3.4)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.aws.policy_eval import PolicyDoc, evaluate, evaluate_all, glob_match
from tui.aws.roles import needs_logs, needs_metrics, needs_xray

R, A = "us-east-1", "123456789012"
RT = "mcp_server-4jYLS0BaZ6"
RUNTIME_GROUP = f"arn:aws:logs:{R}:{A}:log-group:/aws/bedrock-agentcore/runtimes/{RT}-DEFAULT"
OTEL_GROUP = f"arn:aws:logs:{R}:{A}:log-group:agents/mcp-server-logs"

# research §2.3: create_agentcore_role(agent_name) — inline policy AgentCorePolicy, verbatim structure
SAMPLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "BedrockPermissions",
            "Effect": "Allow",
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            "Resource": "*",
        },
        {
            "Sid": "ECRImageAccess",
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": [f"arn:aws:ecr:{R}:{A}:repository/*"],
        },
        {
            "Effect": "Allow",
            "Action": ["logs:DescribeLogStreams", "logs:CreateLogGroup"],
            "Resource": [f"arn:aws:logs:{R}:{A}:log-group:/aws/bedrock-agentcore/runtimes/*"],
        },
        {"Effect": "Allow", "Action": ["logs:DescribeLogGroups"], "Resource": [f"arn:aws:logs:{R}:{A}:log-group:*"]},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"arn:aws:logs:{R}:{A}:log-group:/aws/bedrock-agentcore/runtimes/*:log-stream:*"],
        },
        {"Sid": "ECRTokenAccess", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            "Resource": ["*"],
        },
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": "cloudwatch:PutMetricData",
            "Condition": {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}},
        },
        {
            "Sid": "GetAgentAccessToken",
            "Effect": "Allow",
            "Action": [
                "bedrock-agentcore:GetWorkloadAccessToken",
                "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
                "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
            ],
            "Resource": [
                f"arn:aws:bedrock-agentcore:{R}:{A}:workload-identity-directory/default",
                f"arn:aws:bedrock-agentcore:{R}:{A}:workload-identity-directory/default/workload-identity/mcp_server-*",
            ],
        },
    ],
}

# research §3.2: the toolkit's execution_role_policy.json.j2 (container runtime, the statements that matter here)
TOOLKIT_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ECRImageAccess",
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": [f"arn:aws:ecr:{R}:{A}:repository/bedrock-agentcore-mcp_server"],
        },
        {"Sid": "ECRTokenAccess", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": ["logs:DescribeLogStreams", "logs:CreateLogGroup"],
            "Resource": [f"arn:aws:logs:{R}:{A}:log-group:/aws/bedrock-agentcore/runtimes/*"],
        },
        {"Effect": "Allow", "Action": ["logs:DescribeLogGroups"], "Resource": [f"arn:aws:logs:{R}:{A}:log-group:*"]},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"arn:aws:logs:{R}:{A}:log-group:/aws/bedrock-agentcore/runtimes/*:log-stream:*"],
        },
        {
            "Effect": "Allow",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            "Resource": ["*"],
        },
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": "cloudwatch:PutMetricData",
            "Condition": {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}},
        },
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:PutDeliverySource",
                "logs:PutDeliveryDestination",
                "logs:CreateDelivery",
                "logs:GetDeliverySource",
                "logs:DeleteDeliverySource",
                "logs:DeleteDeliveryDestination",
            ],
            "Resource": "*",
        },
        {
            "Sid": "BedrockModelInvocation",
            "Effect": "Allow",
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:ApplyGuardrail"],
            "Resource": [
                "arn:aws:bedrock:*::foundation-model/*",
                "arn:aws:bedrock:*:*:inference-profile/*",
                f"arn:aws:bedrock:{R}:{A}:*",
            ],
        },
    ],
}

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AssumeRolePolicy",
            "Effect": "Allow",
            "Principal": {"Service": "bedrock-agentcore.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": A},
                "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock-agentcore:{R}:{A}:*"},
            },
        }
    ],
}

SPANS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TransactionSearchXRayAccess",
            "Effect": "Allow",
            "Principal": {"Service": "xray.amazonaws.com"},
            "Action": "logs:PutLogEvents",
            "Resource": [
                f"arn:aws:logs:{R}:{A}:log-group:aws/spans:*",
                f"arn:aws:logs:{R}:{A}:log-group:/aws/application-signals/data:*",
            ],
            "Condition": {
                "ArnLike": {"aws:SourceArn": f"arn:aws:xray:{R}:{A}:*"},
                "StringEquals": {"aws:SourceAccount": A},
            },
        }
    ],
}

sample = PolicyDoc.parse("AgentCorePolicy", SAMPLE_POLICY)
toolkit = PolicyDoc.parse("BedrockAgentCoreRuntimeExecutionPolicy-mcp_server", TOOLKIT_POLICY)
WRONG_PREFIX = PolicyDoc.parse(
    "TerraformPolicy",
    {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{R}:{A}:log-group:/aws/bedrock/agentcore/*",
            }
        ]
    },
)
DENY = PolicyDoc.parse(
    "Guardrail", {"Statement": {"Sid": "NoLogWrites", "Effect": "Deny", "Action": "logs:Put*", "Resource": "*"}}
)


@pytest.mark.parametrize(
    ("policy", "action", "resource", "context", "decision", "certain", "sid_or_index"),
    [
        # the sample role writes its own runtime log group ...
        (sample, "logs:PutLogEvents", f"{RUNTIME_GROUP}:log-stream:otel-rt-logs", None, "allowed", True, 4),
        (sample, "logs:CreateLogGroup", RUNTIME_GROUP, None, "allowed", True, 2),
        (sample, "logs:describelogstreams", RUNTIME_GROUP, None, "allowed", True, 2),  # actions are case-insensitive
        # ... but not the custom OTEL group of the guide's §1.1 (the sample grants nothing on agents/*)
        (sample, "logs:PutLogEvents", f"{OTEL_GROUP}:log-stream:default", None, "implicitDeny", True, None),
        # PutLogEvents on the group ARN itself (no :log-stream:) is not covered by the stream pattern
        (sample, "logs:PutLogEvents", RUNTIME_GROUP, None, "implicitDeny", True, None),
        (sample, "xray:PutTraceSegments", "*", None, "allowed", True, 6),
        # the metrics statement has a condition: decided only when the namespace is known
        (sample, "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "bedrock-agentcore"}, "allowed", True, 7),
        (sample, "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "Custom"}, "implicitDeny", True, None),
        (sample, "cloudwatch:PutMetricData", "*", None, "implicitDeny", False, None),
        (
            sample,
            "ecr:BatchGetImage",
            f"arn:aws:ecr:{R}:{A}:repository/bedrock-agentcore-mcp_server",
            None,
            "allowed",
            True,
            "ECRImageAccess",
        ),
        (sample, "ecr:GetAuthorizationToken", "*", None, "allowed", True, "ECRTokenAccess"),
        (
            sample,
            "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
            f"arn:aws:bedrock-agentcore:{R}:{A}:workload-identity-directory/default/workload-identity/mcp_server-abc",
            None,
            "allowed",
            True,
            "GetAgentAccessToken",
        ),
        (
            sample,
            "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
            f"arn:aws:bedrock-agentcore:{R}:{A}:workload-identity-directory/default/workload-identity/other-abc",
            None,
            "implicitDeny",
            True,
            None,
        ),
        (sample, "s3:GetObject", "arn:aws:s3:::bucket/key", None, "implicitDeny", True, None),
        # the toolkit scopes ECR to its own repository
        (
            toolkit,
            "ecr:BatchGetImage",
            f"arn:aws:ecr:{R}:{A}:repository/bedrock-agentcore-mcp_server",
            None,
            "allowed",
            True,
            "ECRImageAccess",
        ),
        (toolkit, "ecr:BatchGetImage", f"arn:aws:ecr:{R}:{A}:repository/other", None, "implicitDeny", True, None),
        (
            toolkit,
            "logs:CreateLogGroup",
            f"arn:aws:logs:{R}:{A}:log-group:agents/mcp-server-logs",
            None,
            "allowed",
            True,
            7,
        ),
        (toolkit, "logs:PutLogEvents", f"{OTEL_GROUP}:log-stream:default", None, "implicitDeny", True, None),
        (
            toolkit,
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude",
            None,
            "allowed",
            True,
            "BedrockModelInvocation",
        ),
        # the classic wrong prefix (terraform-aws-agentcore PR #30)
        (
            WRONG_PREFIX,
            "logs:PutLogEvents",
            f"{RUNTIME_GROUP}:log-stream:otel-rt-logs",
            None,
            "implicitDeny",
            True,
            None,
        ),
    ],
)
def test_real_policies(policy, action, resource, context, decision, certain, sid_or_index):
    ev = evaluate([policy], action, resource, context=context)
    assert ev.decision == decision, ev.explain()
    assert ev.certain is certain
    if sid_or_index is None:
        assert ev.decided_by is None
    elif isinstance(sid_or_index, int):
        assert ev.decided_by is not None and ev.decided_by.index == sid_or_index
    else:
        assert ev.decided_by is not None and ev.decided_by.sid == sid_or_index


def test_unevaluated_condition_is_reported_with_the_statement():
    ev = evaluate([sample], "cloudwatch:PutMetricData", "*")
    assert not ev.certain
    [(ref, cond)] = ev.unevaluated
    assert ref.index == 7 and ref.policy == "AgentCorePolicy"
    assert cond == {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}}
    assert "cloudwatch:namespace" in ev.explain()


def test_deny_in_another_policy_beats_the_sample_allow():
    ev = evaluate([sample, DENY], "logs:PutLogEvents", f"{RUNTIME_GROUP}:log-stream:otel-rt-logs")
    assert ev.decision == "explicitDeny"
    assert ev.decided_by.policy == "Guardrail" and ev.decided_by.sid == "NoLogWrites"
    assert "Guardrail" in ev.explain()


def test_not_action_and_not_resource():
    doc = PolicyDoc.parse(
        "p",
        {
            "Statement": [
                {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": "logs:*",
                    "NotResource": f"arn:aws:logs:{R}:{A}:log-group:/aws/bedrock-agentcore/*",
                },
            ]
        },
    )
    assert evaluate([doc], "iam:PassRole", "*").decision == "implicitDeny"
    assert evaluate([doc], "logs:PutLogEvents", f"{RUNTIME_GROUP}:log-stream:x").decision == "allowed"
    ev = evaluate([doc], "logs:PutLogEvents", f"{OTEL_GROUP}:log-stream:default")
    assert ev.decision == "explicitDeny" and ev.decided_by.index == 1


def test_trust_policy_with_principal_and_conditions():
    trust = PolicyDoc.parse("trust", TRUST, "trust")
    ok = {"aws:SourceAccount": A, "aws:SourceArn": f"arn:aws:bedrock-agentcore:{R}:{A}:runtime/{RT}"}
    assert evaluate(
        [trust], "sts:AssumeRole", "role", context=ok, principal={"Service": "bedrock-agentcore.amazonaws.com"}
    ).allowed
    assert (
        evaluate([trust], "sts:AssumeRole", "role", context=ok, principal={"Service": "bedrock.amazonaws.com"}).decision
        == "implicitDeny"
    )
    other = {**ok, "aws:SourceAccount": "999999999999"}
    assert (
        evaluate(
            [trust], "sts:AssumeRole", "role", context=other, principal={"Service": "bedrock-agentcore.amazonaws.com"}
        ).decision
        == "implicitDeny"
    )
    # without the context the conditions are not evaluated: uncertain, not a silent pass
    ev = evaluate([trust], "sts:AssumeRole", "role", principal={"Service": "bedrock-agentcore.amazonaws.com"})
    assert ev.decision == "implicitDeny" and not ev.certain


def test_spans_resource_policy_and_the_leading_slash():
    spans = PolicyDoc.parse("TransactionSearchXRayAccess", SPANS_POLICY, "resource")
    ctx = {"aws:SourceArn": f"arn:aws:xray:{R}:{A}:x", "aws:SourceAccount": A}
    stream = f"arn:aws:logs:{R}:{A}:log-group:aws/spans:log-stream:default"
    assert evaluate(
        [spans], "logs:PutLogEvents", stream, context=ctx, principal={"Service": "xray.amazonaws.com"}
    ).allowed
    slash = PolicyDoc.parse(
        "s",
        {"Statement": [{**SPANS_POLICY["Statement"][0], "Resource": f"arn:aws:logs:{R}:{A}:log-group:/aws/spans:*"}]},
        "resource",
    )
    assert (
        evaluate(
            [slash], "logs:PutLogEvents", stream, context=ctx, principal={"Service": "xray.amazonaws.com"}
        ).decision
        == "implicitDeny"
    )


def test_boundary_must_allow_too():
    boundary = PolicyDoc.parse(
        "boundary", {"Statement": [{"Effect": "Allow", "Action": "xray:*", "Resource": "*"}]}, "boundary"
    )
    evs = {
        e.action: e
        for e in evaluate_all(
            [sample], ["xray:PutTraceSegments", "logs:CreateLogGroup"], RUNTIME_GROUP, boundary=[boundary]
        )
    }
    assert evs["xray:PutTraceSegments"].allowed
    assert evs["logs:CreateLogGroup"].decision == "implicitDeny"


def test_matrix_on_the_sample_policy():
    """The runtime's matrix (research §5.5) against the sample: only the OTEL group is missing."""
    missing = []
    for need in (
        needs_logs("aws", R, A, [f"/aws/bedrock-agentcore/runtimes/{RT}-DEFAULT", "agents/mcp-server-logs"])
        + needs_xray()
        + needs_metrics()
    ):
        for ev in evaluate_all([sample], need.actions, need.resource, context=need.context):
            if not (ev.allowed and ev.certain):
                missing.append((ev.action, ev.resource))
    assert missing == [
        ("logs:CreateLogStream", f"{OTEL_GROUP}:log-stream:default"),
        ("logs:PutLogEvents", f"{OTEL_GROUP}:log-stream:default"),
    ]


def test_glob_semantics():
    assert glob_match(
        "arn:aws:logs:*:*:log-group:aws/spans:*", f"arn:aws:logs:{R}:{A}:log-group:aws/spans:log-stream:x"
    )
    assert glob_match("a?c", "abc") and not glob_match("a?c", "abbc")
    assert not glob_match(
        "arn:aws:logs:*:log-group:/aws/bedrock-agentcore/*", "arn:aws:logs:r:a:log-group:/aws/bedrock/agentcore/x"
    )
    assert not glob_match("Arn:*", "arn:x")  # resources are case-sensitive


# ---------------------------------------------------------------------------- properties

ACTIONS = ["logs:PutLogEvents", "logs:CreateLogGroup", "xray:PutTraceSegments", "iam:PassRole", "s3:GetObject"]
RESOURCES = [
    f"{RUNTIME_GROUP}:log-stream:otel-rt-logs",
    RUNTIME_GROUP,
    f"{OTEL_GROUP}:log-stream:default",
    "*",
    "arn:aws:s3:::b/k",
]
action_patterns = st.sampled_from(
    ["*", "logs:*", "logs:Put*", "logs:PutLogEvents", "xray:*", "iam:PassRole", "s3:Get?bject", "ec2:*"]
)
resource_patterns = st.sampled_from(
    [
        "*",
        f"arn:aws:logs:{R}:{A}:log-group:*",
        f"{RUNTIME_GROUP}*",
        f"{OTEL_GROUP}:*",
        "arn:aws:s3:::*",
        "arn:aws:ecr:*",
    ]
)
conditions = st.one_of(
    st.none(),
    st.just({"StringEquals": {"aws:SourceAccount": A}}),
    st.just({"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}}),
    st.just({"Bool": {"aws:SecureTransport": "true"}}),
)


@st.composite
def statements(draw, effect=None):
    stmt = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        draw(st.sampled_from(["Action", "NotAction"])): draw(st.lists(action_patterns, min_size=1, max_size=3)),
        draw(st.sampled_from(["Resource", "NotResource"])): draw(st.lists(resource_patterns, min_size=1, max_size=2)),
    }
    cond = draw(conditions)
    if cond:
        stmt["Condition"] = cond
    return stmt


policies = st.lists(st.lists(statements(), max_size=5), min_size=1, max_size=3).map(
    lambda docs: [PolicyDoc(f"p{i}", {"Statement": s}) for i, s in enumerate(docs)]
)
contexts = st.sampled_from(
    [None, {"aws:SourceAccount": A}, {"cloudwatch:namespace": "bedrock-agentcore", "aws:SecureTransport": "true"}]
)


# 100 examples each (hypothesis's default), down from 300: the two properties took 3.2 s of CPU, the most of any
# unit test in the suite. The space they draw from is small (eight action patterns, six resource patterns, four
# conditions, five actions and resources to ask about), and each run draws new examples.
@settings(max_examples=100, deadline=None)
@given(policies, st.sampled_from(ACTIONS), st.sampled_from(RESOURCES), contexts)
def test_property_unconditional_matching_deny_always_wins(docs, action, resource, context):
    deny = PolicyDoc("deny", {"Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]})
    for position in (0, len(docs)):
        ordered = docs[:position] + [deny] + docs[position:]
        ev = evaluate(ordered, action, resource, context=context)
        assert ev.decision == "explicitDeny"
        assert ev.decided_by is not None and ev.decided_by.effect == "Deny"


@settings(max_examples=100, deadline=None)
@given(policies, statements(effect="Allow"), st.sampled_from(ACTIONS), st.sampled_from(RESOURCES), contexts)
def test_property_adding_an_allow_never_removes_access(docs, extra, action, resource, context):
    before = evaluate(docs, action, resource, context=context)
    after = evaluate(docs + [PolicyDoc("extra", {"Statement": [extra]})], action, resource, context=context)
    if before.allowed:
        assert after.allowed
    if before.decision == "explicitDeny":
        assert after.decision == "explicitDeny"  # an Allow never overrides a Deny either


def test_a_statement_the_simulator_gives_no_source_type_is_labelled_once_as_a_policy() -> None:
    from tui.aws.policy_eval import StatementRef

    ref = StatementRef("agentcore-logs", "policy", -1, None, "?", (3, 5))  # tui/aws/roles.py: SourcePolicyType none
    assert ref.label() == "policy agentcore-logs statement at line 3, column 5 (?)"
