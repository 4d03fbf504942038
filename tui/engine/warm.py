"""Heavy imports off the event loop: warmed in a background thread, awaited in a worker thread.

``import mcp`` takes 0.5–0.8 s (2–3 s under load) and ``httpx``/``botocore`` a few hundred ms: done on the
event loop they freeze the TUI and stall every concurrent check (``endpoint.latency`` would measure the
stall). The app warms them once its first frame is up; ``doctor`` starts warming before the checks that
need them run; a check that needs one awaits ``tui.checks.endpoint._common.imported`` (a worker thread,
which simply waits for the warm-up's module lock if the warm-up got there first).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.context import Context

ENDPOINT_MODULES = ("httpx", "tui.endpoint.probe", "tui.endpoint.classify")
"""The HTTP client of the endpoint checks."""
AWS_MODULES = ("botocore.session", "boto3")
"""The AWS SDK (the AWS checks import it in their worker threads anyway; warming starts it earlier)."""


def app_modules() -> tuple[str, ...]:
    """What the TUI warms after its first frame: everything a walk may import, the MCP SDK included."""
    from tui.checks.endpoint._common import SDK_MODULES

    return ENDPOINT_MODULES + AWS_MODULES + SDK_MODULES


def import_all(modules: Iterable[str]) -> None:
    """Import each module; one that is missing is the check's business, not the warm-up's."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - warming is best effort; the real import reports the problem
            continue


_requested: set[str] = set()
_lock = threading.Lock()


def warm_in_background(modules: Iterable[str]) -> threading.Thread | None:
    """Start importing ``modules`` in a daemon thread (never delays exit); each module is warmed once a process."""
    import sys

    with _lock:
        todo = tuple(m for m in modules if m not in _requested and m not in sys.modules)
        _requested.update(todo)
    if not todo:
        return None
    thread = threading.Thread(target=import_all, args=(todo,), name="warm-imports", daemon=True)
    thread.start()
    return thread


def modules_for(context: Context, check_ids: Iterable[str]) -> tuple[str, ...]:
    """What a doctor run over ``check_ids`` will import: the network stack, and the MCP SDK if it probes."""
    del check_ids  # the MCP SDK is warmed by endpoint.initialize once a handshake worked (see SDK_MODULES)
    runtime = bool(getattr(context, "runtime", None))
    probes = runtime or bool(getattr(context, "endpoint", None))
    return (ENDPOINT_MODULES if probes else ()) + (AWS_MODULES if runtime else ())
