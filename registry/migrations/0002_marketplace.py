"""Crawl runs, listings and listing photos read from the marketplaces."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            pages INTEGER NOT NULL DEFAULT 0,
            listings_new INTEGER NOT NULL DEFAULT 0,
            listings_changed INTEGER NOT NULL DEFAULT 0,
            listings_unchanged INTEGER NOT NULL DEFAULT 0,
            listings_removed INTEGER NOT NULL DEFAULT 0,
            photos_stored INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            error_log TEXT NOT NULL DEFAULT '[]'
        );

        CREATE TABLE listings (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            url TEXT NOT NULL,
            title TEXT,
            description TEXT,
            price REAL,
            currency TEXT,
            location TEXT,
            latitude REAL,
            longitude REAL,
            posted_at TEXT,
            category TEXT,
            make TEXT,
            model TEXT,
            year INTEGER,
            colour TEXT,
            structured_identifiers TEXT NOT NULL DEFAULT '[]',
            seller_name TEXT,
            seller_profile_url TEXT,
            seller_phone TEXT,
            seller_email TEXT,
            content_hash TEXT,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            removed_at TEXT,
            matched_at TEXT,
            snapshot_path TEXT,
            snapshot_sha256 TEXT,
            snapshot_fetched_at TEXT,
            crawl_run_id INTEGER REFERENCES crawl_runs (id),
            UNIQUE (source, url)
        );
        CREATE INDEX listings_unmatched ON listings (matched_at, changed_at);

        CREATE TABLE listing_photos (
            id INTEGER PRIMARY KEY,
            listing_id TEXT NOT NULL REFERENCES listings (id),
            position INTEGER NOT NULL,
            url TEXT,
            sha256 TEXT,
            path TEXT,
            bytes INTEGER,
            width INTEGER,
            height INTEGER,
            phash TEXT,
            dhash TEXT,
            phash_mirror TEXT,
            dhash_mirror TEXT,
            error TEXT,
            fetched_at TEXT,
            UNIQUE (listing_id, position)
        );
        CREATE INDEX listing_photos_sha256 ON listing_photos (sha256);
        """
    )
