"""``agentcore-triage logs --since 24h`` vs. a plain boto3 ``filter_log_events`` loop over the same range, same run.

The sandbox's moto runs in its own process, seeded with 50,000 events over 24 h in two groups (the runtime
group and the OTEL group; one in 50 an error a node explains). Each measured run is a fresh process (import
cost counted, as a user pays it); its wall time, CPU time (user+sys) and max RSS come from ``os.wait4``, and
the moto server's CPU spent answering it from ``/proc`` (Linux). Runs are interleaved so machine noise hits
both sides alike; on a shared machine the CPU figures are the steadier ones. The package's bytecode is compiled
first, as ``pip install`` does: with ``PYTHONDONTWRITEBYTECODE`` set (as on some CI machines) every run would
otherwise compile ``tui`` from source while boto3's bytecode, installed by pip, is there for both sides. The plain loop only counts
events; ``logs`` also classifies, groups and renders. Note: moto ignores filter patterns and Insights
``filter`` clauses, so here both sides receive every event; against CloudWatch the server-side filter sends
only candidate events.

The grouped result is checked, not only timed: every event of the range is read again here and classified
the slow way (``Classifier.reference``: every signature ranked, no prefilter, no cache); node, noise flag,
count, first and last time of every group must equal what ``logs`` printed (``--no-check`` skips this).

    python -m bench.logs_reader [--runs N] [--events N] [--no-check]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _server_cpu(pid: int) -> float:
    """CPU seconds (user+sys) the process ``pid`` has used so far; 0 where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    wall: float
    cpu: float
    """user+sys of the child"""
    rss: float
    """MiB"""
    server_cpu: float
    """CPU the moto server spent while the child ran"""
    out: str


def _run(argv: list[str], env: dict[str, str], server_pid: int) -> Run:
    """Like ``measure`` but reaps the child with wait4 itself, so RSS and CPU are this child's alone."""
    server_before = _server_cpu(server_pid)
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
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, _server_cpu(server_pid) - server_before, b"".join(chunks).decode())


def reference_groups(groups: list[str], start: int, end: int) -> dict[str, tuple[Any, ...]]:
    """Every event of the range, classified the slow way: key -> (noise, count, first time, last time)."""
    import boto3

    from tui.logs.classify import Classifier, clean_text, iso
    from tui.logs.command import _playbook

    classifier = Classifier(_playbook("agentcore-mcp"))
    logs = boto3.client("logs")
    tally: dict[str, list[Any]] = {}
    known: dict[str, Any] = {}
    for group in groups:
        kwargs: dict[str, Any] = {"logGroupName": group, "startTime": start, "endTime": end, "limit": 10000}
        while True:
            page = logs.filter_log_events(**kwargs)
            for raw in page.get("events", []):
                text = clean_text(str(raw.get("message") or ""))
                if text not in known:  # a pure function of the text: the same line is ranked once
                    known[text] = classifier.reference(text)
                match = known[text]
                if match is None:
                    continue
                ts = int(raw["timestamp"])
                row = tally.setdefault(match.key, [match.noise, 0, ts, ts])
                row[1] += 1
                row[2], row[3] = min(row[2], ts), max(row[3], ts)
            token = page.get("nextToken")
            if not token:
                break
            kwargs["nextToken"] = token
    return {key: (noise, count, iso(first), iso(last)) for key, (noise, count, first, last) in tally.items()}


def _playbook_path() -> str:
    """Which way ``logs`` got its signatures in these runs (the same decision, made here for the same files)."""
    from tui.i18n import resolve_language
    from tui.playbook.signature_index import IndexUnusable, shipped_index

    try:
        shipped_index("agentcore-mcp", resolve_language())
    except IndexUnusable as exc:
        return f"loaded with pydantic ({exc})"
    return "classified from the signature index (no pydantic)"


