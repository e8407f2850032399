"""An index on listing_signals by seller, so a networks run reads a seller's contacts without a scan."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """`listing_signals (seller_id, kind)`: `farmwatch networks` refreshes the sellers a night touched
    (their phone numbers and e-mail addresses) by seller; the only index before was by value, so each
    batch of 900 sellers scanned every stored phone and e-mail signal."""
    db.execute("create index if not exists listing_signals_seller on listing_signals (seller_id, kind)")
