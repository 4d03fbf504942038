"""``doctor`` over a fleet: ``--runtime A --runtime B``, ``--runtimes-file``, ``--all-runtimes [--regions]``.

Called by ``doctor`` (``tui/cli/diagnose.py``) when more than one runtime is asked for; the sweep itself is
``tui/engine/fleet.py``. Progress goes to stderr (one line per runtime when it is done, on a terminal), the
summary table or the JSON/JUnit report to stdout or ``--out``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from tui.cli.base import UsageProblem, err


def fleet_targets(
    runtimes: tuple[str, ...], runtimes_file: str | None, all_runtimes: bool, regions: str | None, ctx: Any
) -> list[Any]:
    """The runtimes to sweep, from the flags; a usage problem when they contradict or find nothing."""
    from tui.engine.fleet import FleetError, FleetTarget, dedupe, list_all_runtimes, read_runtimes_file

    region_list = [r.strip() for r in (regions or "").split(",") if r.strip()]
    if all_runtimes and (runtimes or runtimes_file):
        raise UsageProblem("--all-runtimes lists every runtime itself: drop --runtime/--runtimes-file")
    if region_list and not all_runtimes:
        raise UsageProblem("--regions goes with --all-runtimes (a runtime ARN names its own region)")
    try:
        if all_runtimes:
            region_list = region_list or ([ctx.region] if ctx.region else [])
            if not region_list:
                raise UsageProblem("--all-runtimes: which region? give --region or --regions r1,r2")
            try:
                targets = list_all_runtimes(ctx, region_list)
            except FleetError:
                raise
            except Exception as exc:  # noqa: BLE001 - credentials, network: one line, exit 2
                raise UsageProblem(
                    f"--all-runtimes: could not list runtimes: {type(exc).__name__}: {str(exc)[:200]}"
                ) from None
            if not targets:
                raise UsageProblem(f"--all-runtimes: no runtime in {', '.join(region_list)}")
            return targets
        targets = [FleetTarget(r) for r in runtimes]
        if runtimes_file:
            targets += read_runtimes_file(runtimes_file)
        return dedupe(targets)
    except FleetError as exc:
        raise UsageProblem(str(exc)) from None


def sweep(
    ctx: Any,
    loaded: Any,
    registry: Any,
    targets: list[Any],
    *,
    jobs: int,
    only: tuple[str, ...],
    fmt: str,
    out: str | None,
) -> None:
    """Run the sweep, print or write the report, exit with the worst code of all."""
    from tui.engine.fleet import MemberChanged, render_fleet_text, run_fleet

    show_progress = out is None and fmt == "text" and sys.stderr.isatty()

    def progress(change: MemberChanged) -> None:
        member = change.member
        if show_progress and change.event is None and member.state == "done":
            worst = member.worst.value if member.worst else "-"
            err(f"  {worst:<5} {member.target.label} ({member.seconds:.1f} s)")

    fleet = asyncio.run(
        run_fleet(loaded.playbook, ctx, targets, registry=registry, jobs=jobs, only=only, listener=progress)
    )
    if fmt == "json":
        rendered = json.dumps(fleet.report(), indent=2, default=str)
    elif fmt == "junit":
        rendered = render_fleet_junit(fleet)
    else:
        rendered = render_fleet_text(fleet)
    if out:
        from tui.private_files import write_private

        write_private(out, rendered + ("\n" if not rendered.endswith("\n") else ""))
        err(f"fleet report written to {out} ({len(fleet.members)} runtimes, exit {fleet.exit_code})")
    else:
        print(rendered)
    sys.exit(fleet.exit_code)


def render_fleet_junit(fleet: Any) -> str:
    """JUnit XML: one testsuite per runtime, one testcase per finding (failures and errors as such)."""
    from xml.sax.saxutils import quoteattr

    from tui.redact import redact_text
    from tui.results import Status

    suites = []
    for member in fleet.members:
        cases = []
        findings = member.run.findings if member.run is not None else []
        for f in findings:
            name = quoteattr(f"{f.node}/{f.key}")
            body = ""
            message = quoteattr(redact_text(f.summary)[:500])
            if f.status is Status.FAIL:
                body = f"<failure message={message}/>"
            elif f.status is Status.ERROR:
                body = f"<error message={message}/>"
            elif f.status is Status.SKIP:
                body = f"<skipped message={message}/>"
            cases.append(
                f'    <testcase classname={quoteattr(f.check)} name={name} time="{f.duration:.3f}">{body}</testcase>'
            )
        if member.problem is not None:
            cases.append(
                f'    <testcase classname="fleet" name="doctor"><error message={quoteattr(member.problem)}/></testcase>'
            )
        failures = sum(1 for f in findings if f.status is Status.FAIL)
        errors = sum(1 for f in findings if f.status is Status.ERROR) + (member.problem is not None)
        skipped = sum(1 for f in findings if f.status is Status.SKIP)
        suites.append(
            f'  <testsuite name={quoteattr(member.target.label)} tests="{len(cases)}" failures="{failures}" '
            f'errors="{errors}" skipped="{skipped}" time="{member.seconds:.3f}">\n'
            + "\n".join(cases)
            + "\n  </testsuite>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="agentcore-triage fleet">\n'
        + "\n".join(suites)
        + "\n</testsuites>"
    )
