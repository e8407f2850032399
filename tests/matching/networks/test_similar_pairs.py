"""`texts.similar_pairs` skips buckets without a queried listing in numpy: the same pairs as visiting each."""

from __future__ import annotations

import numpy as np

from matching.networks.text import texts


def _reference(ids, owners, matrix, queries):
    """The bucket walk that checks each bucket for a query one by one."""
    best, seen = {}, set()
    for band in range(texts.BANDS):
        block = np.ascontiguousarray(matrix[:, band * texts.ROWS:(band + 1) * texts.ROWS])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * texts.ROWS))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
            group = order[start:start + size]
            if size < 2 or size > texts.MAX_BUCKET or not queries[group].any():
                continue
            for i in group.tolist():
                for j in group.tolist():
                    if i >= j or owners[i] == owners[j] or (i, j) in seen or not (queries[i] or queries[j]):
                        continue
                    seen.add((i, j))
                    similarity = float(np.mean(matrix[i] == matrix[j]))
                    pair = (min(owners[i], owners[j]), max(owners[i], owners[j]))
                    if similarity >= texts.MIN_SIMILARITY:
                        best.setdefault(pair, []).append((ids[i], ids[j], similarity))
    return [p for found in best.values() for p in sorted(found, key=lambda t: -t[2])[:texts.PAIRS_PER_SELLERS]]


def test_same_pairs_as_visiting_every_bucket():
    rng = np.random.default_rng(3)
    for rows, values in ((40, 3), (600, 4), (300, 50)):  # few distinct values: big and shared buckets
        matrix = rng.integers(0, values, size=(rows, texts.NUM_PERM)).astype("<u4")
        owners = rng.integers(0, rows // 3, size=rows)
        ids = [f"l{n}" for n in range(rows)]
        for share in (0.0, 0.05, 0.5, 1.0):
            queries = rng.random(rows) < share
            found = texts.similar_pairs(ids, owners, matrix, queries)
            assert found == _reference(ids, owners, matrix, queries)
            assert share > 0 or found == []
