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

from tui.i18n import _, cell_len, fit_cells, pad_cells
from tui.sandbox.scenarios import DEFAULT_SCENARIO, SCENARIOS

PLAYBOOK = "agentcore-mcp"
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


def describe_scenarios() -> str:
    """The ``--list`` text: name, title, description and seeded faults of each scenario."""
    lines = [_("Sandbox scenarios ({command}):").format(command="agentcore-triage demo --scenario NAME"), ""]
    for s in SCENARIOS.values():
        default = _(" (default)") if s.name == DEFAULT_SCENARIO else ""
        lines.append(f"  {s.name:<18} {_(s.title)}{default}")
        lines.append(f"  {'':<18} {_(s.description)}")
        lines.append(f"  {'':<18} " + _("faults: {faults}").format(faults=", ".join(s.faults) or _("none")))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def banner(box: Any) -> str:
    """The visible "this is a sandbox" banner."""
    info = box.describe()
    labels = [
        (_("AWS (moto):"), info["aws_endpoint"]),
        (_("runtime:"), info["runtime_arn"]),
        (_("front door:"), info["front_door"]),
        (_("MCP server:"), info["mcp_server"]),
        (_("project:"), info["project"]),
    ]
    label_cells = max(cell_len(label) for label, _value in labels) + 2
    rows = [pad_cells(label, label_cells) + str(value) for label, value in labels]
    import shutil

    columns = shutil.get_terminal_size((120, 24)).columns
    title = " " + _("agentcore-triage SANDBOX · scenario {scenario} · nothing here touches real AWS").format(
        scenario=info["scenario"]
    )
    title += " "
    if cell_len(title) + 4 > columns:  # a narrow terminal: the title's second half becomes the first row
        title = " " + _("agentcore-triage SANDBOX") + " "
        rows.insert(0, _("scenario {scenario} · nothing here touches real AWS").format(scenario=info["scenario"]))
    needed = max(cell_len(title) + 4, *(cell_len(r) + 4 for r in rows))
    width = max(cell_len(title) + 4, min(needed, columns))
    fill = width - 2 - cell_len(title)
    top = "╔" + "═" * (fill // 2) + title + "═" * (fill - fill // 2) + "╗"
    body = ["║ " + pad_cells(fit_cells(r, width - 4), width - 4) + " ║" for r in rows]
    return "\n".join([top, *body, "╚" + "═" * (width - 2) + "╝"])


class _Interrupts:
    """Whether a signal arrived, and whether it may raise right now.

    During start-up the handler only records the signal: a ``KeyboardInterrupt`` raised at an arbitrary
    point there lands in places that swallow it (an import's module-lock callback: "Exception ignored
    in … _get_module_lock") and leaves a start-up thread waiting forever. The start-up raises it itself
    at safe points (``Sandbox.start(interrupted=…)``, after the imports).
    """

    def __init__(self) -> None:
        self.received = threading.Event()
        self.deferred = False

    def raise_if_received(self) -> None:
        if self.received.is_set():
            raise KeyboardInterrupt("interrupted during start-up")


@contextmanager
def _signals_raise_interrupt(interrupts: _Interrupts | None = None) -> Iterator[None]:
    """Turn SIGINT, SIGTERM (and SIGHUP) into KeyboardInterrupt so ``finally`` blocks stop the servers.

    SIGINT is set explicitly because a shell script's background job (`agentcore-triage demo --print-env &`)
    starts with SIGINT ignored, and Ctrl-C / `kill -INT` would then leave the servers running.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        if interrupts is not None:
            interrupts.received.set()
            if interrupts.deferred:
                return
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
    lines.append("# " + _("mcp server: {url}").format(url=info["mcp_server"]))
    lines.append("# " + _("scenario: {name}").format(name=info["scenario"]))
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
        err.write(
            "agentcore-triage: "
            + _("unknown scenario {name} (valid: {names})").format(name=repr(scenario), names=", ".join(SCENARIOS))
            + "\n"
        )
        return EXIT_USAGE

    box: Any = None
    # Signals are handled before the heavy imports: Ctrl-C at any point of the start-up ends here,
    # stops what was started and exits 130 without a traceback (deferred to safe points until ready).
    interrupts = _Interrupts()
    with _signals_raise_interrupt(interrupts), _preserved_environ():
        try:
            interrupts.deferred = True
            from tui.sandbox._net import SandboxError
            from tui.sandbox.runner import Sandbox

            interrupts.raise_if_received()
            box = Sandbox(scenario)
            try:
                box.start(interrupted=interrupts.received)
            except SandboxError as exc:
                if interrupts.received.is_set():
                    raise KeyboardInterrupt("interrupted during start-up") from None
                err.write(f"agentcore-triage: {exc}\n")
                return EXIT_USAGE
            interrupts.deferred = False
            interrupts.raise_if_received()
            assert box.workdir is not None
            with _logs_to_file(box.workdir / "sandbox.log"):
                if print_env:
                    # Once the servers are up, Ctrl-C/SIGTERM is the normal way to end --print-env.
                    try:
                        # The banner first: once the exports are out, a reader may end the process at once, and a
                        # signal between the two left the exports without the banner.
                        err.write(banner(box) + "\n")
                        err.flush()
                        out.write(_export_lines(box, read_only=read_only))
                        out.flush()
                        err.write(
                            _("sandbox ready in {seconds} s; press Ctrl-C to stop").format(
                                seconds=f"{box.timings['ready']:.2f}"
                            )
                            + "\n"
                        )
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
            err.write("agentcore-triage: " + _("interrupted; the sandbox is stopped") + "\n")
            err.flush()
            return EXIT_INTERRUPTED
        finally:
            if box is not None:
                with _signals_ignored():  # a second Ctrl-C must not interrupt the clean-up
                    t0 = time.perf_counter()
                    box.stop()
                    if print_env:
                        err.write(
                            _("sandbox stopped ({seconds} s)").format(seconds=f"{time.perf_counter() - t0:.2f}") + "\n"
                        )
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
