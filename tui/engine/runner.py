"""Run a node's checks concurrently, each bounded by a timeout, none able to crash the run.

Sync checks run in worker threads (boto3 blocks), async checks on the loop
(httpx). A timeout or an exception becomes an ``error`` result with the reason;
cancelling the run cancels the async checks and tells thread checks to stop.
"""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import ValidationError

from tui.checks.base import CheckContext
from tui.engine.events import CheckFinished, CheckStarted, Listener, ignore
from tui.i18n import _
from tui.playbook.model import CheckInvocation
from tui.playbook.template import MissingValue, render
from tui.redact import redact, redact_text
from tui.registry import CheckSpec, Registry
from tui.results import CheckError, CheckResult, Status, errored, skipped


@dataclass(frozen=True)
class Planned:
    """One check to run: its spec, its key at the node, and its rendered params (or why not)."""

    key: str
    spec: CheckSpec | None
    params: Any
    problem: CheckResult | None = None


def prepare(invocations: Sequence[CheckInvocation], registry: Registry, values: Mapping[str, Any]) -> list[Planned]:
    """Resolve templates and validate params; problems become ready-made results."""
    planned = []
    for inv in invocations:
        spec = registry.checks.get(inv.check)
        if spec is None:
            planned.append(Planned(inv.key, None, None, errored(f"unknown check {inv.check!r}", check=inv.check)))
            continue
        try:
            raw = render(inv.params, values)
        except MissingValue as exc:
            planned.append(
                Planned(
                    inv.key,
                    spec,
                    None,
                    skipped(
                        _missing_reason(exc.name, spec),
                        check=spec.id,
                        evidence={"missing": exc.name},
                    ),
                )
            )
            continue
        try:
            params = spec.params.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "params"
            planned.append(
                Planned(inv.key, spec, None, errored(f"bad parameter {where}: {first['msg']}", check=spec.id))
            )
            continue
        planned.append(Planned(inv.key, spec, params))
    return planned


def _missing_reason(name: str, spec: CheckSpec) -> str:
    from tui.context import CONTEXT_NAMES

    if name in CONTEXT_NAMES:
        flag = {"token_source": "token-file"}.get(name, name)
        return _("needs {value}: not given (use {flag})").format(
            value="{" + name + "}", flag="--" + flag.replace("_", "-")
        )
    if "." in name:
        return _("needs {value}, which an earlier check did not publish (it failed or was skipped)").format(
            value="{" + name + "}"
        )
    return _("needs {value}: give it with --input {name}=VALUE").format(value="{" + name + "}", name=name)


async def run_one(planned: Planned, ctx: CheckContext, timeout: float) -> CheckResult:
    """Run one check with a timeout; never raises (except for cancellation)."""
    if planned.problem is not None:
        return planned.problem
    spec = planned.spec
    assert spec is not None
    started = time.perf_counter()
    try:
        if spec.is_async:
            result = await asyncio.wait_for(cast("Awaitable[CheckResult]", spec.func(ctx, planned.params)), timeout)
        else:
            result = await asyncio.wait_for(in_daemon_thread(spec.func, ctx, planned.params), timeout)
        if not isinstance(result, CheckResult):
            result = errored(f"check returned {type(result).__name__}, not a CheckResult (a bug in the check)")
    except TimeoutError:
        result = errored(
            f"timed out after {timeout:g} s",
            details="The check did not answer in time. Raise `--timeout`, or look at network reachability first.",
        )
    except CheckError as exc:
        result = errored(exc.summary, details=exc.details, evidence=exc.evidence)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - a check must never crash the run
        result = errored(
            f"{type(exc).__name__}: {_one_line(str(exc))}" if str(exc) else type(exc).__name__,
            details="The check raised an unexpected exception:\n\n```\n"
            + "".join(traceback.format_exception_only(exc)).strip()
            + "\n```",
        )
    result.check = spec.id
    result.duration = round(time.perf_counter() - started, 4)
    if result.status in (Status.FAIL, Status.WARN) and not result.remediation:
        result.remediation = spec.remediation
    return _sanitize(result)


def in_daemon_thread(func: Any, *args: Any) -> asyncio.Future[Any]:
    """Run a blocking call in its own daemon thread and await it.

    Not ``asyncio.to_thread``: a check stuck past its timeout would keep the
    default executor busy, and ``asyncio.run`` waits for that executor on exit,
    so one hung boto3 call would freeze the CLI at the very end. A daemon thread
    is simply abandoned (its client has its own socket timeouts).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if not future.done():
            future.set_result(value) if ok else future.set_exception(value)

    def target() -> None:
        try:
            value, ok = func(*args), True
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            value, ok = exc, False
        try:
            loop.call_soon_threadsafe(settle, ok, value)
        except RuntimeError:
            pass  # the loop is gone: nobody waits for this result any more

    threading.Thread(target=target, name=f"check:{getattr(func, '__name__', 'check')}", daemon=True).start()
    return future


def _one_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:300]


def _sanitize(result: CheckResult) -> CheckResult:
    """Redact secrets in everything a result carries."""
    return result.model_copy(
        update={
            "summary": redact_text(result.summary),
            "details": redact_text(result.details),
            "remediation": redact_text(result.remediation),
            "evidence": redact(result.evidence),
            "facts": result.facts,  # facts feed later checks; they are redacted when reported
        }
    )


async def run_checks(
    node_id: str,
    planned: Sequence[Planned],
    ctx: CheckContext,
    *,
    timeout: float,
    listener: Listener = ignore,
    on_result: Callable[[Planned, CheckResult], None] | None = None,
) -> dict[str, CheckResult]:
    """Run all planned checks of a node concurrently; results keyed by check key, in node order.

    ``on_result`` hears each result as soon as it is there (others waiting for that check go on at once).
    """

    async def one(p: Planned) -> tuple[str, CheckResult]:
        listener(CheckStarted(node_id, p.key, p.spec.id if p.spec else p.key))
        result = await run_one(p, ctx, timeout)
        if on_result is not None:
            on_result(p, result)
        listener(CheckFinished(node_id, p.key, result))
        return p.key, result

    tasks = [asyncio.create_task(one(p)) for p in planned]
    try:
        done = await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        ctx.cancelled.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return dict(done)
