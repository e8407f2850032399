"""The country a theft's or listing's place is in."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """The country of a theft's or listing's place (ISO 3166: GB, JE, GG, IM, IE, or a country abroad,
    which has no force), so a place abroad is kept with its country rather than filed under a force."""
    db.executescript(
        """
        ALTER TABLE thefts ADD COLUMN place_country TEXT;
        ALTER TABLE listings ADD COLUMN place_country TEXT;
        """
    )
