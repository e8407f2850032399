"""Owners, items, identifiers, photos and thefts: the register itself."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE owners (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            postcode TEXT,
            force_area TEXT,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX owners_email ON owners (email) WHERE email IS NOT NULL;

        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES owners (id),
            category TEXT NOT NULL,
            make TEXT,
            model TEXT,
            year INTEGER,
            colour TEXT,
            description TEXT,
            status TEXT NOT NULL DEFAULT 'registered'
                CHECK (status IN ('registered', 'stolen', 'recovered')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX items_owner ON items (owner_id);
        CREATE INDEX items_status ON items (status);

        CREATE TABLE identifiers (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            kind TEXT NOT NULL,
            raw_value TEXT NOT NULL,
            normalised_value TEXT NOT NULL,
            check_valid INTEGER,
            possible_clone INTEGER NOT NULL DEFAULT 0,
            note TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX identifiers_item ON identifiers (item_id);
        CREATE INDEX identifiers_normalised ON identifiers (normalised_value);

        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            position INTEGER NOT NULL DEFAULT 1,
            sha256 TEXT NOT NULL,
            path TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            phash TEXT NOT NULL,
            dhash TEXT NOT NULL,
            phash_mirror TEXT NOT NULL,
            dhash_mirror TEXT NOT NULL,
            original_name TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (item_id, sha256)
        );
        CREATE INDEX photos_sha256 ON photos (sha256);

        CREATE TABLE thefts (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            stolen_at TEXT NOT NULL,
            reported_at TEXT NOT NULL,
            crime_ref TEXT,
            place TEXT,
            latitude REAL,
            longitude REAL,
            force_area TEXT,
            current INTEGER NOT NULL DEFAULT 1,
            recovered_at TEXT
        );
        CREATE INDEX thefts_item ON thefts (item_id);
        CREATE UNIQUE INDEX thefts_one_current ON thefts (item_id) WHERE current = 1;
        """
    )
