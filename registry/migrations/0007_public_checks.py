"""The public buyer check's append-only log."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0006_public_checks"


def migrate(db: Database) -> None:
    """The public buyer check's log: one row per check, with alerts for officers (alert = 1)."""
    db.executescript(
        """
        CREATE TABLE public_checks (
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            checked_at TEXT NOT NULL,
            identifier TEXT NOT NULL,
            matching_key TEXT,
            requester TEXT NOT NULL,
            user_agent TEXT,
            result TEXT NOT NULL
                CHECK (result IN ('stolen', 'registered', 'similar', 'unknown', 'invalid')),
            alert INTEGER NOT NULL DEFAULT 0,
            near_stolen INTEGER NOT NULL DEFAULT 0,
            item_ids TEXT NOT NULL DEFAULT '[]',
            theft_ids TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX public_checks_requester ON public_checks (requester, checked_at);
        CREATE INDEX public_checks_alerts ON public_checks (checked_at) WHERE alert = 1;
        CREATE TRIGGER public_checks_no_update BEFORE UPDATE ON public_checks
            BEGIN SELECT RAISE(ABORT, 'public_checks is append-only'); END;
        """
    )
