"""The ``agentcore-triage`` process (``python -m tui``): the command line, then an exit without the interpreter's teardown.

Once a command has finished, Python's own shutdown still frees every object of every imported module, one by one:
a quarter of the import CPU again (measured: ``import mcp.server.mcpserver`` costs 0.46 s of CPU, its teardown another
0.18 s), so ``demo --print-env`` spent 0.65 s of its 2.4 s of CPU after its sandbox had stopped, and gave the prompt
back 0.7 s late. Nothing the user needs happens in that teardown: the exit callbacks (logging's flush and close,
temporary directories) run first, as in a normal exit, then the standard streams are flushed and the process ends
with the command's status. (The technique Instagram described for its Python workers: exit callbacks, then
``os._exit``.)

Only a process whose other threads are all daemons takes this exit: a non-daemon thread still running is joined by
the normal exit, as before. In-process callers (tests, ``CliRunner``) call ``tui.cli.main`` and never get here.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn


def run() -> NoReturn:
    """Run the command line from ``sys.argv`` and end the process with its exit status."""
    from tui.cli import main

    usable_standard_streams()
    try:
        main()  # ends with SystemExit: the command's status
    except SystemExit as done:
        if _other_threads_to_join():
            raise
        end_process(done.code)
    raise SystemExit(0)  # pragma: no cover - main() always raises SystemExit


def usable_standard_streams() -> None:
    """Standard streams every command can write to, whatever the shell handed over.

    A closed descriptor (``>&-``) leaves Python's stream ``None``: what is written there goes nowhere, instead of
    each print raising (a traceback from every command, ``--version`` included); a closed stdin (``<&-``) reads as
    empty and is no terminal (``doctor --fix all`` and the TUI's own check ended in "'NoneType' object has no
    attribute 'isatty'"). In descriptor order, so each stand-in takes the closed descriptor's number (the lowest free
    one) and no file the command opens later can land on 0, 1 or 2. A terminal or file whose encoding cannot hold the
    report's characters (``·``, ``✓``, Japanese under ascii or latin-1; ``✓`` under cp932) gets replacement
    characters instead of a UnicodeEncodeError that ended the report before its first line.
    """
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the process's life
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - for the process's life
        elif hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")


def exit_status(code: object) -> int:
    """The process status of ``sys.exit(code)``, as Python derives it (a message is printed to stderr, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def end_process(code: object) -> NoReturn:
    """Exit callbacks, flushed streams, then the process ends with ``code``'s status, skipping the teardown."""
    status = exit_status(code)
    atexit._run_exitfuncs()  # what a normal exit runs before the teardown (logging.shutdown, tempfile clean-ups)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a reader that went away, a closed stream: nothing left to deliver
            pass
    os._exit(status)


def _other_threads_to_join() -> bool:
    main_thread = threading.main_thread()
    return threading.current_thread() is not main_thread or any(
        thread is not main_thread and not thread.daemon and thread.is_alive() for thread in threading.enumerate()
    )
