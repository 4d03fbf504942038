"""pytest fixtures on the demo sandbox: real moto, real MCP server, real front door, real files.

Tests of AWS checks, endpoint checks and project checks use these instead of
fakes. Each factory starts what it is asked for on 127.0.0.1 and stops it at
the end of the test. ``tests/conftest.py`` re-exports them.

    def test_missing_policy(seeded_aws):
        info = seeded_aws({"resource-policy-missing"})      # fresh moto state, AWS_* env points at it
        ...

    async def test_421(mcp_server, front_door):
        server = mcp_server(faults={"host-protection"})
        door = front_door(server.url)
        token = door.issue_token("valid")
        ...
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.sandbox._net import DeadPort
from tui.sandbox.aws import DEFAULT_CLIENT_ID, DEFAULT_REGION, AwsSandbox, SeedInfo, seed
from tui.sandbox.frontdoor import FrontDoorSandbox
from tui.sandbox.mcp_server import McpServerSandbox
from tui.sandbox.runner import aws_environment

SAMPLE_RUNTIME_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-SandboxT01"
"""Runtime ARN the ``front_door`` factory uses when not given one (matches no seeded runtime)."""

SANDBOX_CHECK_TIMEOUT = 60.0
"""Per-check timeout (``AGENTCORE_TRIAGE_TIMEOUT``) in the ``sandbox`` fixture's environment; see there."""

XRAY_PENDING_SECONDS = 900.0
"""How long a trace-destination switch stays PENDING in tests: longer than any test, as on AWS (10-15 min), so no
test races the sandbox's timer; ``AwsSandbox.xray.settle()`` ends it when a test needs ACTIVE."""


@pytest.fixture(scope="session")
def aws_sandbox_server() -> Iterator[AwsSandbox]:
    """Session-wide moto + X-Ray emulation server on 127.0.0.1 (one per xdist worker).

    Prefer ``aws_sandbox`` / ``seeded_aws``, which also point the AWS_* environment at it.
    """
    server = AwsSandbox(xray_pending_seconds=XRAY_PENDING_SECONDS)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def aws_sandbox(aws_sandbox_server: AwsSandbox, monkeypatch: pytest.MonkeyPatch) -> AwsSandbox:
    """The session's ``AwsSandbox`` with this test's environment pointed at it.

    Sets AWS_ENDPOINT_URL, dummy AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_REGION
    and AWS_DEFAULT_REGION (us-east-1), and removes AWS_PROFILE, AWS_SESSION_TOKEN,
    per-service AWS_ENDPOINT_URL_* and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, so a plain
    ``boto3.client("logs")`` talks to the sandbox. Restored after the test. The moto
    state is whatever earlier tests left: use ``seeded_aws`` for a clean account.
    ``aws_sandbox.xray_pending_seconds`` is ``XRAY_PENDING_SECONDS`` (PENDING for the whole test); a test that
    needs the switch done calls ``aws_sandbox.xray.settle()`` instead of racing a timer.
    """
    assert aws_sandbox_server.url is not None
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL_"):
            monkeypatch.delenv(name)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in aws_environment(aws_sandbox_server.url, DEFAULT_REGION).items():
        monkeypatch.setenv(name, value)
    aws_sandbox_server.xray_pending_seconds = XRAY_PENDING_SECONDS
    return aws_sandbox_server


@pytest.fixture
def seeded_aws(aws_sandbox: AwsSandbox) -> Callable[..., SeedInfo]:
    """Factory: ``seeded_aws(faults=(), region="us-east-1", **seed_kwargs) -> SeedInfo``.

    Resets moto (``POST /moto-api/reset``, X-Ray state included), then seeds the
    AgentCore MCP sample's account state with the named AWS faults (see
    ``tui.sandbox.aws.AWS_FAULTS``). The environment points at the sandbox as in
    ``aws_sandbox``.
    """

    def factory(faults: Iterable[str] = (), region: str = DEFAULT_REGION, **kwargs: Any) -> SeedInfo:
        assert aws_sandbox.url is not None
        aws_sandbox.reset()
        return seed(aws_sandbox.url, frozenset(faults), region, **kwargs)

    return factory


