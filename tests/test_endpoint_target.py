"""The AgentCore data-plane URL comes from botocore's endpoint resolution: FIPS, dual-stack, partitions, overrides."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tui.context import Context
from tui.endpoint.target import invocation_url, resolve_target

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEf1234"
CN_ARN = "arn:aws-cn:bedrock-agentcore:cn-north-1:123456789012:runtime/mcp_server-AbCdEf1234"
PATH = f"/runtimes/{quote(ARN, safe='')}/invocations?qualifier=DEFAULT"


@pytest.fixture(autouse=True)
def plain_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))


def test_standard_endpoint() -> None:
    assert invocation_url(ARN) == f"https://bedrock-agentcore.us-east-1.amazonaws.com{PATH}"


@pytest.mark.parametrize(
    ("variables", "host"),
    [
        ({"AWS_USE_FIPS_ENDPOINT": "true"}, "bedrock-agentcore-fips.us-east-1.amazonaws.com"),
        ({"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "bedrock-agentcore.us-east-1.api.aws"),
        (
            {"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
            "bedrock-agentcore-fips.us-east-1.api.aws",
        ),
    ],
    ids=["fips", "dualstack", "fips-dualstack"],
)
def test_fips_and_dualstack_variables_are_honoured(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], host: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    target = resolve_target(Context(runtime=ARN))
    assert target is not None and target.url == f"https://{host}{PATH}"
    assert target.agentcore and target.region == "us-east-1"


def test_the_profile_setting_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile fips]\nuse_fips_endpoint = true\n\n[profile plain]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    fips = resolve_target(Context(runtime=ARN, profile="fips"))
    plain = resolve_target(Context(runtime=ARN, profile="plain"))
    assert fips is not None and fips.url.startswith("https://bedrock-agentcore-fips.us-east-1.amazonaws.com/")
    assert plain is not None and plain.url.startswith("https://bedrock-agentcore.us-east-1.amazonaws.com/")


def test_the_partition_decides_the_domain() -> None:
    assert invocation_url(CN_ARN).startswith("https://bedrock-agentcore.cn-north-1.amazonaws.com.cn/runtimes/")


def test_configured_endpoints_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert invocation_url(ARN) == f"http://127.0.0.1:9{PATH}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "http://127.0.0.1:10/")
    assert invocation_url(ARN) == f"http://127.0.0.1:10{PATH}"


def test_an_unknown_profile_falls_back_to_the_standard_pattern() -> None:
    target = resolve_target(Context(runtime=ARN, profile="no-such-profile"))
    assert target is not None and target.url == f"https://bedrock-agentcore.us-east-1.amazonaws.com{PATH}"


@pytest.mark.parametrize(
    "host",
    [
        "bedrock-agentcore-fips.us-east-1.amazonaws.com",
        "bedrock-agentcore.us-east-1.api.aws",
        "bedrock-agentcore.cn-north-1.api.amazonwebservices.com.cn",
    ],
)
def test_given_fips_and_dualstack_urls_are_recognised(host: str) -> None:
    region = host.split(".")[1]
    target = resolve_target(Context(endpoint=f"https://{host}/mcp"))
    assert target is not None and target.agentcore and target.region == region


def test_the_project_file_tells_the_authorizer_only_for_its_own_runtime() -> None:
    recorded = {"agent_arn": ARN, "authorizer": "jwt"}
    target = resolve_target(Context(runtime=ARN, agentcore=recorded))
    assert target is not None and target.auth_hint == "jwt"
    other = ARN.replace("AbCdEf1234", "Other00000")
    target = resolve_target(Context(runtime=other, agentcore=recorded))
    assert target is not None and target.auth_hint is None
    target = resolve_target(Context(runtime=ARN, agentcore=recorded), {"runtime.auth": "IAM"})
    assert target is not None and target.auth_hint == "sigv4"  # what AWS says wins
