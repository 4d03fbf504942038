"""Hostile input, QA round 15: project files, the ?qualifier= of an endpoint URL, flag values quoted back.

Each test failed before its fix (observed results in the comments)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from tui.checks.base import CheckContext
from tui.context import build_context
from tui.registry import load_all
from tui.results import CheckResult, Status

SAMPLE = Path(__file__).resolve().parent.parent / "tui" / "sandbox" / "sample_project"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(SAMPLE, root)
    (root / "_bedrock_agentcore.yaml").unlink()  # its placeholders are not needed: the file names are enough
    return root


def run(check_id: str, root: Path) -> CheckResult:
    spec = load_all().checks[check_id]
    ctx = CheckContext(context=build_context(project=str(root)))
    return spec.func(ctx, spec.params(dir=str(root)))


def test_a_requirements_file_too_large_to_read_is_could_not_run_not_missing(tmp_path: Path) -> None:
    # Before: 'requirements.txt does not list `mcp`' (fail) with the mutating fix project.pin_mcp offered on a file
    # nobody read, and otel_instrument_installed 'nothing installs opentelemetry-instrument'.
    root = project(tmp_path)
    with open(root / "requirements.txt", "a") as f:
        f.truncate(50_000_000)
    for check_id in (
        "project.layout",
        "project.mcp_version",
        "project.otel_distro",
        "project.otel_instrument_installed",
    ):
        result = run(check_id, root)
        assert result.could_not_run, (check_id, result.status, result.summary)
        assert "requirements.txt in the project was not read: 50.0 MB" in result.summary


def test_a_pyproject_that_is_not_toml_or_nested_too_deep_is_named(tmp_path: Path) -> None:
    # Before: invalid TOML read as 'no dependencies' (fail, fix offered); arrays 50,000 deep: RecursionError in 10
    # checks.
    root = project(tmp_path)
    (root / "requirements.txt").unlink()
    (root / "pyproject.toml").write_text('[project\ndependencies=["mcp>=2.3"\n')
    result = run("project.mcp_version", root)
    assert result.could_not_run and "not valid TOML" in result.summary, result.summary
    (root / "pyproject.toml").write_text("[project]\nx=" + "[" * 50_000 + "]" * 50_000 + "\n")
    result = run("project.mcp_version", root)
    assert result.could_not_run and "nested too deeply" in result.summary, result.summary


def test_a_deeply_nested_cmd_array_is_read_without_recursion_error(tmp_path: Path) -> None:
    # Before: every project check ended 'RecursionError: maximum recursion depth exceeded while decoding a JSON
    # array'.
    root = project(tmp_path)
    docker = root / "Dockerfile"
    docker.write_text(docker.read_text().replace("CMD [", "CMD " + "[" * 100_000 + '"python"' + "]" * 100_000 + "\n#["))
    for check_id in ("project.layout", "project.docker_user", "project.otel_instrument", "project.server_host"):
        result = run(check_id, root)
        assert result.status is not Status.ERROR, (check_id, result.summary)
        assert len(result.summary) < 1000, check_id


def test_a_cmd_after_thousands_of_instructions_is_seen_by_every_check(tmp_path: Path) -> None:
    # Before: instructions stopped at 2,000, so otel_instrument_installed skipped 'the start command does not use
    # opentelemetry-instrument' while otel_instrument quoted that CMD.
    root = project(tmp_path)
    docker = root / "Dockerfile"
    docker.write_text(docker.read_text().replace("EXPOSE 8000", "EXPOSE 8000\n" + "RUN echo hi\n" * 5_000))
    assert run("project.otel_instrument", root).status is Status.PASS
    result = run("project.otel_instrument_installed", root)
    assert result.status is Status.PASS, result.summary


def test_an_oversized_dockerfile_is_could_not_run(tmp_path: Path) -> None:
    root = project(tmp_path)
    docker = root / "Dockerfile"
    docker.write_text(docker.read_text() + "RUN echo hi\n" * 100_000)
    for check_id in ("project.docker_user", "project.docker_platform", "project.otel_instrument"):
        result = run(check_id, root)
        assert result.could_not_run and "Dockerfile in the project was not read" in result.summary, result.summary


@pytest.mark.parametrize("how", ["symlink", "entrypoint"])
def test_an_entry_point_outside_the_project_is_not_read(tmp_path: Path, how: str) -> None:
    # Before: mcp_server.py -> /etc/passwd, or `entrypoint: /etc/passwd` in .bedrock_agentcore.yaml, was read and
    # reported as '/etc/passwd does not parse: line 1: invalid syntax'.
    root = project(tmp_path)
    outside = tmp_path / "outside.py"
    outside.write_text("secret = 'hunter2'\n")
    (root / "mcp_server.py").unlink()
    if how == "symlink":
        (root / "mcp_server.py").symlink_to(outside)
    else:
        (root / ".bedrock_agentcore.yaml").write_text(
            f"default_agent: a\nagents:\n  a:\n    name: a\n    entrypoint: {outside}\n"
        )
        (root / "server.py").symlink_to(Path("..") / "outside.py")
    from tui.project.scan import scan_project

    scan = scan_project(root)
    assert scan.entry is None and scan.server is None
    result = run("project.layout", root)
    assert result.status is not Status.PASS and "outside.py" not in result.summary, result.summary


def test_a_fifo_in_the_project_blocks_no_check(tmp_path: Path) -> None:
    # Before: a FIFO named client.py (or mcp_server.py, Dockerfile…) blocked project.client_mcp_api and
    # project.role_helper for ever: 'timed out after 10 s', their threads stuck in open().
    root = project(tmp_path)
    os.mkfifo(root / "client.py")
    for name in ("mcp_server.py", "Dockerfile", "requirements.txt"):
        (root / name).unlink()
        os.mkfifo(root / name)
    results: dict[str, CheckResult] = {}
    ids = ("project.client_mcp_api", "project.role_helper", "project.layout", "project.docker_user")

    def check_all() -> None:
        for check_id in ids:
            results[check_id] = run(check_id, root)

    worker = threading.Thread(target=check_all, daemon=True)
    worker.start()
    worker.join(60)  # a bound for the blocked case only: the checks return at once
    assert not worker.is_alive(), f"blocked after {sorted(results)}"
    assert results["project.layout"].could_not_run, results["project.layout"].summary
    assert "a device, pipe or socket" in results["project.docker_user"].summary


# ---------------------------------------------------------------------------- the qualifier and flag values

INVOCATION = (
    "http://127.0.0.1:9/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2Fx-abc/invocations"
)


def test_a_url_repeating_qualifier_ten_thousand_times_is_refused_not_read_as_default() -> None:
    # Before: over 64 query parameters read as 'no qualifier': the AWS checks looked at DEFAULT while the probes
    # called p, and no usage error.
    ctx = build_context(endpoint=INVOCATION + "?" + "&".join(["qualifier=p"] * 10_000))
    assert ctx.qualifier_problem() == "--endpoint: the URL has 10000 qualifier parameters; give one (?qualifier=NAME)"
    many = build_context(endpoint=INVOCATION + "?" + "x=1&" * 100 + "qualifier=prod")
    assert many.endpoint_name == "prod"


def test_a_url_qualifier_with_spaces_around_it_is_not_read_as_the_name_inside() -> None:
    # Before: ?qualifier=%20prod%09 was stripped to prod for the AWS checks while the probe sent ' prod\t'.
    ctx = build_context(endpoint=INVOCATION + "?qualifier=%20prod%09")
    assert ctx.qualifier_problem() is not None and "' prod\\t'" in ctx.qualifier_problem()  # type: ignore[operator]


def _cli(*args: str, **env: str) -> str:
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCORE_TRIAGE_")} | env
    done = subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=environ, timeout=120, check=False
    )
    return done.stderr


def test_the_language_warning_stays_one_line_with_a_newline_in_lang() -> None:
    # Before: LANG=$'C\nfake line' printed the warning's end as a second line.
    stderr = _cli("checks", "list", AGENTCORE_TRIAGE_LANG="xx\n", LANG="C\nfake line\x1b]0;pwn\x07", LC_ALL="")
    warning = [line for line in stderr.splitlines() if "AGENTCORE_TRIAGE_LANG" in line]
    assert len(warning) == 1 and "fake line" in warning[0] and "\x1b" not in stderr, stderr


def test_an_input_name_with_a_newline_is_quoted_in_one_line() -> None:
    # Before: "--input fo\no: playbook agentcore-mcp has no such input" on two lines. The line break shows as U+FFFD,
    # as control characters do in every error line (test_qa_round14).
    stderr = _cli("doctor", "--endpoint", "http://127.0.0.1:9/mcp", "--input", "fo\no=1")
    assert stderr.strip().splitlines() == [
        "agentcore-triage: --input 'fo\ufffdo=1': no such input (inputs: log_window_minutes)"
    ], stderr


# ---------------------------------------------------------------------------- 3. hostile GetAgentRuntime answers
# Real AWS caps these fields (50 variables, 100-character names, 16 subnets) and types them; its answers are still
# untrusted input. moto answers only model-valid shapes, so the runtime read is replaced by the answer under test.

HOSTILE_NAME = "EVIL\n\x1b[31mRED"


def run_on_answer(monkeypatch: pytest.MonkeyPatch, check_id: str, runtime: dict[str, object]) -> CheckResult:
    import tui.checks.aws.network as network
    import tui.checks.aws.runtime_config as runtime_config

    for module in (runtime_config, network):
        monkeypatch.setattr(module, "read_runtime", lambda _ctx, _params: runtime)
    spec = load_all().checks[check_id]
    ctx = CheckContext(context=build_context(region="us-east-1"))
    return spec.func(ctx, spec.params(runtime_id="mcp_server-AbCdEf1234", region="us-east-1"))


def test_thousands_of_secret_looking_names_stay_one_bounded_line(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {f"API_TOKEN_{i}": "x" for i in range(5000)} | {HOSTILE_NAME + "_TOKEN": "y"}
    result = run_on_answer(monkeypatch, "runtime.env", {"environmentVariables": env})
    assert result.status is Status.WARN, result.summary
    assert len(result.summary) < 2000 and "(+4991 more)" in result.summary, result.summary[:300]
    assert "\n" not in result.summary and "\x1b" not in str(result.evidence)  # before: 254 KB, the name as is
    assert len(result.evidence["variables"]) == 200


@pytest.mark.parametrize(
    ("check_id", "runtime", "field"),
    [
        ("runtime.env", {"environmentVariables": ["A=1"]}, "environmentVariables"),
        ("runtime.authorizer", {"authorizerConfiguration": "x"}, "authorizerConfiguration"),
        ("runtime.authorizer", {"authorizerConfiguration": {"customJWTAuthorizer": 5}}, "customJWTAuthorizer"),
        (
            "runtime.authorizer",
            {"authorizerConfiguration": {"customJWTAuthorizer": {"allowedClients": "c1"}}},
            "allowedClients",
        ),
        ("runtime.network", {"networkConfiguration": "VPC"}, "networkConfiguration"),
        (
            "runtime.network",
            {"networkConfiguration": {"networkMode": "VPC", "networkModeConfig": {"subnets": ["s"] * 1000}}},
            "subnets",
        ),
    ],
)
def test_an_answer_of_the_wrong_shape_could_not_be_read_not_none_set(
    monkeypatch: pytest.MonkeyPatch, check_id: str, runtime: dict[str, object], field: str
) -> None:
    """Before: a list of variables read as "no environment variables" (green); the others raised (AttributeError,
    TypeError) or listed a thousand subnets."""
    result = run_on_answer(monkeypatch, check_id, runtime)
    assert result.could_not_run and result.status is not Status.PASS, (result.status, result.summary)
    assert f"answered {field} as" in result.summary, result.summary


def test_a_discovery_url_keeps_no_credentials_and_names_stay_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://user:hunter2@idp.example.com/.well-known/openid-configuration?token=s3cr3t" + "a" * 100_000
    clients = [f"client\n{i}" for i in range(1000)]
    authorizer = {"customJWTAuthorizer": {"discoveryUrl": url, "allowedClients": clients, "customClaims": 5}}
    result = run_on_answer(monkeypatch, "runtime.authorizer", {"authorizerConfiguration": authorizer})
    assert result.status is Status.PASS, result.summary
    shown = result.summary + str(result.evidence)
    assert "hunter2" not in shown and "s3cr3t" not in shown and "user" not in result.evidence["discoveryUrl"]
    assert "\n" not in result.summary and len(result.summary) < 1000 and "(+990 more)" in result.summary


def test_an_egress_rule_without_ports_or_with_null_ports_is_read_as_the_whole_range() -> None:
    from tui.checks.aws.network import _allows_https_out

    assert _allows_https_out({"IpPermissionsEgress": [{"IpProtocol": "tcp", "FromPort": None, "ToPort": None}]})
    assert _allows_https_out({"IpPermissionsEgress": [{"IpProtocol": "tcp"}]})
    assert not _allows_https_out({"IpPermissionsEgress": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}]})


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/m\x1bcp", "http://127.0.0.1:9/mcp\x00", "http://127.0.0.1:9/\x7fmcp"]
)
def test_an_endpoint_url_with_a_control_character_is_refused_in_one_line(url: str) -> None:
    """Before: an escape in --endpoint passed the URL check and every endpoint check ended "unexpected: InvalidURL"."""
    from tui.context import endpoint_url_problem

    problem = endpoint_url_problem(url)
    assert problem is not None and "control character" in problem, problem
    assert endpoint_url_problem("http://例え.jp:8000/mcp") is None  # printable non-ASCII is a host name, not a fault


def test_an_exception_name_after_credentials_colon_is_not_taken_for_a_secret() -> None:
    """Before: "could not test credentials: InvalidURL: …" was shown as "credentials: ***redacted*** …" (the label
    'InvalidURL:' read as the value of 'credentials'); a value that is one is still masked, colon or not."""
    from tui.redact import MASK, redact_text

    for text in (
        "could not test credentials: InvalidURL: Invalid non-printable ASCII character in URL",
        "could not test credentials: unexpected: InvalidURL",
    ):
        assert redact_text(text) == text
    for secret in ("credentials: AbCdEfGhIjKlMnOp:", "token: ghx7Yq2LmZ9pW3rT8vB1:", "password: hunter2:"):
        assert MASK in redact_text(secret), redact_text(secret)


async def test_a_qualifier_problem_typed_on_the_start_screen_is_named_by_the_endpoint_checks() -> None:
    """The CLI refuses two ?qualifier= before anything runs; the TUI's start screen passed such a URL on unchecked,
    and the AWS checks looked at DEFAULT while every probe called the URL as typed."""
    from test_endpoint_harness import run_all

    from tui.context import Context

    arn = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2Fmcp_server-AbCdEf1234"
    url = f"https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/{arn}/invocations?qualifier=a&qualifier=b"
    results = await run_all(Context(endpoint=url), only=("endpoint.reachable",))
    reachable = results["endpoint.reachable"]
    assert reachable.status is not Status.PASS and "2 qualifier parameters" in reachable.summary, reachable.summary
