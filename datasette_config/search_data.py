"""Registry search by a typed identifier (partial, mistyped, look-alikes) and full-text search.

The typed value goes through the registry's matching key, so look-alike characters and
separators never matter; then exact, contained and near (rapidfuzz) keys are ranked.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from registry.identifiers import matching_key

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


def rank_keys(key: str, ids: list[int], keys: list[str], limit: int = 20) -> list[tuple[int, float, str, str]]:
    """(identifier id, score 0-100, match kind, why) for the best of the candidate keys."""
    hits: dict[int, tuple[float, str, str]] = {}
    if len(key) >= MIN_PARTIAL:
        for index, stored in enumerate(keys):
            if key in stored:
                if stored == key:
                    hits[ids[index]] = (100.0, "exact", "the same identifier once look-alike characters and "
                                                        "separators are ignored")
                else:
                    hits[ids[index]] = (80 + 15 * len(key) / len(stored), "partial",
                                        f"contains what you typed ({len(key)} of {len(stored)} characters)")
    else:
        for index, stored in enumerate(keys):
            if stored == key:
                hits[ids[index]] = (100.0, "exact", "the same identifier")
    for stored, score, index in process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                                                limit=limit + len(hits)):
        if ids[index] not in hits:
            near = 40 + 39 * (score - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF)
            hits[ids[index]] = (near, "near", explain_edit(key, stored))
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    return [(ident_id, score, kind, why) for ident_id, (score, kind, why) in ranked]


_KEYS_CACHE: dict[str, tuple[tuple, list[int], list[str]]] = {}


def identifier_keys(conn) -> tuple[list[int], list[str]]:
    """Every identifier's id and key, cached per database until identifiers are added or removed."""
    filename = conn.execute("PRAGMA database_list").fetchone()[2]
    fingerprint = tuple(conn.execute("select max(id), count(*) from identifiers").fetchone())
    cached = _KEYS_CACHE.get(filename)
    if cached and cached[0] == fingerprint:
        return cached[1], cached[2]
    rows = conn.execute("select id, normalised_value from identifiers order by id").fetchall()
    ids, keys = [r[0] for r in rows], [r[1] or "" for r in rows]
    _KEYS_CACHE[filename] = (fingerprint, ids, keys)
    return ids, keys


def search_identifier(conn, typed: str, *, limit: int = 20) -> dict:
    """Ranked registry hits for a typed identifier, with why each matches and its theft status."""
    key = matching_key(typed or "")
    if not key:
        return {"key": None, "hits": []}
    ids, keys = identifier_keys(conn)
    ranked = rank_keys(key, ids, keys, limit)
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
