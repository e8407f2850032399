"""Near hits for the public check: registered matching keys one typing slip away from a query.

An exact key is looked up in SQL; a near hit needs every key within one edit
(substitution, insertion, deletion or swap of neighbours). One edit leaves either
the first half of the key or the tail after it untouched, so two sorted lists (the
keys, and the keys reversed) narrow the candidates with binary search before
rapidfuzz verifies them. The lists live in memory per database file and are
refreshed when the identifiers table changes (new rows are added in place).
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_NEAR_LENGTH = 5  # shorter keys have too many chance neighbours to be worth a hint
_INCREMENTAL_LIMIT = 2000  # more new keys than this: rebuild rather than insert one by one
_HIGH = "\U0010ffff"


def _prefix_range(sorted_keys: list[str], prefix: str) -> list[str]:
    low = bisect.bisect_left(sorted_keys, prefix)
    high = bisect.bisect_left(sorted_keys, prefix + _HIGH, lo=low)
    return sorted_keys[low:high]


@dataclass
class KeyIndex:
    """Sorted keys and reversed keys of one database's identifiers."""

    keys: list[str] = field(default_factory=list)
    reversed_keys: list[str] = field(default_factory=list)
    max_id: int = 0
    count: int = 0

    def add(self, key: str) -> None:
        at = bisect.bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            return
        self.keys.insert(at, key)
        bisect.insort(self.reversed_keys, key[::-1])

    def near(self, key: str, limit: int = 20) -> list[str]:
        """Registered keys at one edit from `key` (the key itself excluded)."""
        n = len(key)
        if n < MIN_NEAR_LENGTH:
            return []
        head = n // 2
        tail = key[head + 1:]
        candidates = set(_prefix_range(self.keys, key[:head]))
        candidates.update(r[::-1] for r in _prefix_range(self.reversed_keys, tail[::-1]))
        candidates.discard(key)
        pool = [c for c in candidates if abs(len(c) - n) <= 1]
        hits = process.extract(key, pool, scorer=OSA.distance, score_cutoff=1, limit=None)
        return sorted(hit[0] for hit in hits)[:limit]


_indexes: dict[str, KeyIndex] = {}
_lock = threading.Lock()


def _signature(conn) -> tuple[int, int]:
    max_id, count = conn.execute("select coalesce(max(id), 0), count(*) from identifiers").fetchone()
    return max_id, count


def _build(conn, max_id: int, count: int) -> KeyIndex:
    keys = sorted({row[0] for row in conn.execute("select normalised_value from identifiers where id <= ?",
                                                  [max_id])})
    return KeyIndex(keys, sorted(k[::-1] for k in keys), max_id, count)


def index_for(conn, name: str) -> KeyIndex:
    """The up-to-date index of the database `name` (its file path), read through `conn`."""
    max_id, count = _signature(conn)
    with _lock:
        index = _indexes.get(name)
        if index and (index.max_id, index.count) == (max_id, count):
            return index
        added = count - index.count if index else None
        if index and max_id > index.max_id and added == max_id - index.max_id and added <= _INCREMENTAL_LIMIT:
            rows = conn.execute("select id, normalised_value from identifiers where id > ? and id <= ?",
                                [index.max_id, max_id]).fetchall()
            if len(rows) == added:  # only additions since the last look: insert them in place
                for _, key in rows:
                    index.add(key)
                index.max_id, index.count = max_id, count
                return index
        index = _build(conn, max_id, count)
        _indexes[name] = index
        return index


def forget_indexes() -> None:
    """Drop every cached index (tests, or after restoring a database file)."""
    with _lock:
        _indexes.clear()
