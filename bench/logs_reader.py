"""``agentcore-triage logs --since 24h`` vs. a plain boto3 ``filter_log_events`` loop over the same range, same run.

The sandbox's moto runs in its own process, seeded with 50,000 events over 24 h in two groups (the runtime
group and the OTEL group; one in 50 an error a node explains). Each measured run is a fresh process (import
cost counted, as a user pays it); its wall time and max RSS come from ``os.wait4``. Runs are interleaved so
machine noise hits both sides alike. The plain loop only counts events; ``logs`` also classifies, groups and
renders. Note: moto ignores filter patterns and Insights ``filter`` clauses, so here both sides receive every
event; against CloudWatch the server-side filter sends only candidate events.

    python -m bench.logs_reader [--runs N] [--events N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SERVER = r"""
import sys
from tui.sandbox.aws import AwsSandbox
box = AwsSandbox()
print(box.start(), flush=True)
sys.stdin.read()
box.stop()
"""

PLAIN = r"""
import sys, boto3
start, end, groups = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
logs = boto3.client("logs")
count = 0
for group in groups:
    kwargs = {"logGroupName": group, "startTime": start, "endTime": end, "limit": 10000}
    while True:
        page = logs.filter_log_events(**kwargs)
        count += len(page.get("events", []))
        token = page.get("nextToken")
        if not token:
            break
        kwargs["nextToken"] = token
print(count)
"""

CLI = str(Path(sys.executable).parent / "agentcore-triage")


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Like ``measure`` but reaps the child with wait4 itself, so RSS is this child's alone."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    chunks: list[bytes] = []
    assert proc.stdout is not None and proc.stderr is not None
    import threading

    errs: list[bytes] = []
    reader = threading.Thread(target=lambda: errs.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    for chunk in iter(lambda: proc.stdout.read(65536), b""):  # type: ignore[union-attr]
        chunks.append(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    reader.join(timeout=10)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv[:3])} exited {proc.returncode}: {b''.join(errs).decode()[-400:]}")
    return wall, usage.ru_maxrss / 1024, b"".join(chunks).decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=50_000)
    args = parser.parse_args(argv)

    from tui.sandbox.aws import seed
    from tui.sandbox.logs_seed import seed_volume
    from tui.sandbox.runner import aws_environment

    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        env = {**os.environ, **aws_environment(url)}
        os.environ.update(aws_environment(url))
        info = seed(url, frozenset())
        groups = [info.runtime_log_group, info.otel_log_group]
        day = 24 * 3600 * 1000
        now = int(time.time() * 1000)
        t0 = time.perf_counter()
        written = seed_volume(url, groups, args.events, day - 120_000, now_ms=now - 60_000)
        seeding = time.perf_counter() - t0
        start, end = now - day, now + 60_000
        cli = [CLI, "logs", "--runtime", info.runtime_arn, "--start", str(start), "--end", str(end), "--format", "json"]
        plain = [sys.executable, "-c", PLAIN, str(start), str(end), *groups]
        # the same commands over a range holding no event: what each pays before reading anything
        empty = [str(now - 3 * day), str(now - 2 * day)]
        cli_empty = cli[:4] + ["--start", empty[0], "--end", empty[1], "--format", "json"]
        plain_empty = plain[:3] + empty + groups
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        fixed_ours: list[float] = []
        fixed_theirs: list[float] = []
        result: dict = {}
        count = 0
        for _ in range(args.runs):
            wall, rss, out = _run(cli, env)
            ours.append((wall, rss))
            result = json.loads(out)
            wall, rss, out = _run(plain, env)
            theirs.append((wall, rss))
            count = int(out.strip())
            fixed_ours.append(_run(cli_empty, env)[0])
            fixed_theirs.append(_run(plain_empty, env)[0])
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=60)
    o = statistics.median(w for w, _ in ours)
    p = statistics.median(w for w, _ in theirs)
    print(f"logs reader: {written} events over 24 h in 2 groups (seeded in {seeding:.1f}s), {args.runs} runs each:")
    print(
        f"  agentcore-triage logs --since 24h : median {o:.2f}s  max RSS {max(r for _, r in ours):.0f} MiB  "
        f"via {result.get('read', {}).get('strategy')}, {result.get('events_read')} events read, "
        f"{len(result.get('groups', []))} node groups"
    )
    print(
        f"  plain filter_log_events loop      : median {p:.2f}s  max RSS {max(r for _, r in theirs):.0f} MiB  "
        f"{count} events"
    )
    fo, fp = statistics.median(fixed_ours), statistics.median(fixed_theirs)
    print(f"  ratio logs/plain                  : {o / p:.2f}x   goal <= 1.0 -> {'OK' if o <= p else 'OVER'}")
    print(
        f"  same commands over an empty range : logs {fo:.2f}s, plain {fp:.2f}s (start-up, runtime discovery, "
        "playbook load)"
    )
    if p - fp > 0:
        print(f"  ratio of the time spent reading   : {(o - fo) / (p - fp):.2f}x (logs reads, classifies and groups)")
    for g in result.get("groups", []):
        print(f"    {g['count']:>6}x {'noise ' if g['noise'] else ''}{g['node'] or g['title']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
