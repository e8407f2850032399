"""Identifier matching at scale: 100,000 listings against 1,000,000 registered identifiers.

Target: exact, one-edit and partial matching in under 60 s on 2 cores, under 2 GB.
Measures index build, candidate extraction and search separately; the peak memory is the
process's high-water mark over the stage (after the test data was made).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from bench.match_data import make_keys, make_listing_texts, peak_rss_mb, peak_rss_reset
from bench.sizes import size
from matching.identifiers.candidates import listing_candidates
from matching.identifiers.index import IdentifierIndex

BATCH = 1000


def run_once(keys, texts) -> dict:
    peak_rss_reset()
    start = time.perf_counter()
    index = IdentifierIndex(np.arange(len(keys)), np.arange(len(keys)), keys)
    built = time.perf_counter()
    hits = {"exact": 0, "one_edit": 0, "partial": 0}
    extract = 0.0
    for s in range(0, len(texts), BATCH):
        t0 = time.perf_counter()
        cands = [listing_candidates(*t) for t in texts[s:s + BATCH]]
        extract += time.perf_counter() - t0
        for listing in index.search(cands):
            for hit in listing:
                hits[hit.match] += 1
    done = time.perf_counter()
    return {"build": built - start, "extract": extract, "search": done - built - extract, "total": done - start,
            "peak_mb": peak_rss_mb(), "hits": hits}


def main(quick: bool) -> None:
    n_keys, n_listings, runs = size((1_000_000, 100_000, 3), (100_000, 10_000, 1), (2_000, 200, 1))
    keys = make_keys(n_keys)
    texts = make_listing_texts(keys, n_listings)
    results = [run_once(keys, texts) for _ in range(runs)]
    med = {k: statistics.median(r[k] for r in results) for k in ("build", "extract", "search", "total", "peak_mb")}
    print(f"{n_listings:,} listings x {n_keys:,} identifiers, median of {runs} run(s), one process:")
    print(f"  index build {med['build']:.1f} s, candidate extraction {med['extract']:.1f} s, search {med['search']:.1f} s")
    print(f"  total {med['total']:.1f} s (target < 60 s at 100k x 1M); peak memory {med['peak_mb']:.0f} MB "
          "(target < 2048 MB)")
    print(f"  hits: {results[0]['hits']}")
