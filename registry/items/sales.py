"""Items their owners sold or transferred, and what a sale means for the matcher.

A farmer marks an item sold with the date. With the buyer's e-mail the record moves to the
buyer's owner record (made if new), with its identifiers, photos, thefts, matches and history,
so the buyer can log in to it; without one the item stays on the seller's record, marked sold.

For the matcher, a listing "of that sale" is not a question for the owner: an item sold off the
register has nobody to ask, and a transferred item's listings up to SALE_LISTING_GRACE_DAYS after
the sale date are the seller's own advertisement (ads stay up for a while after a sale). Later
listings of a transferred item ask its new owner as usual.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from registry.cleaning import parse_date
from registry.db import utcnow
from registry.identifiers.clones import refresh_clone_flags
from registry.items.history import record_event
from registry.items.registration import get_or_create_owner
from registry.items.validation import RegistryError, validate_owner

SALE_LISTING_GRACE_DAYS = 30


def latest_sale(db, item_id: int) -> dict | None:
    """The item's most recent sale: `{sold_at, from_owner_id, to_owner_id, recorded_by, recorded_at}`."""
    row = db.execute("select sold_at, from_owner_id, to_owner_id, recorded_by, recorded_at from item_sales "
                     "where item_id = ? order by id desc limit 1", [item_id]).fetchone()
    if row is None:
        return None
    return dict(zip(("sold_at", "from_owner_id", "to_owner_id", "recorded_by", "recorded_at"), row, strict=True))


def sales_by_item(db) -> dict[int, dict]:
    """The latest sale of every item ever sold, by item id (few rows; loaded once per match run)."""
    rows = db.execute("select s.item_id, s.sold_at, s.to_owner_id from item_sales s "
                      "where s.id = (select max(s2.id) from item_sales s2 where s2.item_id = s.item_id)").fetchall()
    return {item_id: {"sold_at": sold_at, "to_owner_id": to_owner} for item_id, sold_at, to_owner in rows}


def sale_covers_listing(sale: dict | None, listing_date: str | None) -> bool:
    """True when a listing dated `listing_date` (ISO date or timestamp: posted, else first seen)
    belongs to this sale, so it must not raise an owner check: always for an item sold off the
    register, and up to SALE_LISTING_GRACE_DAYS after the sale date for a transferred one."""
    if not sale:
        return False
    if sale.get("to_owner_id") is None:
        return True
    if not listing_date:
        return True
    try:
        sold = date.fromisoformat(str(sale["sold_at"])[:10])
        listed = date.fromisoformat(str(listing_date)[:10])
    except ValueError:
        return True
    return listed <= sold + timedelta(days=SALE_LISTING_GRACE_DAYS)


def mark_sold(db: Database, item_id: int, owner_id: int, *, sold_at, new_owner_email: str | None = None,
              actor: str | None = None) -> dict:
    """Record the owner's sale of an item; with `new_owner_email` move it to that owner's record.

    Returns `{"item_id", "transferred": bool, "to_owner_id"}`. Raises RegistryError when the item is
    not this owner's (worded as not on the register), is reported stolen, was already marked sold,
    or the date or e-mail is wrong. Pending owner checks of listings of this sale are closed as the
    owner's own sale (`owner_selling` in reviews).
    """
    row = db.execute("select id, status from items where id = ? and owner_id = ?", [item_id, owner_id]).fetchone()
    if row is None:
        raise RegistryError(f"item {item_id} is not on your register")
    day = parse_date(sold_at) if sold_at else None
    if not sold_at:
        raise RegistryError("the date of the sale is missing")
    if not day:
        raise RegistryError(f'sale date "{str(sold_at)[:40]}" is not a date (use YYYY-MM-DD)')
    if day > datetime.now(UTC).date().isoformat():
        raise RegistryError(f"sale date {day} is in the future")
    to_owner = None
    if new_owner_email and new_owner_email.strip():
        owner, errors = validate_owner({"name": new_owner_email.strip(), "email": new_owner_email.strip()})
        if errors:
            raise RegistryError(f"the new owner's {errors.get('owner.email', 'e-mail is not an address')}")
        to_owner = owner
    with db.atomic():
        if db.execute("select 1 from thefts where item_id = ? and current = 1", [item_id]).fetchone():
            raise RegistryError(f"item {item_id} is reported stolen: mark it recovered before selling it")
        previous = latest_sale(db, item_id)
        if previous and previous["to_owner_id"] is None and previous["from_owner_id"] == owner_id:
            raise RegistryError(f"item {item_id} is already marked sold on {previous['sold_at']}")
        to_owner_id = get_or_create_owner(db, to_owner) if to_owner else None
        if to_owner_id == owner_id:
            raise RegistryError("the new owner's e-mail is your own: give the buyer's e-mail, or none")
        now = utcnow()
        db["item_sales"].insert({"item_id": item_id, "sold_at": day, "from_owner_id": owner_id,
                                 "to_owner_id": to_owner_id, "recorded_by": actor or "cli", "recorded_at": now})
        if to_owner_id is not None:
            db.execute("update items set owner_id = ?, updated_at = ? where id = ?", [to_owner_id, now, item_id])
        record_event(db, item_id, "transferred" if to_owner_id else "sold", actor,
                     {"sold_at": day, "from_owner_id": owner_id, "to_owner_id": to_owner_id}, now=now)
        keys = [r[0] for r in db.execute("select normalised_value from identifiers where item_id = ?", [item_id])]
        refresh_clone_flags(db, keys)
        _close_owner_checks(db, item_id, latest_sale(db, item_id), actor or "cli", now)
    return {"item_id": item_id, "transferred": to_owner_id is not None, "to_owner_id": to_owner_id}


def _close_owner_checks(db: Database, item_id: int, sale: dict, actor: str, now: str) -> None:
    pending = db.execute(
        "select m.id, coalesce(l.posted_at, l.first_seen_at) from matches m join listings l on l.id = m.listing_id "
        "where m.item_id = ? and m.queue = 'owner_check' and m.status = 'new'", [item_id]).fetchall()
    for match_id, listed in pending:
        if not sale_covers_listing(sale, listed):
            continue
        db.execute("insert into reviews (match_id, decision, note, actor, created_at) values (?, 'owner_selling', ?, ?, ?)",
                   [match_id, f"the owner marked the item sold on {sale['sold_at']}", actor, now])
        db.execute("update matches set status = 'dismissed', reviewed_by = ?, reviewed_at = ?, updated_at = ? "
                   "where id = ?", [actor, now, now, match_id])
