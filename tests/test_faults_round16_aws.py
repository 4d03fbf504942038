"""Round 16's AWS-side faults: how the runtime was deployed (environment variables, JWT authorizer, VPC network
mode) and a failureReason naming a missing ECR image. Each is injected into the healthy sandbox (real moto state
through boto3); each has a healthy variation that must stay green.

Before this round no check read environmentVariables, the authorizer's settings or the VPC, so a doctor run on
each of these faults was all green; a failureReason for a missing tag of the runtime's own ECR image was read as
"a public registry refused the base image" (cause ``base-image-pull``).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from sandbox_fixtures import on_the_vpc_worker
from test_aws_enforcement import principal  # noqa: F401 - the fixture, used by name
from test_runtime_protocol import run, walk_aws

from tui.registry import load_all
from tui.results import Status
from tui.sandbox.aws_variants import ENDPOINTS_WITHOUT_INTERNET, build_vpc, reconfigure_runtime
from tui.sandbox.runtime_faults import set_runtime_status


def shown(result: Any) -> str:
    """Everything a report shows of a finding (summary, details, remediation, evidence)."""
    return " ".join(
        [result.summary, result.details or "", result.remediation or "", json.dumps(result.evidence, default=str)]
    )


# ---------------------------------------------------------------------------- 1. environment variables

AWS_KEY_VALUE = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_VALUE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
API_KEY_VALUE = "sk-proj-4f9Qm2LxT7vB8nR1cW3yZ6aD0eG5hJ"
OTLP_AUTH_VALUE = "Authorization=Basic cGstbGYtMTIzOnNrLWxmLTQ1Ng=="


def _env(info: Any, **extra: str) -> dict[str, str]:
    control = boto3.client("bedrock-agentcore-control")
    env = dict(control.get_agent_runtime(agentRuntimeId=info.runtime_id)["environmentVariables"])
    return env | extra


def test_aws_keys_in_the_environment_fail_without_showing_them(seeded_aws):
    info = seeded_aws()
    reconfigure_runtime(
        info, environment=_env(info, AWS_ACCESS_KEY_ID=AWS_KEY_VALUE, AWS_SECRET_ACCESS_KEY=AWS_SECRET_VALUE)
    )
    result = run("runtime.env", info)
    assert result.status is Status.FAIL, result.summary
    assert "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY" in result.summary
    assert "not with the execution role" in result.summary
    assert AWS_KEY_VALUE not in shown(result) and AWS_SECRET_VALUE not in shown(result)


def test_secrets_in_plain_text_warn_by_name_only(seeded_aws):
    info = seeded_aws()
    reconfigure_runtime(
        info, environment=_env(info, OPENAI_API_KEY=API_KEY_VALUE, OTEL_EXPORTER_OTLP_HEADERS=OTLP_AUTH_VALUE)
    )
    result = run("runtime.env", info)
    assert result.status is Status.WARN, result.summary
    assert "OPENAI_API_KEY (an API key (sk-…))" in result.summary
    assert "OTEL_EXPORTER_OTLP_HEADERS (an Authorization header)" in result.summary
    for value in (API_KEY_VALUE, OTLP_AUTH_VALUE, "cGstbGYtMTIzOnNrLWxmLTQ1Ng"):
        assert value not in shown(result)


def test_the_sample_environment_and_secret_references_pass(seeded_aws):
    info = seeded_aws()
    assert run("runtime.env", info).status is Status.PASS  # the OTEL variables and AWS_REGION of the sample
    reconfigure_runtime(
        info,
        environment=_env(
            info,
            API_KEY_SECRET_ARN=f"arn:aws:secretsmanager:us-east-1:{info.account_id}:secret:openai-AbCdEf",
            DB_PASSWORD_PARAMETER="/mcp/db/password",
            TOKEN_URL="https://auth.example.com/oauth2/token",
        ),
    )
    result = run("runtime.env", info)
    assert result.status is Status.PASS, result.summary
    assert "10 environment variables" in result.summary


# ---------------------------------------------------------------------------- 2. the JWT authorizer

COGNITO = "https://cognito-idp.{region}.amazonaws.com/{pool}/.well-known/openid-configuration"


def test_cognito_with_only_allowed_audience_warns(seeded_aws):
    info = seeded_aws()
    url = COGNITO.format(region="us-east-1", pool="us-east-1_AbC123xyZ")
    reconfigure_runtime(
        info,
        authorizer={"customJWTAuthorizer": {"discoveryUrl": url, "allowedAudience": ["3n4b5urk1ft4fl3mg5e62d9ado"]}},
    )
    result = run("runtime.authorizer", info)
    assert result.status is Status.WARN, result.summary
    assert "Cognito access tokens carry no `aud` claim" in result.summary


def test_cognito_discovery_url_in_another_region_than_the_pool_fails(seeded_aws):
    info = seeded_aws()
    url = COGNITO.format(region="us-west-2", pool="us-east-1_AbC123xyZ")
    reconfigure_runtime(info, authorizer={"customJWTAuthorizer": {"discoveryUrl": url, "allowedClients": ["c1"]}})
    result = run("runtime.authorizer", info)
    assert result.status is Status.FAIL, result.summary
    assert "asks cognito-idp in us-west-2 for user pool us-east-1_AbC123xyZ" in result.summary


@pytest.mark.parametrize(
    "authorizer",
    [
        "seeded",  # Cognito + allowedClients, as the samples deploy it
        {
            "customJWTAuthorizer": {
                "discoveryUrl": "https://example.okta.com/oauth2/default/.well-known/openid-configuration",
                "allowedAudience": ["api://mcp"],
            }
        },
    ],
)
def test_authorizers_that_can_accept_their_tokens_pass(seeded_aws, authorizer):
    info = seeded_aws()
    if authorizer != "seeded":
        reconfigure_runtime(info, authorizer=authorizer)
    result = run("runtime.authorizer", info)
    assert result.status is Status.PASS, result.summary


def test_a_sigv4_runtime_has_no_authorizer_to_check(seeded_aws):
    info = seeded_aws()
    reconfigure_runtime(info, authorizer=None)
    result = run("runtime.authorizer", info)
    assert result.status is Status.SKIP and "SigV4" in result.summary


# ---------------------------------------------------------------------------- 3. VPC network mode


@on_the_vpc_worker
def test_public_subnets_without_endpoints_fail(seeded_aws):
    """The devguide: 'Using a public subnet does not provide internet connectivity.'"""
    info = seeded_aws()
    reconfigure_runtime(info, network=build_vpc(info, egress="igw"))
    result = run("runtime.network", info)
    assert result.status is Status.FAIL, result.summary
    assert "no route to a NAT gateway" in result.summary and "internet gateway" in result.summary
    assert "ecr.dkr, ecr.api, s3, logs" in result.summary


@on_the_vpc_worker
def test_no_route_and_only_some_endpoints_names_the_missing_ones(seeded_aws):
    info = seeded_aws()
    reconfigure_runtime(info, network=build_vpc(info, egress="none", endpoints=("ecr.dkr", "ecr.api")))
    result = run("runtime.network", info)
    assert result.status is Status.FAIL, result.summary
    assert "it has no default route" in result.summary and "endpoints for s3, logs" in result.summary


@on_the_vpc_worker
def test_a_subnet_in_an_unsupported_zone_fails(seeded_aws):
    info = seeded_aws()
    reconfigure_runtime(info, network=build_vpc(info, zones=("us-east-1a", "us-east-1b")))  # use1-az6, use1-az1
    result = run("runtime.network", info)
    assert result.status is Status.FAIL, result.summary
    assert "(use1-az6)" in result.summary and "use1-az1, use1-az2, use1-az4" in result.summary


@on_the_vpc_worker
def test_a_security_group_without_egress_fails(seeded_aws):
    info = seeded_aws()
    reconfigure_runtime(info, network=build_vpc(info, security_group_egress=False))
    result = run("runtime.network", info)
    assert result.status is Status.FAIL, result.summary
    assert "allow no outbound HTTPS" in result.summary


@on_the_vpc_worker
def test_a_deleted_subnet_fails(seeded_aws):
    info = seeded_aws()
    network = build_vpc(info)
    network["networkModeConfig"]["subnets"].append("subnet-0deadbeef0000000")
    reconfigure_runtime(info, network=network)
    result = run("runtime.network", info)
    assert result.status is Status.FAIL and "no longer exists" in result.summary, result.summary


@on_the_vpc_worker
@pytest.mark.parametrize(
    ("egress", "endpoints", "how"),
    [("nat", (), "a NAT gateway"), ("none", ENDPOINTS_WITHOUT_INTERNET, "VPC endpoints")],
)
def test_private_subnets_with_nat_or_endpoints_pass(seeded_aws, egress, endpoints, how):
    info = seeded_aws()
    reconfigure_runtime(info, network=build_vpc(info, egress=egress, endpoints=endpoints))
    result = run("runtime.network", info)
    assert result.status is Status.PASS, result.summary
    assert how in result.summary


def test_public_mode_passes_without_reading_ec2(seeded_aws, aws_call_recorder):
    info = seeded_aws()
    start = len(aws_call_recorder.calls)
    result = run("runtime.network", info)
    assert result.status is Status.PASS and "PUBLIC" in result.summary
    assert not [c for c in aws_call_recorder.calls[start:] if c.service == "ec2"]


@on_the_vpc_worker
def test_the_declared_actions_suffice_for_the_vpc_checks(seeded_aws, principal):  # noqa: F811
    """Under moto's IAM enforcement with exactly the declared read policy: no AccessDenied, the same verdict."""
    info = seeded_aws()
    reconfigure_runtime(info, network=build_vpc(info, egress="igw"))
    with principal(load_all().read_policy()):
        results = {c: run(c, info) for c in ("runtime.network", "runtime.env", "runtime.authorizer")}
    assert results["runtime.network"].status is Status.FAIL, results["runtime.network"].summary
    assert results["runtime.env"].status is Status.PASS, results["runtime.env"].summary
    assert results["runtime.authorizer"].status is Status.PASS, results["runtime.authorizer"].summary


