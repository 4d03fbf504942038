"""doctor --lang ja on the demo sandbox: every finding of the endpoint, runtime, logs, X-Ray, identity, context, IAM
and project checks says its summary, details and remediation in Japanese. Values stay verbatim (ARNs, URLs, log
group names, ids, code spans, quoted server and AWS texts); what is left after taking them out must not hold an
English phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_fixtures import on_shared_worker

from tui import i18n

pytestmark = pytest.mark.slow

OWN_CHECKS = re.compile(r"^(endpoint\.|logs\.|xray\.|runtime\.|aws\.|context\.|iam\.|project\.)")
"""The checks this test speaks for: every check the demo sandbox runs."""

VERBATIM = [
    re.compile(r"```.*?```", re.S),  # code blocks: server bodies, exception trees
    re.compile(r"`[^`\n]*`"),  # code spans: headers, settings, commands
    re.compile(r'"[^"\n]*"'),  # quoted texts from the server or AWS
    re.compile(r"'[^'\n]*'"),
    re.compile(r"\bhttps?://\S+"),
    re.compile(r"\barn:\S+"),
    re.compile(r"(?<![\w.])/[\w./<>*:%-]+"),  # paths: /mcp, /aws/bedrock-agentcore/runtimes/…
    re.compile(r"\b(?:GET|POST|DELETE) \S+ → [^|\n]*"),  # a probe's status line (method, path, status, reason)
    re.compile(r"\bHTTP \d{3}(?: [A-Z][a-z]+)*"),  # a status with its reason phrase: HTTP 406 Not Acceptable
    re.compile(r"\b\d{3}(?: [A-Z][a-zA-Z-]+)+"),  # 400 Bad Request, 421 Misdirected Request
    re.compile(r"\bpeer closed connection without sending complete message body \(incomplete chunked read\)"),  # httpx
    re.compile(r"\b(?:runtime|endpoint|project)(?:, (?:runtime|endpoint|project))+\b"),  # the inputs' names
]
"""Verbatim values, taken out before looking for English (each kind is a value the catalogue keeps as it is)."""

ENGLISH_WORD = re.compile(r"^[a-z][a-z']+$")


def english_phrases(text: str) -> list[str]:
    """Runs of two or more plain lower-case English words left once the verbatim values are taken out."""
    for pattern in VERBATIM:
        text = pattern.sub(" ◇ ", text)  # a value ends a run of words
    found: list[str] = []
    for line in text.splitlines():
        run: list[str] = []
        for token in [*line.split(), ""]:
            word = token.strip(",.;:!?()[]*|")
            if ENGLISH_WORD.match(word) and token == token.strip("()"):
                run.append(word)
                continue
            if len(run) >= 2:
                found.append(" ".join(run))
            run = []
    return found


def test_the_detector_finds_english_and_lets_values_through() -> None:
    assert english_phrases("log group /aws/x exists") == ["log group"]
    assert english_phrases("serverProtocol MCP: AgentCore calls the container on 8000 /mcp") == [
        "calls the container on"
    ]
    assert (
        english_phrases(
            'ロググループ /aws/bedrock-agentcore/runtimes/x-DEFAULT が存在します: "The specified log group does not exist"'
        )
        == []
    )
    assert english_phrases("`Content-Type: application/json` を送ってください（HTTP 406 Not Acceptable）") == []
    assert english_phrases("POST /mcp → 400 Bad Request (application/json) | 受け付けた") == []


TERSE_REMEDIATIONS: set[str] = set()
"""Remediations with no run of two lower-case words once their values are out: the detector cannot see them, and
test_i18n checks the catalogue has their Japanese. None today (project.server_host and project.otel_instrument were,
until their remediations named the path and the project's own command)."""


def test_the_detector_sees_the_english_of_these_checks() -> None:
    """Every other remediation of these checks, in English, holds a phrase the detector finds (it is not blind to
    them)."""
    from tui.registry import load_all

    specs = [s for s in load_all().checks.values() if OWN_CHECKS.match(s.id) and s.remediation]
    assert len(specs) > 20
    assert {s.id for s in specs if not english_phrases(s.remediation)} == TERSE_REMEDIATIONS


@pytest.fixture(autouse=True)
def japanese(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "state"))
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


def own_findings(scenario: str, shared_scenario: Any) -> list[Any]:
    """The scenario's doctor run in Japanese: the worker's shared one (the fix-plan tests read it too)."""
    run = shared_scenario(scenario).doctor()
    return [f for f in run.findings if OWN_CHECKS.match(f.check)]


def english_in(findings: list[Any]) -> list[tuple[str, str, str]]:
    out = []
    for f in findings:
        for field in ("summary", "details", "remediation"):
            out += [(f.check, field, phrase) for phrase in english_phrases(getattr(f, field) or "")]
    return out


SCENARIOS = {
    "seed-guide": {
        "endpoint.stream": "fail",
        "logs.group.otel": "fail",
        "xray.destination": "fail",
        "project.mcp_version": "fail",  # FastMCP code on an unpinned mcp
        "project.server_api": "fail",  # @mcp.middleware
        "project.stateless": "warn",
        "iam.role.logs": "fail",
    },
    "healthy": {"endpoint.session": "pass", "logs.policy.xray": "pass", "xray.destination": "pass"},
    "server-crashed": {"endpoint.initialize": "fail"},
    "auth-token": {"endpoint.auth": "fail"},
    "headers": {"endpoint.headers": "fail", "project.server_api": "fail"},
    "missing-log-group": {"logs.group.runtime": "fail"},
    "resource-policy": {"logs.policy.xray": "fail"},
    "logs-permissions": {"logs.errors.recent": "warn", "iam.role.logs": "fail"},
    "trace-destination": {"xray.destination": "fail"},
    "boundary": {
        "logs.errors.recent": "warn",
        "iam.role.logs": "fail",  # refused by the permissions boundary, not by the role's own policies
        "iam.role.metrics": "fail",
    },
    "session-stream": {"endpoint.stream": "fail", "project.stateless": "warn"},
}


@on_shared_worker("seed-guide")
def test_a_status_does_not_depend_on_the_language(shared_scenario: Any) -> None:
    """The scenario with the most faults gives every check the same status in both languages: what lets
    tests/test_sandbox_runner.py prove each scenario's expectations on its Japanese run alone. The English run is
    the one the seed-guide tests of tests/test_results_trust_sandbox.py read (one run per worker and language)."""
    japanese = {(f.node, f.check): f.status for f in shared_scenario("seed-guide").doctor().findings}
    i18n.set_language("en")
    english = {(f.node, f.check): f.status for f in shared_scenario("seed-guide").doctor().findings}
    assert japanese == english
    assert {status.value for status in english.values()} >= {"pass", "fail", "warn"}


@pytest.mark.parametrize("scenario", [pytest.param(name, marks=on_shared_worker(name)) for name in sorted(SCENARIOS)])
def test_own_findings_are_japanese(scenario: str, shared_scenario: Any) -> None:
    assert i18n.current_language() == "ja"
    findings = own_findings(scenario, shared_scenario)
    statuses = {f.check: f.status.value for f in findings}
    for check, status in SCENARIOS[scenario].items():  # the scenario reached the outcome this test is about
        assert statuses.get(check) == status, (check, statuses.get(check))
    left = english_in(findings)
    assert not left, "English left in Japanese findings:\n" + "\n".join(map(str, left))
