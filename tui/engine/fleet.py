"""``doctor`` over many runtimes in one process: each its own context and results, a bounded number at once.

A sweep shares what is safe to share (the playbook, parsed once; the registry; one boto3 client per
service and region, from ``tui.aws.session``) and nothing a runtime's outcome depends on: every runtime
gets its own ``Context`` (its ARN and region; no ``--endpoint`` or ``--project``, which name one target)
and its own ``DoctorRun``. ``--jobs`` bounds how many run at the same time, so memory stays bounded
whatever the size of the fleet. The worst outcome decides the exit code.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tui import __version__
from tui.context import Context, is_region_name, runtime_text_problem
from tui.engine.doctor import DoctorRun, run_doctor
from tui.engine.events import CheckFinished, Event
from tui.i18n import _, os_reason
from tui.playbook.model import Playbook
from tui.registry import Registry
from tui.results import Status

STATUS_RANK = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2, Status.SKIP: 3, Status.PASS: 4}
"""Worst first: the order of the summary and of "sort by status"."""
MAX_FLEET = 5000
"""A sweep bigger than this belongs to a scheduler, one job per account (docs/scale.md)."""
DEFAULT_JOBS = 8


class FleetError(ValueError):
    """A runtimes file or a listing that cannot be used; the message says where and what to do."""


@dataclass(frozen=True)
class FleetTarget:
    """One runtime of the sweep: as given (ARN, id or name) and the region to look in (None: the context's)."""

    runtime: str
    region: str | None = None

    @property
    def label(self) -> str:
        """The runtime as every report and screen shows it: control characters (``--runtime`` is free text) as
        U+FFFD, so none reaches a terminal or a JUnit file, where XML 1.0 cannot hold them."""
        shown = (
            f"{self.runtime} ({self.region})" if self.region and not self.runtime.startswith("arn:") else self.runtime
        )
        return shown_text(shown)


_NOT_SHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff\ufffe\uffff]")


def shown_text(text: str) -> str:
    """``text`` with control characters (tab and newline too: a label is one line), lone surrogates and the two
    non-characters XML refuses replaced by U+FFFD; so are the invisible ones (zero-width spaces, U+2028/U+2029) and
    the bidirectional overrides, which make one name look like another or reorder the rest of a table row."""
    return _NOT_SHOWN.sub("\ufffd", text)


@dataclass(eq=False)
class FleetMember:
    """One runtime's state in the sweep: waiting, running (with live counts) or done (with its run)."""

    target: FleetTarget
    state: str = "waiting"
    run: DoctorRun | None = None
    problem: str | None = None
    """Why the runtime could not be checked at all (an ``error`` for the summary)."""
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    """Checks finished so far by status (live, for the fleet view)."""
    seconds: float = 0.0

    @property
    def worst(self) -> Status | None:
        """Worst status so far (None before any check finished).

        A "not applicable" skip (a branch whose input a fleet member does not have, such as a project directory) is
        not an outcome of the runtime: a runtime whose checks passed beside such skips is ``pass``. A skip that could
        not run is a problem and counts; so does a run of nothing but skips (nothing was checked).
        """
        if self.problem is not None:
            return Status.ERROR
        seen = [s for s in Status if self.counts[s.value]]
        if self.run is not None:
            seen = [f.status for f in self.run.findings if f.status is not Status.SKIP or f.could_not_run]
            if not seen and self.run.findings:
                return Status.SKIP
        elif len(seen) > 1:  # live: the kind of a skip is not known yet; the other outcomes say more
            seen = [s for s in seen if s is not Status.SKIP]
        return min(seen, key=STATUS_RANK.__getitem__) if seen else None

    @property
    def failing(self) -> list[str]:
        """Check ids that failed or errored (sorted, once each)."""
        if self.run is None:
            return []
        return sorted({f.check for f in self.run.findings if f.status in (Status.FAIL, Status.ERROR)})

    @property
    def exit_code(self) -> int:
        if self.problem is not None:
            return 1
        return self.run.exit_code if self.run is not None else 1


@dataclass(frozen=True)
class MemberChanged:
    """A runtime of the sweep started, heard of a finished check, or finished."""

    member: FleetMember
    event: Event | None = None


FleetListener = Callable[[MemberChanged], None]


def _ignore(_change: MemberChanged) -> None:
    """Default listener."""


