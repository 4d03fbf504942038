"""The hostile-endpoint matrix: every mode ends bounded, named, and with no secret in any output.

Servers are real (uvicorn or raw sockets on 127.0.0.1, tui/sandbox/misbehaving.py). ``bounded_probes`` fails a
test whose probe ran past its own timeout; there is no wall-clock assertion here.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import sys
from typing import Any

import mcp.client.streamable_http  # noqa: F401 - imported once here, not inside the first check's time budget
import pytest
from test_endpoint_harness import TOKEN_ENV, bounded_probes, make_context, run_check  # noqa: F401

from tui.checks.base import CheckContext
from tui.registry import REGISTRY, load_all
from tui.results import Status
from tui.sandbox.misbehaving import METADATA_SECRET, misbehaving

TOKEN = "hostile-matrix-token-3f9c2a71d0"
FORBIDDEN = [ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fd00:ec2::/64")]
_connects: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Every socket.connect in this process, recorded before it happens: proof that a refusal came before connect.
    if event == "socket.connect" and len(args) > 1 and isinstance(args[1], tuple) and args[1]:
        _connects.append(str(args[1][0]))


@functools.cache
def _record_connects() -> None:
    """Install the hook, once per worker: by the first test that needs it, not when the module is collected. A hook
    cannot be removed, and every audited event of the worker calls it (Textual alone calls ``id()`` about 900,000
    times in one app-test file)."""
    sys.addaudithook(_audit)  # this one only appends addresses to a list


def _connects_from_now() -> int:
    """Start recording connects and return where this test's records begin."""
    _record_connects()
    return len(_connects)


def _forbidden_connects(since: int) -> list[str]:
    """Forbidden addresses connected to since ``len(_connects)`` was ``since`` (earlier tests in this worker, e.g.
    botocore looking for instance credentials, are not this test's doing)."""
    out = []
    for host in _connects[since:]:
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            continue
        if any(ip in net for net in FORBIDDEN):
            out.append(host)
    return out


# mode -> (codes endpoint.initialize may report, code endpoint.sdk's raw probe must report)
MATRIX: dict[str, tuple[set[str | None], str | None]] = {
    "no-headers": ({None}, None),  # no Content-Type: the raw probe reads the JSON; the official client refuses it
    "drip": ({"stalled"}, "stalled"),
    "gzip-bomb": ({"too-large"}, "too-large"),
    "huge-body": ({"too-large"}, "too-large"),
    "infinite-sse": ({"sse-silent", "too-large"}, None),
    "huge-sse-line": ({"too-large"}, "too-large"),
    "invalid-json": ({"no-response"}, "no-response"),
    "wrong-id": ({"no-response"}, "no-response"),
    "redirect": ({"cross-origin-redirect"}, "cross-origin-redirect"),
    "many-headers": ({None}, None),
    "reflect-token": ({"http"}, "http"),
    "throttle": ({"throttled"}, "throttled"),
}
KWARGS = {"huge-body": {"size": 100 * 1024 * 1024}}
SITS_OUT_THE_TIMEOUT = {"drip", "infinite-sse", "throttle"}
"""Modes whose probes each wait the check's whole timeout (the server never finishes an answer)."""
WAITS_FOR_THE_TIMEOUT = {*SITS_OUT_THE_TIMEOUT, "wrong-id"}
"""Modes whose outcome is the timeout itself (``wrong-id``: the official client waits for an answer with its own id).
Their timeout is short: the server's first bytes come at once, and the classification reads what came before the
timeout, so a longer one only sleeps longer. The other modes keep a ceiling for a loaded machine (100 MB bodies)."""
WAITING_TIMEOUT = 2.0


# Slow (justified): the drip/infinite-sse/throttle/wrong-id modes must run into the check's own timeout to prove it
# holds (the drip/infinite-sse/throttle probes overlap, so each such mode waits it once, not three times).
@pytest.mark.slow
@pytest.mark.parametrize(
    "mode", [pytest.param(m, marks=pytest.mark.waits) if m in ("drip", "throttle", "wrong-id") else m for m in MATRIX]
)
async def test_hostile_endpoint_is_bounded_named_and_clean(mode: str, monkeypatch, capfd) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    init_codes, sdk_code = MATRIX[mode]
    with misbehaving(mode, **KWARGS.get(mode, {})) as url:
        timeout = WAITING_TIMEOUT if mode in WAITS_FOR_THE_TIMEOUT else 5
        context = make_context(url, token_env=TOKEN_ENV, timeout=timeout)
        spec = load_all().checks["endpoint.sdk"]
        probes = (
            run_check("endpoint.initialize", context),
            run_check("endpoint.sdk", context),
            spec.func(CheckContext(context=context, timeout=timeout), spec.params()),  # before the engine's redaction
        )
        if mode in SITS_OUT_THE_TIMEOUT:  # three independent connections: overlap the three 5 s waits
            init, sdk, raw_sdk = await asyncio.gather(*probes)
        else:  # one at a time: three 100 MB bodies at once on a loaded machine could run into the timeout instead
            init, sdk, raw_sdk = [await probe for probe in probes]
    code = (init.evidence.get("classified") or {}).get("code")
    assert code in init_codes, (init.status, init.summary)
    assert init.status != Status.PASS or code is None
    assert "\n" not in init.summary and "\n" not in sdk.summary
    assert sdk.status == Status.FAIL, sdk.summary
    if sdk_code is not None:
        assert sdk.evidence["classified"]["code"] == sdk_code, sdk.summary
    if mode == "infinite-sse":
        assert sdk.evidence["classified"]["code"] in ("sse-silent", "too-large")
    for result in (init, sdk, raw_sdk):
        assert TOKEN not in result.model_dump_json(), f"{result.check} holds the token"
    out, err = capfd.readouterr()
    assert TOKEN not in out + err
    assert "Traceback" not in err


