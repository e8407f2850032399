"""Writing matches: one row per (item, listing), updated in place, reviews left alone.

A match an officer has reviewed (confirmed or dismissed) keeps its status, reviewer,
time and note for ever; a re-match may only strengthen its evidence (a higher score
replaces score, band and reasons), unless the item's theft status changed (reported
or recovered), which moves the match to the other queue with its new score. A match whose evidence has disappeared on a
re-match (the seller edited the advert) is left as it was: the earlier evidence was
seen and is kept in the listing's snapshot, and an edit that removes a serial after
it was matched is itself worth an officer's look.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlite_utils import Database


def match_id(item_id: int, listing_id: str) -> str:
    """The stable id of the match between an item and a listing."""
    return hashlib.sha256(f"{item_id}\n{listing_id}".encode()).hexdigest()[:20]


@dataclass
class WriteCounts:
    new: Counter = field(default_factory=Counter)  # by (queue, band)
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0


def write_matches(db: Database, rows: list[dict], now: str, counts: WriteCounts) -> None:
    """Insert or update match rows (item_id, listing_id, theft_id, queue, score, band, reasons list)."""
    if not rows:
        return
    ids = [match_id(r["item_id"], r["listing_id"]) for r in rows]
    existing, not_me = {}, set()
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        for row in db.execute(
                f"select id, status, score, band, reasons, queue, theft_id from matches where id in ({marks})",
                part).fetchall():
            existing[row[0]] = row
        not_me.update(r[0] for r in db.execute(
            f"select distinct match_id from reviews where decision = 'owner_not_me' and match_id in ({marks})", part))
    for mid, row in zip(ids, rows, strict=True):
        if mid in not_me:  # the owner said the sale is not theirs: it stays in the stolen queue
            row = {**row, "queue": "stolen"}
        reasons = json.dumps(row["reasons"], ensure_ascii=False)
        old = existing.get(mid)
        key = (row["queue"], row["band"])
        if old is None:
            db.execute(
                "insert into matches (id, item_id, listing_id, theft_id, queue, score, band, reasons, status, "
                "created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)",
                [mid, row["item_id"], row["listing_id"], row["theft_id"], row["queue"], row["score"], row["band"],
                 reasons, now, now])
            counts.new[key] += 1
            continue
        _, status, score, band, old_reasons, queue, theft_id = old
        same = (score == row["score"] and band == row["band"] and old_reasons == reasons
                and queue == row["queue"] and theft_id == row["theft_id"])
        if same:
            counts.unchanged += 1
            continue
        if status == "new" or row["score"] > score or queue != row["queue"]:
            db.execute("update matches set theft_id = ?, queue = ?, score = ?, band = ?, reasons = ?, updated_at = ? "
                       "where id = ?", [row["theft_id"], row["queue"], row["score"], row["band"], reasons, now, mid])
            counts.updated[key] += 1
        else:
            counts.unchanged += 1
