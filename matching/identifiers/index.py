"""Find registered identifiers in listing candidates: exact, one edit apart, or a trailing part.

Three in-memory indexes over the registry's matching keys, built once per run:
- exact: the key itself;
- one edit: the key and each of its one-character deletions (a substitution, insertion,
  deletion or swap of neighbours leaves a deletion in common), verified with rapidfuzz's
  optimal string alignment distance;
- partial: the key's trailing parts of six characters or more.
Candidates marked `exact_only` (a run that takes in a price, phone or date) are looked up
exactly only. A candidate that is exactly a registered key is not also searched fuzzily: the serial as
listed belongs to a registered item, so a near miss to another item is a neighbour in
the manufacturer's sequence, not a typo.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA
from sqlite_utils import Database

from matching.identifiers.candidates import Candidate
from matching.identifiers.hashed_index import HashedIndex
from matching.identifiers.key_hashes import encode_keys, hash_deletions, hash_keys, hash_tails
from matching.identifiers.packed import PackedStrings

MIN_FUZZY_KEY = 8  # one-edit matching only between keys this long (shorter ones collide by chance)
MIN_PARTIAL = 6
MAX_PARTIAL_ITEMS = 3  # a trailing part shared by more registered items says nothing


@dataclass(frozen=True)
class IdentifierHit:
    candidate: Candidate
    index: int  # position in the IdentifierIndex arrays
    match: str  # exact, one_edit or partial
    shared: int  # how many registered items this candidate hits this way


class IdentifierIndex:
    def __init__(self, identifier_ids: np.ndarray, item_ids: np.ndarray, keys: list[str] | tuple[str, ...]):
        """`keys[i]` is the matching key of identifier `identifier_ids[i]` of item `item_ids[i]`.

        The keys are kept packed in one buffer (`PackedStrings`), not as a million string objects: the
        garbage collector has nothing to walk (a list of them cost about 50 ms a full collection), and
        forked match workers read them without copying the pages they touch (a tuple of strings cost
        each worker up to 150 MB of private memory at 1,000,000 identifiers)."""
        self.identifier_ids = identifier_ids
        self.item_ids = item_ids
        keys = keys if isinstance(keys, (list, tuple)) else list(keys)
        codes = encode_keys(keys)
        lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        self.keys = PackedStrings(keys)
        self.exact = HashedIndex(hash_keys(codes), np.arange(len(keys)))
        fuzzy = np.nonzero(lengths >= MIN_FUZZY_KEY)[0].astype(np.int32)
        hashes, owners = hash_deletions(codes[fuzzy])
        self.one_edit = HashedIndex(hashes, fuzzy[owners], consume=True)
        del hashes, owners  # one index's build arrays freed before the next is built
        partial = np.nonzero(lengths > MIN_PARTIAL)[0].astype(np.int32)
        hashes, owners = hash_tails(codes[partial], MIN_PARTIAL)
        self.partial = HashedIndex(hashes, partial[owners], consume=True)

    @classmethod
    def load(cls, db: Database, where: str = "", params: list | None = None) -> IdentifierIndex:
        rows = db.execute(f"select id, item_id, normalised_value from identifiers {where}", params or []).fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        items = np.array([r[1] for r in rows], dtype=np.int64)
        return cls(ids, items, [r[2] for r in rows])

    def __len__(self) -> int:
        return len(self.keys)

    def search(self, batches: list[list[Candidate]]) -> list[list[IdentifierHit]]:
        """Hits for each listing's candidates (one list per listing, in order)."""
        flat = [(n, c) for n, cands in enumerate(batches) for c in cands]
        results: list[list[IdentifierHit]] = [[] for _ in batches]
        exact_keys: dict[int, set[str]] = defaultdict(set)
        pos, idx = self.exact.lookup_many(hash_keys([c.key for _, c in flat]))
        exact_pairs = [(p, i) for p, i in zip(pos.tolist(), idx.tolist(), strict=True) if self.keys[i] == flat[p][1].key]
        for p, _ in exact_pairs:
            exact_keys[flat[p][0]].add(flat[p][1].key)
        self._collect(results, flat, exact_pairs, "exact")

        # searched further: not exact-only, and not inside or around a key the listing names exactly
        further = [(n, c) for n, c in flat if not c.exact_only and not (
            n in exact_keys and any(c.key in k or k in c.key for k in exact_keys[n]))]
        fuzzy = [(n, c) for n, c in further if len(c.key) >= MIN_FUZZY_KEY - 1]
        hashes, owners = hash_deletions(encode_keys([c.key for _, c in fuzzy]))
        pos, idx = self.one_edit.lookup_many(hashes)
        pos = owners[pos]
        seen = set()
        pairs = []
        for j, i in zip(pos.tolist(), idx.tolist(), strict=True):
            if (j, i) in seen:
                continue
            seen.add((j, i))
            if OSA.distance(fuzzy[j][1].key, self.keys[i], score_cutoff=1) == 1:
                pairs.append((j, i))
        self._collect(results, fuzzy, pairs, "one_edit")

        partial = [(n, c) for n, c in further if len(c.tail) >= MIN_PARTIAL]
        pos, idx = self.partial.lookup_many(hash_keys([c.tail for _, c in partial]))
        pairs = [(p, i) for p, i in zip(pos.tolist(), idx.tolist(), strict=True)
                 if len(self.keys[i]) > len(partial[p][1].tail) and self.keys[i].endswith(partial[p][1].tail)]
        self._collect(results, partial, pairs, "partial", max_items=MAX_PARTIAL_ITEMS)
        return results

    def _collect(self, results, flat, pairs, match: str, max_items: int | None = None) -> None:
        by_candidate: dict[int, set[int]] = defaultdict(set)
        for p, i in pairs:
            by_candidate[p].add(i)
        for p, indexes in by_candidate.items():
            items = {int(self.item_ids[i]) for i in indexes}
            if max_items is not None and len(items) > max_items:
                continue
            n, cand = flat[p]
            results[n].extend(IdentifierHit(cand, i, match, len(items)) for i in sorted(indexes))
