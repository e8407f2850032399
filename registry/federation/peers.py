"""The registers this one trusts (`peers`), the log of every exchange with them, and the nonces seen.

A peer is a name (how our officers call it: "Ireland"), the address its `farmwatch serve` answers
on, and its public key. Its stolen items are held as items of an owner record that stands for the
whole register ("Ireland register"), with no name, e-mail, phone or postcode of any person.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from registry.cleaning import clip
from registry.db import utcnow
from registry.federation.keys import SignatureError, parse_public_key

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$")
_URL = re.compile(r"^https?://[^\s/?#]+(:[0-9]+)?(/[^\s?#]*)?$")
NONCE_DAYS = 1


class PeerError(ValueError):
    """A peer that cannot be added or found; the message says which part is wrong."""


def register_owner_name(peer: str) -> str:
    """The owner record that holds a peer's items: it names the register, never a person."""
    return f"{peer} register"


def add_peer(db: Database, name: str, url: str, public_key: str) -> dict:
    """Add a peer (name, base address, public key text); raises PeerError naming the bad part."""
    name, url, public_key = (name or "").strip(), (url or "").strip().rstrip("/"), (public_key or "").strip()
    if not _NAME.match(name):
        raise PeerError(f'peer name "{clip(name, 60)}" must be 1-60 letters, digits, spaces, dots, dashes')
    if not _URL.match(url):
        raise PeerError(f'peer address "{clip(url, 80)}" is not an http(s) address such as https://register.example.org')
    try:
        parse_public_key(public_key)
    except SignatureError as exc:
        raise PeerError(str(exc)) from None
    with db.atomic():
        if db.execute("select 1 from peers where name = ?", [name]).fetchone():
            raise PeerError(f'a peer called "{name}" exists: remove it first (farmwatch peers remove "{name}")')
        clash = db.execute("select name from peers where public_key = ?", [public_key]).fetchone()
        if clash:
            raise PeerError(f'that key is already peer "{clash[0]}"')
        owner_name = register_owner_name(name)
        row = db.execute("select id from owners where name = ? and email is null and phone is null "
                         "and postcode is null", [owner_name]).fetchone()
        owner_id = row[0] if row else db["owners"].insert({"name": owner_name, "created_at": utcnow()}).last_pk
        db["peers"].insert({"name": name, "url": url, "public_key": public_key, "owner_id": owner_id,
                            "added_at": utcnow(), "cursor": 0})
    return get_peer(db, name)


def get_peer(db: Database, name: str) -> dict:
    rows = list(db.query("select * from peers where name = ?", [name]))
    if not rows:
        known = [r[0] for r in db.execute("select name from peers order by name")]
        raise PeerError(f'no peer called "{name}" (peers: {", ".join(known) or "none"})')
    return rows[0]


def list_peers(db: Database) -> list[dict]:
    return list(db.query("select * from peers order by name"))


def remove_peer(db: Database, name: str) -> int:
    """Remove a peer; the stolen items held from it are withdrawn (kept, no longer stolen). Returns
    how many were withdrawn."""
    from registry.federation.receive import withdraw_all

    get_peer(db, name)
    with db.atomic():
        withdrawn = withdraw_all(db, name)
        db.execute("delete from peers where name = ?", [name])
    return withdrawn


def peer_by_key(db: Database, key_text: str) -> str | None:
    row = db.execute("select name from peers where public_key = ?", [key_text]).fetchone()
    return row[0] if row else None


def peer_keys(db) -> set[str]:
    return {r[0] for r in db.execute("select public_key from peers")}


def log_exchange(db, *, peer: str | None, direction: str, method: str, path: str, status: int | None,
                 detail: str | None = None) -> None:
    """Append one exchange to `federation_log` (both ends log every request, refused ones too)."""
    db.execute("insert into federation_log (at, peer, direction, method, path, status, detail) "
               "values (?, ?, ?, ?, ?, ?, ?)", [utcnow(), peer, direction, method, clip(path, 500), status,
                                                clip(detail, 1000)])


def remember_nonce(db, nonce: str, peer: str) -> bool:
    """Record a request's nonce; False when it was seen before (a replay). Old nonces are pruned,
    since a request older than the allowed clock skew is refused anyway."""
    cutoff = (datetime.now(UTC) - timedelta(days=NONCE_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    db.execute("delete from federation_nonces where seen_at < ?", [cutoff])
    if db.execute("select 1 from federation_nonces where nonce = ?", [nonce]).fetchone():
        return False
    db.execute("insert into federation_nonces (nonce, peer, seen_at) values (?, ?, ?)", [nonce, peer, utcnow()])
    return True