async def test_invalid_json_lands_in_sdk_evidence_not_on_stderr(monkeypatch, capfd) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with misbehaving("invalid-json") as url:
        spec = REGISTRY.checks["endpoint.sdk"]
        context = make_context(url, token_env=TOKEN_ENV, timeout=4)
        result = await spec.func(CheckContext(context=context, timeout=4), spec.params())
    log = result.evidence["sdk"]["library_log"]
    assert any("Error parsing JSON response" in line for line in log), log
    assert TOKEN not in result.model_dump_json()
    assert capfd.readouterr().err == ""  # the mcp library's traceback no longer reaches the terminal


@pytest.mark.parametrize("stall", [False, True], ids=["100MB-line", "1.25MB-line-then-silence"])
async def test_huge_sse_line_is_too_large_not_silence(stall: bool) -> None:
    size = 5 * 256 * 1024 if stall else 100 * 1024 * 1024
    with misbehaving("huge-sse-line", size=size, stall=stall) as url:
        result = await run_check("endpoint.initialize", make_context(url, timeout=3))
    assert result.evidence["classified"]["code"] == "too-large", result.summary
    assert "no event" not in result.summary


@pytest.mark.waits
async def test_throttling_is_named_even_when_it_uses_up_the_timeout() -> None:
    with misbehaving("throttle") as url:
        result = await run_check("endpoint.initialize", make_context(url, timeout=3))
    assert result.evidence["classified"]["code"] == "throttled", result.summary
    assert "429" in result.summary and "throttled" in result.summary


async def test_cross_origin_redirect_is_reported_and_never_followed() -> None:
    hits: list[str] = []
    with misbehaving("metadata", hits=hits) as elsewhere, misbehaving("redirect", location=elsewhere) as url:
        results = {c: await run_check(c, make_context(url, timeout=4)) for c in ("endpoint.initialize", "endpoint.sdk")}
    assert hits == [], "the other origin was contacted"
    for result in results.values():
        assert result.status == Status.FAIL
        assert result.evidence["classified"]["code"] == "cross-origin-redirect"
        dumped = result.model_dump_json()
        assert METADATA_SECRET not in dumped and "ASIAIOSFODNN7EXAMPLE" not in dumped
    init = results["endpoint.initialize"]
    origin = elsewhere.rsplit("/", 1)[0]
    assert origin in init.summary, init.summary
    redirect = init.evidence["raw"]["redirects"][0] if "raw" in init.evidence else None
    assert redirect is None or redirect["followed"] is False


async def test_redirect_to_link_local_is_refused_before_any_connect() -> None:
    before = _connects_from_now()
    with misbehaving("redirect") as url:  # 307 to http://169.254.169.254/latest/meta-data/…
        results = [await run_check(c, make_context(url, timeout=4)) for c in ("endpoint.initialize", "endpoint.sdk")]
    assert len(_connects) > before, "the audit hook saw no connect at all: the test would prove nothing"
    assert _forbidden_connects(before) == []
    assert all(r.evidence["classified"]["code"] == "cross-origin-redirect" for r in results)
    assert "169.254.169.254" in results[0].summary and "metadata" in results[0].summary


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/mcp",
        "http://169.254.10.20:8000/mcp",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
async def test_link_local_endpoint_is_never_contacted(endpoint: str) -> None:
    before = _connects_from_now()
    context = make_context(endpoint, timeout=4)
    reachable = await run_check("endpoint.reachable", context)
    others = [await run_check(c, context) for c in ("endpoint.initialize", "endpoint.sdk", "endpoint.auth")]
    assert _forbidden_connects(before) == []
    assert reachable.status == Status.FAIL and "not contacted" in reachable.summary, reachable.summary
    assert reachable.evidence["classified"]["code"] == "forbidden-address"
    for result in others:
        assert result.status == Status.SKIP and "not contacted" in result.summary, result.summary


async def test_a_name_that_resolves_elsewhere_at_connect_time_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name passed the check before connecting, then the connection reached a metadata address.

    The address actually connected to (httpcore's ``network_stream``) is judged again and the answer never read.
    Here the server is on 127.0.0.1; the judgment of the connected address is told that 127.0.0.1 is the metadata
    service (nothing can listen on 169.254.169.254 in a test), while the pre-connect check still sees ``localhost``.
    """
    import tui.endpoint.probe as probe_module
    import tui.endpoint.sdk as sdk_module
    from tui.endpoint.destination import forbidden_address

    def rebound(address: str) -> str | None:
        return (
            "127.0.0.1 stands for the metadata address here" if address == "127.0.0.1" else forbidden_address(address)
        )

    with misbehaving("metadata") as url:
        context = make_context(url.replace("127.0.0.1", "localhost"), timeout=4)
        before = await run_check("endpoint.initialize", context)  # the same server, judged as it is: read
        assert METADATA_SECRET not in repr(before.evidence)  # redacted as a secret even when read
        assert before.evidence.get("classified", {}).get("code") != "forbidden-address"
        monkeypatch.setattr(probe_module, "forbidden_address", rebound)
        monkeypatch.setattr(sdk_module, "forbidden_address", rebound)
        results = [await run_check(c, context) for c in ("endpoint.initialize", "endpoint.sdk")]
    for result in results:
        assert result.status in (Status.FAIL, Status.ERROR), result.summary
        assert "answer not read" in repr(result), result.summary
        assert METADATA_SECRET not in repr(result)
        assert "SecretAccessKey" not in repr(result)
