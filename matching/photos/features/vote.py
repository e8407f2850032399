"""Stage two's vote: which registered photos a listing photo's descriptors point at, and whether
those votes line up under one transform, before the costly geometric verification.

Each of the listing photo's strongest descriptors, spread over the photo, votes for the registered photos (or their
mirror images) holding a near neighbour in the faiss index (`matching.photos.features.index`);
the photos with the most votes are shortlisted, and a shortlisted photo goes on to
verification (`matching.photos.features.match.verify_candidates`) only when enough of its votes
agree on one similarity transform.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from matching.photos.features.extract import Features
from matching.photos.features.index import MIRROR_OFFSET, FeatureIndex
from matching.photos.features.verify import ORIENTATION_DEGREES, consistent_orientation, distinct_places

SHORTLIST = 8  # registered photos (or mirror images) per listing photo, by descriptor votes, put to the vote test
QUERY_KEYPOINTS = 150  # a listing photo's strongest descriptors that vote (verification uses all)
QUERY_GRID = 4  # the voting descriptors are spread over a 4 x 4 grid (spread_keypoints)
VOTE_DISTANCE = 64  # Hamming distance (of 256 bits) within which a descriptor votes for a photo
NEIGHBOURS = 2
MIN_VOTES = 4
GATE_POINTS = 4  # distinct places among a candidate's votes that one similarity transform explains (see agreeing_votes)
GATE_PIXELS = 8.0  # reprojection error (decoded pixels) for that test


def _vote_arrays(index: FeatureIndex, descriptors: np.ndarray,
                 allowed: set[int] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The votes of the query's descriptors in one index as three arrays: query row, vote key
    (photo id * 2 + 1 for its mirror image) and the registered keypoint found; nearer neighbour first."""
    distances, photos, keypoints = index.neighbours(descriptors, NEIGHBOURS)
    near = (photos >= 0) & (distances <= VOTE_DISTANCE)
    if allowed is not None:
        near &= np.isin(photos, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
    rows, cols = np.nonzero(near)  # row-major: for each row, the nearer neighbour comes first
    mirrored = keypoints[rows, cols] >= MIRROR_OFFSET
    return rows, photos[rows, cols] * 2 + mirrored, keypoints[rows, cols] - MIRROR_OFFSET * mirrored


def _first_votes(rows: np.ndarray, keys: np.ndarray, found: np.ndarray):
    """Keep one vote per (photo, query row): the first, which is the nearer neighbour."""
    order = np.lexsort((np.arange(len(rows)), rows, keys))
    rows, keys, found = rows[order], keys[order], found[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
    return rows[first], keys[first], found[first]


def vote_photos(index: FeatureIndex, descriptors: np.ndarray,
                allowed: set[int] | None = None) -> dict[tuple[int, bool], dict[int, int]]:
    """Registered photos, each as (photo id, mirror image or not), holding a near neighbour of the
    query's descriptors, with their votes: query keypoint -> the registered keypoint it found
    (the nearer, when it found two)."""
    rows, keys, found = _first_votes(*_vote_arrays(index, descriptors, allowed))
    return _grouped(rows, keys, found, set(keys.tolist()))


def _grouped(rows: np.ndarray, keys: np.ndarray, found: np.ndarray, wanted: set[int]):
    votes: dict[tuple[int, bool], dict[int, int]] = {}
    pick = np.isin(keys, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
    for row, key, keypoint in zip(rows[pick].tolist(), keys[pick].tolist(), found[pick].tolist(), strict=True):
        votes.setdefault((key >> 1, bool(key & 1)), {})[row] = keypoint
    return votes


def spread_keypoints(features: Features, count: int, grid: int = QUERY_GRID) -> np.ndarray:
    """Indexes of `count` keypoints, strongest first, at most count / grid**2 from each cell of a grid
    over the photo before the rest by strength: a watermark's or caption's sharp letters, the
    strongest corners in the photo, would otherwise take every vote from the machine behind them."""
    if features.count <= count:
        return np.arange(features.count)
    cells = (np.minimum(features.points[:, 0] * grid // max(features.width, 1), grid - 1) * grid
             + np.minimum(features.points[:, 1] * grid // max(features.height, 1), grid - 1)).astype(np.int64)
    quota = max(1, count // (grid * grid))
    order = np.argsort(cells, kind="stable")  # keypoints are stored strongest first: stable keeps that in a cell
    sorted_cells = cells[order]
    starts = np.searchsorted(sorted_cells, sorted_cells, side="left")
    rank_in_cell = np.empty(features.count, dtype=np.int64)
    rank_in_cell[order] = np.arange(features.count) - starts
    first = np.nonzero(rank_in_cell < quota)[0]
    rest = np.nonzero(rank_in_cell >= quota)[0]
    return np.sort(np.concatenate([first, rest[:max(0, count - len(first))]])[:count])


def shortlist(indexes: FeatureIndex | Sequence[FeatureIndex], direct: Features,
              allowed: set[int] | None) -> list[tuple[int, bool, dict[int, int]]]:
    """The (registered photo, mirrored, votes) worth a closer look, most votes first, from one
    index or several (one per candidate category). The indexes hold registered photos' mirror
    images too, so the listing photo's own descriptors find a mirrored copy."""
    picked = spread_keypoints(direct, QUERY_KEYPOINTS)
    query = direct.descriptors[picked]
    parts = [_vote_arrays(index, query, allowed)
             for index in ([indexes] if isinstance(indexes, FeatureIndex) else indexes)]
    if not parts:
        return []
    rows, keys, found = _first_votes(*(np.concatenate(column) for column in zip(*parts, strict=True)))
    if not len(keys):
        return []
    unique, counts = np.unique(keys, return_counts=True)
    keep = counts >= MIN_VOTES
    unique, counts = unique[keep], counts[keep]
    ranked = np.lexsort((unique & 1, unique >> 1, -counts))[:SHORTLIST]  # most votes, then photo id, direct first
    top = unique[ranked].tolist()
    votes = _grouped(picked[rows], keys, found, set(top))
    return [(key >> 1, bool(key & 1), votes[(key >> 1, bool(key & 1))]) for key in top]


def most_turned_alike(turns: np.ndarray) -> int:
    """The most of these orientation changes (degrees) that lie within ORIENTATION_DEGREES either side
    of one angle: an upper bound on the votes that one similarity transform with orientations that
    turn with it can explain (`consistent_orientation`), found in O(n log n) without RANSAC."""
    if not len(turns):
        return 0
    ordered = np.sort(np.mod(turns, 360.0))
    circle = np.concatenate([ordered, ordered + 360.0])
    ends = np.searchsorted(circle, ordered + 2 * ORIENTATION_DEGREES, side="right")
    return int((ends - np.arange(len(ordered))).max())


def agreeing_votes(query: Features, registered: Features, votes: dict[int, int]) -> int:
    """Distinct places among the votes that one similarity transform (turn, scale, shift) explains,
    with keypoint orientations that turn with it.

    A cheap test before full verification: a copy's votes line up, an unrelated photo's
    votes (chance near neighbours) scatter. Measured at 50,000 indexed photos, true
    candidates scored at least 6 and four in five unrelated ones under GATE_POINTS; on real
    photographs a watermarked and a halved copy scored exactly 4, so GATE_POINTS stays 4.
    Under GATE_POINTS the figure may be an upper bound (`most_turned_alike`) instead of the count.
    RANSAC's transform is used as found, without OpenCV's default Levenberg-Marquardt refinement
    (`refineIters=0`): 39 us a test instead of 74 on 1,433 shortlisted candidates of
    `bench_features_nightly`, two of which moved across GATE_POINTS (3 and 4 places, either way);
    `bench_features` and `bench_match_quality` found the same copies with and without it.
    """
    q_ids = np.fromiter(votes.keys(), dtype=np.int64, count=len(votes))
    r_ids = np.fromiter(votes.values(), dtype=np.int64, count=len(votes))
    known = (q_ids < query.count) & (r_ids < registered.count)
    q_ids, r_ids = q_ids[known], r_ids[known]
    if len(q_ids) < 3:
        return 0
    turned = most_turned_alike(query.angles[q_ids] - registered.angles[r_ids])
    if turned < GATE_POINTS:
        return turned  # every point kept below turns alike, so no more can agree: RANSAC is not needed
    transform, mask = cv2.estimateAffinePartial2D(registered.points[r_ids], query.points[q_ids], method=cv2.RANSAC,
                                                  ransacReprojThreshold=GATE_PIXELS, maxIters=200, refineIters=0)
    if transform is None or mask is None:
        return 0
    kept = mask.ravel().astype(bool)
    if kept.sum() < GATE_POINTS:
        return int(kept.sum())  # the counts below can only shrink it
    kept &= consistent_orientation(np.vstack([transform, [0.0, 0.0, 1.0]]), query.angles[q_ids], registered.angles[r_ids])
    return distinct_places(registered.points[r_ids][kept], query.points[q_ids][kept])
