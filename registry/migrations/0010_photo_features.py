"""ORB keypoints and descriptors of registered photos."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0009_photo_features"


def migrate(db: Database) -> None:
    """ORB keypoints and descriptors of registered photos, kept so a nightly run extracts only new photos."""
    db.executescript(
        """
        CREATE TABLE photo_features (
            photo_id INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
            sha256 TEXT NOT NULL,
            extractor TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            keypoint_count INTEGER NOT NULL,
            keypoints BLOB NOT NULL,
            descriptors BLOB NOT NULL,
            error TEXT,
            extracted_at TEXT NOT NULL
        );
        """
    )
