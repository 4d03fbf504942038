"""Run the benchmarks: ``python -m bench`` (``make bench``) runs every one but the long ones; name a module to run
it alone (``python -m bench fleet_sweep``: 50 runtimes, 15 minutes on 2 cores)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

LONG = {"fleet_sweep"}
"""Benchmarks that take many minutes: run only when named."""


def main(argv: list[str] | None = None) -> int:
    wanted = list(sys.argv[1:] if argv is None else argv)
    here = Path(__file__).parent
    known = sorted(  # modules with a ``main``: the others (the latency proxy) are helpers of the benchmarks
        m.name
        for m in pkgutil.iter_modules([str(here)])
        if not m.name.startswith("_") and "\ndef main(" in (here / f"{m.name}.py").read_text(encoding="utf-8")
    )
    if any(name in ("-h", "--help") for name in wanted):
        print(__doc__.strip())
        print(f"benchmarks: {', '.join(known)} (long, only when named: {', '.join(sorted(LONG))})")
        return 0
    unknown = [name for name in wanted if name not in known]
    if unknown:
        print(f"python -m bench: no benchmark {unknown[0]!r}; name one of: {', '.join(known)}", file=sys.stderr)
        return 2
    names = wanted or [name for name in known if name not in LONG]
    status = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        entry = getattr(module, "main", None)
        if entry is None:
            continue
        print(f"== bench.{name}")
        status |= int(entry([]) or 0)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
