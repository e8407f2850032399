"""Stage two of photo matching: listing photos that show a stolen item's photo, altered.

Stage one (perceptual hashes) finds re-posted copies; a seller who crops out a farm's
background, frames, mirrors or rotates the picture defeats it. Here each listing photo
(and its mirror image) is searched in the ORB descriptor index of stolen items' photos
(`matching.photos.features.index`); the few registered photos with the most descriptor votes
(`matching.photos.features.vote`) are verified geometrically (`matching.photos.features.verify`), and what survives is told in
words an officer can check by eye.

Bands, calibrated on generated textured photos (bench/bench_features.py): copies
altered in every tested way (630 pairs) scored 27 or more matching points, different
photos (3,600 pairs of scenes that each show a similar machine, brick walls, sheeting
and fences) at most 14. So STRONG_INLIERS and above,
together with the category agreement that stage-two candidates already have, may make
a match `strong`; the grey zone from POSSIBLE_INLIERS only `possible`. Never `strong`:
a photo with too few keypoints to judge (plain, dark, blurred), points bunched on a
small part of the photo (MIN_SPREAD: two different yards with the same gate scored 20),
or a transform that stretches or tilts the photo (MAX_DISTORTION: two different yards that
share a gate and a cab corner scored 22 points spread over 15% of the photo, on a sheared
homography no copy has).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from sqlite_utils import Database

from matching.evidence import Evidence
from matching.photos.features.extract import (
    FeatureError,
    Features,
    decode_trimmed,
    extract_features,
    load_photo_features,
    mirror_features,
)
from matching.photos.features.index import FeatureIndex, load_feature_indexes
from matching.photos.features.listing import keep_listing_features, kept_photo_ids, kept_row
from matching.photos.features.verify import (
    Verification,
    describe_transform,
    verify_pair,
)
from matching.photos.features.vote import GATE_POINTS, SHORTLIST, shortlist, votes_pass
from registry.db import data_dir

STRONG_INLIERS = 20  # matching points (distinct places) from which a verified match may be strong
POSSIBLE_INLIERS = 15  # below this a verification is not shown at all
MIN_SPREAD = 0.08  # inliers spanning less of the shown photo agree on one shared object, not a copy
MAX_DISTORTION = 0.025  # a copy is a turn, scale and shift: copies measured under 0.01; shared objects 0.04-0.18
VIEW_INLIERS = 30  # another shot of the same scene: real ones 30-120 points; different photos at most 22
MAX_VIEW_DISTORTION = 0.3  # another shot from about the same place: real ones measured 0.05-0.25
MIN_VIEW_SPREAD = 0.03  # so many points may sit on the machine alone (a water drop, a horse's head: 4-8% measured)
MIN_JUDGEABLE_KEYPOINTS = 200  # fewer ORB keypoints: plain, dark or blurred, too little to judge
MAX_FILTERED_ITEMS = 200  # more candidate items than this: filter verified matches, not the votes
STRONG_WEIGHT = 0.95
LIKELY_WEIGHT = 0.75  # a copy of a smooth, low-contrast photo
POSSIBLE_WEIGHT = 0.35
UNJUDGEABLE_WEIGHT = 0.45


@dataclass(frozen=True)
class FeatureMatch:
    item_id: int
    photo_id: int
    listing_photo_id: int
    inliers: int
    mirrored: bool
    description: str  # the evidence line: "listing photo 1 shows registered photo 2, cropped and mirrored: ..."
    judgeable: bool
    transform: str = ""  # the alteration alone: "cropped and mirrored", "a full copy"
    listing_position: int = 0
    photo_position: int = 0
    spread: float = 1.0  # share of the shown part of the registered photo that the matching points span
    distortion: float = 0.0  # of the transform, from the nearest turn, scale and shift (verify.distortion)

    @property
    def copy(self) -> bool:
        """Many points all over the photo in a copy's geometry (turn, scale, shift)."""
        return self.inliers >= STRONG_INLIERS and self.spread >= MIN_SPREAD and self.distortion <= MAX_DISTORTION

    @property
    def other_view(self) -> bool:
        """Not a copy, but many points in the geometry of another shot of the same scene (the camera
        turned, nearer or further), or a copy's points bunched on the subject: `likely` when the make
        and category agree."""
        return (not self.copy and self.inliers >= VIEW_INLIERS and self.spread >= MIN_VIEW_SPREAD
                and self.distortion <= MAX_VIEW_DISTORTION)


def feature_band(match: FeatureMatch) -> str | None:
    """The best band this evidence allows on its own: `strong` (a copy of a detailed photo),
    `likely` (a copy of a smooth, low-contrast one), `possible`, or None (too weak to show).
    Another view (`FeatureMatch.other_view`) is `possible` here and `likely` with agreement."""
    if match.inliers < POSSIBLE_INLIERS:
        return None
    if match.copy:
        return "strong" if match.judgeable else "likely"
    return "possible"


