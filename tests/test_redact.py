"""``redact_text`` against the shapes a QA sweep found leaking, and against ordinary text it must leave alone.

The standard: secrets never appear in output, anywhere (terminal, reports, support bundles, log events). Every
token below is made up and assembled at run time, so no scanner mistakes this file for a leak.
"""

from __future__ import annotations

import json

import pytest

from tui.context import Context
from tui.redact import MASK, redact_text

GITHUB = "ghp_" + "AbCd1234" * 4 + "wxyz"  # a classic personal access token: ghp_ and 36 characters
GITHUB_FINE = "github_pat_" + "11ABCDEFG0" + "aBcD1234" * 10
SLACK_BOT = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K_l-MnOpQrStU"
OPENAI = "sk-" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9nP2qR5tU8"
OPENAI_PROJECT = "sk-proj-" + "Ab3_Cd4-Ef5" * 8
STRIPE = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
NPM = "npm_" + "a1B2c3D4e5" * 4
SLACK_HOOK_PATH = "T0000AAAA/B0000BBBB/" + "XxXxXxXxYyYyYyYyZzZzZzZz"

# (case, text, the secret that must go, text that must stay: the key name or the words around the secret)
LEAKS = [
    ("API_TOKEN quoted", 'config: API_TOKEN = "plainvalue123" (from .env)', "plainvalue123", 'API_TOKEN = "'),
    ("auth_token", 'auth_token = "q7-opaque-auth-value" was sent', "q7-opaque-auth-value", "auth_token = "),
    ("MY_TOKEN", 'MY_TOKEN="tok-4a1b2c3d" in the Dockerfile', "tok-4a1b2c3d", 'MY_TOKEN="'),
    ("token=", "retrying with token=opaquevalue99 now", "opaquevalue99", "token="),
    ("token= letters only", "retrying with token=onlyletters now", "onlyletters", " now"),
    ("jwt", 'jwt = "opaque-session-jwt" (not a JWT shape)', "opaque-session-jwt", "jwt = "),
    ("export GITHUB_TOKEN", f"$ export GITHUB_TOKEN={GITHUB}", GITHUB[4:], "export GITHUB_TOKEN="),
    ("GITHUB_TOKEN cut short", "GITHUB_TOKEN=ghp_AbCd…789 in the log", "AbCd", "GITHUB_TOKEN="),
    ("client_secret", "posted client_secret: s3cr3t-Value", "s3cr3t-Value", "client_secret: "),
    ("DB_PASS", "DB_PASS=letmein2 in compose.yaml", "letmein2", "DB_PASS="),
    ("flag", "ran mcp-proxy --api-token=abc123xyz --port 8000", "abc123xyz", "--api-token="),
    ("header", "X-Auth-Token: plainheadervalue", "plainheadervalue", "X-Auth-Token: "),
    ("yaml", "hosts:\n  oauth_token: gho-style-value\n", "gho-style-value", "oauth_token: "),
    ("yaml plain key", "token: abc123def456ghi\n", "abc123def456ghi", "token: "),
    ("json", '{"auth_token":"q1w2e3r4","user":"amy"}', "q1w2e3r4", '"user":"amy"'),
    ("python repr", "{'jwt': 'opaque.jwt.value', 'mode': 'bearer'}", "opaque.jwt.value", "'mode': 'bearer'"),
    ("credential", "CREDENTIAL=cr3d-v4lue", "cr3d-v4lue", "CREDENTIAL="),
    ("private key", 'private_key = "pk-0123abcd"', "pk-0123abcd", "private_key = "),
    ("json escaped", 'log: "{\\"token\\": \\"esc4ped-v4lue\\"}"', "esc4ped-v4lue", '\\"token\\": \\"'),
    ("github classic", f"found {GITHUB} in .git/config", GITHUB[4:], "in .git/config"),
    ("github oauth", "gho_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8", "Zz9Yy8Xx7Ww6", None),
    ("github user", "token ghu_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8 used", "Zz9Yy8Xx7Ww6", "token "),
    ("github server", "ghs_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8,", "Zz9Yy8Xx7Ww6", None),
    ("github refresh", "(ghr_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8)", "Zz9Yy8Xx7Ww6", ")"),
    ("github fine-grained", f"pat {GITHUB_FINE} expired", GITHUB_FINE[11:], "pat "),
    ("slack bot", f"SLACK says invalid_auth for {SLACK_BOT}", SLACK_BOT[5:], "invalid_auth for "),
    ("slack user", "xoxp-" + "1234-5678-90ab-cdef12", "1234-5678", None),
    ("slack legacy", "xoxa-" + "2-abcdefghijkl-0987", "abcdefghijkl", None),
    ("slack app", "app token xapp-" + "1-A0123456789-1234567890123-abcdef", "A0123456789", "app token "),
    ("google api key", f"key {GOOGLE} rejected", GOOGLE[4:], "rejected"),
    (
        "slack webhook",
        f"posting to https://hooks.slack.com/services/{SLACK_HOOK_PATH} failed",
        "XxXxXxXx",
        "https://hooks.slack.com/services/",
    ),
    ("openai", f"OpenAI said 401 for {OPENAI}.", OPENAI[3:], "401 for "),
    ("openai project", f"key={OPENAI_PROJECT}", OPENAI_PROJECT[8:], "key="),
    ("stripe", f"charge failed: {STRIPE}", STRIPE[8:], "charge failed: "),
    ("npm", f"//registry.npmjs.org/:_authToken {NPM}", NPM[4:], "registry.npmjs.org"),
]


