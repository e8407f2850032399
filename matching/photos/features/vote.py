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
from matching.photos.features.verify import consistent_orientation, distinct_places

SHORTLIST = 8  # registered photos (or mirror images) per listing photo, by descriptor votes, put to the vote test
QUERY_KEYPOINTS = 150  # a listing photo's strongest descriptors that vote (verification uses all)
QUERY_GRID = 4  # the voting descriptors are spread over a 4 x 4 grid (spread_keypoints)
VOTE_DISTANCE = 64  # Hamming distance (of 256 bits) within which a descriptor votes for a photo
NEIGHBOURS = 2
MIN_VOTES = 4
GATE_POINTS = 4  # distinct places among a candidate's votes that one similarity transform explains
GATE_PIXELS = 8.0  # reprojection error (decoded pixels) for that test


def vote_photos(index: FeatureIndex, descriptors: np.ndarray,
                allowed: set[int] | None = None) -> dict[tuple[int, bool], dict[int, int]]:
    """Registered photos, each as (photo id, mirror image or not), holding a near neighbour of the
    query's descriptors, with their votes: query keypoint -> the registered keypoint it found
    (the nearer, when it found two)."""
    distances, photos, keypoints = index.neighbours(descriptors, NEIGHBOURS)
    rows, cols = np.nonzero((photos >= 0) & (distances <= VOTE_DISTANCE))
    votes: dict[tuple[int, bool], dict[int, int]] = {}
    for row, photo, keypoint in zip(rows.tolist(), photos[rows, cols].tolist(), keypoints[rows, cols].tolist(),
                                    strict=True):
        if allowed is None or photo in allowed:
            mirrored = keypoint >= MIRROR_OFFSET
            votes.setdefault((photo, mirrored), {}).setdefault(row, keypoint - MIRROR_OFFSET if mirrored else keypoint)
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
    rank_in_cell = np.zeros(features.count, dtype=np.int64)
    seen: dict[int, int] = {}
    for i, cell in enumerate(cells.tolist()):  # keypoints are stored strongest first
        rank_in_cell[i] = seen.get(cell, 0)
        seen[cell] = rank_in_cell[i] + 1
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
    votes: dict[tuple[int, bool], dict[int, int]] = {}
    for index in [indexes] if isinstance(indexes, FeatureIndex) else indexes:
        votes.update(vote_photos(index, query, allowed))  # a photo is in one index only
    votes = {key: {int(picked[row]): kp for row, kp in found.items()} for key, found in votes.items()}
    ranked = [(len(v), p, m, v) for (p, m), v in votes.items()]
    ranked.sort(key=lambda t: (-t[0], t[1], t[2]))
    return [(p, m, v) for n, p, m, v in ranked if n >= MIN_VOTES][:SHORTLIST]


def agreeing_votes(query: Features, registered: Features, votes: dict[int, int]) -> int:
    """Distinct places among the votes that one similarity transform (turn, scale, shift) explains,
    with keypoint orientations that turn with it.

    A cheap test before full verification: a copy's votes line up, an unrelated photo's
    votes (chance near neighbours) scatter. Measured at 50,000 indexed photos, true
    candidates scored at least 6 and four in five unrelated ones under GATE_POINTS.
    """
    pairs = [(q, r) for q, r in votes.items() if q < query.count and r < registered.count]
    if len(pairs) < 3:
        return 0
    q_ids = np.array([q for q, _ in pairs], dtype=np.int64)
    r_ids = np.array([r for _, r in pairs], dtype=np.int64)
    transform, mask = cv2.estimateAffinePartial2D(registered.points[r_ids], query.points[q_ids], method=cv2.RANSAC,
                                                  ransacReprojThreshold=GATE_PIXELS, maxIters=200)
    if transform is None or mask is None:
        return 0
    kept = mask.ravel().astype(bool)
    if kept.sum() < GATE_POINTS:
        return int(kept.sum())  # the counts below can only shrink it
    kept &= consistent_orientation(np.vstack([transform, [0.0, 0.0, 1.0]]), query.angles[q_ids], registered.angles[r_ids])
    return distinct_places(registered.points[r_ids][kept], query.points[q_ids][kept])
