"""``agentcore-triage demo``: start the sandbox for a scenario and troubleshoot it (TUI, doctor, or a shell).

* ``--list``       describe the scenarios;
* ``--print-env``  print ``export`` lines and keep the servers up until Ctrl-C/SIGTERM;
* default          point this process at the sandbox, print a SANDBOX banner, open the TUI
                   (``tui.app.main.run_app``) or, with ``--doctor``, run the doctor in-process and print its report.

Everything stops on the way out, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from tui.sandbox.scenarios import DEFAULT_SCENARIO, SCENARIOS

PLAYBOOK = "agentcore-mcp"
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


def describe_scenarios() -> str:
    """The ``--list`` text: name, title, description and seeded faults of each scenario."""
    lines = ["Sandbox scenarios (agentcore-triage demo --scenario NAME):", ""]
    for s in SCENARIOS.values():
        default = " (default)" if s.name == DEFAULT_SCENARIO else ""
        lines.append(f"  {s.name:<18} {s.title}{default}")
        lines.append(f"  {'':<18} {s.description}")
        lines.append(f"  {'':<18} faults: {', '.join(s.faults) or 'none'}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def banner(box: Any) -> str:
    """The visible "this is a sandbox" banner."""
    info = box.describe()
    rows = [
        f"AWS (moto):   {info['aws_endpoint']}",
        f"runtime:      {info['runtime_arn']}",
        f"front door:   {info['front_door']}",
        f"MCP server:   {info['mcp_server']}",
        f"project:      {info['project']}",
    ]
    title = f" agentcore-triage SANDBOX · scenario {info['scenario']} · nothing here touches real AWS "
    import shutil

    needed = max(len(title) + 4, *(len(r) + 4 for r in rows))
    width = max(len(title) + 4, min(needed, shutil.get_terminal_size((120, 24)).columns))
    top = "╔" + title.center(width - 2, "═") + "╗"
    body = ["║ " + (r if len(r) <= width - 4 else r[: width - 5] + "…").ljust(width - 4) + " ║" for r in rows]
    return "\n".join([top, *body, "╚" + "═" * (width - 2) + "╝"])


@contextmanager
def _signals_raise_interrupt() -> Iterator[None]:
    """Turn SIGINT, SIGTERM (and SIGHUP) into KeyboardInterrupt so ``finally`` blocks stop the servers.

    SIGINT is set explicitly because a shell script's background job (`agentcore-triage demo --print-env &`)
    starts with SIGINT ignored, and Ctrl-C / `kill -INT` would then leave the servers running.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _preserved_environ() -> Iterator[None]:
    """Restore os.environ afterwards (run_demo is also called in-process by tests)."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _logs_to_file(path: Any) -> Iterator[None]:
    """Send server logs (uvicorn, mcp, werkzeug, httpx) to a file: the TUI owns the terminal."""
    root = logging.getLogger()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


def _export_lines(box: Any, *, read_only: bool = False) -> str:
    lines = [f"unset {name}" for name in box.unset_env()]
    env = box.env() | ({"AGENTCORE_TRIAGE_READ_ONLY": "1"} if read_only else {})
    lines += [f"export {name}={shlex.quote(value)}" for name, value in env.items()]
    info = box.describe()
    lines.append(f"# mcp server: {info['mcp_server']}")
    lines.append(f"# scenario: {info['scenario']}")
    return "\n".join(lines) + "\n"


def _run_doctor(out: TextIO, *, read_only: bool = False) -> int:
    from tui.context import build_context
    from tui.engine.doctor import run_doctor
    from tui.engine.report import render_text
    from tui.playbook.validate import resolve_playbook
    from tui.redact import register_secret

    ctx = build_context(read_only=read_only)
    ctx.sandbox = True
    register_secret(os.environ.get("AWS_SECRET_ACCESS_KEY"))
    ctx.token()  # registers the token with the redactor before anything prints
    loaded = resolve_playbook(PLAYBOOK)
    run = asyncio.run(run_doctor(loaded.playbook, ctx))
    out.write(render_text(run) + "\n")
    return int(run.exit_code)


def run_demo(
    scenario: str = DEFAULT_SCENARIO,
    list_only: bool = False,
    print_env: bool = False,
    doctor_only: bool = False,
    *,
    read_only: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """``agentcore-triage demo``; returns the exit code (0 ok, 1 doctor found problems, 2 usage, 130 interrupted).

    ``read_only`` (``agentcore-triage --read-only demo``) disables fixes and undo in the
    TUI, the doctor, and every command run from a ``--print-env`` shell.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if list_only:
        out.write(describe_scenarios())
        return EXIT_OK
    if scenario not in SCENARIOS:
        err.write(f"agentcore-triage: unknown scenario {scenario!r} (valid: {', '.join(SCENARIOS)})\n")
        return EXIT_USAGE

    box: Any = None
    # Signals become KeyboardInterrupt before the heavy imports: Ctrl-C at any point of the
    # start-up ends here, stops what was started and exits 130 without a traceback.
    with _signals_raise_interrupt(), _preserved_environ():
        try:
            from tui.sandbox._net import SandboxError
            from tui.sandbox.runner import Sandbox

            box = Sandbox(scenario)
            try:
                box.start()
            except SandboxError as exc:
                err.write(f"agentcore-triage: {exc}\n")
                return EXIT_USAGE
            assert box.workdir is not None
            with _logs_to_file(box.workdir / "sandbox.log"):
                if print_env:
                    # Once the servers are up, Ctrl-C/SIGTERM is the normal way to end --print-env.
                    try:
                        out.write(_export_lines(box, read_only=read_only))
                        out.flush()
                        err.write(banner(box) + "\n")
                        err.write(f"sandbox ready in {box.timings['ready']:.2f}s; press Ctrl-C to stop\n")
                        err.flush()
                        stop = threading.Event()
                        while not stop.wait(0.5):  # short waits keep signals deliverable
                            pass
                    except KeyboardInterrupt:
                        pass
                    return EXIT_OK
                box.apply_env()
                if read_only:
                    os.environ["AGENTCORE_TRIAGE_READ_ONLY"] = "1"
                err.write(banner(box) + "\n")
                err.flush()
                if not doctor_only:
                    from tui.app.main import run_app
                    from tui.context import build_context

                    ctx = build_context(read_only=read_only)
                    ctx.sandbox = True
                    ctx.token()
                    run_app(ctx, PLAYBOOK)
                    return EXIT_OK
                return _run_doctor(out, read_only=read_only)
        except KeyboardInterrupt:
            err.write("agentcore-triage: interrupted; the sandbox is stopped\n")
            err.flush()
            return EXIT_INTERRUPTED
        finally:
            if box is not None:
                with _signals_ignored():  # a second Ctrl-C must not interrupt the clean-up
                    t0 = time.perf_counter()
                    box.stop()
                    if print_env:
                        err.write(f"sandbox stopped ({time.perf_counter() - t0:.2f}s)\n")
                        err.flush()


@contextmanager
def _signals_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


__all__ = ["banner", "describe_scenarios", "run_demo"]
