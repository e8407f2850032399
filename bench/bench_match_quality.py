"""Matcher quality on two labelled sets, side by side, each loaded through the imports: the generated
set (matching/evaluation/evalset.py) and the real-photo set (matching/evaluation/real_evalset.py: real photographs from
installed packages, serials typed the ways sellers type them).

Targets: recall of true re-listings (strong + likely) >= 0.95 generated, >= 0.97 real; on the real
set, recall of the hard photo alterations >= 0.85; precision of strong >= 0.995; no strong match on a
decoy (next serial numbers in sequence, look-alikes, other photos). Prints recall per kind of
evidence and precision per band, over several seeds.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from bench.sizes import size
from matching.evaluation.evalset import EvalConfig, write_eval_set
from matching.evaluation.evaluate import TARGETS, run_evaluation
from matching.evaluation.real_evalset import RealEvalConfig, hard_photo_recall, write_real_eval_set
from matching.evaluation.real_photos import real_photos

REAL_TARGETS = {"recall": 0.97, "hard_photos": 0.85}


def _run(write, seeds, config) -> tuple[Counter, list]:
    totals: Counter = Counter()
    results = []
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            write(Path(tmp), config(seed))
            result = run_evaluation(Path(tmp))
        results.append((seed, result))
        totals["found"] += sum(f for f, _ in result.recall_by_kind.values())
        totals["true"] += sum(t for _, t in result.recall_by_kind.values())
        ok, n = result.precision_by_band.get("strong", (0, 0))
        totals["strong_ok"] += ok
        totals["strong"] += n
        totals["decoy_strong"] += result.decoy_strong
        hard_found, hard_total = hard_photo_recall(result.recall_by_kind)
        totals["hard_found"] += hard_found
        totals["hard"] += hard_total
        totals["seconds"] += result.match_seconds
    return totals, results


def main(quick: bool) -> None:
    seeds = (11,) if quick else (11, 12, 13)
    sizes = size(dict(stolen=260, registered=100, decoys=160), dict(stolen=52, registered=20, decoys=32),
                 dict(stolen=8, registered=4, decoys=4))
    generated, generated_runs = _run(write_eval_set, seeds, lambda s: EvalConfig(seed=s, **sizes))
    real_size = size(dict(listings_per_photo=3, id_items=40, decoys=40),
                     dict(listings_per_photo=2, id_items=20, decoys=20), dict(listings_per_photo=1, id_items=4, decoys=4))
    real, real_runs = _run(write_real_eval_set, seeds, lambda s: RealEvalConfig(seed=s, **real_size))
    photos = real_photos()
    print(f"real photographs: {len(photos)} ({', '.join(p.name for p in photos)})")
    for name, runs in (("generated", generated_runs), ("real", real_runs)):
        for seed, result in runs:
            print(f"-- {name} set, seed {seed}")
            for line in result.lines():
                print("  " + line)
            for kind, url, bands in result.misses:
                print(f"  missed {kind}: {url} {bands}")

    def share(a, b):
        return a / b if b else float("nan")

    print(f"\n{'':34s} {'generated':>12s} {'real photos':>12s}   targets (generated / real)")
    rows = [
        ("recall (strong + likely)", share(generated["found"], generated["true"]), share(real["found"], real["true"]),
         f">= {TARGETS['recall']} / >= {REAL_TARGETS['recall']}"),
        ("hard photo alterations", share(generated["hard_found"], generated["hard"]),
         share(real["hard_found"], real["hard"]), f"- / >= {REAL_TARGETS['hard_photos']}"),
        ("precision of strong", share(generated["strong_ok"], generated["strong"]), share(real["strong_ok"], real["strong"]),
         f">= {TARGETS['strong_precision']}"),
    ]
    for label, a, b, target in rows:
        print(f"{label:34s} {'-' if a != a else f'{a:.3f}':>12s} {b:12.3f}   {target}")
    print(f"{'strong matches on decoys':34s} {generated['decoy_strong']:12d} {real['decoy_strong']:12d}   0")
    print(f"{'true re-listings':34s} {generated['true']:12d} {real['true']:12d}")
    print(f"{'match stage, seconds (sum)':34s} {generated['seconds']:12.1f} {real['seconds']:12.1f}")
