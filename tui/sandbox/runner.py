"""Start the whole sandbox for a scenario: moto (+X-Ray), the MCP server, the front door, token and project.

Ports are fixed first (sockets bound on 127.0.0.1:0) so the pieces can be wired
to each other and then started concurrently; seeding runs while the MCP server
imports ``mcp``. ``env()`` is what points any ``agentcore-triage`` process at it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tui.i18n import _
from tui.sandbox._net import SandboxError, require_local
from tui.sandbox.aws import (
    DEFAULT_CLIENT_ID,
    DEFAULT_REGION,
    DUMMY_ACCESS_KEY,
    DUMMY_SECRET_KEY,
    AwsSandbox,
    SeedInfo,
    _account_id,
    new_runtime_id,
    runtime_arn_for,
    seed,
)
from tui.sandbox.frontdoor import FrontDoorSandbox
from tui.sandbox.mcp_server import McpServerSandbox
from tui.sandbox.project import make_project
from tui.sandbox.scenarios import Scenario, get_scenario

UNSET_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AGENTCORE_TRIAGE_TOKEN_ENV",
)
"""Variables that could send the product's AWS calls elsewhere, or read another token; cleared in the sandbox."""


def aws_environment(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """AWS_* variables pointing boto3 at the sandbox with dummy credentials.

    AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE are pointed at an empty file: a
    user's ``~/.aws/config`` could otherwise set ``ignore_configured_endpoint_urls``
    or a profile and send calls to real AWS.
    """
    require_local(endpoint_url, what="AWS endpoint")
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def check_environment(environ: Mapping[str, str]) -> None:
    """Refuse (``SandboxError``) when the environment would route sandbox AWS calls to a real endpoint."""
    if environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() in ("1", "true", "yes"):
        raise SandboxError(
            _(
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set: boto3 would ignore the sandbox's AWS_ENDPOINT_URL and "
                "call real AWS; unset it to run the demo"
            )
        )


def endpoint_override_vars(environ: Mapping[str, str]) -> list[str]:
    """Per-service ``AWS_ENDPOINT_URL_<SERVICE>`` variables present (they beat AWS_ENDPOINT_URL)."""
    return sorted(name for name in environ if name.startswith("AWS_ENDPOINT_URL_"))


class _Part:
    """One start-up step on a daemon thread; ``result()`` waits in short slices so signals stay deliverable."""

    def __init__(self, func: Callable[[], Any], name: str) -> None:
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None
        self._func = func
        self._thread = threading.Thread(target=self._run, name=f"sandbox-start-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._func()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self._error = exc
        finally:
            self._done.set()

    def result(self, timeout: float, interrupted: threading.Event | None = None) -> Any:
        deadline = time.monotonic() + timeout
        while not self._done.wait(0.1):  # a bounded wait per slice keeps KeyboardInterrupt prompt
            if interrupted is not None and interrupted.is_set():
                raise KeyboardInterrupt("interrupted during start-up")
            if time.monotonic() > deadline:
                raise SandboxError(
                    _("{name} did not finish within {seconds} s").format(
                        name=self._thread.name, seconds=f"{timeout:.0f}"
                    )
                )
        if self._error is not None:
            raise self._error
        return self._value


class Sandbox:
    """Everything the demo needs for one scenario, on 127.0.0.1.

    ``aws`` lets tests share one running ``AwsSandbox`` (moto's backends are
    process-global anyway); the sandbox resets and re-seeds it. ``workdir`` holds
    the token file, the project copy and the logs; a temporary one is made (and
    removed at stop) when not given.
    """

    def __init__(
        self,
        scenario: Scenario | str,
        *,
        aws: AwsSandbox | None = None,
        workdir: str | Path | None = None,
        region: str = DEFAULT_REGION,
        xray_pending_seconds: float = 2.0,
    ) -> None:
        self.scenario = get_scenario(scenario) if isinstance(scenario, str) else scenario
        self.region = region
        self._own_aws = aws is None
        self.aws = aws or AwsSandbox(xray_pending_seconds=xray_pending_seconds)
        self._own_workdir = workdir is None
        self._workdir_arg = Path(workdir) if workdir is not None else None
        self.workdir: Path | None = None
        self.mcp: McpServerSandbox | None = None
        self.front_door: FrontDoorSandbox | None = None
        self.seed_info: SeedInfo | None = None
        self.token_file: Path | None = None
        self.project: Path | None = None
        self.timings: dict[str, float] = {}
        self._lock = threading.Lock()
        self._started = False
        self.id = uuid.uuid4().hex[:8]
        """Recorded in the target of every fix applied in this sandbox."""

    # ------------------------------------------------------------------ lifecycle

    def start(self, interrupted: threading.Event | None = None) -> Sandbox:
        """Start every piece (concurrently where it helps); ``stop()`` runs on any failure.

        ``interrupted`` (set by the demo's signal handler): the waits for the start-up threads raise
        ``KeyboardInterrupt`` once it is set, at a point where unwinding is safe.
        """
        check_environment(os.environ)
        t0 = time.perf_counter()
        scenario = self.scenario
        try:
            self.workdir = self._workdir_arg or Path(tempfile.mkdtemp(prefix="agentcore-triage-sandbox-"))
            self.workdir.mkdir(parents=True, exist_ok=True)
            runtime_id = new_runtime_id()
            runtime_arn = runtime_arn_for(runtime_id, self.region, _account_id())
            self.mcp = McpServerSandbox(scenario.stateless, scenario.json_response, scenario.server_faults)
            backend = self.mcp.reserve()
            self.front_door = FrontDoorSandbox(
                None if "server-down" in scenario.server_faults else backend, runtime_arn, DEFAULT_CLIENT_ID
            )
            door = self.front_door

            def aws_part() -> SeedInfo:
                url = self.aws.start()
                require_local(url, what="AWS sandbox")
                self.aws.reset()
                info = seed(
                    url,
                    scenario.aws_faults,
                    self.region,
                    runtime_id=runtime_id,
                    discovery_url=door.discovery_url,
                    extra_runtime_log_lines=scenario.extra_log_lines,
                )
                self.timings["aws"] = time.perf_counter() - t0
                return info

            def mcp_part() -> None:
                assert self.mcp is not None
                self.mcp.start()
                self.timings["mcp"] = time.perf_counter() - t0

            def door_part() -> None:
                door.start()
                self.timings["front_door"] = time.perf_counter() - t0

            # Daemon threads, not a ThreadPoolExecutor: on Ctrl-C the main thread must be able to
            # stop everything and exit at once, and an executor joins its workers at exit.
            parts = [_Part(aws_part, "aws"), _Part(mcp_part, "mcp"), _Part(door_part, "front-door")]
            # Files are cheap: write them on this thread meanwhile.
            self.token_file = self.workdir / "token"
            self.token_file.write_text(door.issue_token(scenario.token_kind) + "\n", encoding="utf-8")
            self.token_file.chmod(0o600)
            self.project = make_project(
                self.workdir / "project",
                scenario.project_defects,
                runtime_arn=runtime_arn,
                region=self.region,
                account_id=_account_id(),
                discovery_url=door.discovery_url,
            )
            for part in parts:
                result = part.result(timeout=60, interrupted=interrupted)
                if isinstance(result, SeedInfo):
                    self.seed_info = result
            self._started = True
            self.timings["ready"] = time.perf_counter() - t0
            return self
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop everything this sandbox started; idempotent, safe after a failed start."""
        with self._lock:
            if self.front_door is not None:
                self.front_door.stop()
            if self.mcp is not None:
                self.mcp.stop()
            if self._own_aws:
                self.aws.stop()
            if self._own_workdir and self.workdir is not None:
                shutil.rmtree(self.workdir, ignore_errors=True)
            self._started = False

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ wiring

    def env(self) -> dict[str, str]:
        """Variables that point ``agentcore-triage`` (and boto3) at this sandbox."""
        if not self._started or self.seed_info is None or self.front_door is None:
            raise SandboxError(_("the sandbox is not running"))
        assert self.aws.url is not None and self.token_file is not None and self.project is not None
        from tui.endpoint.target import ENDPOINT_ENV

        return {
            **aws_environment(self.aws.url, self.region),
            # The runtime's data plane is the front door, as on AWS: an endpoint built from the runtime alone (no
            # AGENTCORE_TRIAGE_ENDPOINT) reaches it, not moto, which has no AgentCore data plane.
            ENDPOINT_ENV: self.front_door.url,
            "AGENTCORE_TRIAGE_RUNTIME": self.seed_info.runtime_arn,
            "AGENTCORE_TRIAGE_ENDPOINT": self.front_door.invocation_url,
            "AGENTCORE_TRIAGE_TOKEN_FILE": str(self.token_file),
            "AGENTCORE_TRIAGE_PROJECT": str(self.project),
            "AGENTCORE_TRIAGE_SANDBOX": "1",
            "AGENTCORE_TRIAGE_SANDBOX_ID": self.id,
            # the demo's fixes and undos are recorded here, never in the user's own audit log
            "AGENTCORE_TRIAGE_STATE_DIR": str(self.state_dir),
        }

    @property
    def state_dir(self) -> Path:
        """The demo's own state directory (audit log), inside its workdir."""
        if self.workdir is None:
            raise SandboxError(_("the sandbox is not running"))
        return self.workdir / "state"

    def unset_env(self, environ: Mapping[str, str] | None = None) -> list[str]:
        """Variables to remove so nothing overrides ``env()`` (profiles, per-service endpoints, token env)."""
        environ = os.environ if environ is None else environ
        return sorted({*(n for n in UNSET_ENV if n in environ), *endpoint_override_vars(environ)})

    def apply_env(self, environ: Any = None) -> None:
        """Point this process (or the given mapping) at the sandbox."""
        environ = os.environ if environ is None else environ
        for name in self.unset_env(environ):
            environ.pop(name, None)
        environ.update(self.env())

    def describe(self) -> dict[str, Any]:
        """URLs and ids for the banner and ``--print-env``."""
        return {
            "scenario": self.scenario.name,
            "aws_endpoint": self.aws.url,
            "mcp_server": self.mcp.url if self.mcp else None,
            "front_door": self.front_door.invocation_url if self.front_door else None,
            "runtime_arn": self.seed_info.runtime_arn if self.seed_info else None,
            "project": str(self.project) if self.project else None,
            "token_file": str(self.token_file) if self.token_file else None,
            "sandbox_id": self.id,
            "state_dir": str(self.workdir / "state") if self.workdir else None,
        }


__all__ = ["Sandbox", "aws_environment", "check_environment", "endpoint_override_vars"]
