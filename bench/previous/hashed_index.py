"""The identifier index's hashed_index as it was before the index was built in place (frozen copy, for the A/B figures
of bench_match_identifiers). Do not change it."""
from __future__ import annotations

import numpy as np


class HashedIndex:
    def __init__(self, hashes: np.ndarray, ids: np.ndarray):
        # Sorting one packed array (high hash bits, then the id) is three times faster than
        # an argsort; the hash bits given up only add chance candidates, which callers drop.
        self.id_bits = max(1, int(ids.max()).bit_length()) if len(ids) else 1
        packed = (hashes.view(np.uint64) >> np.uint64(self.id_bits)) << np.uint64(self.id_bits)
        packed |= ids.astype(np.uint64)
        packed.sort()
        self.hashes = packed >> np.uint64(self.id_bits)
        self.ids = (packed & np.uint64((1 << self.id_bits) - 1)).astype(np.int32)

    def __len__(self) -> int:
        return len(self.hashes)

    def lookup_many(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `queries`, id) for every entry whose hash equals a query hash."""
        if not len(queries) or not len(self.hashes):
            return np.empty(0, np.int64), np.empty(0, np.int32)
        queries = queries.view(np.uint64) >> np.uint64(self.id_bits)
        left = np.searchsorted(self.hashes, queries, side="left")
        right = np.searchsorted(self.hashes, queries, side="right")
        counts = right - left
        hit = counts > 0
        if not hit.any():
            return np.empty(0, np.int64), np.empty(0, np.int32)
        positions = np.repeat(np.nonzero(hit)[0], counts[hit])
        starts = np.repeat(left[hit], counts[hit])
        offsets = np.arange(len(positions)) - np.repeat(np.cumsum(counts[hit]) - counts[hit], counts[hit])
        return positions, self.ids[starts + offsets]
