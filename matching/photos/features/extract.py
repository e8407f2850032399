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
import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps
from sqlite_utils import Database

from registry.db import data_dir, utcnow
from registry.photos.store import MAX_JPEG_PIXELS, decode_cost

FEATURE_SIDE = 640  # long side of the decoded image features are taken from
MAX_KEYPOINTS = 500  # ORB keypoints kept per photo (the strongest)
LOW_TEXTURE_KEYPOINTS = 200  # fewer at ORB's usual corner contrast: detect again at LOW_TEXTURE_FAST
LOW_TEXTURE_FAST = 5  # FAST threshold of that second pass (ORB's default is 20)
LOW_TEXTURE_MIN_PIXELS = 240 * 180  # smaller photos are not detected again: the second pass finds their noise
BAND_TOLERANCE = 12  # grey levels: a letterbox or frame band's pixels stay this close to its colour
BAND_SHARE = 0.98  # of a line's pixels, for the line to belong to a band
MIN_BAND = 0.02  # of the side: thinner uniform edges are left alone
MIN_KEPT = 0.25  # of each side: a photo that would shrink more is plain, not framed
FILL_LEVELS = (8, 247)  # grey levels at or beyond which a region touching the edge may be the fill of a rotation
FILL_MARGIN = 9  # pixels around such a fill where no keypoint is taken (its straight edge is no detail of the photo)
KEYPOINT_SCALE = 8  # keypoint coordinates are stored as uint16 in 1/8 pixel
MIRROR_KEYPOINTS = 150  # of a registered photo's mirror image, kept for the index and the vote test
# a change re-extracts stored features
EXTRACTOR = f"orb{MAX_KEYPOINTS}s+m{MIRROR_KEYPOINTS}@{FEATURE_SIDE}d2t2m+f{LOW_TEXTURE_FAST}<{LOW_TEXTURE_KEYPOINTS}"
DESCRIPTOR_BYTES = 32
STORE_BATCH = 50  # newly extracted photos written per transaction

Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS  # as registry.photos.store; decode_cost judges each file

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
    photo, also the strongest features of its mirror image (positions in the mirrored image).
    `low_texture`: the keypoints came from the low-contrast second pass (a smooth subject)."""

    points: np.ndarray
    angles: np.ndarray
    descriptors: np.ndarray
    width: int
    height: int
    mirror: Features | None = None
    low_texture: bool = False

    @property
    def count(self) -> int:
        return len(self.points)


_orb: dict[int, object] = {}


def _detector(fast_threshold: int = 20):
    if fast_threshold not in _orb:
        _orb[fast_threshold] = cv2.ORB_create(nfeatures=MAX_KEYPOINTS, fastThreshold=fast_threshold)
    return _orb[fast_threshold]


def decode_for_features(source: bytes | str | Path, name: str = "photo") -> np.ndarray:
    """Decode once, upright, grey, long side at most FEATURE_SIDE, uniform border bands trimmed: the
    image every feature comes from."""
    return decode_trimmed(source, name)[0]


def decode_trimmed(source: bytes | str | Path, name: str = "photo") -> tuple[np.ndarray, bool, int]:
    """`decode_for_features`, whether bands on two opposite sides (a letterbox, a frame) were trimmed
    off, and the decoded width before trimming (to convert decoded pixels back to the file's)."""
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise FeatureError(f"{name}: cannot read the file ({exc.strerror or exc.__class__.__name__})") from None
    try:
        img = Image.open(io.BytesIO(data))
        if problem := decode_cost(img.format, img.size, len(data)):
            raise FeatureError(f"{name}: not a readable image ({problem})")
        if img.format in ("JPEG", "MPO"):
            img.draft("L", draft_size(img.size))
        img.load()
        ImageOps.exif_transpose(img, in_place=True)  # turned upright without a copy when it needs no turn
        gray = np.asarray(img if img.mode == "L" else img.convert("L"), dtype=np.uint8)
    except FeatureError:
        raise
    except Exception as exc:  # Pillow raises many kinds on damaged or hostile files
        raise FeatureError(f"{name}: not a readable image ({exc.__class__.__name__})") from None
    fitted = fit_feature_side(gray)
    bands = uniform_bands(fitted)
    top, bottom, left, right = bands
    trimmed = np.ascontiguousarray(fitted[top:fitted.shape[0] - bottom, left:fitted.shape[1] - right])
    return trimmed, trimmed.shape != fitted.shape, fitted.shape[1]


def draft_size(size: tuple[int, int]) -> tuple[int, int]:
    """The (width, height) to ask JPEG draft mode for: the photo's own shape with the long side at
    FEATURE_SIDE. libjpeg then scales by 1/2, 1/4 or 1/8 while both sides stay at least this size;
    asking for a FEATURE_SIDE square kept a 1600x1200 photo's short side over 640 and so decoded it
    whole (3.4 ms against 2.2 at 1/2, measured with Pillow on one core)."""
    width, height = size
    scale = min(1.0, FEATURE_SIDE / max(width, height, 1))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _median_level(line: np.ndarray) -> int:
    """int(np.median(line)) of a line of grey levels, from its histogram (a sort took 8 times longer)."""
    below = np.cumsum(np.bincount(line, minlength=256))
    middle = np.searchsorted(below, [(len(line) - 1) // 2 + 1, len(line) // 2 + 1])
    return int(middle.sum()) // 2


def _uniform_line(line: np.ndarray) -> bool:
    """The outermost line of a possible band: BAND_SHARE of it within BAND_TOLERANCE of its median."""
    counts = np.bincount(line, minlength=256)
    reference = _median_level(line)
    near = counts[max(0, reference - BAND_TOLERANCE):reference + BAND_TOLERANCE + 1].sum()
    return bool(near / len(line) >= BAND_SHARE)


def _band(lines: np.ndarray) -> int:
    """How many of the lines (outermost first) are one uniform colour, that of the outermost line."""
    reference = _median_level(lines[0])
    close = (np.abs(lines.astype(np.int16) - reference) <= BAND_TOLERANCE).mean(axis=1) >= BAND_SHARE
    return len(close) if close.all() else int(np.argmin(close))


def uniform_bands(gray: np.ndarray) -> tuple[int, int, int, int]:
    """Rows and columns (top, bottom, left, right) of uniform bands along two opposite edges or more:
    letterbox bars and frames (plain sky along one edge stays: cut off, it would take the keypoints
    near the new edge, which ORB does not detect within 31 pixels of a border).

    A letterboxed or framed copy then gives the registered photo's own keypoints, at the same
    scale, instead of a smaller picture inside bars. Bands thinner than MIN_BAND of the side are
    left; a photo that would keep less than MIN_KEPT of a side is plain and kept whole.
    """
    height, width = gray.shape
    if min(height, width) < 16:
        return 0, 0, 0, 0
    outer = [_uniform_line(line) for line in (gray[0], gray[-1], gray[:, 0], gray[:, -1])]
    if not (outer[0] and outer[1]) and not (outer[2] and outer[3]):
        return 0, 0, 0, 0  # no two opposite edges start a band: the same answer as below, at a sixtieth of the cost
    reach_h, reach_w = height // 2, width // 2
    top, bottom = _band(gray[:reach_h]), _band(gray[::-1][:reach_h])
    left, right = _band(gray.T[:reach_w]), _band(gray.T[::-1][:reach_w])
    top, bottom = (n if n >= MIN_BAND * height else 0 for n in (top, bottom))
    left, right = (n if n >= MIN_BAND * width else 0 for n in (left, right))
    if height - top - bottom < MIN_KEPT * height or width - left - right < MIN_KEPT * width:
        return 0, 0, 0, 0
    if not (top and bottom) and not (left and right):
        return 0, 0, 0, 0  # a band on one side is plain sky or wall, not bars or a frame: it stays
    return top, bottom, left, right


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
    """ORB keypoints and binary descriptors of a grey image (none for a plain one, or a strip one pixel
    thin, which OpenCV's ORB refuses with an error).

    A smooth subject (a horse on grass, a dark or misty photo) has few corners of ORB's usual
    contrast: under LOW_TEXTURE_KEYPOINTS, the photo is detected again at LOW_TEXTURE_FAST and
    marked `low_texture` (so is a thumbnail, which is not detected again: it is small, not smooth,
    and the second pass would find its noise). Measured on real photographs (scikit-image, scikit-learn and Debian
    wallpaper photos), that took a storm sky from 0 keypoints to 115 and its altered copies from
    0 matching points to 19-34, while different photos still agreed on at most 3.
    """
    if min(gray.shape) < 2:
        keypoints, descriptors, mask = (), None, None
    else:
        mask = fill_mask(gray)
        keypoints, descriptors = _detector().detectAndCompute(gray, mask)
    low_texture = descriptors is None or len(keypoints) < LOW_TEXTURE_KEYPOINTS
    if low_texture and gray.size >= LOW_TEXTURE_MIN_PIXELS:  # a thumbnail has few corners for its size, not its subject
        keypoints, descriptors = _detector(LOW_TEXTURE_FAST).detectAndCompute(gray, mask)
    if descriptors is None or not keypoints:
        return Features(np.zeros((0, 2), np.float32), np.zeros(0, np.float32),
                        np.zeros((0, DESCRIPTOR_BYTES), np.uint8), gray.shape[1], gray.shape[0], low_texture=True)
    count = len(keypoints)  # positions in C++, the two other fields read once each: 0.05 ms against 0.18 (500 points)
    response = np.fromiter([kp.response for kp in keypoints], np.float64, count)
    order = np.argsort(-response, kind="stable")  # strongest first
    points = cv2.KeyPoint_convert(keypoints)[order]
    angles = np.fromiter([kp.angle for kp in keypoints], np.float32, count)[order]
    return Features(points, angles, np.ascontiguousarray(descriptors[order], dtype=np.uint8),
                    gray.shape[1], gray.shape[0], low_texture=low_texture)


def fill_mask(gray: np.ndarray) -> np.ndarray | None:
    """Where keypoints may be taken: not in or near black or white fill that touches the photo's edge
    (the corners a rotation adds, bars a letterbox trim left). None when there is no such fill.

    The fill's straight, high-contrast edge would give ORB hundreds of keypoints that say nothing
    of the photo, and would hide that a smooth photo needs its low-contrast second pass.
    """
    dark, light = FILL_LEVELS
    edges = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if not ((edges <= dark) | (edges >= light)).any():
        return None
    extreme = ((gray <= dark) | (gray >= light)).astype(np.uint8)
    count, labels = cv2.connectedComponents(extreme, connectivity=4)
    touching = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    touching = touching[touching > 0]
    if not len(touching):
        return None
    fill = np.isin(labels, touching).astype(np.uint8)
    if fill.sum() < 0.005 * gray.size:
        return None
    fill = cv2.dilate(fill, np.ones((2 * FILL_MARGIN + 1, 2 * FILL_MARGIN + 1), np.uint8))
    return np.where(fill > 0, 0, 255).astype(np.uint8)


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
    return Features(points, angles, unpack_descriptors(row["descriptors"]), row["width"], row["height"], mirror,
                    bool(row.get("low_texture")))


def _strongest(features: Features, count: int) -> Features:
    return Features(features.points[:count], features.angles[:count], features.descriptors[:count],
                    features.width, features.height, low_texture=features.low_texture)


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
    features = Features(direct.points, direct.angles, direct.descriptors, direct.width, direct.height, mirror,
                        direct.low_texture)
    db.execute(
        "insert or replace into photo_features (photo_id, sha256, extractor, width, height, keypoint_count, "
        "keypoints, descriptors, mirror_keypoints, mirror_descriptors, error, extracted_at, low_texture) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [photo_id, row[1], EXTRACTOR, features.width, features.height, features.count,
         pack_keypoints(features), features.descriptors.tobytes(), pack_keypoints(mirror), mirror.descriptors.tobytes(),
         error, utcnow(), int(features.low_texture)])
    return features


def load_photo_features(db: Database, photo_ids) -> dict[int, Features]:
    """Stored features of registered photos, extracting (and storing) any not yet taken."""
    wanted = [int(p) for p in photo_ids]
    found: dict[int, Features] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        rows = db.execute(
            f"select photo_id, width, height, keypoints, descriptors, mirror_keypoints, mirror_descriptors, low_texture "
            f"from photo_features where extractor = ? and photo_id in ({','.join('?' * len(chunk))})",
            [EXTRACTOR, *chunk])
        columns = ("width", "height", "keypoints", "descriptors", "mirror_keypoints", "mirror_descriptors",
                   "low_texture")
        for photo_id, *values in rows.fetchall():
            found[photo_id] = features_from_row(dict(zip(columns, values, strict=True)))
    missing = [p for p in wanted if p not in found]
    for start in range(0, len(missing), STORE_BATCH):
        with db.atomic():  # one write per batch, short enough not to hold other writers up for long
            for photo_id in missing[start:start + STORE_BATCH]:
                found[photo_id] = store_photo_features(db, photo_id)
    return found
