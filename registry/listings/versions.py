"""Every published version of a listing, kept as evidence beside the earlier ones.

A listing row always holds what the seller publishes now; `listing_versions` holds each version
seen (its fields as JSON, the crawl run or import that saw it, when it was first and last seen,
its snapshot with SHA-256 and fetch time) and `listing_version_photos` the photos it showed (a
copy of each `listing_photos` row, with that row's id as `listing_photo_id`, so the ids a match's
reasons cite still resolve after the listing's photos change). `listings.version_id` is the
current version; `matches.listing_version_id` the version a match was made from.

Triggers (migration 0020_listing_versions) refuse to delete or rewrite a version, its stored photos or its
snapshot: a seller's later edit adds a version and never takes the earlier one away. Photo and
snapshot files are named by their SHA-256 and written once (registry.photos.write_once), so a
version's files stay on disk. Versions are recorded by registry.listings (upsert, photos,
snapshots); nothing else writes them.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from registry.clock import utcnow

# What a seller publishes: a change to any of these is a new version (registry.listings hashes them).
CONTENT_FIELDS = (
    "title", "description", "price", "currency", "location", "posted_at", "category", "make", "model",
    "year", "colour", "structured_identifiers", "seller_name", "seller_profile_url", "seller_phone",
    "seller_email", "latitude", "longitude", "photo_urls", "price_text",
)
PHOTO_COLUMNS = ("listing_photo_id", "position", "url", "sha256", "path", "bytes", "width", "height", "error",
                 "fetched_at")
_FROM_LISTING_PHOTOS = ("id", "position", "url", "sha256", "path", "bytes", "width", "height", "error",
                        "fetched_at")


def current_version_id(db: Database, listing_id: str) -> int | None:
    """The id of the listing's current version (None for a listing stored before versions, or unknown)."""
    row = db.execute("select version_id from listings where id = ?", [listing_id]).fetchone()
    return row[0] if row else None


def record_version(db: Database, listing_id: str, fields: dict, content_hash: str | None, *, via: str,
                   crawl_run_id: int | None = None, now: str | None = None) -> int:
    """Add the next version of a listing and make it current; returns its id.

    `fields` holds CONTENT_FIELDS (`photo_urls` a list of addresses in gallery order); `via` says
    who saw it: "crawl" (with `crawl_run_id`), "import" or "earlier record". Photos the listing
    still shows at the same address and position are carried into the new version; photos at
    positions the seller no longer publishes leave the current listing (`listing_photos`) and stay
    in the versions that showed them. A carried photo (`carried` 1) stands until the crawl or import
    that made the version stores the photo again (attach_photo), since a seller may put a new
    picture at the same address. Runs in the caller's transaction.
    """
    now = now or utcnow()
    listing = db.execute("select source, url from listings where id = ?", [listing_id]).fetchone()
    if listing is None:
        raise ValueError(f"listing {listing_id} is not stored")
    number = db.execute("select coalesce(max(number), 0) + 1 from listing_versions where listing_id = ?",
                        [listing_id]).fetchone()[0]
    stored = {k: fields.get(k) for k in CONTENT_FIELDS}
    cursor = db.execute(
        "insert into listing_versions (listing_id, number, content_hash, fields, via, source, url, crawl_run_id, "
        "seen_at, last_seen_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [listing_id, number, content_hash, json.dumps(stored, ensure_ascii=False, default=str), via, listing[0],
         listing[1], crawl_run_id, now, now])
    version_id = cursor.lastrowid
    db.execute("update listings set version_id = ? where id = ?", [version_id, listing_id])
    urls = list(stored.get("photo_urls") or [])
    for row in _listing_photo_rows(db, listing_id):
        if row["position"] <= len(urls) and row["url"] == urls[row["position"] - 1]:
            _insert_photo(db, version_id, row, carried=number > 1)
    if number > 1:
        db.execute("delete from listing_photos where listing_id = ? and position > ?", [listing_id, len(urls)])
    return version_id


def touch_version(db: Database, listing_id: str, now: str | None = None) -> None:
    """The current version was seen again, unchanged."""
    db.execute("update listing_versions set last_seen_at = ? where id = (select version_id from listings "
               "where id = ?)", [now or utcnow(), listing_id])


def attach_photo(db: Database, listing_id: str, photo_id: int) -> None:
    """Record a just-saved `listing_photos` row in the current version. A position where the version
    already holds a photo it stored itself keeps it (the version shows what it was seen with); one
    carried from the previous version is replaced by what was fetched for this one."""
    version_id = current_version_id(db, listing_id)
    if version_id is None:
        return
    row = next((r for r in _listing_photo_rows(db, listing_id) if r["listing_photo_id"] == photo_id), None)
    if row is None:
        return
    held = db.execute("select sha256, carried from listing_version_photos where version_id = ? and position = ?",
                      [version_id, row["position"]]).fetchone()
    if held is not None and held[0] is not None and not held[1]:
        return
    db.execute("delete from listing_version_photos where version_id = ? and position = ?",
               [version_id, row["position"]])
    _insert_photo(db, version_id, row)


