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
    names = wanted or sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_") and m.name not in LONG
    )
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
