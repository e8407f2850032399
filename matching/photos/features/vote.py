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
from matching.photos.features.index import ID_SHIFT, MIRROR_OFFSET, FeatureIndex
from matching.photos.features.verify import ORIENTATION_DEGREES, consistent_orientation, distinct_places

SHORTLIST = 8  # registered photos (or mirror images) per listing photo, by descriptor votes, put to the vote test
QUERY_KEYPOINTS = 150  # a listing photo's strongest descriptors that vote (verification uses all)
QUERY_GRID = 4  # the voting descriptors are spread over a 4 x 4 grid (spread_keypoints)
VOTE_DISTANCE = 64  # Hamming distance (of 256 bits) within which a descriptor votes for a photo
NEIGHBOURS = 2
MIN_VOTES = 4
GATE_POINTS = 4  # distinct places among a candidate's votes that one similarity transform explains (see agreeing_votes)
GATE_PIXELS = 8.0  # reprojection error (decoded pixels) for that test


class Votes:
    """A registered photo's votes from one listing photo: the listing keypoint numbers that voted
    (ascending) and the registered keypoint each found (the nearer, when it found two), as two
    int64 arrays of equal length: what the vote test reads, without a dictionary in between."""

    __slots__ = ("query", "found")

    def __init__(self, query: np.ndarray, found: np.ndarray):
        self.query, self.found = query, found

    def __len__(self) -> int:
        return len(self.query)

    def as_dict(self) -> dict[int, int]:
        """Listing keypoint -> the registered keypoint it found."""
        return dict(zip(self.query.tolist(), self.found.tolist(), strict=True))

    def __eq__(self, other) -> bool:
        if isinstance(other, Votes):
            other = other.as_dict()
        return isinstance(other, dict) and self.as_dict() == other

    def __repr__(self) -> str:
        return f"Votes({self.as_dict()})"


