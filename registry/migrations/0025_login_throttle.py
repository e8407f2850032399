"""Login throttling by account and client: the device beside each attempt, and the throttle events."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """The browser's device (a hash of the id in its signed device cookie) beside each login attempt,
    and the throttle events an administrator reviews (datasette_config/auth/throttle.py)."""
    db.executescript(
        """
        ALTER TABLE login_attempts ADD COLUMN device TEXT;
        CREATE INDEX login_attempts_user_address ON login_attempts (username, address, created_at);
        CREATE INDEX login_attempts_user_device ON login_attempts (username, device, created_at);
        CREATE TABLE login_throttle_events (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            username TEXT NOT NULL,
            address TEXT,
            rule TEXT NOT NULL,
            failures INTEGER NOT NULL,
            delay_seconds INTEGER,
            until_at TEXT,
            refused INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX login_throttle_events_time ON login_throttle_events (created_at);
        CREATE INDEX login_throttle_events_user ON login_throttle_events (username, rule, created_at);
        """
    )
