"""Server-side web sessions, login attempts and the append-only access log."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE web_sessions (
            id INTEGER PRIMARY KEY,
            token_sha256 TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users (id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            ended_at TEXT,
            address TEXT
        );
        CREATE INDEX web_sessions_user ON web_sessions (user_id);

        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL,
            address TEXT,
            succeeded INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX login_attempts_username ON login_attempts (username, created_at);
        CREATE INDEX login_attempts_address ON login_attempts (address, created_at);

        CREATE TABLE access_log (
            id INTEGER PRIMARY KEY,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            owner_id INTEGER,
            reason TEXT,
            path TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX access_log_actor ON access_log (actor, created_at);
        CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
            BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
        CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
            BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
        """
    )