# ---------------------------------------------------------------------------- 4. failureReason: the image is gone

MISSING_TAG = (
    'Container failed to start: failed to resolve reference "{account}.dkr.ecr.us-east-1.amazonaws.com/'
    'bedrock-agentcore-mcp_server:v2": {account}.dkr.ecr.us-east-1.amazonaws.com/bedrock-agentcore-mcp_server:v2: '
    "not found"
)


def test_a_missing_ecr_tag_is_not_blamed_on_a_public_registry(seeded_aws):
    info = seeded_aws()
    set_runtime_status(info, "UPDATE_FAILED", failure_reason=MISSING_TAG.format(account=info.account_id))
    result = run("runtime.failure_reason", info)
    assert result.status is Status.FAIL, result.summary
    assert result.facts == {"runtime.failure_cause": "image-missing"}
    assert "the runtime's image (its tag or repository) is not in ECR" in result.summary
    assert "public registry" not in result.summary


# ---------------------------------------------------------------------------- the walk reaches each diagnosis

WALKS = [
    ("vpc-egress", "runtime-vpc-egress"),
    ("aws-keys", "runtime-env-aws-keys"),
    ("cognito-region", "runtime-jwt-config"),
    ("missing-tag", "image-missing"),
]


# Slow (justified): one whole AWS-branch walk per fault against moto; the routes are YAML only, tested nowhere else.
@on_the_vpc_worker
@pytest.mark.parametrize(("fault", "node"), WALKS, ids=[w[0] for w in WALKS])
def test_the_aws_walk_names_each_fault_in_its_own_diagnosis(seeded_aws, fault: str, node: str) -> None:
    info = seeded_aws()
    if fault == "vpc-egress":
        reconfigure_runtime(info, network=build_vpc(info, egress="igw"))
    elif fault == "aws-keys":
        reconfigure_runtime(
            info, environment=_env(info, AWS_ACCESS_KEY_ID=AWS_KEY_VALUE, AWS_SECRET_ACCESS_KEY=AWS_SECRET_VALUE)
        )
    elif fault == "cognito-region":
        url = COGNITO.format(region="us-west-2", pool="us-east-1_AbC123xyZ")
        reconfigure_runtime(info, authorizer={"customJWTAuthorizer": {"discoveryUrl": url, "allowedClients": ["c1"]}})
    else:
        set_runtime_status(info, "UPDATE_FAILED", failure_reason=MISSING_TAG.format(account=info.account_id))
    reached, explained = walk_aws(info)
    assert reached == node, (reached, explained)
