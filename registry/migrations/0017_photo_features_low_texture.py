"""Whether a registered photo's keypoints came from the low-contrast second pass."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0015_photo_features_low_texture"


def migrate(db: Database) -> None:
    """Whether a registered photo's keypoints came from the low-contrast second pass (a smooth, plain
    subject such as a horse on grass): its copies are `likely`, not `strong`, evidence."""
    db.execute("ALTER TABLE photo_features ADD COLUMN low_texture INTEGER NOT NULL DEFAULT 0")