def printed_groups(result: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        g["node"] or f"noise:{g['signature']}": (g["noise"], g["count"], g["first_time"], g["last_time"])
        for g in result.get("groups", [])
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--no-check", action="store_true", help="skip checking the groups against the reference")
    args = parser.parse_args(argv)

    import compileall

    import tui
    from tui.sandbox.aws import seed
    from tui.sandbox.logs_seed import seed_volume
    from tui.sandbox.runner import aws_environment

    # as pip install does (see the docstring); not the sample project, package data a wheel built here would carry
    compileall.compile_dir(str(Path(tui.__file__).parent), quiet=1, rx=re.compile("sample_project"))
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
        # the same commands over a range holding no event: what each pays before reading anything (FilterLogEvents
        # for both: over an empty range ``logs`` cannot tell that moto ignores patterns and would use Insights)
        empty = [str(now - 3 * day), str(now - 2 * day)]
        cli_empty = cli[:4] + ["--start", empty[0], "--end", empty[1], "--format", "json", "--via", "filter"]
        plain_empty = plain[:3] + empty + groups
        ours: list[Run] = []
        theirs: list[Run] = []
        fixed_ours: list[Run] = []
        fixed_theirs: list[Run] = []
        result: dict[str, Any] = {}
        count = 0
        for _ in range(args.runs):
            ours.append(_run(cli, env, server.pid))
            result = json.loads(ours[-1].out)
            theirs.append(_run(plain, env, server.pid))
            count = int(theirs[-1].out.strip())
            fixed_ours.append(_run(cli_empty, env, server.pid))
            fixed_theirs.append(_run(plain_empty, env, server.pid))
        expected = None if args.no_check else reference_groups(groups, start, end)
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=60)

    def med(runs: list[Run], attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in runs))

    o, p = med(ours, "wall"), med(theirs, "wall")
    print(f"logs reader: {written} events over 24 h in 2 groups (seeded in {seeding:.1f}s), {args.runs} runs each:")
    print(
        f"  agentcore-triage logs --since 24h : median {o:.2f}s  cpu {med(ours, 'cpu'):.2f}s + moto "
        f"{med(ours, 'server_cpu'):.2f}s  max RSS {max(r.rss for r in ours):.0f} MiB  "
        f"via {result.get('read', {}).get('strategy')}, {result.get('read', {}).get('calls')} calls, "
        f"{result.get('events_read')} events read, {len(result.get('groups', []))} node groups"
    )
    print(
        f"  plain filter_log_events loop      : median {p:.2f}s  cpu {med(theirs, 'cpu'):.2f}s + moto "
        f"{med(theirs, 'server_cpu'):.2f}s  max RSS {max(r.rss for r in theirs):.0f} MiB  {count} events"
    )
    cpu_ours = med(ours, "cpu") + med(ours, "server_cpu")
    cpu_theirs = med(theirs, "cpu") + med(theirs, "server_cpu")
    print(f"  ratio logs/plain                  : {o / p:.2f}x   goal <= 1.0 -> {'OK' if o <= p else 'OVER'}")
    print(f"  ratio of CPU (client + moto)      : {cpu_ours / cpu_theirs:.2f}x")
    print(f"  playbook                          : {_playbook_path()}")
    fo, fp = med(fixed_ours, "wall"), med(fixed_theirs, "wall")
    print(
        f"  same commands over an empty range : logs {fo:.2f}s (cpu {med(fixed_ours, 'cpu'):.2f}s), plain {fp:.2f}s "
        f"(cpu {med(fixed_theirs, 'cpu'):.2f}s): start-up, runtime discovery, playbook load"
    )
    if p - fp > 0:
        print(f"  ratio of the time spent reading   : {(o - fo) / (p - fp):.2f}x (logs reads, classifies and groups)")
    for g in result.get("groups", []):
        print(f"    {g['count']:>6}x {'noise ' if g['noise'] else ''}{g['node'] or g['title']}")
    if expected is not None:
        got = printed_groups(result)
        if got != expected:
            print(f"  CLASSIFICATION DIFFERS from the reference:\n    logs      {got}\n    reference {expected}")
            return 1
        print(f"  classification: equal to the reference ({len(expected)} groups, every event ranked in full)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
