"""A compact multimap from 64-bit key hashes to integer ids, for millions of entries.

A Python dict of ten million deletion variants would take gigabytes; two numpy arrays
(the hashes, sorted, and the ids beside them) take 12 bytes an entry and answer a whole
batch of lookups with one `searchsorted`. Callers verify every hit against the real
strings, since two strings may share a hash.
"""

from __future__ import annotations

import numpy as np


class HashedIndex:
    def __init__(self, hashes: np.ndarray, ids: np.ndarray, *, consume: bool = False):
        """`hashes` (int64 or uint64) and `ids` (non-negative integers) side by side, one entry each.
        With consume=True the hashes array is reused for the index (overwritten), so a build of
        millions of entries holds one array of them rather than three."""
        # Sorting one packed array (high hash bits, then the id) is three times faster than
        # an argsort; the hash bits given up only add chance candidates, which callers drop.
        self.id_bits = max(1, int(ids.max()).bit_length()) if len(ids) else 1
        bits = np.uint64(self.id_bits)
        high = np.uint64(((1 << 64) - 1) ^ ((1 << self.id_bits) - 1))  # the hash bits kept
        packed = hashes.view(np.uint64)
        if consume:
            packed &= high
        else:
            packed = packed & high
        np.bitwise_or(packed, ids, out=packed, dtype=np.uint64, casting="unsafe")
        packed.sort()
        self.ids = np.empty(len(packed), np.int32)
        np.bitwise_and(packed, np.uint64((1 << self.id_bits) - 1), out=self.ids, dtype=np.uint64, casting="unsafe")
        packed >>= bits
        self.hashes = packed

    def __len__(self) -> int:
        return len(self.hashes)

    def lookup_many(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `queries`, id) for every entry whose hash equals a query hash, ordered by
        position, then by id's place in the index.

        The queries are searched in sorted order (each binary search starts where the last ended,
        so the big array is walked once instead of jumped about for each query) and the answers put
        back in the queries' order."""
        if not len(queries) or not len(self.hashes):
            return np.empty(0, np.int64), np.empty(0, np.int32)
        queries = queries.view(np.uint64) >> np.uint64(self.id_bits)
        order = np.argsort(queries, kind="stable")
        ordered = queries[order]
        left = np.searchsorted(self.hashes, ordered, side="left")
        hit = left < len(self.hashes)
        hit[hit] = self.hashes[left[hit]] == ordered[hit]
        if not hit.any():
            return np.empty(0, np.int64), np.empty(0, np.int32)
        # Most queries find nothing: where each run of equal hashes ends is searched for the hits only.
        counts = np.zeros(len(ordered), np.int64)
        counts[hit] = np.searchsorted(self.hashes, ordered[hit], side="right") - left[hit]
        positions = np.repeat(order[hit], counts[hit])
        starts = np.repeat(left[hit], counts[hit])
        offsets = np.arange(len(positions)) - np.repeat(np.cumsum(counts[hit]) - counts[hit], counts[hit])
        back = np.argsort(positions, kind="stable")
        return positions[back], self.ids[(starts + offsets)[back]]
