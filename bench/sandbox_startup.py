"""Time-to-ready of the full demo sandbox vs. a bare uvicorn hello app started the same way, same run.

Each sample runs in a fresh interpreter (``python -c``) so import cost — most of
the start-up — is counted as a user of ``agentcore-triage demo`` pays it. "Ready" means
every server answers on 127.0.0.1 (the full sandbox: moto seeded, MCP server and
front door serving); the child prints its own monotonic time-to-ready.

    python -m bench.sandbox_startup [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

FULL = r"""
import time; t0 = time.perf_counter()
from tui.sandbox.runner import Sandbox
box = Sandbox("seed-guide").start()
ready = time.perf_counter() - t0
box.stop()
print(f"{ready:.4f} " + " ".join(f"{k}={v:.3f}" for k, v in box.timings.items()))
"""

HELLO = r"""
import time; t0 = time.perf_counter()
from tui.sandbox._net import UvicornThread
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            m = await receive()
            if m["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif m["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"}); return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})
server = UvicornThread(app)
server.start()
import urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=5).read()
ready = time.perf_counter() - t0
server.stop()
print(f"{ready:.4f}")
"""


def sample(code: str) -> tuple[float, str, float]:
    """(time-to-ready reported by the child, extra, wall time of the whole child process)."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    ).stdout.strip()
    wall = time.perf_counter() - t0
    first, _, extra = out.partition(" ")
    return float(first), extra, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    full: list[float] = []
    hello: list[float] = []
    full_wall: list[float] = []
    extras: list[str] = []
    for _ in range(args.runs):  # interleaved so machine noise hits both equally
        ready, extra, wall = sample(FULL)
        full.append(ready)
        full_wall.append(wall)
        extras.append(extra)
        hello.append(sample(HELLO)[0])
    f, h = statistics.median(full), statistics.median(hello)
    print(f"sandbox start-up (seed-guide scenario), {args.runs} runs, fresh interpreter each:")
    print(
        f"  full sandbox ready : median {f:.3f}s  min {min(full):.3f}s  max {max(full):.3f}s  (process wall incl. stop {statistics.median(full_wall):.3f}s)"
    )
    print(f"  bare uvicorn hello : median {h:.3f}s  min {min(hello):.3f}s  max {max(hello):.3f}s")
    print(f"  ratio full/hello   : {f / h:.1f}x   target: full < 3 s -> {'OK' if f < 3 else 'OVER'}")
    print(f"  last run breakdown (s since start): {extras[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
