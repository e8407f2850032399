"""Registers that share their stolen items: peers, what is published and held, hit notices, the log."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """Registers that share their stolen items (docs/federation.md): the peers and what was learnt of
    them; `items.register` names the peer a stolen item came from (NULL: our own); what we publish
    (`federation_published`, one change number per item); what we hold from peers
    (`federation_items`); hit notices to send (`federation_hits_out`) and received
    (`federation_hits_in`); every signed exchange, both ways (`federation_log`); nonces seen, so a
    signed request cannot be replayed (`federation_nonces`)."""
    db.executescript(
        """
        ALTER TABLE items ADD COLUMN register TEXT;
        CREATE INDEX items_register ON items (register) WHERE register IS NOT NULL;

        CREATE TABLE peers (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            public_key TEXT NOT NULL UNIQUE,
            owner_id INTEGER REFERENCES owners (id),
            added_at TEXT NOT NULL,
            cursor INTEGER NOT NULL DEFAULT 0,
            last_sync_at TEXT,
            last_good_sync_at TEXT,
            last_error TEXT,
            last_error_at TEXT
        );

        CREATE TABLE federation_published (
            item_id INTEGER PRIMARY KEY REFERENCES items (id),
            seq INTEGER NOT NULL,
            digest TEXT NOT NULL,
            withdrawn INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX federation_published_seq ON federation_published (seq);

        CREATE TABLE federation_items (
            peer TEXT NOT NULL,
            remote_id TEXT NOT NULL,
            item_id INTEGER NOT NULL REFERENCES items (id),
            digest TEXT NOT NULL,
            received_at TEXT NOT NULL,
            withdrawn_at TEXT,
            PRIMARY KEY (peer, remote_id)
        );
        CREATE UNIQUE INDEX federation_items_item ON federation_items (item_id);

        CREATE TABLE federation_hits_out (
            id INTEGER PRIMARY KEY,
            peer TEXT NOT NULL,
            remote_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('match', 'check')),
            source_ref TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            UNIQUE (kind, source_ref)
        );
        CREATE INDEX federation_hits_out_pending ON federation_hits_out (peer) WHERE sent_at IS NULL;

        CREATE TABLE federation_hits_in (
            id INTEGER PRIMARY KEY,
            peer TEXT NOT NULL,
            hit_id TEXT NOT NULL,
            item_id INTEGER REFERENCES items (id),
            match_id TEXT REFERENCES matches (id),
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL,
            UNIQUE (peer, hit_id)
        );

        CREATE TABLE federation_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            peer TEXT,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            status INTEGER,
            detail TEXT
        );

        CREATE TABLE federation_nonces (
            nonce TEXT PRIMARY KEY,
            peer TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        """
    )
