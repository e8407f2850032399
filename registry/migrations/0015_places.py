"""How precisely thefts and listings were placed, and each listing's police force."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0014_places"


def migrate(db: Database) -> None:
    """Where thefts happened and listings are offered: how precisely the place text was resolved
    (postcode, district, town, county, coordinates; NULL with a note when it was not), and each
    listing's police force, so matches can be routed and marked as crossing force borders."""
    db.executescript(
        """
        ALTER TABLE thefts ADD COLUMN place_precision TEXT;
        ALTER TABLE thefts ADD COLUMN place_note TEXT;
        ALTER TABLE listings ADD COLUMN force_area TEXT;
        ALTER TABLE listings ADD COLUMN place_precision TEXT;
        ALTER TABLE listings ADD COLUMN place_note TEXT;
        CREATE INDEX thefts_force_area ON thefts (force_area);
        CREATE INDEX listings_force_area ON listings (force_area);
        """
    )