@pytest.mark.parametrize(("case", "text", "secret", "kept"), LEAKS, ids=[row[0] for row in LEAKS])
def test_secret_shapes_are_redacted_and_the_key_stays(case: str, text: str, secret: str, kept: str | None) -> None:
    out = redact_text(text)
    assert secret not in out, out
    assert MASK in out, out
    if kept is not None:
        assert kept in out, out


ALREADY_REDACTED = [
    ("password=Pa55w0rd!", "Pa55w0rd!"),
    ("client_secret=CL13NT-S3CR3T&grant_type=client_credentials", "CL13NT-S3CR3T"),
    ("api_key: k3y-v4lue", "k3y-v4lue"),
    ("Authorization: Bearer opaque.token-value_123", "opaque.token-value_123"),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("key AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
    ("https://alice:hunter2pw@example.com/mcp", "hunter2pw"),
    ("GET https://h/mcp?api_key=K3Y-VALUE&x=1", "K3Y-VALUE"),
]


@pytest.mark.parametrize(("text", "secret"), ALREADY_REDACTED)
def test_shapes_redacted_before_still_are(text: str, secret: str) -> None:
    assert secret not in redact_text(text)


def test_an_endpoint_error_naming_a_file_url_keeps_its_words() -> None:
    # The key rule took the "passwd" ending /etc/passwd for a key and masked the next word ("scheme").
    message = Context(endpoint="file:///etc/passwd").endpoint_problem()
    assert message is not None and "scheme 'file'" in message
    assert redact_text(message) == message
    assert redact_text("cat /etc/passwd: permission denied") == "cat /etc/passwd: permission denied"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "presigned https://b.s3.amazonaws.com/k?versionId=3&X-Amz-Signature=abc123, expires in 60 s",
            f"presigned https://b.s3.amazonaws.com/k?versionId=3&X-Amz-Signature={MASK}, expires in 60 s",
        ),
        ("see ?token=T0K3N. Then retry", f"see ?token={MASK}. Then retry"),
        ("(at https://h/mcp?api_key=K3Y)", f"(at https://h/mcp?api_key={MASK})"),
        ("http://h/mcp?x=1&token=T0K3N#frag", f"http://h/mcp?x=1&token={MASK}#frag"),
    ],
)
def test_a_masked_query_value_keeps_the_punctuation_after_it(text: str, expected: str) -> None:
    assert redact_text(text) == expected


