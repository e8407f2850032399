"""Web accounts with their roles."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('officer', 'farmer', 'admin')),
            email TEXT,
            owner_id INTEGER REFERENCES owners (id),
            force_area TEXT,
            created_at TEXT NOT NULL,
            disabled_at TEXT
        );
        """
    )
