"""Holding a peer register's stolen items here, so `match` and the public and trade checks treat
them as our own.

Each item of a peer's feed becomes (or updates) an item of the peer's register owner record, with
`items.register` naming the peer, its identifiers and photos, and a current theft carrying the
origin's date, town, force and crime reference (the force is the origin's: it holds the crime
report). A withdrawal (recovered at the origin) closes the theft here. `federation_items` maps the
peer's item ids to ours. A malformed entry is skipped and reported; the others are kept.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from sqlite_utils import Database

from registry.db import utcnow
from registry.items.history import record_event
from registry.items.registration import add_identifier, add_photo, register_item
from registry.items.validation import validate_item
from registry.photos.store import PhotoError
from registry.places.forces import known_force
from registry.places.locating import theft_columns

MAX_PHOTO_BYTES = 4 * 2**20


class FeedError(ValueError):
    """A peer's answer that is not a feed at all; nothing of it is stored."""


def _digest(entry: dict) -> str:
    photos = [p.get("sha256") for p in entry.get("photos") or [] if isinstance(p, dict)]
    kept = {k: v for k, v in entry.items() if k not in ("seq", "photos")}
    return hashlib.sha256(json.dumps({**kept, "photos": photos}, sort_keys=True, default=str).encode()).hexdigest()


def _photos(entry: dict) -> list[tuple[str, bytes]]:
    out = []
    for n, photo in enumerate(entry.get("photos") or []):
        try:
            data = base64.b64decode(photo["jpeg"], validate=True)
        except (KeyError, TypeError, binascii.Error):
            continue
        if len(data) <= MAX_PHOTO_BYTES:
            out.append((f"peer-photo-{n + 1}.jpg", data))
    return out


def _valid(entry: dict):
    theft = entry.get("theft") if isinstance(entry.get("theft"), dict) else {}
    raw = {"owner": {"name": "register"}, **{k: entry.get(k) for k in
                                             ("category", "make", "model", "year", "colour", "description")},
           "identifiers": entry.get("identifiers") or [],
           "theft": {"stolen_at": theft.get("stolen_at"), "crime_ref": theft.get("crime_ref"),
                     "place": theft.get("town")}}
    item, errors = validate_item(raw)
    if errors:
        raise FeedError("; ".join(f"{k}: {v}" for k, v in errors.items()))
    force = theft.get("force")
    item.theft["force_area"] = known_force(force) or None
    return item


def apply_entry(db: Database, peer: str, owner_id: int, entry) -> str:
    """Store one feed entry; returns 'stolen' (new), 'updated', 'unchanged' or 'withdrawn'; raises
    FeedError for an entry that is not one."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
        raise FeedError("an entry without an id")
    remote_id = entry["id"][:100]
    known = db.execute("select item_id, digest, withdrawn_at from federation_items where peer = ? and remote_id = ?",
                       [peer, remote_id]).fetchone()
    if entry.get("status") == "withdrawn":
        if known and known[2] is None:
            _withdraw(db, peer, remote_id, known[0])
            return "withdrawn"
        return "unchanged"
    if entry.get("status") != "stolen":
        raise FeedError(f"entry {remote_id}: status {str(entry.get('status'))[:20]!r} is neither stolen nor withdrawn")
    digest = _digest(entry)
    if known and known[1] == digest and known[2] is None:
        return "unchanged"
    item = _valid(entry)
    photos = _photos(entry)
    with db.atomic():
        if known is None:
            result = register_item(db, item, photos, owner_id=owner_id)
            item_id = result.item_id
            db.execute("update items set register = ? where id = ?", [peer, item_id])
            db.execute("insert into federation_items (peer, remote_id, item_id, digest, received_at) values (?, ?, ?, ?, ?)",
                       [peer, remote_id, item_id, digest, utcnow()])
            record_event(db, item_id, "received_from_peer", f"register {peer}", {"remote_id": remote_id})
            return "stolen"
        item_id = known[0]
        _update(db, item_id, owner_id, item, photos)
        db.execute("update federation_items set digest = ?, withdrawn_at = null where peer = ? and remote_id = ?",
                   [digest, peer, remote_id])
        return "updated"


def _update(db: Database, item_id: int, owner_id: int, item, photos) -> None:
    now = utcnow()
    db["items"].update(item_id, {"category": item.category, "make": item.make, "model": item.model, "year": item.year,
                                 "colour": item.colour, "description": item.description, "updated_at": now})
    for ident in item.identifiers:
        add_identifier(db, item_id, owner_id, ident)
    for name, data in photos:
        try:
            add_photo(db, item_id, data, name)
        except PhotoError:
            pass
    theft = item.theft
    current = db.execute("select id from thefts where item_id = ? and current = 1", [item_id]).fetchone()
    columns = {"stolen_at": theft["stolen_at"], "crime_ref": theft.get("crime_ref"), "place": theft.get("place"),
               **theft_columns(db, item_id, theft)}
    if current:
        db["thefts"].update(current[0], columns)
    else:
        db["thefts"].insert({"item_id": item_id, "reported_at": now, "current": 1, **columns})
        db.execute("update items set status = 'stolen', updated_at = ? where id = ?", [now, item_id])


def _withdraw(db: Database, peer: str, remote_id: str, item_id: int) -> None:
    now = utcnow()
    with db.atomic():
        db.execute("update thefts set current = 0, recovered_at = ?, recovered_by = ? where item_id = ? and current = 1",
                   [now, f"register {peer}", item_id])
        db.execute("update items set status = 'recovered', updated_at = ? where id = ?", [now, item_id])
        db.execute("update federation_items set withdrawn_at = ? where peer = ? and remote_id = ?", [now, peer, remote_id])
        record_event(db, item_id, "withdrawn_by_peer", f"register {peer}", {"remote_id": remote_id})


def withdraw_all(db: Database, peer: str) -> int:
    """Withdraw every item held from a peer (when it is removed); returns how many."""
    rows = db.execute("select remote_id, item_id from federation_items where peer = ? and withdrawn_at is null",
                      [peer]).fetchall()
    for remote_id, item_id in rows:
        _withdraw(db, peer, remote_id, item_id)
    return len(rows)


def apply_feed(db: Database, peer: str, owner_id: int, payload) -> dict:
    """Store a page of a peer's feed; returns {'cursor', 'more', 'stolen', 'updated', 'withdrawn',
    'unchanged', 'rejected': [messages]}. Raises FeedError when the page is not a feed (nothing stored)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise FeedError("the answer is not a feed (no list of items)")
    cursor = payload.get("cursor")
    if not isinstance(cursor, int) or isinstance(cursor, bool) or cursor < 0:
        raise FeedError("the answer is not a feed (no cursor)")
    counts = {"cursor": cursor, "more": bool(payload.get("more")), "stolen": 0, "updated": 0, "withdrawn": 0,
              "unchanged": 0, "rejected": []}
    for entry in payload["items"]:
        try:
            counts[apply_entry(db, peer, owner_id, entry)] += 1
        except FeedError as exc:
            counts["rejected"].append(str(exc)[:300])
    return counts
