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
from tui.i18n import _, ngettext, os_reason, pad_cells


def fleet_targets(
    runtimes: tuple[str, ...], runtimes_file: str | None, all_runtimes: bool, regions: str | None, ctx: Any
) -> list[Any]:
    """The runtimes to sweep, from the flags; a usage problem when they contradict or find nothing."""
    from tui.engine.fleet import FleetError, FleetTarget, dedupe, list_all_runtimes, read_runtimes_file

    # each region once: `--regions us-east-1,us-east-1` listed the same region twice
    region_list = list(dict.fromkeys(r.strip() for r in (regions or "").split(",") if r.strip()))
    if runtimes_file is not None and not runtimes_file.strip():  # `--runtimes-file "$UNSET"` ran with no target
        raise UsageProblem(_("--runtimes-file: an empty path: name the file (one runtime per line)"))
    if all_runtimes and (runtimes or runtimes_file is not None):
        raise UsageProblem(_("--all-runtimes lists every runtime itself: drop --runtime/--runtimes-file"))
    if region_list and not all_runtimes:
        raise UsageProblem(_("--regions goes with --all-runtimes (a runtime ARN names its own region)"))
    from tui.context import is_region_name, runtime_text_problem

    for runtime in runtimes:  # as one --runtime (Context.runtime_problem): refused before any sweep starts
        if problem := runtime_text_problem(runtime.strip()):
            raise UsageProblem(f"--runtime {problem}")
    for region in region_list:
        if not is_region_name(region):  # botocore's own message came after the listing had started
            raise UsageProblem(
                _("--regions: {region} is not a region name (e.g. us-east-1)").format(region=repr(region))
            )
    try:
        if all_runtimes:
            region_list = region_list or ([ctx.region] if ctx.region else [])
            if not region_list:
                raise UsageProblem(_("--all-runtimes: which region? give --region or --regions r1,r2"))
            try:
                targets = list_all_runtimes(ctx, region_list)
            except FleetError:
                raise
            except Exception as exc:  # noqa: BLE001 - credentials, network: one line, exit 2
                from tui.logs.targets import aws_reason

                raise UsageProblem(
                    _("--all-runtimes: could not list runtimes: {reason}").format(
                        reason=" ".join(aws_reason(exc).split())[:300]  # an HTML body: one line
                    )
                ) from None
            if not targets:
                raise UsageProblem(_("--all-runtimes: no runtime in {regions}").format(regions=", ".join(region_list)))
            return targets
        targets = [FleetTarget(r.strip()) for r in runtimes]
        if runtimes_file is not None:
            listed = read_runtimes_file(runtimes_file)
            if not listed:  # an empty sweep would pass: a CI job reading an emptied file must not go green
                raise UsageProblem(
                    _("--runtimes-file {file}: no runtime in it (one ARN, id or name per line)").format(
                        file=runtimes_file
                    )
                )
            targets += listed
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

    if fmt == "sarif":
        raise UsageProblem(_("--format sarif describes one runtime's code: use json or junit for a fleet sweep"))
    show_progress = out is None and fmt in ("text", "markdown") and sys.stderr.isatty()

    def progress(change: MemberChanged) -> None:
        member = change.member
        if show_progress and change.event is None and member.state == "done":
            worst = _(member.worst.value) if member.worst else "-"
            err(
                _("  {status} {runtime} ({seconds} s)").format(
                    status=pad_cells(worst, 5), runtime=member.target.label, seconds=f"{member.seconds:.1f}"
                )
            )

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

        try:
            write_private(out, rendered + ("\n" if not rendered.endswith("\n") else ""))
        except OSError as exc:  # a full disk, a path gone since the start: the sweep is not lost with the file
            print(rendered)
            raise UsageProblem(
                _("--out {out}: the report could not be written ({reason}); it was printed above instead").format(
                    out=out, reason=os_reason(exc)
                )
            ) from None
        err(
            ngettext(
                "fleet report written to {path} ({count} runtime, exit {code})",
                "fleet report written to {path} ({count} runtimes, exit {code})",
                len(fleet.members),
            ).format(path=out, count=len(fleet.members), code=fleet.exit_code)
        )
    else:
        print(rendered)
    sys.exit(fleet.exit_code)


def render_fleet_junit(fleet: Any) -> str:
    """JUnit XML: one ``testsuite`` per runtime, its testcases exactly as ``doctor --format junit`` writes them."""
    from xml.etree import ElementTree as ET

    from tui.engine.formats.junit import count_cases, render_junit
    from tui.redact import redact_text

    root = ET.Element("testsuites", name="agentcore-triage doctor fleet")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for member in fleet.members:
        suite = ET.SubElement(root, "testsuite", name=member.target.label, time=f"{member.seconds:.3f}")
        if member.run is not None:
            for case in ET.fromstring(render_junit(member.run)).iter("testcase"):
                suite.append(case)
        if member.problem is not None:
            case = ET.SubElement(suite, "testcase", name="doctor", classname="fleet", time="0.000")
            ET.SubElement(case, "error", message=redact_text(member.problem), type="could-not-run")
        for key, value in count_cases(suite).items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
