"""Near hits for the public check: registered matching keys one typing slip away from a query.

An exact key is looked up in SQL; a near hit needs every key within one edit
(substitution, insertion, deletion or swap of neighbours). One edit leaves either
the first half of the key or the tail after it untouched, so two sorted lists (the
keys, and the keys reversed) narrow the candidates with binary search before
rapidfuzz verifies them. The lists live in memory per database file and are
refreshed when the identifiers table grows (new rows are added in place).
"""

from __future__ import annotations

import bisect
import threading
import time
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
    count: int = 0  # identifier rows the index was built from (duplicates included)
    counted_at: float = 0.0

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
RECOUNT_SECONDS = 300.0


def _build(conn, max_id: int) -> KeyIndex:
    rows = conn.execute("select normalised_value from identifiers where id <= ?", [max_id]).fetchall()
    keys = sorted({row[0] for row in rows})
    return KeyIndex(keys, sorted(k[::-1] for k in keys), max_id, len(rows), time.monotonic())


def _add_new_rows(conn, index: KeyIndex, max_id: int) -> bool:
    """Insert rows added since the index was built; False when there are too many to insert one by one."""
    rows = conn.execute("select normalised_value from identifiers where id > ? and id <= ? limit ?",
                        [index.max_id, max_id, _INCREMENTAL_LIMIT + 1]).fetchall()
    if len(rows) > _INCREMENTAL_LIMIT:
        return False
    for (key,) in rows:
        index.add(key)
    index.max_id, index.count = max_id, index.count + len(rows)
    return True


def index_for(conn, name: str) -> KeyIndex:
    """The up-to-date index of the database `name` (its file path), read through `conn`.

    New identifiers (a higher max id) are added at once. Removed ones may linger until the
    periodic recount notices them; that is harmless, since every near key is looked up again
    in SQL before it is answered.
    """
    max_id = conn.execute("select coalesce(max(id), 0) from identifiers").fetchone()[0]
    with _lock:
        index = _indexes.get(name)
        if index is not None and max_id > index.max_id and not _add_new_rows(conn, index, max_id):
            index = None
        if index is not None and max_id < index.max_id:
            index = None  # the table was emptied or the file replaced
        if index is not None and time.monotonic() - index.counted_at > RECOUNT_SECONDS:
            count = conn.execute("select count(*) from identifiers where id <= ?", [index.max_id]).fetchone()[0]
            index.counted_at = time.monotonic()
            if count != index.count:
                index = None
        if index is None:
            index = _indexes[name] = _build(conn, max_id)
        return index


def forget_indexes() -> None:
    """Drop every cached index (tests, or after restoring a database file)."""
    with _lock:
        _indexes.clear()
