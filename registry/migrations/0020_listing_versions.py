"""Every published version of a listing kept, and matches pinned to the version they saw."""

from __future__ import annotations

from sqlite_utils import Database

from registry.listings.versions import backfill_versions


def migrate(db: Database) -> None:
    """Every published version of a listing, kept beside the earlier ones (fields, photos, snapshot),
    and matches pinned to the version they were made from (registry/listings/versions.py). Versions
    and their stored photos cannot be deleted or rewritten: they are what a match rests on. Listings
    and matches stored before get version 1 from what is stored now."""
    db.executescript(
        """
        CREATE TABLE listing_versions (
            id INTEGER PRIMARY KEY,
            listing_id TEXT NOT NULL REFERENCES listings (id),
            number INTEGER NOT NULL,
            content_hash TEXT,
            fields TEXT NOT NULL DEFAULT '{}',
            via TEXT NOT NULL,
            source TEXT NOT NULL,
            url TEXT NOT NULL,
            crawl_run_id INTEGER REFERENCES crawl_runs (id),
            seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            snapshot_path TEXT,
            snapshot_sha256 TEXT,
            snapshot_fetched_at TEXT,
            UNIQUE (listing_id, number)
        );
        CREATE TABLE listing_version_photos (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES listing_versions (id),
            listing_photo_id INTEGER,
            position INTEGER NOT NULL,
            url TEXT,
            sha256 TEXT,
            path TEXT,
            bytes INTEGER,
            width INTEGER,
            height INTEGER,
            error TEXT,
            fetched_at TEXT,
            carried INTEGER NOT NULL DEFAULT 0,
            UNIQUE (version_id, position)
        );
        CREATE INDEX listing_version_photos_photo ON listing_version_photos (listing_photo_id);
        CREATE TRIGGER listing_versions_no_delete BEFORE DELETE ON listing_versions
            BEGIN SELECT RAISE(ABORT, 'listing versions are evidence: never deleted'); END;
        CREATE TRIGGER listing_versions_fixed BEFORE UPDATE OF listing_id, number, content_hash, fields, via, source,
            url, crawl_run_id, seen_at ON listing_versions
            BEGIN SELECT RAISE(ABORT, 'a listing version is never rewritten'); END;
        CREATE TRIGGER listing_versions_snapshot_once BEFORE UPDATE OF snapshot_path, snapshot_sha256,
            snapshot_fetched_at ON listing_versions WHEN OLD.snapshot_sha256 IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a version keeps the snapshot it was seen with'); END;
        CREATE TRIGGER listing_version_photos_kept BEFORE DELETE ON listing_version_photos
            WHEN OLD.sha256 IS NOT NULL AND OLD.carried = 0
            BEGIN SELECT RAISE(ABORT, 'a stored photo of a listing version is never removed'); END;
        CREATE TRIGGER listing_version_photos_fixed BEFORE UPDATE ON listing_version_photos
            WHEN OLD.sha256 IS NOT NULL AND OLD.carried = 0
            BEGIN SELECT RAISE(ABORT, 'a stored photo of a listing version is never rewritten'); END;
        ALTER TABLE listings ADD COLUMN version_id INTEGER REFERENCES listing_versions (id);
        ALTER TABLE matches ADD COLUMN listing_version_id INTEGER REFERENCES listing_versions (id);
        ALTER TABLE matches ADD COLUMN evidence_edited_at TEXT;
        ALTER TABLE matches ADD COLUMN evidence_edits TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE match_pins (
            id INTEGER PRIMARY KEY,
            match_id TEXT NOT NULL,
            listing_version_id INTEGER REFERENCES listing_versions (id),
            score REAL NOT NULL,
            band TEXT NOT NULL,
            reasons TEXT NOT NULL,
            pinned_at TEXT NOT NULL
        );
        CREATE INDEX match_pins_match ON match_pins (match_id);
        CREATE TRIGGER match_pins_no_update BEFORE UPDATE ON match_pins
            BEGIN SELECT RAISE(ABORT, 'match_pins is append-only'); END;
        CREATE TRIGGER match_pins_no_delete BEFORE DELETE ON match_pins
            BEGIN SELECT RAISE(ABORT, 'match_pins is append-only'); END;
        """
    )
    backfill_versions(db)
