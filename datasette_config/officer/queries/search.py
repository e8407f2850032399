"""Registry search by a typed identifier (partial, mistyped, look-alikes) and full-text search.

The typed value goes through the registry's matching key, so look-alike characters and
separators never matter; then exact, contained and near (rapidfuzz) keys are ranked.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from registry.identifiers.rules import matching_key

MIN_PARTIAL = 4
FUZZY_CUTOFF = 75


def explain_edit(typed: str, stored: str) -> str:
    """One line on how a near key differs from what was typed."""
    ops = Levenshtein.editops(typed, stored)
    parts = []
    for op in ops[:3]:
        if op.tag == "replace":
            parts.append(f"typed {typed[op.src_pos]} where the register has {stored[op.dest_pos]}")
        elif op.tag == "insert":
            parts.append(f"the register has an extra {stored[op.dest_pos]}")
        else:
            parts.append(f"typed an extra {typed[op.src_pos]}")
    more = f" and {len(ops) - 3} more" if len(ops) > 3 else ""
    return f"{len(ops)} character{'s' if len(ops) != 1 else ''} different: " + "; ".join(parts) + more


@dataclass
class KeyIndex:
    """Every identifier key in memory: ids, keys, and the keys joined for fast substring search."""

    ids: list[int]
    keys: list[str]
    joined: str = ""
    offsets: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.joined = "\n" + "\n".join(self.keys) + "\n"
        position, self.offsets = 1, []
        for key in self.keys:
            self.offsets.append(position)
            position += len(key) + 1

    def containing(self, key: str, *, whole: bool = False, most: int = 5000) -> list[int]:
        """Positions (in keys) of the keys that contain `key` (or equal it, with whole=True)."""
        needle, shift = (f"\n{key}\n", 1) if whole else (key, 0)
        found, start = [], 0
        while len(found) < most and (at := self.joined.find(needle, start)) != -1:
            index = bisect_right(self.offsets, at + shift) - 1
            found.append(index)
            start = self.offsets[index] + len(self.keys[index]) + 1
        return found


def rank_keys(key: str, index: KeyIndex, limit: int = 20) -> list[tuple[int, float, str, str]]:
    """(identifier id, score 0-100, match kind, why) for the best keys of the index."""
    hits: dict[int, tuple[float, str, str]] = {}
    for position in index.containing(key, whole=len(key) < MIN_PARTIAL):
        stored = index.keys[position]
        if stored == key:
            hits[index.ids[position]] = (100.0, "exact", "the same identifier once look-alike characters and "
                                                         "separators are ignored")
        else:
            hits[index.ids[position]] = (80 + 15 * len(key) / len(stored), "partial",
                                         f"contains what you typed ({len(key)} of {len(stored)} characters)")
    if index.keys:
        scores = process.cdist([key], index.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                               dtype=numpy.float32, workers=-1)[0]
        near = numpy.flatnonzero(scores)
        best = near[numpy.argsort(-scores[near], kind="stable")][:limit + len(hits)]
        for position in best:
            ident_id = index.ids[position]
            if ident_id not in hits:
                score = float(scores[position])
                hits[ident_id] = (40 + 39 * (score - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF), "near",
                                  explain_edit(key, index.keys[position]))
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    return [(ident_id, score, kind, why) for ident_id, (score, kind, why) in ranked]


RECOUNT_SECONDS = 30.0
_INDEXES: dict[str, tuple[object, float, KeyIndex]] = {}


def identifier_index(conn) -> KeyIndex:
    """The key index of this database: new identifiers (a higher id) are appended; removals, checked
    at most every RECOUNT_SECONDS, rebuild it."""
    filename = conn.execute("PRAGMA database_list").fetchone()[2]
    top = conn.execute("select max(id) from identifiers").fetchone()[0] or 0
    cached = _INDEXES.get(filename)
    now = time.monotonic()
    if cached and cached[0] <= top:
        index = cached[2]
        fresh = now - cached[1] < RECOUNT_SECONDS or (
            conn.execute("select count(*) from identifiers where id <= ?", [cached[0]]).fetchone()[0]
            == len(index.ids))
        if fresh:
            if top > cached[0]:
                rows = conn.execute("select id, normalised_value from identifiers where id > ? order by id",
                                    [cached[0]]).fetchall()
                index = KeyIndex(index.ids + [r[0] for r in rows], index.keys + [r[1] or "" for r in rows])
            checked = cached[1] if now - cached[1] < RECOUNT_SECONDS else now
            _INDEXES[filename] = (top, checked, index)
            return index
    rows = conn.execute("select id, normalised_value from identifiers order by id").fetchall()
    index = KeyIndex([r[0] for r in rows], [r[1] or "" for r in rows])
    _INDEXES[filename] = (top, now, index)
    return index


def search_identifier(conn, typed: str, *, limit: int = 20) -> dict:
    """Ranked registry hits for a typed identifier, with why each matches and its theft status."""
    key = matching_key(typed or "")
    if not key:
        return {"key": None, "hits": []}
    ranked = rank_keys(key, identifier_index(conn), limit)
    hits = []
    names = ("identifier_id", "kind", "raw_value", "normalised_value", "check_valid", "item_id", "category",
             "make", "model", "year", "colour", "status", "owner_id", "stolen_at", "crime_ref", "place",
             "force_area")
    for ident_id, score, kind, why in ranked:
        row = conn.execute(
            """select i.id, i.kind, i.raw_value, i.normalised_value, i.check_valid, it.id, it.category, it.make,
                      it.model, it.year, it.colour, it.status, it.owner_id, t.stolen_at, t.crime_ref, t.place,
                      t.force_area
               from identifiers i join items it on it.id = i.item_id
               left join thefts t on t.item_id = it.id and t.current = 1
               where i.id = ?""", [ident_id]).fetchone()
        if row is None:
            continue
        hit = dict(zip(names, row, strict=True))
        hit.update(score=round(score, 1), match=kind, why=why)
        hits.append(hit)
    return {"key": key, "hits": hits}


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """User words as a safe FTS5 query: each word quoted, all required, the last one as a prefix."""
    words = _WORD.findall(text or "")[:12]
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_text(conn, text: str, *, limit: int = 50) -> dict:
    """Items and listings whose words match, best first."""
    query = fts_query(text)
    if not query:
        return {"items": [], "listings": []}
    items = conn.execute(
        """select items.id, items.category, items.make, items.model, items.year, items.status,
                  snippet(items_fts, 4, '[', ']', '…', 12) as snippet
           from items_fts join items on items.rowid = items_fts.rowid
           where items_fts match ? order by rank limit ?""", [query, limit]).fetchall()
    listings = conn.execute(
        """select listings.id, listings.title, listings.price, listings.currency, listings.source,
                  listings.location, listings.removed_at,
                  (select m.id from matches m where m.listing_id = listings.id order by m.score desc limit 1)
           from listings_fts join listings on listings.rowid = listings_fts.rowid
           where listings_fts match ? order by rank limit ?""", [query, limit]).fetchall()
    return {
        "items": [dict(zip(("id", "category", "make", "model", "year", "status", "snippet"), r, strict=True))
                  for r in items],
        "listings": [dict(zip(("id", "title", "price", "currency", "source", "location", "removed_at",
                               "match_id"), r, strict=True)) for r in listings],
    }
