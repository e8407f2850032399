"""Matcher quality on a generated, labelled set (matching/evaluation/evalset.py), loaded through the imports.

Targets: recall of true re-listings (strong + likely) >= 0.95; precision of strong >= 0.995;
no strong match on a sequential-serial decoy. Prints recall per kind of evidence and
precision per band, over several seeds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from matching.evaluation.evalset import EvalConfig, write_eval_set
from matching.evaluation.evaluate import TARGETS, run_evaluation


def main(quick: bool) -> None:
    seeds = (11,) if quick else (11, 12, 13)
    size = dict(stolen=52, registered=20, decoys=32) if quick else dict(stolen=260, registered=100, decoys=160)
    totals = {"found": 0, "true": 0, "strong_ok": 0, "strong": 0, "decoy_strong": 0}
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            write_eval_set(Path(tmp), EvalConfig(seed=seed, **size))
            result = run_evaluation(Path(tmp))
        print(f"-- seed {seed}: {size}")
        for line in result.lines():
            print("  " + line)
        totals["found"] += sum(f for f, _ in result.recall_by_kind.values())
        totals["true"] += sum(t for _, t in result.recall_by_kind.values())
        ok, n = result.precision_by_band.get("strong", (0, 0))
        totals["strong_ok"] += ok
        totals["strong"] += n
        totals["decoy_strong"] += result.decoy_strong
    recall = totals["found"] / totals["true"]
    precision = totals["strong_ok"] / totals["strong"] if totals["strong"] else 1.0
    print(f"overall: recall {recall:.3f} (target >= {TARGETS['recall']}), strong precision {precision:.4f} "
          f"(target >= {TARGETS['strong_precision']}), strong on decoys {totals['decoy_strong']} (target 0)")
