"""Photo hash search at 1,000,000 registered hashes: multi-index hashing, exact within the radius.

Target: at least 5,000 queries per second at the strong radius, nothing inside the radius
missed. The matcher searches pHash and dHash within 7 bits (strong needs pHash <= 6, and
pHash distances are even); 10 bits is shown for comparison. Exactness is checked against
a full numpy scan for a sample of queries.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from bench.match_data import make_photo_hashes
from bench.sizes import size
from matching.photos.evidence import SEARCH_RADIUS
from matching.photos.index import PhotoHashIndex


def make_queries(hashes: np.ndarray, n: int, seed: int = 9) -> np.ndarray:
    rng = np.random.default_rng(seed)
    near = hashes[rng.integers(0, len(hashes), n // 2)].copy()
    flips = rng.integers(0, 64, (len(near), 6)).astype(np.uint64)
    for j in range(rng.integers(0, 7)):
        near ^= np.uint64(1) << flips[:, j]
    unrelated = make_photo_hashes(n - len(near), seed=seed + 1)
    return np.concatenate([near, unrelated])


def main(quick: bool) -> None:
    n, n_queries, runs = size((1_000_000, 20_000, 3), (100_000, 5_000, 3), (2_000, 100, 1))
    hashes = make_photo_hashes(n)
    start = time.perf_counter()
    index = PhotoHashIndex(hashes)
    print(f"{n:,} registered hashes; index built in {time.perf_counter() - start:.1f} s")
    queries = make_queries(hashes, n_queries)
    for radius in (SEARCH_RADIUS, 10):
        rates = []
        for _ in range(runs):
            t0 = time.perf_counter()
            q, d, _ = index.search(queries, radius)
            rates.append(len(queries) / (time.perf_counter() - t0))
        sample = range(0, len(queries), max(1, len(queries) // 200))
        missed = extra = 0
        for i in sample:
            expected = set(np.nonzero(np.bitwise_count(hashes ^ queries[i]) <= radius)[0].tolist())
            got = set(d[q == i].tolist())
            missed += len(expected - got)
            extra += len(got - expected)
        label = "the strong search radius" if radius == SEARCH_RADIUS else "for comparison"
        target = " (target >= 5,000)" if radius == SEARCH_RADIUS else ""
        print(f"  radius {radius} ({label}): median {statistics.median(rates):,.0f} queries/s on one core{target}; "
              f"{len(q):,} hits; exactness on {len(sample)} queries: {missed} missed, {extra} wrong")
