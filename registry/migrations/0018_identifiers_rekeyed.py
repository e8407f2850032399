"""Stored identifiers re-keyed under today's identifier rules."""

from __future__ import annotations

from sqlite_utils import Database

from registry.identifiers.rekey import rekey_identifiers


def migrate(db: Database) -> None:
    """Identifiers stored under older rules take today's keys: typed labels out of the value,
    placeholders removed (recorded in the item's history), clone flags refreshed (registry/identifiers/rekey.py)."""
    rekey_identifiers(db)
