"""Context merging (flags > env > .bedrock_agentcore.yaml) and secret redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.context import build_context
from tui.redact import MASK, redact, redact_text, register_secret

AGENTCORE_YAML = """
default_agent: mcp_server
agents:
  mcp_server:
    name: mcp_server
    aws:
      region: us-west-2
      execution_role: arn:aws:iam::123456789012:role/agentcore-mcp_server-role
    bedrock_agentcore:
      agent_id: mcp_server-AbCdEf1234
      agent_arn: arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/mcp_server-AbCdEf1234
"""


def test_project_config_fills_gaps_and_flags_and_env_win(tmp_path: Path) -> None:
    (tmp_path / ".bedrock_agentcore.yaml").write_text(AGENTCORE_YAML)
    ctx = build_context(project=str(tmp_path), environ={})
    assert ctx.runtime == "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/mcp_server-AbCdEf1234"
    assert ctx.region == "us-west-2"
    assert ctx.sources["runtime"] == ".bedrock_agentcore.yaml"
    ctx = build_context(project=str(tmp_path), environ={"AWS_REGION": "eu-west-1"})
    assert ctx.region == "eu-west-1" and ctx.sources["region"] == "env AWS_REGION"
    ctx = build_context(project=str(tmp_path), region="ap-northeast-1", environ={"AWS_REGION": "eu-west-1"})
    assert ctx.region == "ap-northeast-1" and ctx.sources["region"] == "flag"


def test_broken_project_config_is_ignored(tmp_path: Path) -> None:
    (tmp_path / ".bedrock_agentcore.yaml").write_text("agents: [unclosed")
    ctx = build_context(project=str(tmp_path), environ={})
    assert ctx.runtime is None


def test_token_is_read_from_file_registered_and_never_in_public_context(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("opaque-token-value-1234567890\n")
    ctx = build_context(token_file=str(token_file), environ={})
    assert ctx.token() == "opaque-token-value-1234567890"
    assert "opaque-token" not in str(ctx.public())
    assert ctx.public()["token_source"] == f"file:{token_file}"
    assert redact_text("sent opaque-token-value-1234567890 to server") == f"sent {MASK} to server"


def test_credential_shapes_are_masked_without_registration() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    text = f"Authorization: Bearer {jwt}"
    out = redact_text(text)
    assert jwt not in out and "signature" not in out
    assert (
        redact_text("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        == f"aws_secret_access_key = {MASK}"
    )


def test_redact_walks_structures_and_masks_secret_keys() -> None:
    data = {
        "headers": {"Authorization": "Basic abc123def", "Accept": "application/json"},
        "token_env": "MY_TOKEN",
        "items": ["x"],
    }
    out = redact(data)
    assert out["headers"]["Authorization"] == MASK
    assert out["headers"]["Accept"] == "application/json"
    assert out["token_env"] == "MY_TOKEN"  # the name of the variable is not a secret


def test_registered_secret_inside_nested_evidence() -> None:
    register_secret("s3cr3t-value-xyz")
    assert redact({"body": ["prefix s3cr3t-value-xyz suffix"]}) == {"body": [f"prefix {MASK} suffix"]}


def test_a_secret_registered_after_a_text_was_redacted_is_masked_in_it_next_time() -> None:
    """Shape-masking is remembered per text; secrets registered later still apply (they are replaced first)."""
    text = "the server said: late-registered-value-123 (and nothing shaped like a credential)"
    assert redact_text(text) == text
    assert redact_text(text) == text  # remembered
    register_secret("late-registered-value-123")
    assert redact_text(text) == f"the server said: {MASK} (and nothing shaped like a credential)"
    long = "x" * 5000 + " Bearer abcdefghijklmnop"  # longer than what is remembered: masked all the same
    out = redact_text(long)  # (not compared whole: a secret another test registered may be all x's)
    assert out.endswith(f" Bearer {MASK}") and "abcdefghijklmnop" not in out


# One row per credential shape that must never reach output (issue 9 §4, issue 12 "Secrets in URLs").
REDACTION_TABLE = [
    ("url userinfo", "https://alice:hunter2pw@example.com/mcp", "hunter2pw", "https://***redacted***@example.com/mcp"),
    ("token in url user", "https://ghp_abcdef123456@example.com/", "ghp_abcdef123456", None),
    ("api_key query", "GET https://h/mcp?api_key=K3Y-VALUE&x=1", "K3Y-VALUE", "?api_key=***redacted***&x=1"),
    ("token query", "http://h/mcp?x=1&token=T0K3N#frag", "T0K3N", "&token=***redacted***#frag"),
    ("access_token query", "http://h/cb?access_token=AT-123456", "AT-123456", None),
    (
        "sigv4 credential",
        "Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host",
        "AKIAIOSFODNN7EXAMPLE",
        "SignedHeaders=host",
    ),
    (
        "sigv4 signature",
        "SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe",
        "fe5f80f77d5fa3beca038a248ff027d0445342fe",
        None,
    ),
    (
        "presigned url",
        "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAXXXXXXXXXXXXXXXX%2F2026&X-Amz-Signature=abcdef0123&X-Amz-Security-Token=IQoJb3JpZ2lu",
        "IQoJb3JpZ2lu",
        None,
    ),
    ("security token header", "x-amz-security-token: IQoJb3JpZ2luX2VjEJr//////////", "IQoJb3JpZ2luX2VjEJr", None),
    (
        "pem rsa key",
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\nabc\n-----END RSA PRIVATE KEY-----\nafter",
        "MIIEowIBAAKCAQEAx",
        "after",
    ),
    ("pem pkcs8 key, cut off", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0", "MIIEvQIBADANBgkqhkiG9w0", None),
    (
        "openssh key",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n-----END OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjE",
        None,
    ),
    ("cookie header", "Cookie: session=S3SS10N; theme=dark", "S3SS10N", None),
    ("set-cookie header", "Set-Cookie: sid=C00K1E; HttpOnly; Secure", "C00K1E", None),
    (
        "client_secret",
        "posted client_secret=CL13NT-S3CR3T&grant_type=client_credentials",
        "CL13NT-S3CR3T",
        "grant_type=client_credentials",
    ),
    ("password in text", "login failed for password=Pa55w0rd! retry", "Pa55w0rd!", " retry"),
    ("password colon", "password: 'hunter22'", "hunter22", None),
    ("aws access key id", "key id AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE", "key id"),
    ("aws secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI", None),
    (
        "metadata answer",
        '{"AccessKeyId" : "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG", "Token" : "IQoJb3Jp=="}',
        "wJalrXUtnFEMI",
        None,
    ),
    ("metadata token", '{"Token" : "IQoJb3Jpc2Vzc2lvbg=="}', "IQoJb3Jpc2Vzc2lvbg==", None),
    ("basic auth", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==", None),
    ("bearer", "Authorization: Bearer opaque.token-value_123", "opaque.token-value_123", None),
]


@pytest.mark.parametrize(("case", "text", "secret", "kept"), REDACTION_TABLE, ids=[row[0] for row in REDACTION_TABLE])
def test_credential_shapes_in_free_text_are_redacted(case: str, text: str, secret: str, kept: str | None) -> None:
    out = redact_text(text)
    assert secret not in out, out
    assert MASK in out
    if kept is not None:
        assert kept in out, out


@pytest.mark.parametrize(
    "text",
    [
        "token_source: env AGENTCORE_TRIAGE_TOKEN",
        "missing token: use --token-env or --token-file",
        "see http://localhost:8000/mcp for the endpoint",
        "mail admin@example.com about it",
        "SignedHeaders=host;x-amz-date",
        "the key: value pairs",
    ],
)
def test_plain_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_redaction_is_linear_on_hostile_text() -> None:
    # each pattern is bounded; a backtracking pattern would not finish within the suite's timeout
    hostile = "a=" * 200_000 + "-----BEGIN PRIVATE KEY-----" * 500 + "https://" + "u" * 100_000
    assert "-----BEGIN PRIVATE KEY-----" not in redact_text(hostile)