def feature_reason(match: FeatureMatch) -> tuple[dict, str | None]:
    """The reason in the matcher's format, and the band it allows."""
    band = feature_band(match)
    if band == "strong":
        weight = STRONG_WEIGHT
    elif band == "likely":
        weight = LIKELY_WEIGHT
    elif match.judgeable or match.inliers < STRONG_INLIERS or match.spread < MIN_SPREAD:
        weight = POSSIBLE_WEIGHT
    else:
        weight = UNJUDGEABLE_WEIGHT
    reason = {"kind": "photo_features", "detail": match.description, "weight": weight if band else 0.0,
              "photo_id": match.photo_id, "listing_photo_id": match.listing_photo_id,
              "inliers": match.inliers, "mirrored": match.mirrored}
    return reason, band


def feature_evidence(match: FeatureMatch, agreement: frozenset[str] = frozenset({"category"})) -> Evidence | None:
    """The match as scorer evidence (None when too weak); `strong` only for the strong band. Another
    view asks the description to agree on `agreement` (the category, and the make when the item
    has one) for a `likely` match."""
    reason, band = feature_reason(match)
    if band is None:
        return None
    extras = {k: reason[k] for k in ("photo_id", "listing_photo_id", "inliers", "mirrored")}
    return Evidence("photo_features", reason["detail"], reason["weight"], strong=band == "strong", extras=extras,
                    likely_with=agreement if match.other_view else frozenset())


def _evidence_line(listing_position: int, photo_position: int, transform: str, inliers: int,
                   judgeable: bool, spread: float, distorted: float = 0.0) -> str:
    shows = f"listing photo {listing_position} shows registered photo {photo_position}"
    view = inliers >= VIEW_INLIERS and spread >= MIN_VIEW_SPREAD and MAX_DISTORTION < distorted <= MAX_VIEW_DISTORTION
    if view:
        return (f"listing photo {listing_position} shows the scene of registered photo {photo_position} from another "
                f"angle or distance: {inliers} matching points in the geometry of another shot")
    if transform != "a full copy":
        shows += f", {transform}"
    line = f"{shows}: {inliers} matching points in consistent geometry"
    if not judgeable:
        line += " (a smooth or low-contrast photo with few sharp details: not enough for strong)"
    elif spread < MIN_SPREAD:
        line += f" (only on a small part of the photo, {spread:.0%}: perhaps a shared object, for review)"
    elif distorted > MAX_DISTORTION:
        line += " (in a stretched or tilted geometry that a copy does not have: perhaps a shared object, for review)"
    elif inliers < STRONG_INLIERS:
        line += " (few points: for review)"
    return line


def verify_candidates(index: FeatureIndex | Sequence[FeatureIndex] | None, direct: Features, mirror: Callable[[], Features],
                      allowed: set[int] | None, registered_features) -> list[tuple[int, bool, Verification, Features]]:
    """Shortlist by votes, keep those whose votes agree on one transform, then verify each geometrically
    (with index None: every allowed photo, both ways round, without shortlist or test).

    mirror() gives the listing photo's mirror-image features, taken only when a mirrored
    candidate gets that far; registered_features(photo_ids) -> {photo_id: Features}.
    Returns (photo id, mirrored, verification, registered features) for verifications of at
    least POSSIBLE_INLIERS points. A mirrored verification compares the mirrored listing photo
    with the registered photo, so its homography and evidence read like any other.
    """
    if index is None:
        todo = [(p, m, None) for p in sorted(allowed or ()) for m in (False, True)]
    else:
        todo = shortlist(index, direct, allowed)
        if direct.count >= MIN_JUDGEABLE_KEYPOINTS:  # the vote test below: fewer votes than it asks cannot pass
            todo = [(p, m, v) for p, m, v in todo if len(v) >= GATE_POINTS]
    registered = registered_features({p for p, _, _ in todo}) if todo else {}
    todo = [(p, m, v) for p, m, v in todo if p in registered]
    if index is not None and direct.count >= MIN_JUDGEABLE_KEYPOINTS:  # small photos verify cheaply anyway
        voted = [(registered[p].mirror if m else registered[p], v) for p, m, v in todo]
        todo = [c for c, (features, _), passed in zip(todo, voted, votes_pass(direct, voted), strict=True)
                if passed and features is not None]
    out = []
    for photo_id, mirrored, _ in todo:
        target = registered[photo_id]
        verified = verify_pair(mirror() if mirrored else direct, target)
        if verified.inliers >= POSSIBLE_INLIERS:
            out.append((photo_id, mirrored, verified, target))
    return out


def _rows_for(db: Database, sql: str, ids) -> list[tuple]:
    """Rows of `sql` (whose `{ids}` becomes a list of placeholders) for these ids, 500 at a time."""
    wanted = sorted({int(i) for i in ids})
    rows: list[tuple] = []
    for start in range(0, len(wanted), 500):
        part = wanted[start:start + 500]
        rows.extend(db.execute(sql.format(ids=",".join("?" * len(part))), part).fetchall())
    return rows


