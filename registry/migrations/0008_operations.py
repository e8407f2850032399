"""Nightly run reports, alert subscriptions, alerts sent and settings."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0007_operations"


def migrate(db: Database) -> None:
    """Nightly run reports, alert subscriptions and the record of alerts sent (never sent twice)."""
    db.executescript(
        """
        CREATE TABLE nightly_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            report TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE alert_subscriptions (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'hot_sheet' CHECK (kind IN ('hot_sheet')),
            force_area TEXT,
            organisation TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (email, kind, force_area)
        );
        CREATE TABLE alerts_sent (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject_key TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            UNIQUE (kind, recipient, subject_key)
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        """
    )
