"""Every benchmark runs once at its smallest size (`python -m bench --smoke NAME`), so a change that
breaks one is seen by `make test` and CI, not the next time someone measures. No figure is checked:
timings on a shared machine mean nothing; the run must finish without an error."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import bench

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_runs_at_its_smallest_size(name, tmp_path):
    env = {**os.environ, "BENCH_SMOKE": "1", "TMPDIR": str(tmp_path)}
    env.pop("BENCH_QUICK", None)
    result = subprocess.run([sys.executable, "-m", "bench", "--smoke", name], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert f"== {name} ==" in result.stdout and f"({name} took" in result.stdout
