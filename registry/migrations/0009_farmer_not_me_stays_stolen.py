"""A match whose owner answered "that's not me" stays in the stolen queue."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0008_farmer_not_me_stays_stolen"


def migrate(db: Database) -> None:
    """A match whose owner answered "that's not me" stays in the stolen queue, whatever a re-match computes."""
    db.executescript(
        """
        CREATE TRIGGER matches_owner_not_me_stays_stolen AFTER UPDATE OF queue ON matches
            WHEN NEW.queue = 'owner_check' AND EXISTS (
                SELECT 1 FROM reviews WHERE reviews.match_id = NEW.id AND reviews.decision = 'owner_not_me')
            BEGIN UPDATE matches SET queue = 'stolen' WHERE id = NEW.id; END;
        """
    )
