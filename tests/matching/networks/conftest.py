"""Listings stored through the registry's own code, for seller network tests."""

from __future__ import annotations

import itertools

import pytest

from registry.listings.store import clean_listing, save_listing_photo, upsert_listing

_COUNTER = itertools.count(1)


@pytest.fixture
def add_listing(db):
    """Store one listing (import format) with its photos given as bytes; returns its id."""
    def add(source="site-a", seller=None, description="", photos=(), title=None, **extra) -> str:
        n = next(_COUNTER)
        row = clean_listing({"source": source, "url": f"https://{source}.example/ad/{n}", "title": title or f"item {n}",
                             "description": description, "seller": seller or {}, **extra})
        lid = upsert_listing(db, row).listing_id
        for position, data in enumerate(photos, 1):
            save_listing_photo(db, lid, position, None, data)
        return lid
    return add


def network_of(db, listing_id: str) -> int:
    return db.execute("select s.network_id from listings l join sellers s on s.id = l.seller_id where l.id = ?",
                      [listing_id]).fetchone()[0]


def link_kinds(db) -> list[str]:
    return sorted(r[0] for r in db.execute("select kind from seller_links"))
