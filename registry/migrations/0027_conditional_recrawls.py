"""Validators (ETag, Last-Modified) of crawled pages and photos, so a re-crawl asks only for what changed."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """`page_validators` keeps, per source and page address, the ETag and Last-Modified of the last
    listing page fetched whole, the listing it showed, when the crawl last confirmed it (`verified_at`,
    our clock, UTC) and, for crawls that follow links, the page's own links (JSON) so a 304 still leads
    the crawl on. `listing_photos` keeps each stored photo's validators; `crawl_runs` counts the
    listings a server answered 304 for (`listings_not_modified`) and those a sitemap's lastmod spared
    (`listings_lastmod_skipped`)."""
    db.executescript(
        """
        CREATE TABLE page_validators (
            source TEXT NOT NULL,
            url TEXT NOT NULL,
            listing_id TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            verified_at TEXT NOT NULL,
            links TEXT,
            PRIMARY KEY (source, url)
        );
        CREATE INDEX page_validators_listing ON page_validators (listing_id);
        ALTER TABLE listing_photos ADD COLUMN etag TEXT;
        ALTER TABLE listing_photos ADD COLUMN last_modified TEXT;
        ALTER TABLE crawl_runs ADD COLUMN listings_not_modified INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN listings_lastmod_skipped INTEGER NOT NULL DEFAULT 0;
        """
    )
