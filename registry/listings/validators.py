"""What a re-crawl needs to ask only for what changed: each listing page's and photo's validators
(ETag, Last-Modified, RFC 9110 section 8.8) and when the crawl last confirmed the page, kept in the
database beside the crawl state (migration 0027), never in a cache folder that can be lost on its own.

The HTTP rules (which validators are usable, when a 304 is believed, what a sitemap's lastmod
spares) are the spiders' (spiders.conditional); this module only reads and writes the rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from registry.clock import utcnow
from registry.listings.versions import attach_photo, touch_version


@dataclass(frozen=True)
class PageValidators:
    """One listing page's validators: `etag` and `last_modified` as the server sent them (either may
    be None), the `listing_id` it showed, `verified_at` (UTC ISO 8601, our clock: the last time a
    crawl fetched it whole or had it confirmed by a 304) and its own links (`links`, for crawls that
    follow links)."""

    url: str
    listing_id: str
    etag: str | None
    last_modified: str | None
    verified_at: str
    links: tuple[str, ...] = ()


def load_page_validators(db: Database, source: str) -> dict[str, PageValidators]:
    """The usable validators of a source's listing pages, by page address.

    A page is left out (so it is fetched whole) when its listing is no longer stored, or when any of
    the listing's photos is not stored (a failed or refused download): fetching the page again is
    what retries its photos."""
    rows = db.execute(
        "select v.url, v.listing_id, v.etag, v.last_modified, v.verified_at, v.links from page_validators v "
        "join listings l on l.id = v.listing_id where v.source = ? and not exists (select 1 from listing_photos p "
        "where p.listing_id = v.listing_id and p.sha256 is null)", [source]).fetchall()
    return {r[0]: PageValidators(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5] or "[]"))) for r in rows}


def remember_page(db: Database, source: str, url: str, listing_id: str, *, etag: str | None,
                  last_modified: str | None, links: list[str] | None = None, now: str | None = None) -> None:
    """Keep (replacing any earlier) the validators of a listing page just fetched whole, verified
    `now`. A page the server sent no validator for is kept too (both None): nothing to ask with next
    time, but a sitemap's lastmod may still spare it."""
    db.execute(
        "insert into page_validators (source, url, listing_id, etag, last_modified, verified_at, links) "
        "values (?, ?, ?, ?, ?, ?, ?) on conflict (source, url) do update set listing_id = excluded.listing_id, "
        "etag = excluded.etag, last_modified = excluded.last_modified, verified_at = excluded.verified_at, "
        "links = excluded.links",
        [source, url, listing_id, etag, last_modified, now or utcnow(), json.dumps(links) if links else None])


def forget_page(db: Database, source: str, url: str) -> None:
    """Drop a page's validators (it is gone, or no longer a listing)."""
    db.execute("delete from page_validators where source = ? and url = ?", [source, url])


@dataclass(frozen=True)
class KeptPhoto:
    """A stored photo of a listing seen unchanged: its position, address, SHA-256 and, for a
    duplicate, the position it repeats."""

    position: int
    url: str | None
    sha256: str | None
    duplicate_of: int | None


def confirm_unchanged(db: Database, source: str, url: str, listing_id: str, *, verified: bool,
                      now: str | None = None) -> list[KeptPhoto]:
    """Record that a listing was seen again unchanged without reading its page (a 304, or a sitemap
    lastmod no newer than our last check): it is seen now (`last_seen_at`, no longer removed, its
    current version touched) and, when `verified` (the server itself answered 304), the page's
    `verified_at` moves. Returns the listing's stored photos, which stay as they are."""
    now = now or utcnow()
    with db.atomic():
        db.execute("update listings set last_seen_at = ?, removed_at = null where id = ?", [now, listing_id])
        touch_version(db, listing_id, now)
        if verified:
            db.execute("update page_validators set verified_at = ? where source = ? and url = ?", [now, source, url])
    rows = db.execute("select position, url, sha256, duplicate_of from listing_photos where listing_id = ? "
                      "and sha256 is not null order by position", [listing_id]).fetchall()
    return [KeptPhoto(*row) for row in rows]


def photo_validators(db: Database, listing_id: str, position: int, url: str | None) -> tuple[str | None, str | None]:
    """(etag, last_modified) of the photo stored for the listing at that position and address, or
    (None, None) when none is stored there."""
    row = db.execute("select etag, last_modified from listing_photos where listing_id = ? and position = ? "
                     "and url is ? and sha256 is not null and duplicate_of is null",
                     [listing_id, position, url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def set_photo_validators(db: Database, listing_id: str, position: int, url: str | None, *, etag: str | None,
                         last_modified: str | None) -> None:
    """Keep the validators a photo was served with, on its stored row."""
    db.execute("update listing_photos set etag = ?, last_modified = ? where listing_id = ? and position = ? "
               "and url is ? and sha256 is not null", [etag, last_modified, listing_id, position, url])


def keep_photo(db: Database, listing_id: str, position: int, url: str | None, now: str | None = None) -> bool:
    """A changed listing's photo the server confirmed unchanged (304): the stored photo joins the
    listing's current version as it is. False when no photo is stored there (the caller fetches it)."""
    row = db.execute("select id from listing_photos where listing_id = ? and position = ? and url is ? "
                     "and sha256 is not null", [listing_id, position, url]).fetchone()
    if row is None:
        return False
    with db.atomic():
        db.execute("update listing_photos set fetched_at = ? where id = ?", [now or utcnow(), row[0]])
        attach_photo(db, listing_id, row[0])
    return True
