"""Local features (ORB keypoints and descriptors) of photos, decoded at a reduced size.

Perceptual hashes miss a copy that was cropped, framed, mirrored or rotated; local
features with geometric verification find it. Extraction decodes at about 640 pixels
on the long side (JPEG `draft()` makes the decoder scale down for free), which keeps
it near 10 ms a photo, and registered photos' features are kept in `photo_features`
so a nightly run extracts only photos it has not seen.

A registered photo's mirror image is extracted too (its MIRROR_KEYPOINTS strongest
points): the index holds both orientations of the few thousand stolen items' photos,
so each of the many listing photos is extracted and searched once, not twice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps
from sqlite_utils import Database

from registry.db import data_dir, utcnow
from registry.photos import MAX_PIXELS

FEATURE_SIDE = 640  # long side of the decoded image features are taken from
MAX_KEYPOINTS = 500  # ORB keypoints kept per photo (the strongest)
KEYPOINT_SCALE = 8  # keypoint coordinates are stored as uint16 in 1/8 pixel
MIRROR_KEYPOINTS = 150  # of a registered photo's mirror image, kept for the index and the vote test
EXTRACTOR = f"orb{MAX_KEYPOINTS}s+m{MIRROR_KEYPOINTS}@{FEATURE_SIDE}"  # a change re-extracts stored features
DESCRIPTOR_BYTES = 32
STORE_BATCH = 50  # newly extracted photos written per transaction

Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# One thread, set before OpenCV first starts its pool: a match run forks worker processes, and a
# child that touches a pool its parent started (even to shrink it) waits for ever for threads
# that fork() did not copy. Throughput comes from one process per core instead.
cv2.setNumThreads(1)


class FeatureError(ValueError):
    """A photo whose features cannot be taken; the message names the photo and the problem."""


@dataclass(frozen=True)
class Features:
    """Keypoint positions (N x 2 float32, decoded pixels), ORB orientations (N, degrees),
    descriptors (N x 32 uint8) and the decoded size the positions refer to; for a registered
    photo, also the strongest features of its mirror image (positions in the mirrored image)."""

    points: np.ndarray
    angles: np.ndarray
    descriptors: np.ndarray
    width: int
    height: int
    mirror: Features | None = None

    @property
    def count(self) -> int:
        return len(self.points)


_orb = None


def _detector():
    global _orb
    if _orb is None:
        _orb = cv2.ORB_create(nfeatures=MAX_KEYPOINTS)
    return _orb


def decode_for_features(source: bytes | str | Path, name: str = "photo") -> np.ndarray:
    """Decode once, upright, grey, long side at most FEATURE_SIDE: the image every feature comes from."""
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise FeatureError(f"{name}: cannot read the file ({exc.strerror or exc.__class__.__name__})") from None
    try:
        img = Image.open(io.BytesIO(data))
        if img.format in ("JPEG", "MPO"):
            img.draft("L", (FEATURE_SIDE, FEATURE_SIDE))
        img.load()
        gray = np.asarray(ImageOps.exif_transpose(img).convert("L"), dtype=np.uint8)
    except Exception as exc:  # Pillow raises many kinds on damaged or hostile files
        raise FeatureError(f"{name}: not a readable image ({exc.__class__.__name__})") from None
    return fit_feature_side(gray)


def fit_feature_side(gray: np.ndarray) -> np.ndarray:
    """Scale down so the long side is at most FEATURE_SIDE. After JPEG draft the step left is
    small, and OpenCV's bilinear takes 0.3 ms where Pillow's took 1.9 (800x600 photo); a
    larger step (a big PNG) averages areas, which does not alias."""
    height, width = gray.shape
    scale = FEATURE_SIDE / max(height, width)
    if scale >= 1:
        return gray
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_LINEAR if scale >= 0.5 else cv2.INTER_AREA)


def extract_features(gray: np.ndarray) -> Features:
    """ORB keypoints and binary descriptors of a grey image (none for a plain, dark or blurred one, or
    a strip one pixel thin, which OpenCV's ORB refuses with an error)."""
    keypoints, descriptors = _detector().detectAndCompute(gray, None) if min(gray.shape) >= 2 else ((), None)
    if descriptors is None or not keypoints:
        return Features(np.zeros((0, 2), np.float32), np.zeros(0, np.float32),
                        np.zeros((0, DESCRIPTOR_BYTES), np.uint8), gray.shape[1], gray.shape[0])
    order = np.argsort([-kp.response for kp in keypoints], kind="stable")  # strongest first
    points = np.array([keypoints[i].pt for i in order], dtype=np.float32)
    angles = np.array([keypoints[i].angle for i in order], dtype=np.float32)
    return Features(points, angles, np.ascontiguousarray(descriptors[order], dtype=np.uint8),
                    gray.shape[1], gray.shape[0])


def mirror_features(gray: np.ndarray) -> Features:
    """Features of the mirror image: ORB descriptors are not mirror-invariant, so extract again."""
    return extract_features(np.ascontiguousarray(gray[:, ::-1]))


def pack_keypoints(features: Features) -> bytes:
    """x, y (1/8 pixel) and orientation (1/100 degree) as little-endian uint16: 6 bytes a keypoint."""
    packed = np.empty((features.count, 3), dtype="<u2")
    packed[:, :2] = np.round(features.points * KEYPOINT_SCALE).clip(0, 65535)
    packed[:, 2] = np.round(np.mod(features.angles, 360.0) * 100).clip(0, 35999)
    return packed.tobytes()


def unpack_keypoints(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    packed = np.frombuffer(blob, dtype="<u2").reshape(-1, 3)
    return packed[:, :2].astype(np.float32) / KEYPOINT_SCALE, packed[:, 2].astype(np.float32) / 100


def unpack_descriptors(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.uint8).reshape(-1, DESCRIPTOR_BYTES)


def features_from_row(row: dict) -> Features:
    points, angles = unpack_keypoints(row["keypoints"])
    mirror = None
    if row.get("mirror_keypoints") is not None:
        mirror_points, mirror_angles = unpack_keypoints(row["mirror_keypoints"])
        mirror = Features(mirror_points, mirror_angles, unpack_descriptors(row["mirror_descriptors"]),
                          row["width"], row["height"])
    return Features(points, angles, unpack_descriptors(row["descriptors"]), row["width"], row["height"], mirror)


def _strongest(features: Features, count: int) -> Features:
    return Features(features.points[:count], features.angles[:count], features.descriptors[:count],
                    features.width, features.height)


def store_photo_features(db: Database, photo_id: int) -> Features:
    """Extract a registered photo's features and keep them in photo_features (an unreadable file stores none)."""
    row = db.execute("select path, sha256 from photos where id = ?", [photo_id]).fetchone()
    if row is None:
        raise FeatureError(f"photo {photo_id} is not on the register")
    error = None
    try:
        gray = decode_for_features(data_dir(db) / row[0], f"registered photo {photo_id}")
    except FeatureError as exc:
        error = str(exc)
        gray = np.zeros((8, 8), np.uint8)
    mirror = _strongest(mirror_features(gray), MIRROR_KEYPOINTS)
    direct = extract_features(gray)
    features = Features(direct.points, direct.angles, direct.descriptors, direct.width, direct.height, mirror)
    db.execute(
        "insert or replace into photo_features (photo_id, sha256, extractor, width, height, keypoint_count, "
        "keypoints, descriptors, mirror_keypoints, mirror_descriptors, error, extracted_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [photo_id, row[1], EXTRACTOR, features.width, features.height, features.count,
         pack_keypoints(features), features.descriptors.tobytes(), pack_keypoints(mirror), mirror.descriptors.tobytes(),
         error, utcnow()])
    return features


def load_photo_features(db: Database, photo_ids) -> dict[int, Features]:
    """Stored features of registered photos, extracting (and storing) any not yet taken."""
    wanted = [int(p) for p in photo_ids]
    found: dict[int, Features] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        rows = db.execute(
            f"select photo_id, width, height, keypoints, descriptors, mirror_keypoints, mirror_descriptors "
            f"from photo_features where extractor = ? and photo_id in ({','.join('?' * len(chunk))})",
            [EXTRACTOR, *chunk])
        columns = ("width", "height", "keypoints", "descriptors", "mirror_keypoints", "mirror_descriptors")
        for photo_id, *values in rows.fetchall():
            found[photo_id] = features_from_row(dict(zip(columns, values, strict=True)))
    missing = [p for p in wanted if p not in found]
    for start in range(0, len(missing), STORE_BATCH):
        with db.atomic():  # one write per batch, short enough not to hold other writers up for long
            for photo_id in missing[start:start + STORE_BATCH]:
                found[photo_id] = store_photo_features(db, photo_id)
    return found
