"""Matches between items and listings, and the officers' append-only reviews."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE matches (
            id TEXT PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            listing_id TEXT NOT NULL REFERENCES listings (id),
            theft_id INTEGER REFERENCES thefts (id),
            queue TEXT NOT NULL DEFAULT 'stolen' CHECK (queue IN ('stolen', 'owner_check')),
            score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
            band TEXT NOT NULL CHECK (band IN ('strong', 'likely', 'possible')),
            reasons TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'confirmed', 'dismissed')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            reviewed_by TEXT,
            reviewed_at TEXT,
            note TEXT,
            UNIQUE (item_id, listing_id)
        );
        CREATE INDEX matches_queue ON matches (queue, status, band, score);
        CREATE INDEX matches_listing ON matches (listing_id);

        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            match_id TEXT NOT NULL REFERENCES matches (id),
            decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed', 'reopened', 'owner_selling', 'owner_not_me')),
            note TEXT,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX reviews_match ON reviews (match_id);
        CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
            BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;
        CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
            BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;
        """
    )
