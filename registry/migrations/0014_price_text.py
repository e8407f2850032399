"""The price as published, and the words that qualify it, beside the number."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0012_price_text"


def migrate(db: Database) -> None:
    """The price as the seller published it ("£12,500 + VAT") beside the number, and the words that
    qualify the number ("+ VAT", "ono", "was £9,000"), so an officer sees what was asked."""
    db.executescript(
        """
        ALTER TABLE listings ADD COLUMN price_text TEXT;
        ALTER TABLE listings ADD COLUMN price_note TEXT;
        """
    )
