"""Seller networks against labelled marketplaces (`bench.network_data`), several seeds: precision and recall
of listing pairs, honest sellers merged, and per kind of planted link how many were found and joined.

Run: `python -m bench.bench_network_quality [SEED ...]` (seeds 1-8 by default; in `make bench`).
Targets: precision >= 0.98 and recall >= 0.90 on every seed, no dealer or private seller merged.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.network_data import write_marketplace
from bench.sizes import size
from matching.networks.evaluate import score_kinds, score_networks
from matching.networks.update import update_networks
from registry.db import connect
from registry.imports.files import import_items, import_listings

TARGET_PRECISION = 0.98
TARGET_RECALL = 0.90


def run_seed(seed: int, folder: Path, operations: int = 10, private: int = 120) -> tuple[dict, dict]:
    """Score one freshly generated marketplace: (pair scores, per-kind counts)."""
    listings = write_marketplace(folder / f"market-{seed}", seed=seed, operations=operations, private=private)
    db = connect(folder / f"seed-{seed}.db")
    import_items(db, listings.parent / "items.jsonl")
    import_listings(db, listings)
    started = time.perf_counter()
    update_networks(db)
    truth = json.loads((listings.parent / "truth.json").read_text())
    planted = json.loads((listings.parent / "links.json").read_text())
    score = score_networks(db, truth)
    score["seconds"] = round(time.perf_counter() - started, 1)
    kinds = score_kinds(db, truth, planted)
    db.close()
    return score, kinds


def main(quick: bool = False, seeds: list[int] | None = None) -> dict:
    """Score each seed's marketplace and print the totals per kind (seeds 1-8; 1-2 quick; 1 smoke)."""
    seeds = seeds or list(range(1, size(9, 3, 2)))
    operations, private = size(10, 10, 2), size(120, 120, 10)
    totals: dict[str, dict] = defaultdict(lambda: {"planted": 0, "linked": 0, "joined": 0})
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            score, kinds = run_seed(seed, Path(tmp), operations, private)
            print(f"seed {seed}: precision {score['precision']:.3f} recall {score['recall']:.3f} "
                  f"({score['pairs_correct']}/{score['pairs_expected']} pairs, {score['pairs_predicted']} predicted); "
                  f"dealers merged {score['dealers_merged']}, private merged {score['private_merged']}; "
                  f"{score['seconds']} s")
            for key, row in kinds.items():
                for k in row:
                    totals[key][k] += row[k]
    print(f"targets: precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL}, no honest seller merged")
    print(f"{'kind':28} planted  linked  joined")
    for key, row in sorted(totals.items()):
        print(f"{key:28} {row['planted']:7} {row['linked'] / row['planted']:7.2f} {row['joined'] / row['planted']:7.2f}")
    return dict(totals)


if __name__ == "__main__":
    main(seeds=[int(a) for a in sys.argv[1:]] or None)
