"""The size a benchmark runs at: full (`make bench`), quick (`BENCH_QUICK=1`) or smoke (`BENCH_SMOKE=1`,
`python -m bench --smoke`): the smallest, which `make test` runs to prove every benchmark still runs.
Smoke figures mean nothing and are never compared with targets by a test."""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")


def mode() -> str:
    """"smoke", "quick" or "full", from the environment."""
    if os.environ.get("BENCH_SMOKE") == "1":
        return "smoke"
    return "quick" if os.environ.get("BENCH_QUICK") == "1" else "full"


def size(full: T, quick: T, smoke: T) -> T:
    """The value for the current mode (a count, a tuple of counts, a dict of sizes)."""
    return {"full": full, "quick": quick, "smoke": smoke}[mode()]
