"""The endpoint library's pure parts: SSE parsing, JSON-RPC ids, URLs and ARNs, JWT claims, SigV4, ExceptionGroups."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from test_endpoint_harness import bounded_probes, make_context, run_check  # noqa: F401

from tui.endpoint import jsonrpc
from tui.endpoint.auth import decode_jwt, sigv4_sign
from tui.endpoint.sdk import unwrap
from tui.endpoint.sse import SseParser, parse_sse
from tui.endpoint.target import check_encoded_arn, invocation_url, resolve_target
from tui.results import Status

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-4jYLS0BaZ6"
ENCODED = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2Fmcp_server-4jYLS0BaZ6"
SSE_BODY = (
    'event: message\r\ndata: {"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25",'
    '"serverInfo":{"name":"lab-server","version":"0.0.1"}}}\r\n\r\n'
)

# --------------------------------------------------------------------------- SSE


@pytest.mark.parametrize("sep", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_sse_line_endings(sep: str) -> None:
    events = parse_sse(SSE_BODY.replace("\r\n", sep))
    assert len(events) == 1 and events[0].event == "message"
    assert jsonrpc.messages_from_json(events[0].data)[0]["result"]["serverInfo"]["name"] == "lab-server"


def test_sse_split_anywhere_even_inside_crlf() -> None:
    raw = (": ping\r\n\r\n" + SSE_BODY + "data: a\r\ndata: b\r\n\r\n").encode()
    for cut in range(1, len(raw)):
        parser = SseParser()
        events = parser.feed(raw[:cut]) + parser.feed(raw[cut:]) + parser.flush()
        assert [e.data[:10] for e in events] == ['{"jsonrpc"', "a\nb"], cut
        assert parser.comments == 1


def test_sse_multibyte_split() -> None:
    raw = "data: Grüße\r\n\r\n".encode()
    parser = SseParser()
    events = [e for i in range(len(raw)) for e in parser.feed(raw[i : i + 1])]
    assert events[0].data == "Grüße"


# --------------------------------------------------------------------------- JSON-RPC ids


def test_response_matching_is_type_exact() -> None:
    msgs = [{"jsonrpc": "2.0", "id": "42", "result": {}}, {"jsonrpc": "2.0", "id": 42, "result": {"x": 1}}]
    assert jsonrpc.find_response(msgs, 42)["result"] == {"x": 1}
    assert jsonrpc.find_response(msgs, "42")["result"] == {}
    assert (
        jsonrpc.find_response([{"jsonrpc": "2.0", "id": None, "error": {"code": -32600}}], 7)["error"]["code"] == -32600
    )


# --------------------------------------------------------------------------- target


def test_invocation_url_fully_encodes_the_arn(monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", raising=False)
    assert (
        invocation_url(ARN)
        == f"https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/{ENCODED}/invocations?qualifier=DEFAULT"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "http://127.0.0.1:9/")
    assert invocation_url(ARN).startswith(f"http://127.0.0.1:9/runtimes/{ENCODED}/")


@pytest.mark.parametrize(
    ("path_arn", "expect"),
    [
        (ENCODED, None),
        (ENCODED.replace("%2F", "/"), "partly URL-encoded: `/`"),
        (ARN, "partly URL-encoded: `:` and `/`"),
        (ENCODED.replace("%3A", "%253A"), "encoded twice"),
        (ENCODED.replace("us-east-1%3A", "us-east-1%"), "lost characters"),
    ],
    ids=["ok", "slash-raw", "raw", "double", "lost-3A"],
)
def test_half_encoded_arn_is_explained(path_arn: str, expect: str | None) -> None:
    url = f"https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/{path_arn}/invocations?qualifier=DEFAULT"
    problems, arn, suggested = check_encoded_arn(url)
    if expect is None:
        assert problems == [] and arn == ARN
        return
    assert expect in problems[0]
    if expect != "lost characters":
        assert (
            suggested
            == f"https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/{ENCODED}/invocations?qualifier=DEFAULT"
        )


def test_target_from_runtime_arn_and_facts(monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", raising=False)
    target = resolve_target(make_context(runtime=ARN))
    assert target is not None and target.agentcore and target.region == "us-east-1" and ENCODED in target.url
    target = resolve_target(
        make_context(runtime="mcp_server"), {"runtime.arn": ARN, "runtime.auth": "customJWTAuthorizer"}
    )
    assert target is not None and target.source == "runtime ARN" and target.auth_hint == "jwt"
    assert resolve_target(make_context(runtime="mcp_server")) is None
    direct = resolve_target(make_context("http://127.0.0.1:8000/mcp"))
    assert direct is not None and not direct.agentcore


# --------------------------------------------------------------------------- JWT and SigV4


def _jwt(**claims: Any) -> str:
    import jwt

    return jwt.encode(claims, "k" * 32, algorithm="HS256")


def test_jwt_claims_decoded_without_verifying() -> None:
    now = int(time.time())
    info = decode_jwt(
        _jwt(
            iss="https://cognito-idp.us-east-1.amazonaws.com/pool", client_id="abc", exp=now + 3600, token_use="access"
        )
    )
    assert info is not None and info.client_id == "abc" and not info.expired and not info.expiring_soon
    assert "expires in 59 min" in info.expiry_text() or "expires in 60 min" in info.expiry_text()
    assert decode_jwt(_jwt(exp=now - 10)).expired
    assert decode_jwt(_jwt(exp=now + 120)).expiring_soon
    assert decode_jwt("opaque-token-value") is None
    assert "token" not in str(info.claims()).lower().replace("token_use", "")


def test_sigv4_signature_for_bedrock_agentcore() -> None:
    from botocore.credentials import Credentials

    headers = sigv4_sign(
        "POST",
        f"https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/{ENCODED}/invocations?qualifier=DEFAULT",
        {"Content-Type": "application/json"},
        b"{}",
        "us-east-1",
        Credentials("AKIDEXAMPLE", "secret"),
    )
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/bedrock-agentcore/aws4_request" in headers["Authorization"]
    assert "X-Amz-Date" in headers


# --------------------------------------------------------------------------- ExceptionGroups


def test_nested_exception_groups_unwrap_to_one_cause() -> None:
    from mcp.shared.exceptions import MCPError

    try:
        try:
            raise MCPError(-32603, "Server returned an error response")
        except MCPError as inner:
            raise ExceptionGroup(
                "unhandled errors in a TaskGroup", [ExceptionGroup("unhandled errors in a TaskGroup", [inner])]
            ) from None
    except ExceptionGroup as exc:
        text, etype, code, chain = unwrap(exc)
    assert (text, etype, code) == ("Server returned an error response", "MCPError", -32603)
    assert len(chain) == 3 and chain[0].startswith("ExceptionGroup")


# --------------------------------------------------------------------------- TLS certificates


def _cert(
    tmp: Path, name: str, host: str, *, issuer: tuple[Any, Any] | None = None, days: int = 30, ca: bool = False
) -> tuple[Any, Any, Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=2))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    cert_path, key_path = tmp / f"{name}.pem", tmp / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert, key, cert_path, key_path


async def test_tls_certificate_problems_are_named(tmp_path: Path, monkeypatch) -> None:
    from tui.sandbox.misbehaving import tls_endpoint

    _, _, cert, key = _cert(tmp_path, "self", "localhost")
    with tls_endpoint(str(cert), str(key)) as port:
        result = await run_check("endpoint.reachable", make_context(f"https://localhost:{port}/mcp", timeout=4))
    assert result.status == Status.FAIL and "self-signed" in result.summary, result.summary

    ca_cert, ca_key, ca_path, _ = _cert(tmp_path, "ca", "agentcore-triage test CA", ca=True)
    _, _, cert, key = _cert(tmp_path, "leaf", "localhost", issuer=(ca_cert, ca_key))
    _, _, old_cert, old_key = _cert(tmp_path, "old", "localhost", issuer=(ca_cert, ca_key), days=-1)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_path))
    with tls_endpoint(str(cert), str(key)) as port:
        mismatch = await run_check("endpoint.reachable", make_context(f"https://127.0.0.1:{port}/mcp", timeout=4))
        good = await run_check("endpoint.reachable", make_context(f"https://localhost:{port}/mcp", timeout=4))
    assert mismatch.status == Status.FAIL and "hostname mismatch" in mismatch.summary, mismatch.summary
    assert good.status == Status.PASS and "TLS" in good.summary and good.evidence["tls"]["days_left"] >= 28
    with tls_endpoint(str(old_cert), str(old_key)) as port:
        expired = await run_check("endpoint.reachable", make_context(f"https://localhost:{port}/mcp", timeout=4))
    assert expired.status == Status.FAIL and "expired" in expired.summary, expired.summary
