"""Fixtures for the farmer pages and the public check: two farmers, items, a listing and matches."""

from __future__ import annotations

from functools import cache

import pytest

from registry.accounts.users import hash_password
from registry.db import utcnow
from registry.items.registration import get_or_create_owner, register_item, report_stolen
from registry.items.validation import validate_item

PASSWORD = "correct horse battery"
# UK cattle tag herd 284205, animal 00016: check digit (28420500016 mod 7) + 1 = 7
GOOD_CATTLE_TAG = "UK 284205 7 00016"


def make_item(db, owner_id: int, **fields) -> int:
    record = {"owner": {"name": "x"}, "category": "tractor", "make": "John Deere", "model": "6120M",
              "identifiers": [], **fields}
    item, errors = validate_item(record)
    assert not errors, errors
    return register_item(db, item, [], owner_id=owner_id).item_id


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_account(db, username: str, role: str, email: str | None = None) -> None:
    """What `farmwatch users add` stores, with the slow password hash computed once per test run."""
    owner_id = get_or_create_owner(db, {"name": username, "email": email}) if role == "farmer" else None
    db["users"].insert({"username": username, "password_hash": password_hash(), "role": role, "email": email,
                        "owner_id": owner_id, "created_at": utcnow()})


def owner_of(db, username: str) -> int:
    return db.execute("select owner_id from users where username = ?", [username]).fetchone()[0]


@pytest.fixture
def farms(db):
    """Two farmer accounts with items; Alice's quad is stolen; Bob has an owner check waiting."""
    add_account(db, "alice", "farmer", "alice@example.org")
    add_account(db, "bob", "farmer", "bob@example.org")
    add_account(db, "pc-jones", "officer")
    db["owners"].update(owner_of(db, "alice"), {"phone": "07700 900001", "postcode": "SP11 0AA"})
    db["owners"].update(owner_of(db, "bob"), {"phone": "07700 900002", "postcode": "EX1 1AA"})
    alice, bob = owner_of(db, "alice"), owner_of(db, "bob")
    tractor = make_item(db, alice, identifiers=[{"kind": "pin", "value": "1L06120MCKK123456"}],
                        description="Alice's secret description")
    quad = make_item(db, alice, category="quad", make="Honda", model="TRX420",
                     identifiers=[{"kind": "frame", "value": "JH2TE4321ZK000777"}])
    report_stolen(db, quad, stolen_at="2026-10-30", crime_ref="44260123456", place="Home Farm, Faccombe")
    trailer = make_item(db, bob, category="trailer", make="Ifor Williams", model="LM146",
                        identifiers=[{"kind": "serial", "value": "SCK600000B0654321"}])
    now = utcnow()
    for n in (1, 2):
        db["listings"].insert({"id": f"L{n}", "source": "example-market", "url": f"https://example.org/ad/{n}",
                               "title": f"Ifor Williams trailer <b>{n}</b>", "price": 3500, "currency": "GBP",
                               "location": "Exeter", "seller_name": "Seller Person", "seller_phone": "07700 999999",
                               "first_seen_at": now, "last_seen_at": now, "changed_at": now})
        db["matches"].insert({"id": f"M{n}", "item_id": trailer, "listing_id": f"L{n}", "queue": "owner_check",
                              "score": 0.9, "band": "strong",
                              "reasons": '[{"kind": "identifier", "detail": "serial matches exactly", "weight": 1}]',
                              "created_at": now, "updated_at": now})
    return {"alice": alice, "bob": bob, "tractor": tractor, "quad": quad, "trailer": trailer}


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG whose header declares a huge image: a decompression bomb in a few dozen bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


SECRET = "farmer-test-secret-0123456789abcdef"


@pytest.fixture
def ds(db, farms):
    from datasette_config.app import make_datasette

    return make_datasette(db.execute("PRAGMA database_list").fetchone()[2], secret=SECRET)


@pytest.fixture
def login(db, farms):
    """login("alice") -> the session cookie of a fresh login; login(None) -> anonymous."""
    from datasette_config.auth.sessions import COOKIE_NAME, create_session

    def make(username: str | None) -> dict:
        if username is None:
            return {}
        user_id = db.execute("select id from users where username = ?", [username]).fetchone()[0]
        return {COOKIE_NAME: create_session(db, {"id": user_id})}

    return make