@pytest.fixture
def mcp_server() -> Iterator[Callable[..., McpServerSandbox]]:
    """Factory: ``mcp_server(stateless=True, json_response=False, faults=(), slow_seconds=3.0)``.

    Returns a started ``McpServerSandbox`` (``.url`` ends with ``/mcp``); every server
    is stopped after the test. Faults: ``tui.sandbox.mcp_server.MCP_FAULTS``.
    """
    started: list[McpServerSandbox] = []

    def factory(
        stateless: bool = True, json_response: bool = False, faults: Iterable[str] = (), **kwargs: Any
    ) -> McpServerSandbox:
        server = McpServerSandbox(stateless, json_response, frozenset(faults), **kwargs)
        started.append(server)
        server.start()
        return server

    yield factory
    for server in reversed(started):
        server.stop()


@pytest.fixture
def front_door() -> Iterator[Callable[..., FrontDoorSandbox]]:
    """Factory: ``front_door(backend_url, runtime_arn=SAMPLE_RUNTIME_ARN, allowed_client=DEFAULT_CLIENT_ID, **kw)``.

    Returns a started ``FrontDoorSandbox``: ``.invocation_url``, ``.issue_token(kind)``
    (valid|expired|wrong-client|bad-signature), ``.discovery_url``. ``backend_url=None``
    behaves like a container that never started (-32010). Stopped after the test.
    """
    started: list[FrontDoorSandbox] = []

    def factory(
        backend_url: str | None,
        runtime_arn: str = SAMPLE_RUNTIME_ARN,
        allowed_client: str = DEFAULT_CLIENT_ID,
        **kwargs: Any,
    ) -> FrontDoorSandbox:
        door = FrontDoorSandbox(backend_url, runtime_arn, allowed_client, **kwargs)
        started.append(door)
        door.start()
        return door

    yield factory
    for door in reversed(started):
        door.stop()


