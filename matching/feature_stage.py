"""Stage two inside a match run: local-feature evidence for a batch of listings.

Only listings that could show a stolen item reach it: the candidates are stolen items
of the listing's category that it was not listed before the theft of
(`StolenItems.stage_two_candidates`), leaving out items stage one already matched
strictly; listing photos stage one matched by hash are skipped. The best verified
photo per item becomes one `photo_features` piece of evidence.
"""

from __future__ import annotations

import cv2
import faiss
from sqlite_utils import Database

from matching.features import feature_evidence, find_feature_matches


def run_single_threaded() -> None:
    """One thread per process: the match run already uses a process per core, and OpenMP or
    OpenCV thread pools inherited across fork() can hang."""
    cv2.setNumThreads(1)
    faiss.omp_set_num_threads(1)


def add_feature_evidence(db: Database, stolen, listings: list[dict], profiles: list, pairs,
                         skip: set[int] = frozenset()) -> int:
    """Add photo_features evidence to `pairs` (the pipeline's PairEvidence); returns listings searched.

    `skip`: listings (batch positions) that name a registered item exactly; not searched.
    """
    run_single_threaded()
    searched = 0
    for n, (row, profile) in enumerate(zip(listings, profiles, strict=True)):
        if n in skip:
            continue
        strict = {item for (m, item), evidence in pairs.by_pair.items()
                  if m == n and any(e.strong for e in evidence)}
        candidates = stolen.stage_two_candidates(profile, exclude=strict)
        if not candidates:
            continue
        searched += 1
        best = {}
        for match in find_feature_matches(db, row["id"], exclude_listing_photo_ids=pairs.hashed_photo_ids(n),
                                          candidate_item_ids=candidates):
            evidence = feature_evidence(match)
            if evidence and (match.item_id not in best or evidence.weight > best[match.item_id].weight):
                best[match.item_id] = evidence
        for item_id, evidence in best.items():
            pairs.add(n, item_id, evidence)
    return searched
