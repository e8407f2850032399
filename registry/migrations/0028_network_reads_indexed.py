"""Indexes for the networks run: signals and texts by seller, listings waiting to be read, listings by last seen."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """Four indexes. `listing_signals (seller_id, kind)`: `farmwatch networks` refreshes the sellers a night touched
    (their phone numbers and e-mail addresses) by seller; the only index before was by value, so each
    batch of 900 sellers scanned every stored phone and e-mail signal. `listing_texts (seller_id)`: a seller
    left with no listing has its text signatures dropped by seller."""
    db.execute("create index if not exists listing_signals_seller on listing_signals (seller_id, kind)")
    db.execute("create index if not exists listing_texts_seller on listing_texts (seller_id)")
    # the listings a run has still to read (`matching.networks.update._pending`, the same condition), and
    # those seen since the last run (their networks' last seen moves): both were scans of every listing
    db.execute("create index if not exists listings_to_network on listings (id) "
               "where networked_at is null or networked_at < changed_at or seller_id is null")
    db.execute("create index if not exists listings_last_seen on listings (last_seen_at)")
