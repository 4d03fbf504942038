"""A fleet sweep in one process vs one process per runtime, same sandbox, same run.

The healthy sandbox plus ``--count - 1`` more runtimes (``tui.sandbox.fleet_seed``). One
``doctor --all-runtimes --jobs N`` process, then one ``doctor --runtime ARN`` process per runtime, one after
another (what a support engineer does without the sweep). Reports both walls, their ratio, and the
sweep's max RSS (``ru_maxrss`` of the child, taken before any other child runs).

    python -m bench.fleet_sweep [--count 50] [--jobs 8] [--sequential N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet_sweep")
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument(
        "--sequential", type=int, default=None, help="run only this many one-runtime processes (default: all)"
    )
    args = parser.parse_args(argv)
    from tui.sandbox.fleet_seed import seed_fleet
    from tui.sandbox.runner import Sandbox

    with Sandbox("healthy") as box, tempfile.TemporaryDirectory() as tmp:
        assert box.seed_info is not None and box.aws.url is not None and box.front_door is not None
        seed_fleet(box.aws.url, box.seed_info, args.count - 1)
        env = {k: v for k, v in os.environ.items() if k not in box.unset_env()}
        env.update(box.env())
        for name in ("AGENTCORE_TRIAGE_RUNTIME", "AGENTCORE_TRIAGE_ENDPOINT", "AGENTCORE_TRIAGE_PROJECT"):
            env.pop(name, None)
        env["AWS_ENDPOINT_URL_BEDROCK_AGENTCORE"] = box.front_door.base_url  # the data plane: the front door
        out = Path(tmp) / "fleet.json"
        command = [sys.executable, "-m", "tui", "doctor", "--all-runtimes", "--jobs", str(args.jobs)]
        started = time.perf_counter()
        subprocess.run([*command, "--format", "json", "--out", str(out)], env=env, capture_output=True, timeout=1800)
        sweep_wall = time.perf_counter() - started
        max_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report = json.loads(out.read_text())
        arns = [section["runtime"] for section in report["runtimes"]]
        worst = {s["worst"] for s in report["runtimes"]}
        errors = Counter(
            (f["check"], f["summary"][:160])
            for section in report["runtimes"]
            for f in (section.get("report") or {}).get("findings", [])
            if f["status"] == "error"
        )
        problems = Counter(section["problem"][:160] for section in report["runtimes"] if section.get("problem"))
        chosen = arns if args.sequential is None else arns[: args.sequential]
        started = time.perf_counter()
        for arn in chosen:
            subprocess.run(
                [sys.executable, "-m", "tui", "doctor", "--runtime", arn, "--format", "json"],
                env=env,
                capture_output=True,
                timeout=600,
            )
        sequential_wall = time.perf_counter() - started
    per_runtime = sequential_wall / max(1, len(chosen))
    estimated = per_runtime * len(arns)
    print(f"{len(arns)} runtimes (worst statuses seen: {sorted(w for w in worst if w)})")
    print(f"  one process, --all-runtimes --jobs {args.jobs}: {sweep_wall:.1f} s, max RSS {max_rss_mb:.0f} MB")
    print(
        f"  {len(chosen)} sequential processes: {sequential_wall:.1f} s ({per_runtime:.2f} s each)"
        + ("" if len(chosen) == len(arns) else f"; all {len(arns)} would take {estimated:.0f} s")
    )
    print(f"  ratio sequential / sweep: {estimated / sweep_wall:.1f}x")
    for (check_id, summary), count in sorted(errors.items()):
        print(f"  error x{count}: {check_id}: {summary}")
    for problem, count in sorted(problems.items()):
        print(f"  not checked x{count}: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