def _vote_arrays(index: FeatureIndex, descriptors: np.ndarray,
                 allowed: set[int] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The votes of the query's descriptors in one index as three arrays: query row, vote key
    (photo id * 2 + 1 for its mirror image) and the registered keypoint found; one vote per
    (photo, query row), the nearer neighbour's, in row order (row-major over the neighbours)."""
    empty = np.zeros(0, np.int64)
    if not len(descriptors) or not index.vectors:
        return empty, empty, empty
    distances, ids = index.nearest(descriptors, NEIGHBOURS)
    near = (ids >= 0) & (distances <= VOTE_DISTANCE)
    photos = ids >> ID_SHIFT
    if allowed is not None:
        near &= np.isin(photos, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
    keypoints = ids & ((1 << ID_SHIFT) - 1)
    mirrored = keypoints >= MIRROR_OFFSET
    keys = photos * 2 + mirrored
    for col in range(1, keys.shape[1]):  # a farther neighbour in a photo a nearer one already voted for: no vote
        near[:, col] &= ~(near[:, :col] & (keys[:, :col] == keys[:, col:col + 1])).any(axis=1)
    rows = np.nonzero(near)[0]
    return rows, keys[near], (keypoints - MIRROR_OFFSET * mirrored)[near]


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
    votes: dict[tuple[int, bool], dict[int, int]] = {}
    for row, key, keypoint in zip(rows.tolist(), keys.tolist(), found.tolist(), strict=True):
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
              allowed: set[int] | None) -> list[tuple[int, bool, Votes]]:
    """The (registered photo, mirrored, votes) worth a closer look, most votes first, from one
    index or several (one per candidate category). The indexes hold registered photos' mirror
    images too, so the listing photo's own descriptors find a mirrored copy."""
    picked = spread_keypoints(direct, QUERY_KEYPOINTS)
    query = direct.descriptors[picked]
    parts = [_vote_arrays(index, query, allowed)
             for index in ([indexes] if isinstance(indexes, FeatureIndex) else indexes)]
    if not parts:
        return []
    if len(parts) == 1:
        rows, keys, found = parts[0]  # one vote per (photo, row) already
    else:  # a photo sits in one category's index, but the votes are made one per (photo, row) whatever
        rows, keys, found = _first_votes(*(np.concatenate(column) for column in zip(*parts, strict=True)))
    if not len(keys):
        return []
    order = np.argsort(keys, kind="stable")  # by photo; within a photo, rows stay ascending
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    counts = np.diff(np.append(starts, len(ordered)))
    keep = np.flatnonzero(counts >= MIN_VOTES)
    unique = ordered[starts[keep]]
    ranked = keep[np.lexsort((unique & 1, unique >> 1, -counts[keep]))[:SHORTLIST]]  # most votes, photo id, direct first
    out = []
    for at, count, key in zip(starts[ranked].tolist(), counts[ranked].tolist(), ordered[starts[ranked]].tolist(),
                              strict=True):
        voted = order[at:at + count]
        out.append((key >> 1, bool(key & 1), Votes(picked[rows[voted]].astype(np.int64), found[voted])))
    return out


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


def agreeing_votes(query: Features, registered: Features, votes: Votes | dict[int, int]) -> int:
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
    q_ids, r_ids = _known_votes(query, registered, votes)
    if len(q_ids) < 3:
        return 0
    turned = most_turned_alike(query.angles[q_ids] - registered.angles[r_ids])
    if turned < GATE_POINTS:
        return turned  # every point kept below turns alike, so no more can agree: RANSAC is not needed
    return _similarity_places(query, registered, q_ids, r_ids)


def votes_pass(query: Features, candidates: Sequence[tuple[Features | None, Votes | dict[int, int]]]) -> list[bool]:
    """For each (registered features, votes), whether `agreeing_votes` reaches GATE_POINTS: the same
    answers, with the orientation bound (`most_turned_alike`) of every candidate taken in one pass and
    RANSAC run only for those it lets through (a listing photo's 8 shortlisted photos cost one sort)."""
    pairs = [_known_votes(query, registered, votes) if registered is not None else (_NONE, _NONE)
             for registered, votes in candidates]
    turns = [query.angles[q] - registered.angles[r] if len(q) >= 3 else _NO_TURNS
             for (registered, _), (q, r) in zip(candidates, pairs, strict=True)]
    bounds = turned_alike_each(turns)
    return [bool(bound >= GATE_POINTS and _similarity_places(query, registered, q, r) >= GATE_POINTS)
            for (registered, _), (q, r), bound in zip(candidates, pairs, bounds.tolist(), strict=True)]


_NONE = np.zeros(0, np.int64)
_NO_TURNS = np.zeros(0, np.float32)


def turned_alike_each(turns: Sequence[np.ndarray]) -> np.ndarray:
    """`most_turned_alike` of each array of orientation changes, in one pass: each array's changes
    (within 0-360) are put in a band of their own (1,000 degrees apart) and counted as there."""
    lengths = np.fromiter((len(t) for t in turns), dtype=np.int64, count=len(turns))
    out = np.zeros(len(turns), dtype=np.int64)
    if not lengths.sum():
        return out
    turned = np.mod(np.concatenate(turns), 360.0)  # float32 like each array: the same values as one by one
    band = np.repeat(np.arange(len(turns), dtype=np.float64) * 1000.0, lengths)
    at = band + turned
    ordered = np.argsort(at, kind="stable")
    at = at[ordered]
    reach = band[ordered] + (turned[ordered] + 2 * ORIENTATION_DEGREES)  # float32 sums, as most_turned_alike
    circle = np.sort(np.concatenate([at, band[ordered] + (turned[ordered] + 360.0)]))
    counts = np.searchsorted(circle, reach, side="right") - np.searchsorted(circle, at, side="left")
    present = np.flatnonzero(lengths)
    out[present] = np.maximum.reduceat(counts, np.concatenate([[0], np.cumsum(lengths[present])[:-1]]))
    return out


def _known_votes(query: Features, registered: Features, votes: Votes | dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The votes' listing and registered keypoint numbers, without any that these features lack."""
    if isinstance(votes, Votes):
        q_ids, r_ids = votes.query, votes.found
    else:
        q_ids = np.fromiter(votes.keys(), dtype=np.int64, count=len(votes))
        r_ids = np.fromiter(votes.values(), dtype=np.int64, count=len(votes))
    if len(q_ids) and (q_ids.max() >= query.count or r_ids.max() >= registered.count):
        known = (q_ids < query.count) & (r_ids < registered.count)
        q_ids, r_ids = q_ids[known], r_ids[known]
    return q_ids, r_ids


def _similarity_places(query: Features, registered: Features, q_ids: np.ndarray, r_ids: np.ndarray) -> int:
    """RANSAC's similarity over the votes, then the distinct places whose orientations turn with it."""
    transform, mask = cv2.estimateAffinePartial2D(registered.points[r_ids], query.points[q_ids], method=cv2.RANSAC,
                                                  ransacReprojThreshold=GATE_PIXELS, maxIters=200, refineIters=0)
    if transform is None or mask is None:
        return 0
    kept = mask.ravel().astype(bool)
    inliers = int(np.count_nonzero(kept))
    if inliers < GATE_POINTS:
        return inliers  # the counts below can only shrink it
    kept &= consistent_orientation(np.vstack([transform, [0.0, 0.0, 1.0]]), query.angles[q_ids], registered.angles[r_ids])
    return distinct_places(registered.points[r_ids][kept], query.points[q_ids][kept])