@dataclass(eq=False)
class Fleet:
    """Every runtime of a sweep, in the order given (reports sort the same way every time)."""

    members: list[FleetMember]
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return max((m.exit_code for m in self.members), default=0)

    def summary_rows(self) -> list[tuple[str, str, str]]:
        """(runtime, worst status, failing checks) per runtime, worst first, then by name."""
        rows = sorted(self.members, key=lambda m: (STATUS_RANK.get(m.worst, 5) if m.worst else 5, m.target.label))
        return [
            (m.target.label, m.worst.value if m.worst else "-", m.problem or ", ".join(m.failing) or "-") for m in rows
        ]

    def report(self) -> dict[str, Any]:
        """JSON: one section per runtime (its own doctor report), plus the summary."""
        runtimes = []
        for m in self.members:
            section: dict[str, Any] = {
                "runtime": m.target.runtime,
                "region": m.target.region,
                "worst": m.worst.value if m.worst else None,
                "failing": m.failing,
                "exit_code": m.exit_code,
                "seconds": round(m.seconds, 3),
            }
            if m.problem is not None:
                section["problem"] = m.problem
            if m.run is not None:
                section["report"] = m.run.report()
            runtimes.append(section)
        totals = {s.value: 0 for s in Status}
        for m in self.members:
            if m.worst is not None:
                totals[m.worst.value] += 1
        return {
            "tool": "agentcore-triage",
            "version": __version__,
            "kind": "fleet",
            "runtimes": runtimes,
            "worst_totals": totals,
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 3),
        }


RUNTIMES_FILE_MAX_BYTES = 4 * 1024 * 1024
"""Far above any fleet one process sweeps (``MAX_FLEET`` lines of ARNs)."""


def read_runtimes_file(path: str) -> list[FleetTarget]:
    """One runtime per line (ARN, id or name, optionally ``REGION`` after a space); ``#`` starts a comment."""
    from tui.files import read_regular

    try:
        data = read_regular(path, RUNTIMES_FILE_MAX_BYTES)  # a device or pipe is refused; a huge file is not read
    except OSError as exc:
        raise FleetError(_("--runtimes-file {file}: {reason}").format(file=path, reason=os_reason(exc))) from None
    if len(data) > RUNTIMES_FILE_MAX_BYTES:
        raise FleetError(
            _("--runtimes-file {file}: larger than {size} MiB").format(
                file=path, size=RUNTIMES_FILE_MAX_BYTES // 1024 // 1024
            )
        )
    text = data.decode("utf-8-sig", errors="replace")  # a file saved by Notepad starts with a BOM
    targets: list[FleetTarget] = []
    seen: set[FleetTarget] = set()
    # lines end at \n alone: splitlines() also split at U+2028, U+0085 and others, making two runtimes of one line
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not line.isascii():  # Latin-1 bytes (read as U+FFFD), a zero-width space, a bidirectional override
            raise FleetError(
                _(
                    "--runtimes-file {file}:{line}: {text} is not ASCII; runtime ARNs, ids, names and regions are: "
                    "save the file as UTF-8 and remove the other characters"
                ).format(file=path, line=number, text=ascii(line[:80]))
            )
        if _NOT_SHOWN.search(line.replace("\t", " ")):  # no runtime name, id, ARN or region holds one
            raise FleetError(
                _(
                    "--runtimes-file {file}:{line}: a control character in {text}; one runtime per line: ARN, id or "
                    "name, then optionally its region"
                ).format(file=path, line=number, text=repr(shown_text(line[:80])))
            )
        parts = line.split()
        if len(parts) > 2 or len(parts[0]) > 2048:
            raise FleetError(
                _("--runtimes-file {file}:{line}: expected 'RUNTIME [REGION]', got {text}").format(
                    file=path, line=number, text=repr(line[:80])
                )
            )
        if problem := runtime_text_problem(parts[0]):  # as --runtime: `arn:…:runtime/x.y` is no runtime
            raise FleetError(
                _("--runtimes-file {file}:{line}: {problem}").format(file=path, line=number, problem=problem)
            )
        if len(parts) == 2 and not is_region_name(parts[1]):
            raise FleetError(
                _("--runtimes-file {file}:{line}: {region} is not a region name (e.g. us-east-1)").format(
                    file=path, line=number, region=repr(parts[1][:80])
                )
            )
        target = FleetTarget(parts[0], parts[1] if len(parts) == 2 else None)
        if target not in seen:
            seen.add(target)
            targets.append(target)
        if len(targets) > MAX_FLEET:  # counted, not cut: the error must not name a made-up total
            raise FleetError(
                _(
                    "--runtimes-file {file}: more than {limit} runtimes; one process sweeps at most {limit}: split "
                    "the fleet (one job per account, docs/scale.md)"
                ).format(file=path, limit=MAX_FLEET)
            )
    return targets  # unique and within MAX_FLEET already


