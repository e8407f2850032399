"""Run the benchmarks: `python -m bench` runs every bench/bench_*.py; `python -m bench photos` just one.

Each benchmark module has a `main(quick: bool)` that prints its figures beside their targets, at the
size `bench.sizes` gives: full by default, smaller with BENCH_QUICK=1, smallest with BENCH_SMOKE=1 or
`--smoke` (what `make test` runs: proof that each benchmark still runs, its figures meaningless).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time

import bench
from bench.sizes import mode


def main(argv: list[str]) -> int:
    if "--smoke" in argv:
        argv = [a for a in argv if a != "--smoke"]
        os.environ["BENCH_SMOKE"] = "1"
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    # `bench_features` or `features` alone, not bench_features_nightly too; `night` is bench_night
    exact = [n for n in names if n in argv or n.removeprefix("bench_") in argv]
    wanted = exact or [n for n in names if not argv or any(a in n for a in argv)]
    quick = mode() != "full"
    for name in wanted:
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        importlib.import_module(f"bench.{name}").main(quick=quick)
        print(f"({name} took {time.perf_counter() - start:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
