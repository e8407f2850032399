"""Sellers, what listings say about them, links between sellers and the networks they form."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0013_sellers_networks"


def migrate(db: Database) -> None:
    """Seller networks: one seller per handle or profile on a source, what each listing says about
    its seller (signals), links between sellers with their evidence, and the networks they form."""
    db.executescript(
        """
        CREATE TABLE sellers (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            seller_key TEXT NOT NULL,
            handle TEXT,
            name TEXT,
            profile_url TEXT,
            phones TEXT NOT NULL DEFAULT '[]',
            emails TEXT NOT NULL DEFAULT '[]',
            listings INTEGER NOT NULL DEFAULT 0,
            first_seen_at TEXT,
            last_seen_at TEXT,
            network_id INTEGER,
            updated_at TEXT NOT NULL,
            UNIQUE (source, seller_key)
        );
        CREATE INDEX sellers_network ON sellers (network_id);
        ALTER TABLE listings ADD COLUMN seller_id INTEGER REFERENCES sellers (id);
        ALTER TABLE listings ADD COLUMN networked_at TEXT;
        CREATE INDEX listings_seller ON listings (seller_id);

        CREATE TABLE listing_signals (
            listing_id TEXT NOT NULL REFERENCES listings (id),
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            seller_id INTEGER NOT NULL REFERENCES sellers (id),
            PRIMARY KEY (listing_id, kind, value)
        ) WITHOUT ROWID;
        CREATE INDEX listing_signals_value ON listing_signals (kind, value, seller_id);

        CREATE TABLE listing_texts (
            listing_id TEXT PRIMARY KEY REFERENCES listings (id),
            seller_id INTEGER NOT NULL REFERENCES sellers (id),
            shingles INTEGER NOT NULL,
            minhash BLOB
        );

        CREATE TABLE seller_links (
            id INTEGER PRIMARY KEY,
            seller_a INTEGER NOT NULL REFERENCES sellers (id),
            seller_b INTEGER NOT NULL REFERENCES sellers (id),
            kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'profile', 'handle', 'photo', 'text', 'identifier')),
            value TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL,
            weight REAL NOT NULL CHECK (weight > 0 AND weight <= 1),
            listing_a TEXT,
            listing_b TEXT,
            created_at TEXT NOT NULL,
            CHECK (seller_a < seller_b),
            UNIQUE (seller_a, seller_b, kind, value)
        );
        CREATE INDEX seller_links_b ON seller_links (seller_b);
        CREATE INDEX seller_links_value ON seller_links (kind, value);

        CREATE TABLE networks (
            id INTEGER PRIMARY KEY,
            sellers INTEGER NOT NULL,
            listings INTEGER NOT NULL,
            links INTEGER NOT NULL DEFAULT 0,
            sources TEXT NOT NULL DEFAULT '[]',
            areas TEXT NOT NULL DEFAULT '[]',
            first_seen_at TEXT,
            last_seen_at TEXT,
            matches_confirmed INTEGER NOT NULL DEFAULT 0,
            matches_strong INTEGER NOT NULL DEFAULT 0,
            matches_likely INTEGER NOT NULL DEFAULT 0,
            risk REAL NOT NULL DEFAULT 0,
            risk_rank INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX networks_risk ON networks (risk_rank);
        """
    )
