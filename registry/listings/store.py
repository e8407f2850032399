"""Storing marketplace listings under stable ids, with their photos and evidence snapshots.

Spiders and `farmwatch listings import` both come through here, so a listing seen
twice (by any route) is one row whose `last_seen_at` moves and whose `changed_at`
moves only when what the seller published changed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from registry.cleaning import clip, parse_datetime
from registry.db import data_dir, utcnow
from registry.identifiers.vocab import resolve_category
from registry.listings.prices import parse_price
from registry.photos.store import PhotoError, StoredPhoto, store_photo, write_once

CONTENT_FIELDS = (
    "title", "description", "price", "currency", "location", "posted_at", "category", "make", "model",
    "year", "colour", "structured_identifiers", "seller_name", "seller_profile_url", "seller_phone",
    "seller_email", "latitude", "longitude", "photo_urls", "price_text",
)
MAX_PHOTOS = 200  # an auction gallery holds 150 photos or more; each is fetched once
_URL = re.compile(r"^https?://[^\s]+$", re.I)


class ListingError(ValueError):
    """A listing record that cannot be stored; the message names the problem."""


def listing_id(source: str, url: str) -> str:
    """The stable id of a listing: the same source and URL always give the same id."""
    return hashlib.sha256(f"{source}\n{url}".encode()).hexdigest()[:20]


@dataclass
class Upserted:
    listing_id: str
    state: str  # new, changed or unchanged


def clean_listing(raw: dict, *, guess_currency: bool = True) -> dict:
    """Validate one listing record (the import format) into table columns; raises ListingError.

    The price is read here, once (registry.listings.prices.parse_price). guess_currency: when True (imports),
    a price without a declared currency takes its sign's currency, else GBP; when False (crawled
    pages, whose reader has weighed the page's own evidence) the currency is the declared one or
    None, never guessed."""
    if not isinstance(raw, dict):
        raise ListingError("each listing must be a JSON object")
    source = clip(raw.get("source"), 100)
    url = clip(raw.get("url"), 2000)
    if not source:
        raise ListingError("source is missing")
    if not url:
        raise ListingError("url is missing")
    if not _URL.match(url):
        raise ListingError(f'url "{clip(url, 80)}" is not an http(s) address')
    declared = clip(raw.get("currency"), 3)
    declared = declared.upper() if declared and re.fullmatch(r"[A-Za-z]{3}", declared) else None
    published = raw.get("price_text") if isinstance(raw.get("price_text"), str) else raw.get("price")
    price = parse_price(published, default_currency=declared)
    price_text = clip(published, 200) if isinstance(published, str) else None
    if price is None and published is not None and price_text is None:
        # a value that is no asking price (-50, NaN, [1, 2], true) is kept as published, never dropped
        price_text = clip(json.dumps(published, default=str), 200)
    seller = raw.get("seller") or {}
    if not isinstance(seller, dict):
        seller = {"name": seller}
    year = raw.get("year")
    try:
        year = int(year) if year not in (None, "") and 1880 <= int(year) <= 2100 else None
    except (TypeError, ValueError):
        year = None
    identifiers = raw.get("identifiers") or raw.get("structured_identifiers") or []
    if isinstance(identifiers, dict):
        identifiers = [{"kind": k, "value": v} for k, v in identifiers.items()]
    identifiers = [
        {"kind": clip(i.get("kind"), 40) or "other", "value": clip(i.get("value"), 100)}
        for i in identifiers if isinstance(i, dict) and i.get("value")
    ][:20]
    photos = raw.get("photos") or []
    if isinstance(photos, str):
        photos = [photos]
    category_text = clip(raw.get("category"), 100)

    def number(key, limit):
        try:
            value = float(raw.get(key))
        except (TypeError, ValueError):
            return None
        return value if -limit <= value <= limit else None  # NaN and infinities fail the test too

    return {
        "id": listing_id(source, url), "source": source, "url": url,
        "title": clip(raw.get("title"), 500), "description": clip(raw.get("description"), 20_000),
        "price": price.amount_float if price else None, "price_text": price_text, "price_note": price and price.note,
        "currency": declared if not guess_currency else declared or (price.currency if price else None)
        or ("GBP" if price else None),
        "location": clip(raw.get("location"), 200), "posted_at": parse_datetime(raw.get("posted_at")),
        "category": resolve_category(category_text) or category_text,
        "make": clip(raw.get("make") or raw.get("brand"), 100), "model": clip(raw.get("model"), 100),
        "year": year, "colour": clip(raw.get("colour") or raw.get("color"), 60),
        "structured_identifiers": json.dumps(identifiers),
        "seller_name": clip(seller.get("name"), 200), "seller_profile_url": clip(seller.get("profile_url"), 2000),
        "seller_phone": clip(seller.get("phone"), 120), "seller_email": clip(seller.get("email"), 200),
        "latitude": number("latitude", 90), "longitude": number("longitude", 180),
        "photo_urls": [clip(str(p), 2000) for p in photos if p][:MAX_PHOTOS],
    }


def _content_hash(row: dict) -> str:
    return hashlib.sha256(json.dumps([row.get(k) for k in CONTENT_FIELDS], default=str).encode()).hexdigest()


def upsert_listing(db: Database, row: dict, *, crawl_run_id: int | None = None, now: str | None = None) -> Upserted:
    """Insert a cleaned listing or update the stored one; says whether it was new, changed or unchanged."""
    now = now or utcnow()
    row = dict(row)
    content_hash = _content_hash(row)
    row.pop("photo_urls", None)
    existing = db.execute("select content_hash from listings where id = ?", [row["id"]]).fetchone()
    with db.atomic():
        if existing is None:
            db["listings"].insert({**row, "content_hash": content_hash, "first_seen_at": now, "last_seen_at": now,
                                   "changed_at": now, "crawl_run_id": crawl_run_id})
            return Upserted(row["id"], "new")
        if existing[0] == content_hash:
            db.execute("update listings set last_seen_at = ?, removed_at = null where id = ?", [now, row["id"]])
            return Upserted(row["id"], "unchanged")
        db["listings"].update(row["id"], {**row, "content_hash": content_hash, "last_seen_at": now,
                                          "changed_at": now, "removed_at": None, "crawl_run_id": crawl_run_id,
                                          "force_area": None, "place_precision": None, "place_note": None})
        return Upserted(row["id"], "changed")


def mark_removed(db: Database, listing_ids, *, now: str | None = None) -> int:
    """Record that listings are gone from their site (kept, with their evidence)."""
    now = now or utcnow()
    count = 0
    with db.atomic():
        for lid in listing_ids:
            count += db.execute(
                "update listings set removed_at = ? where id = ? and removed_at is null", [now, lid]
            ).rowcount
    return count


def known_photo(db: Database, listing_id_: str, position: int, url: str | None) -> bool:
    """True when this photo URL is already stored for the listing (a re-crawl need not fetch it), or
    recorded as a duplicate of a photo the listing holds."""
    return bool(db.execute(
        "select 1 from listing_photos where listing_id = ? and position = ? and url is ? and sha256 is not null",
        [listing_id_, position, url],
    ).fetchone())


@dataclass
class PhotoOutcome:
    """What became of one listing photo: `stored`, `duplicate` (its content equals the photo at
    position `duplicate_of` of the same listing, so it is stored once) or `refused` (`reason`)."""

    outcome: str
    sha256: str | None = None
    duplicate_of: int | None = None
    reason: str | None = None
    stored: StoredPhoto | None = None


def store_listing_photo(db: Database, listing_id_: str, position: int, url: str | None, data: bytes | None = None,
                        *, error: str | None = None) -> PhotoOutcome:
    """Store and hash one listing photo and say what became of it; a bad image is recorded as an
    error on its row, never raised. The same picture offered at two addresses (equal SHA-256 of the
    cleaned copy) is stored once: the later position keeps a row with `duplicate_of` and no hashes,
    so matching counts it once."""
    stored = None
    if data is not None and error is None:
        try:
            stored = store_photo(data, data_dir(db), url or f"photo {position}")
        except PhotoError as exc:
            error = str(exc)
    empty = dict.fromkeys(("sha256", "path", "bytes", "width", "height", "phash", "dhash", "phash_mirror",
                           "dhash_mirror"))
    row = {"listing_id": listing_id_, "position": position, "url": url, "fetched_at": utcnow(), "error": error,
           "duplicate_of": None, **(stored.as_row() if stored else empty)}
    if stored is None:
        _upsert_photo(db, row)
        return PhotoOutcome("refused", reason=error)
    first = db.execute(
        "select position from listing_photos where listing_id = ? and sha256 = ? and position != ? "
        "and duplicate_of is null order by position limit 1", [listing_id_, stored.sha256, position]).fetchone()
    if first:
        row.update({**empty, "sha256": stored.sha256, "duplicate_of": first[0]})
        _upsert_photo(db, row)
        return PhotoOutcome("duplicate", stored.sha256, first[0])
    _upsert_photo(db, row)
    return PhotoOutcome("stored", stored.sha256, stored=stored)


def save_listing_photo(db: Database, listing_id_: str, position: int, url: str | None, data: bytes | None = None,
                       *, error: str | None = None) -> StoredPhoto | None:
    """Store and hash one listing photo (see store_listing_photo); the stored photo, or None when it
    was refused or duplicates one the listing already holds."""
    return store_listing_photo(db, listing_id_, position, url, data, error=error).stored


def _upsert_photo(db: Database, row: dict) -> None:
    with db.atomic():
        db.execute("delete from listing_photos where listing_id = ? and position = ?", [row["listing_id"], row["position"]])
        db["listing_photos"].insert(row)


def save_snapshot(db: Database, listing_id_: str, html: bytes, fetched_at: str | None = None) -> str:
    """Keep the page as evidence: gzip under data/snapshots/, named and recorded by its SHA-256."""
    digest = hashlib.sha256(html).hexdigest()
    relative = Path("snapshots") / digest[:2] / f"{digest}.html.gz"
    write_once(data_dir(db) / relative, gzip.compress(html, mtime=0))
    db.execute(
        "update listings set snapshot_path = ?, snapshot_sha256 = ?, snapshot_fetched_at = ? where id = ?",
        [relative.as_posix(), digest, fetched_at or utcnow(), listing_id_],
    )
    return digest