def dedupe(targets: Iterable[FleetTarget]) -> list[FleetTarget]:
    unique = list(dict.fromkeys(targets))
    if len(unique) > MAX_FLEET:
        raise FleetError(
            _(
                "{count} runtimes: one process sweeps at most {limit}; split the fleet (one job per account, "
                "docs/scale.md)"
            ).format(count=len(unique), limit=MAX_FLEET)
        )
    return unique


def list_all_runtimes(context: Context, regions: Iterable[str]) -> list[FleetTarget]:
    """Every runtime in each region (ListAgentRuntimes, read-only); blocking, run it in a thread."""
    from tui.aws.session import read_only_client

    targets: list[FleetTarget] = []
    for region in regions:
        control = read_only_client(
            context.model_copy(update={"region": region}), "bedrock-agentcore-control", timeout=context.timeout
        )
        pages = control.get_paginator("list_agent_runtimes").paginate(
            PaginationConfig={"PageSize": 100, "MaxItems": MAX_FLEET + 1}
        )
        for page in pages:
            for summary in page.get("agentRuntimes", []):
                arn = summary.get("agentRuntimeArn")
                if isinstance(arn, str):
                    targets.append(FleetTarget(arn, region))
    return dedupe(sorted(targets, key=lambda t: (t.region or "", t.runtime)))


def member_context(base: Context, target: FleetTarget) -> Context:
    """The runtime's own context: its runtime and region; no endpoint or project (they name one target)."""
    return base.model_copy(
        update={
            "runtime": target.runtime,
            "region": target.region or base.region,
            "endpoint": None,
            "project": None,
            "agent": None,
            "agentcore": {},
            "inputs": dict(base.inputs),
            "sources": {**base.sources, "runtime": "fleet", "endpoint": "runtime ARN"},
        }
    )


async def run_fleet(
    playbook: Playbook,
    base: Context,
    targets: list[FleetTarget],
    *,
    registry: Registry,
    jobs: int = DEFAULT_JOBS,
    only: Iterable[str] | None = None,
    listener: FleetListener = _ignore,
    timeout: float | None = None,
    members: list[FleetMember] | None = None,
) -> Fleet:
    """Doctor every target, at most ``jobs`` at a time; never raises for one runtime's trouble."""
    fleet = Fleet(members if members is not None else [FleetMember(t) for t in targets])
    gate = asyncio.Semaphore(max(1, jobs))
    started = time.perf_counter()
    only_list = list(only or [])

    async def one(member: FleetMember) -> None:
        async with gate:
            member.state = "running"
            listener(MemberChanged(member))
            began = time.perf_counter()

            def heard(event: Event) -> None:
                if isinstance(event, CheckFinished):
                    member.counts[event.result.status.value] += 1
                    listener(MemberChanged(member, event))

            try:
                member.run = await run_doctor(
                    playbook,
                    member_context(base, member.target),
                    registry=registry,
                    only=only_list,
                    listener=heard,
                    timeout=timeout,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - one runtime's trouble must not end the sweep
                from tui.redact import redact_text

                reason = shown_text(redact_text(f"{type(exc).__name__}: {exc}"))[:200]
                member.problem = _("could not be checked: {reason}").format(reason=reason)
            member.seconds = time.perf_counter() - began
            member.state = "done"
            listener(MemberChanged(member))

    await asyncio.gather(*(one(m) for m in fleet.members))
    fleet.seconds = time.perf_counter() - started
    return fleet


def render_fleet_text(fleet: Fleet) -> str:
    """The summary table: runtime, worst status, failing checks (worst first)."""
    from tui.i18n import cell_len, pad_cells  # a Japanese heading is two cells a character

    heading = (_("RUNTIME"), _("WORST"), _("FAILING CHECKS"))
    rows = [heading, *((label, _(worst), failing) for label, worst, failing in fleet.summary_rows())]
    width = [min(max(cell_len(r[i]) for r in rows), 100) for i in range(2)]
    lines = [f"{pad_cells(r[0], width[0])}  {pad_cells(r[1], width[1])}  {r[2]}" for r in rows]
    worst = [m.worst for m in fleet.members if m.worst]
    counts = {s.value: sum(1 for w in worst if w is s) for s in Status}
    lines.append("")
    lines.append(
        _("{count} runtimes in {seconds} s: {counts} (worst status per runtime)").format(
            count=len(fleet.members),
            seconds=f"{fleet.seconds:.1f}",
            counts=_(", ").join(_("{count} {status}").format(count=n, status=_(s)) for s, n in counts.items() if n),
        )
    )
    return "\n".join(lines)
