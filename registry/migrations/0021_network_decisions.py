"""Seller networks: the analysts' decisions, the near misses, advert phrase counts, listing photo features."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """Seller networks: the analysts' decisions on links (confirm, reject, join by hand: attributed and
    kept across rebuilds, by the sellers' source and key), the near misses (pairs of sellers with
    evidence below the bar, and what was missing), the sellers of each advert phrase (so a night
    reads only its new listings' text) and the local features of listing photos (for re-posted
    photos that were cropped)."""
    db.executescript(
        """
        CREATE TABLE network_decisions (
            id INTEGER PRIMARY KEY,
            source_a TEXT NOT NULL,
            key_a TEXT NOT NULL,
            source_b TEXT NOT NULL,
            key_b TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('confirm', 'reject', 'join')),
            note TEXT NOT NULL DEFAULT '',
            network_id INTEGER,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL
        );
        CREATE INDEX network_decisions_pair ON network_decisions (source_a, key_a, source_b, key_b);
        CREATE TRIGGER network_decisions_no_update BEFORE UPDATE ON network_decisions
            BEGIN SELECT RAISE(ABORT, 'network_decisions is append-only'); END;
        CREATE TRIGGER network_decisions_no_delete BEFORE DELETE ON network_decisions
            BEGIN SELECT RAISE(ABORT, 'network_decisions is append-only'); END;

        CREATE TABLE seller_near_misses (
            seller_a INTEGER NOT NULL REFERENCES sellers (id),
            seller_b INTEGER NOT NULL REFERENCES sellers (id),
            evidence REAL NOT NULL,
            kinds TEXT NOT NULL,
            missing TEXT NOT NULL,
            PRIMARY KEY (seller_a, seller_b)
        ) WITHOUT ROWID;
        CREATE INDEX seller_near_misses_b ON seller_near_misses (seller_b);

        CREATE TABLE text_phrases (
            phrase BLOB NOT NULL,
            seller_id INTEGER NOT NULL,
            PRIMARY KEY (phrase, seller_id)
        ) WITHOUT ROWID;
        CREATE TABLE boilerplate_phrases (phrase BLOB PRIMARY KEY) WITHOUT ROWID;

        CREATE TABLE listing_photo_features (
            listing_photo_id INTEGER PRIMARY KEY REFERENCES listing_photos (id),
            extractor TEXT NOT NULL,
            keypoints BLOB,
            descriptors BLOB,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL
        );
        """
    )
