"""Web accounts, with passwords kept only as Argon2 hashes.

Usernames are stored as typed and compared without regard to case (a phone keyboard capitalises the
first letter): "Bob" logs in as "bob", and a second account differing only by case is refused
(a unique index on username COLLATE NOCASE, migration 0020).

Roles: `officer` and `admin` (the workspace), `farmer` (their own records), `trade` (auction marts,
dealers, insurers: bulk identifier checks answered without personal data).
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from registry.accounts.emails import EmailError, check_email
from registry.db import utcnow
from registry.items.registration import get_or_create_owner
from registry.items.validation import RegistryError

ROLES = ("officer", "farmer", "admin", "trade")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def add_user(db: Database, username: str, password: str, role: str, *, email: str | None = None,
             force_area: str | None = None, replace: bool = False) -> int:
    """Create (or with replace=True, reset) an account; a farmer account owns the owner record with its e-mail."""
    if not _USERNAME.match(username or ""):
        raise RegistryError(f'username "{username}" must be 2-64 letters, digits, or . _ @ -')
    if role not in ROLES:
        raise RegistryError(f'role "{role}" is not one of {", ".join(ROLES)}')
    if len(password) < 8:
        raise RegistryError("the password must have at least 8 characters")
    if email:
        try:
            email = check_email(email)
        except EmailError as error:
            raise RegistryError(str(error)) from None
    owner_id = None
    if role == "farmer":
        if not email:
            raise RegistryError("a farmer account needs --email: it links the account to the farmer's owner record")
        owner_id = get_or_create_owner(db, {"name": username, "email": email})
    existing = db.execute("select id, username from users where username = ? collate nocase", [username]).fetchone()
    if existing and not replace:
        same = "" if existing[1] == username else f' (as "{existing[1]}"; usernames ignore case)'
        raise RegistryError(f'user "{username}" already exists{same}')
    row = {"username": username, "password_hash": hash_password(password), "role": role,
           "email": email or None, "owner_id": owner_id, "force_area": force_area}
    with db.atomic():
        if existing:
            db["users"].update(existing[0], {**row, "username": existing[1], "disabled_at": None})
            end_sessions(db, existing[0])  # a reset password must not leave old logins open
            return existing[0]
        return db["users"].insert({**row, "created_at": utcnow()}).last_pk


def authenticate(db: Database, username: str, password: str) -> dict | None:
    """The user row when the password is right and the account active; None otherwise."""
    row = db.execute(
        "select id, username, password_hash, role, owner_id, force_area from users "
        "where username = ? collate nocase and disabled_at is null", [(username or "").strip()],
    ).fetchone()
    if not row:
        verify_password(_DUMMY_HASH, password or "")  # same cost whether or not the user exists
        return None
    if not verify_password(row[2], password or ""):
        return None
    return {"id": row[0], "username": row[1], "role": row[3], "owner_id": row[4], "force_area": row[5]}


def disable_user(db: Database, username: str) -> bool:
    return bool(db.execute("update users set disabled_at = ? where username = ? collate nocase and disabled_at is null",
                           [utcnow(), username]).rowcount)


def end_sessions(db: Database, user_id: int) -> int:
    """End every open web session of an account (the workspace checks ended_at on each request)."""
    if not db["web_sessions"].exists():
        return 0
    return db.execute("update web_sessions set ended_at = ? where user_id = ? and ended_at is null",
                      [utcnow(), user_id]).rowcount


_DUMMY_HASH = _hasher.hash("not a real password")