ORDINARY = [
    # English prose, including words the key rule looks for
    "The author reviewed the token budget and the authentication flow. Credentials were fine; nothing was leaked.",
    "Invalid token: Signature has expired",
    "missing token: use --token-env or --token-file",
    "could not load AWS credentials: set --profile/AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID",
    "token: issuer https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC, client 3n4b5urk1ft4fl3mg5e62d9ado",
    " Re-run with `auth: sigv4`/`auth: bearer` to match.",
    "endpoint.auth: are the credentials accepted, and if not, why (missing, expired, wrong client, SigV4 vs JWT).",
    "endpoint.auth: pass",
    "com.amazon.awsrequestauth.exception.UnauthorizedInboundTokenException: Token has expired",
    "OTLP の 403 Missing Authentication Token: エクスポーターがリクエストに署名していません",
    # JSON-RPC and HTTP
    '{"jsonrpc": "2.0", "id": 1, "error": {"code": -32001, "message": "Invalid token: signature expired"}}',
    'WWW-Authenticate: Bearer realm="agentcore", error="invalid_token"',
    '{"usage": {"input_tokens": 12, "output_tokens": 345}, "stop_reason": "max_tokens"}',
    # log lines
    "2026-01-01T00:00:00Z INFO model=claude max_tokens=100 temperature=0.2 token_count: 3 use_auth=False",
    "INFO token_file=/run/secrets/agentcore-token auth_mode=sigv4 token_source: env AGENTCORE_TRIAGE_TOKEN",
    "DEBUG NextToken=AbCdEf123 SecretId=prod/db tokenizer=gpt2 author=Alice",
    "AccessDeniedException: not authorized to perform: secretsmanager:GetSecretValue on resource",
    # ARNs and URLs
    "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_token_agent-AbCdEf1234",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:my-db-password-AbCdEf",
    "see https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/abc/invocations?qualifier=DEFAULT for it",
    "http://localhost:8000/mcp",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert redact_text(text) == text


def test_serialized_json_stays_valid_json_and_loses_its_secrets() -> None:
    # A support bundle redacts the serialized bytes too: a mask must never eat a JSON escape.
    document = {
        "body": 'the network path, not your credentials:\n\n- a proxy\nreports credentials: "HTTP 403, Message=x"',
        "log": 'password: "hunter22" then\nAPI_TOKEN=abc123 and token: "q9w8e7r6"',
    }
    out = redact_text(json.dumps(document))
    assert json.loads(out)["body"] == document["body"]
    for secret in ("hunter22", "abc123", "q9w8e7r6"):
        assert secret not in out


def test_a_megabyte_of_hostile_text_is_redacted_in_one_linear_pass() -> None:
    # Near-misses for every new pattern, 100 kB each: a backtracking pattern would take minutes on any of them.
    units = [
        "a_token",  # a key name with no separator
        "x" * 63 + "token",  # long names around the key word
        "token_file_token_secret ",  # a key ending in a word that names no secret, then one that does not end
        "sk-",  # token prefixes with nothing after them
        "ghp_",
        "token: ",  # separators with no value
        "token: 'a b ",  # unclosed quotes
        '\\"token\\": \\"',
        "?token=a,",  # punctuation inside query values
        "/passwd: ",
    ]
    hostile = "".join((unit * (100_000 // len(unit) + 1))[:100_000] for unit in units)
    assert len(hostile) == 1_000_000
    out = redact_text(hostile)
    assert out.startswith("a_token" * 10)  # untouched where nothing is a secret
    assert "sk-sk-sk-" in out and "ghp_ghp_" in out and "/passwd: /passwd: " in out
    assert MASK in out


def test_a_long_text_seen_before_loses_a_secret_registered_since() -> None:
    """Long texts (a bundle's playbook) have their shape-masking remembered too; a secret registered after the first
    look is still masked, because known secrets are replaced before the memo is asked."""
    import uuid

    from tui.redact import register_secret

    secret = "not-a-shape-" + uuid.uuid4().hex
    text = "plain words " * 1_000 + secret + " and Authorization: Bearer abcdefgh12345678"
    first = redact_text(text)
    assert secret in first and "abcdefgh12345678" not in first and redact_text(text) == first
    register_secret(secret)
    second = redact_text(text)
    assert secret not in second and "abcdefgh12345678" not in second
