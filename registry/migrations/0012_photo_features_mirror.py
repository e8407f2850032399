"""The keypoints of each registered photo's mirror image."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0011_photo_features_mirror"


def migrate(db: Database) -> None:
    """The strongest keypoints of each registered photo's mirror image, so the index holds both
    orientations and a listing photo is searched once instead of twice."""
    db.executescript(
        """
        ALTER TABLE photo_features ADD COLUMN mirror_keypoints BLOB;
        ALTER TABLE photo_features ADD COLUMN mirror_descriptors BLOB;
        """
    )
