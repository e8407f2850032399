"""Listing photos' local features, extracted once a night at most and kept in `listing_photo_features`.

Two parts of the night read a listing photo's ORB features: stage two of the matcher (against stolen
items' photos, `match.find_feature_matches`) and seller networks (re-posted crops between sellers,
`matching.networks.crops`). Both take them from the same decode (`extract.decode_for_features`: upright,
grey, long side FEATURE_SIDE, bands trimmed) by the same extractor, so whichever runs first keeps the
photo's KEPT_KEYPOINTS strongest features and the other reads them instead of decoding and extracting the
photo again (about 6 ms of CPU a photo, docs/features.md). Stage two itself needs all MAX_KEYPOINTS and
the mirror image, so it extracts whole and keeps the strongest part; networks need only that part.

A photo whose file cannot be read keeps a row without features, so it is not tried again by the same
extractor. Rows are keyed by listing photo and name their EXTRACTOR: a new extractor takes them afresh.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from matching.photos.features.extract import EXTRACTOR, Features, pack_keypoints, unpack_descriptors, unpack_keypoints

KEPT_KEYPOINTS = 200  # strongest ORB features kept per listing photo: what seller networks vote and verify with


def kept_part(features: Features) -> Features:
    """The KEPT_KEYPOINTS strongest of a photo's features (extract_features orders them strongest first)."""
    return Features(features.points[:KEPT_KEYPOINTS], features.angles[:KEPT_KEYPOINTS],
                    features.descriptors[:KEPT_KEYPOINTS], features.width, features.height)


def kept_row(photo_id: int, features: Features | None) -> tuple:
    """The `listing_photo_features` row of one listing photo: its kept part, or no features for a photo
    whose file could not be read (None)."""
    if features is None:
        return (photo_id, EXTRACTOR, None, None, 0, 0)
    kept = kept_part(features)
    return (photo_id, EXTRACTOR, pack_keypoints(kept), kept.descriptors.tobytes(), kept.width, kept.height)


def keep_listing_features(db: Database, rows: Iterable[tuple]) -> None:
    """Write `kept_row` rows in one transaction, replacing any row an older extractor left."""
    rows = list(rows)
    if rows:
        with db.atomic():
            db.conn.executemany("insert or replace into listing_photo_features (listing_photo_id, extractor, "
                                "keypoints, descriptors, width, height) values (?, ?, ?, ?, ?, ?)", rows)


def kept_photo_ids(db: Database, photo_ids: list[int]) -> set[int]:
    """Those of these listing photos that already have a row by the current EXTRACTOR."""
    found: set[int] = set()
    for start in range(0, len(photo_ids), 500):
        part = photo_ids[start:start + 500]
        found.update(r[0] for r in db.execute(
            "select listing_photo_id from listing_photo_features "
            f"where extractor = ? and listing_photo_id in ({','.join('?' * len(part))})", [EXTRACTOR, *part]))
    return found


def load_kept_features(db: Database, photo_ids: list[int]) -> tuple[dict[int, Features], set[int]]:
    """Kept features of these listing photos by the current EXTRACTOR: (features by photo id, ids of the
    photos that have a row, with or without features)."""
    out: dict[int, Features] = {}
    seen: set[int] = set()
    for start in range(0, len(photo_ids), 500):
        part = photo_ids[start:start + 500]
        for photo_id, keypoints, descriptors, width, height in db.execute(
                "select listing_photo_id, keypoints, descriptors, width, height from listing_photo_features "
                f"where extractor = ? and listing_photo_id in ({','.join('?' * len(part))})", [EXTRACTOR, *part]):
            seen.add(photo_id)
            if keypoints is not None:
                points, angles = unpack_keypoints(keypoints)
                out[photo_id] = Features(points, angles, unpack_descriptors(descriptors), width, height)
    return out, seen
