"""Hit notices between registers.

Sent: when a peer's item held here is matched to a listing (a match in our stolen queue) or hit by a
buyer's or trade check, a notice is queued for that peer (`queue_notices`), and `sync` pushes it until
the peer accepts it: a notice is never lost to an outage. A check notice says when and by which kind
of check, never who checked.

Received (`receive_hit`): the notice becomes evidence in this register's own queue for the force
that holds the crime report: a listing of source `peer:NAME` (the evidence link) and a match with a
`federated` reason naming the register; a check notice becomes a check alert (`public_checks`,
requester `register NAME`), as a buyer's check here would.
"""

from __future__ import annotations

import hashlib
import json
import re

from registry.cleaning import clip
from registry.db import utcnow
from registry.listings.store import ListingError, clean_listing, upsert_listing
from registry.places.forces import known_force

BANDS = ("strong", "likely", "possible")


class HitError(ValueError):
    """A hit notice that cannot be accepted; the message says why (sent back to the peer)."""


def match_id(item_id: int, listing_id: str) -> str:
    """The stable id of a match (the rule of `matching.store.match_id`, which a test holds equal)."""
    return hashlib.sha256(f"{item_id}\n{listing_id}".encode()).hexdigest()[:20]


def queue_notices(db) -> int:
    """Queue a notice for every new match or check hit on a peer's item; returns how many were queued."""
    now, queued = utcnow(), 0
    matches = db.execute(
        "select m.id, fi.peer, fi.remote_id, m.score, m.band, m.reasons, m.created_at, l.url, l.title, l.source, "
        "l.location, l.force_area, l.price_text, l.posted_at, l.first_seen_at "
        "from matches m join federation_items fi on fi.item_id = m.item_id join listings l on l.id = m.listing_id "
        "where m.queue = 'stolen' and m.status != 'dismissed' and not exists "
        "(select 1 from federation_hits_out h where h.kind = 'match' and h.source_ref = m.id)").fetchall()
    for (mid, peer, remote_id, score, band, reasons, created_at, url, title, source, location, force, price,
         posted_at, first_seen_at) in matches:
        try:
            details = [r.get("detail") for r in json.loads(reasons or "[]") if isinstance(r, dict)]
        except ValueError:
            details = []
        payload = {"hit_id": f"match:{mid}", "kind": "match", "item": remote_id, "band": band, "score": score,
                   "reasons": [clip(str(d), 300) for d in details if d][:10], "matched_at": created_at,
                   "listing": {"url": url, "title": title, "source": source, "location": location, "force": force,
                               "price": price, "posted_at": posted_at, "first_seen_at": first_seen_at}}
        queued += _queue(db, peer, remote_id, "match", mid, payload, now)
    checks = db.execute(
        "select c.reference, c.checked_at, c.account is not null, fi.peer, fi.remote_id "
        "from public_checks c join json_each(c.item_ids) j join federation_items fi on fi.item_id = j.value "
        "where c.alert = 1 and not exists (select 1 from federation_hits_out h where h.kind = 'check' "
        "and h.source_ref = c.reference || ':' || fi.remote_id)").fetchall()
    for reference, checked_at, trade, peer, remote_id in checks:
        payload = {"hit_id": f"check:{reference}:{remote_id}", "kind": "check", "item": remote_id,
                   "checked_at": checked_at, "check": "trade" if trade else "public", "reference": reference}
        queued += _queue(db, peer, remote_id, "check", f"{reference}:{remote_id}", payload, now)
    return queued


def _queue(db, peer, remote_id, kind, source_ref, payload, now) -> int:
    cursor = db.execute("insert or ignore into federation_hits_out (peer, remote_id, kind, source_ref, payload, "
                        "created_at) values (?, ?, ?, ?, ?, ?)",
                        [peer, remote_id, kind, source_ref, json.dumps(payload), now])
    return cursor.rowcount


def pending_notices(db, peer: str) -> list[tuple[int, dict]]:
    return [(r[0], json.loads(r[1])) for r in db.execute(
        "select id, payload from federation_hits_out where peer = ? and sent_at is null order by id", [peer])]


