"""Evidence a seller edited away: what a match rested on that a later version of its listing lacks.

A match is pinned to the listing version it was made from (registry.listings.versions). When a later
version is matched and an identifier the match cited (by its matching key) or a listing photo
it cited (by SHA-256) is no longer published, the match is flagged: `evidence_edited_at` and
`evidence_edits` (a JSON list of {kind, value, detail, version, seen_at, flagged_at}). The flag
raises the match for review in the officers' queue and digest; it never lowers the band.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from registry.identifiers.rules import matching_key
from registry.listings.version_changes import identifier_present


def cited_identifiers(reasons: list[dict]) -> list[dict]:
    """Identifier reasons (those with a `listed` value), one per listed key."""
    seen, out = set(), []
    for reason in reasons:
        key = matching_key(reason.get("listed")) if reason.get("listed") is not None else None
        if key and key not in seen:
            seen.add(key)
            out.append({"key": key, "listed": str(reason["listed"]),
                        "kind": reason.get("identifier_kind") or "identifier"})
    return out


def cited_photo_ids(reasons: list[dict]) -> list[int]:
    """Listing photo ids the reasons cite, in order, once each."""
    ids = [r.get("listing_photo_id") for r in reasons if isinstance(r.get("listing_photo_id"), int)]
    return list(dict.fromkeys(ids))


def _photo(db: Database, photo_id: int) -> tuple[str | None, int | None]:
    row = db.execute("select sha256, position from listing_photos where id = ?", [photo_id]).fetchone() or \
        db.execute("select sha256, position from listing_version_photos where listing_photo_id = ? "
                   "order by id limit 1", [photo_id]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def removed_evidence(db: Database, listing_id: str, old_reasons: list[dict], new_reasons: list[dict]) -> list[dict]:
    """What `old_reasons` cite that the listing as stored now no longer publishes.

    An identifier counts as still there when the new reasons cite the same key or the listing's
    identifiers, title or description hold it (separators and look-alikes folded); a photo when a
    photo with the same SHA-256 is among the listing's current photos, or the new reasons find the
    same registered photo in another of them (a re-posted copy is still the evidence).
    """
    row = db.execute("select title, description, structured_identifiers from listings where id = ?",
                     [listing_id]).fetchone()
    fields = dict(zip(("title", "description", "structured_identifiers"), row or (None, None, "[]"), strict=True))
    still = {c["key"] for c in cited_identifiers(new_reasons)}
    removed = []
    for cited in cited_identifiers(old_reasons):
        if cited["key"] not in still and not identifier_present(cited["listed"], fields):
            removed.append({"kind": "identifier", "value": cited["listed"],
                            "detail": f"{cited['kind'].replace('_', ' ')} {cited['listed']} removed"})
    current = {r[0] for r in db.execute("select sha256 from listing_photos where listing_id = ? and sha256 is not null",
                                        [listing_id])}
    still_copied = {r.get("photo_id") for r in new_reasons if isinstance(r.get("listing_photo_id"), int)}
    for photo_id in cited_photo_ids(old_reasons):
        sha256, position = _photo(db, photo_id)
        registered = next((r.get("photo_id") for r in old_reasons if r.get("listing_photo_id") == photo_id), None)
        if sha256 and sha256 not in current and registered not in still_copied:
            removed.append({"kind": "photo", "value": sha256,
                            "detail": f"listing photo {position or '?'} the match rested on removed"})
    return removed


def flag_edits(db: Database, match_id: str, listing_id: str, removed: list[dict], now: str) -> bool:
    """Add newly removed evidence to a match's `evidence_edits` and raise it for review; True when flagged.

    Evidence already recorded as removed is not recorded again (a later crawl of the same edit)."""
    if not removed:
        return False
    row = db.execute("select evidence_edits from matches where id = ?", [match_id]).fetchone()
    try:
        edits = json.loads(row[0] or "[]") if row else []
    except ValueError:
        edits = []
    known = {(e.get("kind"), e.get("value")) for e in edits if isinstance(e, dict)}
    fresh = [e for e in removed if (e["kind"], e["value"]) not in known]
    if not fresh:
        return False
    version = db.execute("select v.number, v.seen_at from listings l join listing_versions v on v.id = l.version_id "
                         "where l.id = ?", [listing_id]).fetchone()
    for entry in fresh:
        entry.update({"version": version[0] if version else None, "seen_at": version[1] if version else None,
                      "flagged_at": now})
    db.execute("update matches set evidence_edits = ?, evidence_edited_at = ?, updated_at = ? where id = ?",
               [json.dumps(edits + fresh, ensure_ascii=False), now, now, match_id])
    return True


def pin(db: Database, match_id: str, version_id: int | None, score: float, band: str, reasons: str, now: str) -> None:
    """Record in the append-only `match_pins` the version and evidence a match now rests on."""
    db.execute("insert into match_pins (match_id, listing_version_id, score, band, reasons, pinned_at) "
               "values (?, ?, ?, ?, ?, ?)", [match_id, version_id, score, band, reasons, now])
