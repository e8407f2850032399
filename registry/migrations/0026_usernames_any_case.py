"""Usernames unique regardless of case (stored as typed, compared without regard to case)."""

from __future__ import annotations

from sqlite_utils import Database


class UsernameCaseClash(ValueError):
    """Two existing accounts differ only by the case of their usernames; nothing was changed."""


def migrate(db: Database) -> None:
    """Add a unique index on users(username COLLATE NOCASE), so "Bob" and "bob" are one account.
    Refuses (UsernameCaseClash, naming every group) when existing accounts differ only by case:
    which one a person means cannot be decided here, and neither is deleted."""
    if not db["users"].exists():
        return
    clashes = db.execute(
        "select group_concat(username, ', ') from users group by username collate nocase having count(*) > 1"
    ).fetchall()
    if clashes:
        groups = "; ".join(row[0] for row in clashes)
        raise UsernameCaseClash(
            f"accounts differ only by the case of their usernames ({groups}); logins now ignore case, so rename "
            "or remove all but one of each (sqlite3: update users set username = ... where id = ...), then run "
            "farmwatch init again. Nothing was changed.")
    db.execute("create unique index if not exists users_username_nocase on users(username collate nocase)")