@pytest.fixture
def sample_project(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``sample_project(defects=(), **kw) -> Path`` — the guide-shaped project in a fresh dir under tmp_path.

    Defects: ``tui.sandbox.project.PROJECT_DEFECTS``. Healthy = mcp 2.x done right.
    """
    from tui.sandbox.project import make_project

    counter = iter(range(1_000_000))

    def factory(defects: Iterable[str] = (), **kwargs: Any) -> Path:
        return make_project(tmp_path / f"project-{next(counter)}", frozenset(defects), **kwargs)

    return factory


@pytest.fixture
def sandbox(aws_sandbox: AwsSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """Factory: ``sandbox(scenario_name) -> Sandbox`` — the whole demo sandbox for a scenario, started.

    Reuses the session's moto server (reset and re-seeded), starts the MCP server and
    the front door, writes the token file and the sample project under tmp_path, and
    sets this test's environment to ``Sandbox.env()`` (AGENTCORE_TRIAGE_* and AWS_*) and
    AGENTCORE_TRIAGE_TIMEOUT to ``SANDBOX_CHECK_TIMEOUT``, so
    ``tui.context.build_context()`` targets it. Stopped after the test.
    """
    from tui.sandbox.runner import Sandbox

    started: list[Any] = []

    def factory(scenario_name: str) -> Any:
        box = Sandbox(scenario_name, aws=aws_sandbox, workdir=tmp_path / f"sandbox-{len(started)}")
        started.append(box)
        box.start()
        for name, value in box.env().items():
            monkeypatch.setenv(name, value)
        # A ceiling, not a budget: the sandbox's servers answer or cut at once (no scenario waits on a timeout), so
        # a generous per-check timeout costs nothing idle and keeps a loaded machine's slow answer from an error.
        monkeypatch.setenv("AGENTCORE_TRIAGE_TIMEOUT", str(SANDBOX_CHECK_TIMEOUT))
        return box

    yield factory
    for box in reversed(started):
        box.stop()


# ----------------------------------------------------------------------------------- one sandbox per scenario


class SharedScenarios:
    """One running sandbox per scenario for the whole worker, and its doctor run per language, computed once.

    For tests that only read: a scenario's expectations, the language of its findings, the fixes it would plan. A test
    that applies a fix, edits a file or changes AWS state uses ``sandbox`` instead. moto is one per worker and every
    other sandbox test resets it, so a test that reads AWS after the doctor run asks for ``live=True``: moto is reset
    and seeded again for this scenario with the same runtime, discovery URL and log lines, the state the run saw.
    """

    LIVE_BOXES = 3
    """Sandboxes kept running at once. Each idle one still costs CPU (two uvicorn loops ticking ten times a
    second), and with ``--dist=loadgroup`` a scenario's tests (one ``xdist_group``) run one after another, so a few
    are plenty; the least recently used one is stopped, and its runs are forgotten (they name its runtime, URLs
    and token file)."""

    def __init__(self, aws: AwsSandbox, workdir: Path) -> None:
        self.aws = aws
        self.workdir = workdir
        self.boxes: dict[str, Any] = {}
        """Running sandboxes by scenario, least recently used first."""
        self.runs: dict[tuple[str, str], Any] = {}
        self.started = 0
        self.stopping: list[threading.Thread] = []

    def box(self, name: str) -> Any:
        """The scenario's sandbox, started on first use (its start seeds moto) and kept running."""
        from tui.sandbox.runner import Sandbox

        if name in self.boxes:
            self.boxes[name] = self.boxes.pop(name)  # the most recently used now
            return self.boxes[name]
        while len(self.boxes) >= self.LIVE_BOXES:
            oldest = next(iter(self.boxes))
            # stopping waits for two servers to wind down (~0.3 s, idle): done beside the test, joined at the end
            stopping = threading.Thread(target=self.boxes.pop(oldest).stop, name=f"stop-shared-{oldest}")
            stopping.start()
            self.stopping.append(stopping)
            self.runs = {key: run for key, run in self.runs.items() if key[0] != oldest}
        self.started += 1
        box = Sandbox(name, aws=self.aws, workdir=self.workdir / f"{name}-{self.started}")
        box.start()
        self.boxes[name] = box
        self.seeded = name
        return box

    seeded: str | None = None
    """The scenario this object seeded into moto during the current test; ``shared_scenario`` clears it after each
    test, since any later test may reset moto. (Within one test, a test using ``shared_scenario`` must not reset or
    seed moto itself: ``sandbox`` and ``seeded_aws`` are for tests that do.)"""

    def reseed(self, name: str) -> None:
        """moto holds exactly this scenario's seeded state again."""
        if self.seeded == name:
            return
        box = self.box(name)
        if self.seeded == name:  # just started
            return
        assert self.aws.url is not None and box.seed_info is not None and box.front_door is not None
        self.aws.reset()
        seed(
            self.aws.url,
            box.scenario.aws_faults,
            box.region,
            runtime_id=box.seed_info.runtime_id,
            discovery_url=box.front_door.discovery_url,
            extra_runtime_log_lines=box.scenario.extra_log_lines,
        )
        self.seeded = name

    def doctor(self, name: str) -> Any:
        """A copy of the scenario's doctor run in the current language (``tui.i18n``), run once per language.

        The environment must point at the scenario's sandbox (the ``shared_scenario`` fixture does it). A copy,
        because ``fix_all`` records its outcomes on the run's findings.
        """
        import asyncio

        from tui import i18n
        from tui.context import build_context
        from tui.engine.doctor import run_doctor
        from tui.playbook.validate import resolve_playbook

        key = (name, i18n.current_language())
        if key not in self.runs:
            self.reseed(name)
            ctx = build_context()
            ctx.sandbox = True
            self.runs[key] = asyncio.run(run_doctor(resolve_playbook("agentcore-mcp").playbook, ctx))
        return copy_of_run(self.runs[key])

    def stop(self) -> None:
        for box in self.boxes.values():
            box.stop()
        for stopping in self.stopping:
            stopping.join()


def copy_of_run(run: Any) -> Any:
    """A doctor run whose findings, facts, results and context can be changed without touching ``run``."""
    import copy
    import dataclasses

    return dataclasses.replace(
        run,
        context=run.context.model_copy(),
        findings=[f.model_copy(deep=True) for f in run.findings],
        facts=copy.deepcopy(run.facts),
        results={node: dict(results) for node, results in run.results.items()},
        settled=set(run.settled),
        inflight={},
        fixes=None if run.fixes is None else list(run.fixes),
    )


@pytest.fixture(scope="session")
def shared_scenarios(aws_sandbox_server: AwsSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The worker's ``SharedScenarios`` (use ``shared_scenario`` in a test)."""
    shared = SharedScenarios(aws_sandbox_server, tmp_path_factory.mktemp("shared-sandboxes"))
    yield shared
    shared.stop()


@pytest.fixture
def shared_scenario(
    shared_scenarios: SharedScenarios, aws_sandbox: AwsSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Callable[..., Any]]:
    """Factory: ``shared_scenario(name, live=False) -> SharedScenario`` for a test that only reads the scenario.

    The scenario's sandbox is started once per worker and kept; this test's environment points at it as the
    ``sandbox`` fixture does (``AGENTCORE_TRIAGE_TIMEOUT`` included), with its own state directory. ``.box`` is
    the ``Sandbox``, ``.doctor()`` the scenario's doctor run in the current language (run once per worker and
    language; each call returns a copy). ``live=True``: this test reads AWS itself (plans fixes, runs checks
    again), so moto is seeded for the scenario first. Mark the test ``on_shared_worker(name)`` so every test of the
    scenario lands on one xdist worker and the sandbox is started once.
    """

    def factory(name: str, *, live: bool = False) -> SharedScenario:
        box = shared_scenarios.box(name)
        for var, value in box.env().items():
            monkeypatch.setenv(var, value)
        monkeypatch.setenv("AGENTCORE_TRIAGE_TIMEOUT", str(SANDBOX_CHECK_TIMEOUT))  # see the ``sandbox`` fixture
        monkeypatch.setenv("AGENTCORE_TRIAGE_STATE_DIR", str(tmp_path / "shared-sandbox-state"))
        if live:
            shared_scenarios.reseed(name)
        return SharedScenario(box, lambda: shared_scenarios.doctor(name))

    yield factory
    shared_scenarios.seeded = None  # this test or the next may change moto: seed again before trusting it


class SharedScenario:
    """What ``shared_scenario`` hands a test: the running ``box`` and ``doctor()`` (see there)."""

    def __init__(self, box: Any, doctor: Callable[[], Any]) -> None:
        self.box = box
        self.doctor = doctor


def add_second_runtime(role_arn: str, name: str = "other_server") -> dict[str, Any]:
    """Create another AgentCore runtime in the sandbox's account (a fleet of two); moto's CreateAgentRuntime answer."""
    import boto3

    return boto3.client("bedrock-agentcore-control").create_agent_runtime(
        agentRuntimeName=name,
        description="a second server",  # moto answers "" without one, which the botocore model rejects
        agentRuntimeArtifact={
            "containerConfiguration": {"containerUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"}
        },
        roleArn=role_arn,
        networkConfiguration={"networkMode": "PUBLIC"},
    )


_HELD_PORTS: list[DeadPort] = []


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on, held for the rest of the worker: a port bound and released at once
    could be given to a server another test starts meanwhile (``tui.sandbox._net.DeadPort``)."""
    dead = DeadPort()
    _HELD_PORTS.append(dead)
    return dead.port


def on_shared_worker(name: str) -> pytest.MarkDecorator:
    """The xdist group of every test reading scenario ``name`` through ``shared_scenario`` (``--dist=loadgroup``)."""
    return pytest.mark.xdist_group(f"scenario-{name}")


on_the_vpc_worker = pytest.mark.xdist_group("vpc")
"""The xdist group of the tests that build a VPC in moto (``tui.sandbox.aws_variants.build_vpc``): moto's EC2 takes
0.6 s of CPU to import (its instance-type and AMI tables), paid once by each worker that serves an EC2 call. Spread
over four workers the suite paid it four times; on one worker, once. Only these tests reach EC2 (a runtime in
PUBLIC mode is not looked up there)."""


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this mark; without xdist (``-p no:xdist``) it is only a label, registered here so
    # pytest does not warn about it
    config.addinivalue_line("markers", "xdist_group(name): tests that must share one xdist worker")
