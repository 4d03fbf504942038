"""``doctor --timeout 3`` against an endpoint that accepts and never answers: how long the whole process takes.

Goal: within the timeout + 1 s (the handshake is waited on once; the checks needing it skip at once).

    python -m bench.doctor_hung [--timeout 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.doctor_hung")
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args(argv)
    from tui.sandbox.misbehaving import misbehaving

    with misbehaving("slow") as url, tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AGENTCORE_TRIAGE_"))}
        env.update({"HOME": home, "AGENTCORE_TRIAGE_STATE_DIR": home, "AWS_REGION": "us-east-1"})
        command = [sys.executable, "-m", "tui", "doctor", "--endpoint", url, "--timeout", f"{args.timeout:g}"]
        started = time.perf_counter()
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
        wall = time.perf_counter() - started
        # the interpreter and imports are not the endpoint's fault: time them alone, same run
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tui", "--version"], env=env, capture_output=True, timeout=60, check=False
        )
        baseline = time.perf_counter() - started
    print(
        f"doctor --timeout {args.timeout:g} against a server that never answers: {wall:.2f} s "
        f"(exit {proc.returncode}; `--version` alone {baseline:.2f} s; goal <= {args.timeout + 1:g} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
