"""Run the benchmarks: `python -m bench` runs every bench/bench_*.py; `python -m bench photos` just one.

Each benchmark module has a `main(quick: bool)` that prints its figures beside their targets.
Set BENCH_QUICK=1 for a smaller, faster run.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time

import bench


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    wanted = [n for n in names if not argv or any(a in n for a in argv)]
    quick = os.environ.get("BENCH_QUICK") == "1"
    for name in wanted:
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        importlib.import_module(f"bench.{name}").main(quick=quick)
        print(f"({name} took {time.perf_counter() - start:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
