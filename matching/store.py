"""Writing matches: one row per (item, listing), updated in place, reviews left alone.

A match is pinned to the listing version it was made from (`listing_version_id`, with every pin
kept in the append-only `match_pins`). A match an officer has reviewed (confirmed or dismissed)
keeps its status, reviewer, time and note for ever; a re-match may only strengthen its evidence
(a higher score replaces score, band and reasons and pins the newer version), unless the item's
theft status changed (reported or recovered), which moves the match to the other queue with its
new score. A match nobody has reviewed follows the matcher while its listing is unchanged (the
registry or the rules moved). Once the seller has edited the listing (a later version), a weaker
re-match never lowers the band: the match keeps what its evidence earned, pinned to the version
that showed it, and evidence the edit removed (an identifier or photo the match cited) flags the
match for review (matching.edits), as does a listing that no longer matches at all.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlite_utils import Database

from matching.edits import flag_edits, pin, removed_evidence


def match_id(item_id: int, listing_id: str) -> str:
    """The stable id of the match between an item and a listing."""
    return hashlib.sha256(f"{item_id}\n{listing_id}".encode()).hexdigest()[:20]


@dataclass
class WriteCounts:
    new: Counter = field(default_factory=Counter)  # by (queue, band)
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0
    edited: int = 0  # matches flagged because an edit removed evidence they rested on


def write_matches(db: Database, rows: list[dict], now: str, counts: WriteCounts, listing_ids=()) -> None:
    """Insert or update match rows (item_id, listing_id, theft_id, queue, score, band, reasons list,
    listing_version_id) found for the listings `listing_ids` (those of `rows` when not given); existing
    matches of those listings that the rows no longer carry are checked for edited-away evidence."""
    listing_ids = list(listing_ids) or list(dict.fromkeys(r["listing_id"] for r in rows))
    ids = [match_id(r["item_id"], r["listing_id"]) for r in rows]
    existing, not_me = {}, set()
    for start in range(0, len(listing_ids), 500):
        part = listing_ids[start:start + 500]
        marks = ",".join("?" * len(part))
        for row in db.execute(
                "select id, status, score, band, reasons, queue, theft_id, listing_version_id, listing_id from matches "
                f"where listing_id in ({marks})", part).fetchall():
            existing[row[0]] = row
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        not_me.update(r[0] for r in db.execute(
            f"select distinct match_id from reviews where decision = 'owner_not_me' and match_id in ({marks})", part))
    for mid, row in zip(ids, rows, strict=True):
        if mid in not_me:  # the owner said the sale is not theirs: it stays in the stolen queue
            row = {**row, "queue": "stolen"}
        _write_one(db, mid, row, existing.pop(mid, None), now, counts)
    versions = {}
    gone = list(dict.fromkeys(old[8] for old in existing.values()))
    for start in range(0, len(gone), 500):
        part = gone[start:start + 500]
        versions.update(db.execute(f"select id, version_id from listings where id in ({','.join('?' * len(part))})",
                                   part).fetchall())
    for mid, old in existing.items():  # matched before, not now: the edit may have taken the evidence
        pinned, listing_id = old[7], old[8]
        if pinned is not None and versions.get(listing_id) not in (None, pinned):
            removed = removed_evidence(db, listing_id, parse_reasons(old[4]), [])
            counts.edited += flag_edits(db, mid, listing_id, removed, now)


def _write_one(db: Database, mid: str, row: dict, old, now: str, counts: WriteCounts) -> None:
    reasons = json.dumps(row["reasons"], ensure_ascii=False)
    version = row.get("listing_version_id")
    key = (row["queue"], row["band"])
    if old is None:
        db.execute(
            "insert into matches (id, item_id, listing_id, theft_id, queue, score, band, reasons, status, "
            "created_at, updated_at, listing_version_id) values (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?)",
            [mid, row["item_id"], row["listing_id"], row["theft_id"], row["queue"], row["score"], row["band"],
             reasons, now, now, version])
        pin(db, mid, version, row["score"], row["band"], reasons, now)
        counts.new[key] += 1
        return
    _, status, score, band, old_reasons, queue, theft_id, pinned, _ = old
    edited = pinned is not None and version is not None and version != pinned
    if edited:
        removed = removed_evidence(db, row["listing_id"], parse_reasons(old_reasons), row["reasons"])
        counts.edited += flag_edits(db, mid, row["listing_id"], removed, now)
    same = (score == row["score"] and band == row["band"] and old_reasons == reasons
            and queue == row["queue"] and theft_id == row["theft_id"])
    if same:
        counts.unchanged += 1
        return
    follows = status == "new" and not edited
    if follows or row["score"] > score or queue != row["queue"]:
        db.execute("update matches set theft_id = ?, queue = ?, score = ?, band = ?, reasons = ?, updated_at = ?, "
                   "listing_version_id = ? where id = ?",
                   [row["theft_id"], row["queue"], row["score"], row["band"], reasons, now, version or pinned, mid])
        pin(db, mid, version or pinned, row["score"], row["band"], reasons, now)
        counts.updated[key] += 1
    else:
        counts.unchanged += 1


def parse_reasons(text: str | None) -> list[dict]:
    """A stored reasons list; anything malformed reads as no reasons."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
