"""Indexes by seller on listing_signals and listing_texts, so a networks run reads and drops by seller without scans."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """`listing_signals (seller_id, kind)`: `farmwatch networks` refreshes the sellers a night touched
    (their phone numbers and e-mail addresses) by seller; the only index before was by value, so each
    batch of 900 sellers scanned every stored phone and e-mail signal. `listing_texts (seller_id)`: a seller
    left with no listing has its text signatures dropped by seller."""
    db.execute("create index if not exists listing_signals_seller on listing_signals (seller_id, kind)")
    db.execute("create index if not exists listing_texts_seller on listing_texts (seller_id)")
