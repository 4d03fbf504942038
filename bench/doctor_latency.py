"""How many network round trips a ``doctor`` run costs end to end, and how close it runs to its dependency chain.

The healthy sandbox, with AWS (moto) and the MCP endpoint each behind a ``LatencyProxy`` on 127.0.0.1.
Each sample is a fresh interpreter running ``doctor`` on the whole playbook, once at 0 ms and once at
``--rtt`` (300 ms) round trip time, in the same run. Round trips end to end = (wall at RTT − wall at 0) / RTT:
what a user far from the region waits for, in units of one round trip.

The same run reports wall / longest dependency chain (at RTT): the chain is the slowest path through the
node dependency graph, each node counted for as long as its checks took; 1.0 means nothing that could
overlap waited. ``--source DIR`` runs another checkout of the package (``git archive main | tar -x -C DIR``)
to measure "before".

    python -m bench.doctor_latency [--rtt 0.3] [--runs 2] [--source DIR] [--breakdown]

``--breakdown`` attributes the round trips: per node and per check, its duration at RTT minus at 0, in RTTs
(how many requests it makes one after another), and names the slowest chain of nodes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

CHILD = r"""
import asyncio, json, os, sys, time
t0 = time.perf_counter()
if os.environ.get("BENCH_SOURCE"):  # "before": that checkout, not the editable install of this one
    sys.meta_path = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
    sys.path.insert(0, os.environ["BENCH_SOURCE"])
from tui.context import build_context
from tui.engine.doctor import run_doctor
from tui.playbook.validate import resolve_playbook
ctx = build_context(timeout=float(os.environ.get("BENCH_TIMEOUT", "10")))
loaded = resolve_playbook("agentcore-mcp")
t1 = time.perf_counter()
run = asyncio.run(run_doctor(loaded.playbook, ctx))
t2 = time.perf_counter()
chain = run.longest_chain() if hasattr(run, "longest_chain") else None
path = run.longest_chain_path() if hasattr(run, "longest_chain_path") else []
nodes = {n: [a - t1, b - t1] for n, (a, b) in getattr(run, "node_times", {}).items()}
print(json.dumps({"doctor": t2 - t1, "setup": t1 - t0, "chain": chain, "path": path, "nodes": nodes,
                  "totals": run.totals,
                  "durations": {f"{f.node}/{f.key}": f.duration for f in run.findings},
                  "statuses": {f"{f.node}/{f.key}": f.status.value for f in run.findings}}))