def _photo_rows(db: Database, photo_ids) -> dict[int, tuple[int, int, int]]:
    return {pid: (item_id, position, width) for pid, item_id, position, width in _rows_for(
        db, "select id, item_id, position, width from photos where id in ({ids})", photo_ids)}


def _categories(db: Database, item_ids) -> set[str]:
    return {r[0] for r in _rows_for(db, "select distinct category from items where id in ({ids})", item_ids)}


def _candidate_photos(db: Database, candidate_item_ids) -> set[int]:
    return {r[0] for r in _rows_for(db, "select id from photos where item_id in ({ids})", candidate_item_ids)}


def find_feature_matches(db: Database, listing_id: str, exclude_listing_photo_ids=(),
                         candidate_item_ids=None, candidate_categories=None) -> list[FeatureMatch]:
    """Verified local-feature matches between a listing's photos and stolen items' photos, best first.

    candidate_item_ids limits the search to those items' photos (with few of them, each is
    verified directly without the index); a set or frozenset of int ids is used as given (a whole
    category's stolen items, thousands at national scale, are not copied for every listing), any
    other iterable is read as ints. exclude_listing_photo_ids skips listing photos
    stage one already matched. The strongest part of each listing photo's features is kept in
    `listing_photo_features` (features.listing), so seller networks do not extract it again.
    """
    excluded = {int(i) for i in exclude_listing_photo_ids}
    candidates = candidate_item_ids if isinstance(candidate_item_ids, set | frozenset) or candidate_item_ids is None \
        else {int(i) for i in candidate_item_ids}
    allowed = None
    if candidates is not None and len(candidates) <= MAX_FILTERED_ITEMS:
        allowed = _candidate_photos(db, candidates)
    if candidates is not None and (not candidates or allowed == set()):
        return []
    rows = [r for r in db.execute(
        "select id, position, path, width from listing_photos where listing_id = ? and path is not null "
        "and error is null order by position", [listing_id]).fetchall() if r[0] not in excluded]
    if not rows:
        return []
    index = None
    if allowed is None or len(allowed) > SHORTLIST:
        if candidates is not None and candidate_categories is None:
            candidate_categories = _categories(db, candidates)
        index = load_feature_indexes(db, candidate_categories)
    folder = data_dir(db)
    best: dict[tuple[int, int], FeatureMatch] = {}
    loaded: dict[int, Features] = {}  # registered photos read for this listing's earlier photos

    def registered_features(photo_ids) -> dict[int, Features]:
        loaded.update(load_photo_features(db, [p for p in photo_ids if p not in loaded]))
        return {p: loaded[p] for p in photo_ids if p in loaded}

    already_kept = kept_photo_ids(db, [r[0] for r in rows])
    keep: list[tuple] = []  # the strongest part of what is extracted here, for seller networks (listing.py)
    for listing_photo_id, position, path, width in rows:
        try:
            gray, trimmed, decoded_width = decode_trimmed(folder / path, f"listing photo {position}")
        except FeatureError:
            if listing_photo_id not in already_kept:
                keep.append(kept_row(listing_photo_id, None))
            continue
        direct, mirror = extract_features(gray), cache(partial(mirror_features, gray))
        if listing_photo_id not in already_kept:
            keep.append(kept_row(listing_photo_id, direct))
        verified_pairs = verify_candidates(index, direct, mirror, allowed, registered_features)
        photos = _photo_rows(db, [p for p, *_ in verified_pairs])
        for photo_id, mirrored, verified, target in verified_pairs:
            if photo_id not in photos:
                continue
            query = mirror() if mirrored else direct
            item_id, photo_position, photo_width = photos[photo_id]
            if candidates is not None and item_id not in candidates:
                continue
            scale_ratio = ((width or decoded_width) / decoded_width) / ((photo_width or target.width) / target.width)
            transform = describe_transform(verified.homography, query, target, mirrored=mirrored,
                                           scale_ratio=scale_ratio, bordered=trimmed)
            judgeable = (min(direct.count, target.count) >= MIN_JUDGEABLE_KEYPOINTS and not direct.low_texture
                         and not target.low_texture)
            match = FeatureMatch(
                item_id, photo_id, listing_photo_id, verified.inliers, mirrored,
                _evidence_line(position, photo_position, transform, verified.inliers, judgeable, verified.spread,
                               verified.distortion),
                judgeable, transform, position, photo_position, round(verified.spread, 3), round(verified.distortion, 3))
            key = (listing_photo_id, photo_id)
            if key not in best or match.inliers > best[key].inliers:
                best[key] = match
    keep_listing_features(db, keep)
    return sorted(best.values(), key=lambda m: (-m.inliers, m.listing_position, m.photo_id))
