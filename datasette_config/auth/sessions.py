"""Server-side web sessions (plain logic over the database, no Datasette; throttling is in `throttle`).

A browser holds only a random token; the database keeps its SHA-256, so a copy of the
database cannot be replayed as a login. Every request looks the session up, which is what
lets logout, expiry and a disabled account end access at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

COOKIE_NAME = "farmwatch_session"
SESSION_HOURS = 12


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _now() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(db: Database, user_row: dict, *, address: str | None = None,
                   hours: float = SESSION_HOURS, now: datetime | None = None) -> str:
    """Start a session for an authenticated user row (needs its `id`); return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    moment = now or _now()
    db.execute(
        "insert into web_sessions (token_sha256, user_id, created_at, expires_at, address) values (?, ?, ?, ?, ?)",
        [hash_token(token), user_row["id"], _iso(moment), _iso(moment + timedelta(hours=hours)), address],
    )
    return token


def actor_for_token(db: Database, token: str | None, *, now: datetime | None = None) -> dict | None:
    """The actor of a live session, or None when unknown, expired, logged out or the account is disabled."""
    if not token or len(token) > 200:
        return None
    row = db.execute(
        """
        select users.username, users.role, users.owner_id, users.force_area
        from web_sessions join users on users.id = web_sessions.user_id
        where web_sessions.token_sha256 = ? and web_sessions.ended_at is null
          and web_sessions.expires_at > ? and users.disabled_at is null
        """,
        [hash_token(token), _iso(now or _now())],
    ).fetchone()
    if not row:
        return None
    return {"id": row[0], "role": row[1], "owner_id": row[2], "force_area": row[3]}


def end_session(db: Database, token: str | None) -> bool:
    """Log out: the token stops working immediately. True when a live session was ended."""
    if not token:
        return False
    cursor = db.execute("update web_sessions set ended_at = ? where token_sha256 = ? and ended_at is null",
                        [_iso(_now()), hash_token(token)])
    return bool(cursor.rowcount)


def end_user_sessions(db: Database, username: str) -> int:
    """End every session of an account (used when it is disabled or its password reset)."""
    cursor = db.execute(
        "update web_sessions set ended_at = ? where ended_at is null and user_id in "
        "(select id from users where username = ? collate nocase)", [_iso(_now()), username])
    return cursor.rowcount