"""


def sample(env: dict[str, str], source: str | None) -> dict[str, Any]:
    child_env = dict(env)
    if source:
        child_env["BENCH_SOURCE"] = source
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], env=child_env, capture_output=True, text=True, timeout=300, check=False
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"doctor child failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    data["wall"] = wall
    return data


def proxied_env(box: Any, rtt: float, aws_keep_alive: bool = True) -> tuple[dict[str, str], list[Any]]:
    from bench.latency_proxy import LatencyProxy

    env = {k: v for k, v in os.environ.items() if k not in box.unset_env()}
    env.update(box.env())
    # AWS keeps connections alive; moto's werkzeug closes each one: the proxy keeps the client's (see its docstring)
    aws, env["AWS_ENDPOINT_URL"] = LatencyProxy.for_url(env["AWS_ENDPOINT_URL"], rtt, keep_alive=aws_keep_alive)
    door, env["AGENTCORE_TRIAGE_ENDPOINT"] = LatencyProxy.for_url(env["AGENTCORE_TRIAGE_ENDPOINT"], rtt)
    return env, [aws, door]


def measure(rtt: float, runs: int, source: str | None, aws_keep_alive: bool = True) -> dict[str, Any]:
    from tui.sandbox.runner import Sandbox

    with Sandbox("healthy") as box:
        best: dict[float, dict[str, Any]] = {}
        connections: dict[float, int] = {}
        aws_requests: dict[float, int] = {}
        for delay in (0.0, rtt):
            env, proxies = proxied_env(box, delay, aws_keep_alive)
            try:
                for _ in range(runs):
                    data = sample(env, source)
                    if delay not in best or data["doctor"] < best[delay]["doctor"]:
                        best[delay] = data
                connections[delay] = sum(p.connections for p in proxies) // runs
                aws_requests[delay] = proxies[0].requests // runs
            finally:
                for p in proxies:
                    p.stop()
    fast, slow = best[0.0], best[rtt]
    if fast["statuses"] != slow["statuses"]:
        changed = {k: (v, slow["statuses"].get(k)) for k, v in fast["statuses"].items() if slow["statuses"].get(k) != v}
        print(f"warning: outcomes differ with latency: {changed}")
    return {
        "rtt": rtt,
        "doctor_wall_0": fast["doctor"],
        "doctor_wall_rtt": slow["doctor"],
        "process_wall_0": fast["wall"],
        "process_wall_rtt": slow["wall"],
        "round_trips": (slow["doctor"] - fast["doctor"]) / rtt,
        "round_trips_process": (slow["wall"] - fast["wall"]) / rtt,
        "chain_rtt": slow["chain"],
        "wall_over_chain": (slow["doctor"] / slow["chain"]) if slow["chain"] else None,
        "connections_per_run": connections,
        "aws_requests_per_run": aws_requests if aws_keep_alive else None,
        "totals": slow["totals"],
        "chain_path": slow.get("path", []),
        "round_trips_per_check": attribution(fast, slow, rtt),
        "round_trips_per_node": {
            node: round(((end - start) - (fast["nodes"][node][1] - fast["nodes"][node][0])) / rtt, 1)
            for node, (start, end) in slow.get("nodes", {}).items()
            if node in fast.get("nodes", {})
        },
    }


def attribution(fast: dict[str, Any], slow: dict[str, Any], rtt: float) -> dict[str, float]:
    """Round trips each check waited for: its duration at RTT minus at 0, in RTTs (sequential requests inside it)."""
    return {
        key: round((slow["durations"][key] - fast["durations"].get(key, 0.0)) / rtt, 1)
        for key in sorted(slow.get("durations", {}))
        if key in fast.get("durations", {})
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.doctor_latency")
    parser.add_argument("--rtt", type=float, default=0.3)
    parser.add_argument("--runs", type=int, default=2, help="samples per latency (the fastest counts)")
    parser.add_argument("--source", help="run the package from this directory (a checkout of main: 'before')")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--breakdown", action="store_true", help="round trips per node and per check")
    parser.add_argument(
        "--aws-closes",
        action="store_true",
        help="let the AWS side close every connection as moto's server does (real AWS keeps them alive)",
    )
    args = parser.parse_args(argv)
    result = measure(args.rtt, args.runs, args.source, aws_keep_alive=not args.aws_closes)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"doctor on the healthy sandbox, RTT {args.rtt * 1000:.0f} ms through a latency proxy\n"
        f"  wall: {result['doctor_wall_0']:.2f} s at 0 ms, {result['doctor_wall_rtt']:.2f} s at {args.rtt * 1000:.0f} ms"
        f" (process {result['process_wall_0']:.2f} s / {result['process_wall_rtt']:.2f} s)\n"
        f"  round trips end to end: {result['round_trips']:.1f} (goal <= 12; whole process "
        f"{result['round_trips_process']:.1f})\n"
        f"  connections per run: {result['connections_per_run']}"
        + (
            f"; AWS requests per run: {result['aws_requests_per_run']}"
            if result["aws_requests_per_run"]
            else " (AWS side closing every connection: --aws-closes)"
        )
    )
    if args.breakdown:
        print(f"  slowest chain: {' -> '.join(result['chain_path'])}")
        print("  round trips per node (along the chain or not):")
        for node, trips in sorted(result["round_trips_per_node"].items(), key=lambda item: -item[1]):
            print(f"    {trips:5.1f}  {node}")
        print("  round trips per check (requests one after another inside it):")
        for key, trips in sorted(result["round_trips_per_check"].items(), key=lambda item: -item[1]):
            if trips >= 0.5:
                print(f"    {trips:5.1f}  {key}")
    if result["wall_over_chain"] is not None:
        print(
            f"  longest dependency chain {result['chain_rtt']:.2f} s; wall / chain = {result['wall_over_chain']:.2f}"
            " (goal <= 1.3)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