def attach_snapshot(db: Database, listing_id: str, path: str, sha256: str, fetched_at: str) -> None:
    """Give the current version its snapshot, unless it already holds one."""
    db.execute("update listing_versions set snapshot_path = ?, snapshot_sha256 = ?, snapshot_fetched_at = ? "
               "where id = (select version_id from listings where id = ?) and snapshot_sha256 is null",
               [path, sha256, fetched_at, listing_id])


def next_listing_photo_id(db: Database) -> int:
    """An id no listing photo, current or kept in a version, ever had: a match's reasons name photos by
    id, so an id is never given to another photo (SQLite would reuse the largest deleted rowid)."""
    current = db.execute("select coalesce(max(id), 0) from listing_photos").fetchone()[0]
    kept = db.execute("select coalesce(max(listing_photo_id), 0) from listing_version_photos").fetchone()[0]
    return max(current, kept) + 1


def listing_versions(conn, listing_id: str) -> list[dict]:
    """Every version of a listing, oldest first: the row's columns, `fields` parsed (a dict) and
    `photos` (PHOTO_COLUMNS dicts in position order). `conn` is a sqlite3 connection or a Database."""
    cursor = conn.execute("select * from listing_versions where listing_id = ? order by number", [listing_id])
    names = [d[0] for d in cursor.description]
    versions = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for version in versions:
        try:
            version["fields"] = json.loads(version["fields"] or "{}")
        except ValueError:
            version["fields"] = {}
        photos = conn.execute(f"select {', '.join(PHOTO_COLUMNS)} from listing_version_photos where version_id = ? "
                              "order by position", [version["id"]]).fetchall()
        version["photos"] = [dict(zip(PHOTO_COLUMNS, p, strict=True)) for p in photos]
    return versions


def kept_photo_path(conn, listing_photo_id: int) -> str | None:
    """The stored file of a listing photo that has left the listing but is kept in a version."""
    row = conn.execute("select path from listing_version_photos where listing_photo_id = ? and path is not null "
                       "order by id limit 1", [listing_photo_id]).fetchone()
    return row[0] if row else None


def backfill_versions(db: Database) -> None:
    """Migration: each stored listing gets version 1 from what is stored now (fields, photos,
    snapshot), seen when its content last changed; each match is pinned to it. Set-based SQL, so
    a large database migrates in seconds."""
    fields = ", ".join(f"'{k}', l.{k}" for k in CONTENT_FIELDS if k != "photo_urls")
    db.execute(
        f"""insert into listing_versions (listing_id, number, content_hash, fields, via, source, url, crawl_run_id,
                seen_at, last_seen_at, snapshot_path, snapshot_sha256, snapshot_fetched_at)
            select l.id, 1, l.content_hash,
                   json_object({fields}, 'photo_urls', json((select json_group_array(p.url) from
                       (select url from listing_photos where listing_id = l.id order by position) p))),
                   case when l.crawl_run_id is null then 'earlier record' else 'crawl' end, l.source, l.url,
                   l.crawl_run_id, l.changed_at, l.last_seen_at, l.snapshot_path, l.snapshot_sha256,
                   case when l.snapshot_sha256 is null then null else coalesce(l.snapshot_fetched_at, l.changed_at) end
            from listings l where l.version_id is null""")
    db.execute("update listings set version_id = (select v.id from listing_versions v where v.listing_id = listings.id "
               "and v.number = 1) where version_id is null")
    db.execute(f"insert into listing_version_photos (version_id, {', '.join(PHOTO_COLUMNS)}) "
               f"select l.version_id, {', '.join('p.' + c for c in _FROM_LISTING_PHOTOS)} "
               "from listing_photos p join listings l on l.id = p.listing_id")
    db.execute("update matches set listing_version_id = (select version_id from listings l "
               "where l.id = matches.listing_id) where listing_version_id is null")
    db.execute("insert into match_pins (match_id, listing_version_id, score, band, reasons, pinned_at) "
               "select id, listing_version_id, score, band, reasons, updated_at from matches")


def _listing_photo_rows(db: Database, listing_id: str) -> list[dict]:
    rows = db.execute(f"select {', '.join(_FROM_LISTING_PHOTOS)} from listing_photos where listing_id = ? "
                      "order by position", [listing_id]).fetchall()
    return [dict(zip(PHOTO_COLUMNS, r, strict=True)) for r in rows]


def _insert_photo(db: Database, version_id: int, row: dict, carried: bool = False) -> None:
    db.execute(f"insert into listing_version_photos (version_id, {', '.join(PHOTO_COLUMNS)}, carried) "
               f"values (?, {', '.join('?' * len(PHOTO_COLUMNS))}, ?)",
               [version_id, *(row[c] for c in PHOTO_COLUMNS), int(carried)])
