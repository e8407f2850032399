"""Every page and photo of a crawl accounted for; refusals, failures and the verdict of each crawl."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """Every page and photo of a crawl accounted for: one outcome each (`crawl_pages`, `crawl_photos`),
    the run's refusals by rule and failures by kind, and its health verdict against the source's last
    good run (`crawl_runs.cause` names the likely cause of a failed run). A photo whose content equals
    one already stored for its listing is kept as a row pointing at it (`listing_photos.duplicate_of`)."""
    db.executescript(
        """
        CREATE TABLE crawl_pages (
            id INTEGER PRIMARY KEY,
            crawl_run_id INTEGER NOT NULL REFERENCES crawl_runs (id),
            url TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('listing', 'removed', 'not_listing', 'failed')),
            detail TEXT,
            reason TEXT,
            http_status INTEGER,
            listing_id TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX crawl_pages_run ON crawl_pages (crawl_run_id, outcome);

        CREATE TABLE crawl_photos (
            id INTEGER PRIMARY KEY,
            crawl_run_id INTEGER NOT NULL REFERENCES crawl_runs (id),
            listing_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            url TEXT,
            outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'unchanged', 'duplicate', 'refused', 'failed')),
            sha256 TEXT,
            duplicate_of INTEGER,
            reason TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX crawl_photos_run ON crawl_photos (crawl_run_id, outcome);

        ALTER TABLE crawl_runs ADD COLUMN listings_seen INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN photos_seen INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN photos_duplicate INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN photos_unchanged INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN photos_refused INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN refusals TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE crawl_runs ADD COLUMN failures TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE crawl_runs ADD COLUMN complete INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN cause TEXT;
        ALTER TABLE crawl_runs ADD COLUMN compared_run_id INTEGER;
        CREATE INDEX crawl_runs_source ON crawl_runs (source, id);

        ALTER TABLE listing_photos ADD COLUMN duplicate_of INTEGER;
        """
    )