def _text(value, limit: int) -> str | None:
    return clip(value, limit) if isinstance(value, str | int | float) and not isinstance(value, bool) else None


def receive_hit(conn, peer: str, payload) -> dict:
    """Store a peer's hit notice on one of our items (`conn`: a sqlite-utils Database, inside a
    transaction; idempotent on the notice's id); returns
    {'accepted': True, 'match_id' or 'check': ...}. Raises HitError for a notice we cannot take."""
    if not isinstance(payload, dict):
        raise HitError("a hit notice is a JSON object")
    hit_id, kind, item = (_text(payload.get(k), 200) for k in ("hit_id", "kind", "item"))
    if not hit_id or kind not in ("match", "check") or not item or not re.fullmatch(r"[0-9]{1,12}", item):
        raise HitError("a hit notice needs hit_id, kind (match or check) and item (our item id)")
    seen = conn.execute("select match_id from federation_hits_in where peer = ? and hit_id = ?", [peer, hit_id]).fetchone()
    if seen:
        return {"accepted": True, "duplicate": True, "match_id": seen[0]}
    row = conn.execute("select i.id, t.id from items i left join thefts t on t.item_id = i.id and t.current = 1 "
                       "where i.id = ? and i.register is null", [int(item)]).fetchone()
    if row is None:
        raise HitError(f"item {item} is not an item of this register")
    item_id, theft_id = row
    now = utcnow()
    result: dict = {"accepted": True}
    if kind == "match":
        result["match_id"] = _record_match(conn, peer, item_id, theft_id, payload, now)
    else:
        reference = f"{clip(peer, 40)}:{_text(payload.get('reference'), 60) or hit_id}"
        conn.execute("insert or ignore into public_checks (reference, checked_at, identifier, requester, result, alert, "
                     "item_ids, theft_ids) values (?, ?, ?, ?, 'stolen', 1, ?, ?)",
                     [reference, _text(payload.get("checked_at"), 40) or now,
                      f"a {_text(payload.get('check'), 20) or 'public'} check in the {peer} register",
                      f"register {peer}", json.dumps([item_id]), json.dumps([theft_id] if theft_id else [])])
        result["check"] = reference
    conn.execute("insert into federation_hits_in (peer, hit_id, item_id, match_id, payload, received_at) "
                 "values (?, ?, ?, ?, ?, ?)", [peer, hit_id, item_id, result.get("match_id"), json.dumps(payload)[:20000], now])
    return result


def _record_match(conn, peer: str, item_id: int, theft_id, payload: dict, now: str) -> str:
    listing = payload.get("listing") if isinstance(payload.get("listing"), dict) else {}
    try:
        row = clean_listing({"source": f"peer:{peer}", "url": listing.get("url"), "title": listing.get("title"),
                             "location": listing.get("location"), "posted_at": listing.get("posted_at"),
                             "price": listing.get("price")})
    except ListingError as exc:
        raise HitError(f"the evidence link: {exc}") from None
    row["force_area"] = known_force(_text(listing.get("force"), 60))
    upsert_listing(conn, row, now=now)
    band = payload.get("band") if payload.get("band") in BANDS else "possible"
    try:
        score = min(1.0, max(0.0, float(payload.get("score"))))
    except (TypeError, ValueError):
        score = 0.5
    reasons = [r for r in payload.get("reasons") or [] if isinstance(r, str)][:10]
    detail = f"reported by the {peer} register: a {band} match there" + (f" ({'; '.join(reasons)})" if reasons else "")
    mid = match_id(item_id, row["id"])
    conn.execute("insert or ignore into matches (id, item_id, listing_id, theft_id, queue, score, band, reasons, status, "
                 "created_at, updated_at) values (?, ?, ?, ?, 'stolen', ?, ?, ?, 'new', ?, ?)",
                 [mid, item_id, row["id"], theft_id, score, band,
                  json.dumps([{"kind": "federated", "detail": clip(detail, 1000), "weight": score}]), now, now])
    return mid

