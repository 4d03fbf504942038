"""Context merging (flags > env > .bedrock_agentcore.yaml) and secret redaction."""

from __future__ import annotations

from pathlib import Path

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
