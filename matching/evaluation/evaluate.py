"""Load an evaluation set the way a user would, match it, and measure the matcher.

Recall counts a true re-listing as found when its stolen item is matched `strong` or
`likely` in the stolen queue. Precision per band counts, among the stolen queue's
matches in that band, those that pair a listing with the item it really shows.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from matching.evaluation.evalset import SOURCE, TRUE_KINDS
from matching.pipeline import match_listings
from registry.db import connect
from registry.imports.files import import_items, import_listings
from registry.listings.store import listing_id

TARGETS = {"recall": 0.95, "strong_precision": 0.995, "decoy_strong": 0}


@dataclass
class EvalResult:
    recall_by_kind: dict = field(default_factory=dict)  # kind -> (found, total)
    precision_by_band: dict = field(default_factory=dict)  # band -> (correct, total)
    decoy_bands: dict = field(default_factory=dict)  # decoy kind -> Counter of best band in the stolen queue
    owner_checks: tuple = (0, 0)  # owner sales found in the owner-check queue, of all owner sales
    match_seconds: float = 0.0
    misses: list = field(default_factory=list)
    false_strong_by: Counter = field(default_factory=Counter)  # the leading reason kind of each false strong

    @property
    def recall(self) -> float:
        found = sum(f for f, _ in self.recall_by_kind.values())
        total = sum(t for _, t in self.recall_by_kind.values())
        return found / total if total else 1.0

    def precision(self, band: str) -> float:
        correct, total = self.precision_by_band.get(band, (0, 0))
        return correct / total if total else 1.0

    @property
    def decoy_strong(self) -> int:
        return sum(c.get("strong", 0) for c in self.decoy_bands.values())

    def meets_targets(self) -> bool:
        return (self.recall >= TARGETS["recall"] and self.precision("strong") >= TARGETS["strong_precision"]
                and self.decoy_strong == TARGETS["decoy_strong"])

    def lines(self) -> list[str]:
        out = [f"recall of true re-listings (strong + likely): {self.recall:.3f} (target >= {TARGETS['recall']})"]
        for kind in sorted(self.recall_by_kind, key=lambda k: TRUE_KINDS.index(k) if k in TRUE_KINDS else 99):
            found, total = self.recall_by_kind[kind]
            out.append(f"  {kind:<22} {found}/{total}")
        for band in ("strong", "likely", "possible"):
            correct, total = self.precision_by_band.get(band, (0, 0))
            target = f" (target >= {TARGETS['strong_precision']})" if band == "strong" else ""
            out.append(f"precision of {band:<8} {self.precision(band):.3f} ({correct}/{total}){target}")
        if self.false_strong_by:
            out.append("false strong matches by leading evidence: "
                       + ", ".join(f"{k} {n}" for k, n in self.false_strong_by.most_common()))
        out.append(f"strong matches on decoys: {self.decoy_strong} (target 0)")
        for kind, bands in sorted(self.decoy_bands.items()):
            shown = ", ".join(f"{b} {n}" for b, n in sorted(bands.items())) or "no match"
            out.append(f"  {kind:<28} {shown}")
        found, total = self.owner_checks
        out.append(f"owners' own sales found as owner checks: {found}/{total}")
        out.append(f"match stage: {self.match_seconds:.1f} s")
        return out


def run_evaluation(folder: Path | str) -> EvalResult:
    """Import items and listings from `folder` into a new database there, match, and measure."""
    folder = Path(folder)
    labels = json.loads((folder / "labels.json").read_text())
    db = connect(folder / "data" / "farmwatch.db")
    items_report = import_items(db, folder / "items.jsonl")
    listings_report = import_listings(db, folder / "listings.jsonl")
    if items_report.errors or listings_report.errors:
        raise ValueError(f"evaluation set did not load: {(items_report.errors + listings_report.errors)[:3]}")
    report = match_listings(db, rematch_all=True)
    refs = {}
    for item_id, description in db.execute("select id, description from items").fetchall():
        m = re.search(r"evaluation item (E\d+)", description or "")
        if m:
            refs[m[1]] = item_id
    by_listing = defaultdict(list)
    for row in db.query("select listing_id, item_id, queue, band, reasons from matches"):
        by_listing[row["listing_id"]].append(row)
    result = EvalResult(match_seconds=report.seconds)
    truth = {}
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    owner = [0, 0]
    for url, label in labels.items():
        lid = listing_id(SOURCE, url)
        item = refs.get(label["item_ref"]) if label["item_ref"] else None
        rows = by_listing.get(lid, [])
        if label["expect"] == "stolen":
            truth[lid] = item
            ok = any(r["item_id"] == item and r["queue"] == "stolen" and r["band"] in ("strong", "likely") for r in rows)
            recall[label["kind"]][0] += ok
            recall[label["kind"]][1] += 1
            if not ok:
                result.misses.append((label["kind"], url, [(r["queue"], r["band"]) for r in rows if r["item_id"] == item]))
        elif label["expect"] == "owner_check":
            owner[0] += any(r["item_id"] == item and r["queue"] == "owner_check" for r in rows)
            owner[1] += 1
        else:
            stolen_bands = [r["band"] for r in rows if r["queue"] == "stolen"]
            order = {"strong": 3, "likely": 2, "possible": 1}
            best = max(stolen_bands, key=order.get) if stolen_bands else "no match"
            result.decoy_bands.setdefault(label["kind"], Counter())[best] += 1
    precision: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for lid, rows in by_listing.items():
        for r in rows:
            if r["queue"] != "stolen":
                continue
            correct = truth.get(lid) == r["item_id"]
            precision[r["band"]][0] += correct
            precision[r["band"]][1] += 1
            if r["band"] == "strong" and not correct:
                result.false_strong_by[json.loads(r["reasons"])[0]["kind"]] += 1
    result.recall_by_kind = {k: tuple(v) for k, v in recall.items()}
    result.precision_by_band = {k: tuple(v) for k, v in precision.items()}
    result.owner_checks = tuple(owner)
    db.close()
    return result
