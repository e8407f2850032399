"""Stage two's cheap steps before verification: the decode size, the border-band check, the vote and
the vote test's orientation bound give the answers of the slower forms they replace."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from matching.evaluation.feature_evalset import ALTERATIONS, textured_scene
from matching.photos.features.extract import (
    FEATURE_SIDE,
    Features,
    decode_for_features,
    decode_trimmed,
    draft_size,
    extract_features,
    fit_feature_side,
    uniform_bands,
)
from matching.photos.features.index import MIRROR_OFFSET, FeatureIndex
from matching.photos.features.verify import (
    ORIENTATION_DEGREES,
    RATIO,
    consistent_orientation,
    distinct_places,
    ratio_matches,
)
from matching.photos.features.vote import (
    GATE_POINTS,
    MIN_VOTES,
    NEIGHBOURS,
    QUERY_KEYPOINTS,
    SHORTLIST,
    VOTE_DISTANCE,
    agreeing_votes,
    most_turned_alike,
    shortlist,
    spread_keypoints,
    turned_alike_each,
    votes_pass,
)
from synthetic.photos import encode


@pytest.mark.parametrize(("size", "asked"), [
    ((1600, 1200), (640, 480)),  # draft may halve it: 800x600, not a whole decode
    ((4000, 3000), (640, 480)),
    ((1200, 1600), (480, 640)),
    ((800, 600), (640, 480)),
    ((500, 300), (500, 300)),  # smaller than the feature side: asked as it is, never enlarged
    ((6000, 1000), (640, 107)),
])
def test_draft_asks_for_the_photos_own_shape(size, asked):
    assert draft_size(size) == asked


def test_a_large_jpeg_is_decoded_reduced_to_the_feature_side():
    rng = np.random.default_rng(1)
    pixels = (rng.random((1200, 1600)) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=80)
    gray, trimmed, width = decode_trimmed(buffer.getvalue())
    assert gray.shape == (480, 640) and not trimmed and width == 640


def _reference_bands(gray: np.ndarray) -> tuple[int, int, int, int]:
    """The band rule as first written: every edge scanned with a sort-based median."""
    def band(lines):
        reference = int(np.median(lines[0]))
        close = (np.abs(lines.astype(np.int16) - reference) <= 12).mean(axis=1) >= 0.98
        return len(close) if close.all() else int(np.argmin(close))
    height, width = gray.shape
    top, bottom = band(gray[:height // 2]), band(gray[::-1][:height // 2])
    left, right = band(gray.T[:width // 2]), band(gray.T[::-1][:width // 2])
    top, bottom = (n if n >= 0.02 * height else 0 for n in (top, bottom))
    left, right = (n if n >= 0.02 * width else 0 for n in (left, right))
    if height - top - bottom < 0.25 * height or width - left - right < 0.25 * width:
        return 0, 0, 0, 0
    if not (top and bottom) and not (left and right):
        return 0, 0, 0, 0
    return top, bottom, left, right


def test_the_quick_band_check_gives_the_full_scans_answer():
    rng = np.random.default_rng(7)
    for n in range(60):
        gray = (rng.random((120, 160)) * 255).astype(np.uint8)
        colour = int(rng.integers(0, 256))
        if n % 4 == 0:
            gray[:int(rng.integers(1, 30))] = colour  # one band only: it stays
        if n % 4 == 1:
            gray[:12], gray[-9:] = colour, colour  # a letterbox
        if n % 4 == 2:
            gray[:, :10], gray[:, -14:] = colour, np.clip(colour + 5, 0, 255)  # pillarbox bars of near colours
        if n % 3 == 0:
            gray[:, :3] = rng.integers(0, 256, (120, 3))  # a ragged edge
        assert uniform_bands(gray) == _reference_bands(gray), n


@pytest.mark.parametrize(("turns", "expected"), [
    ([], 0),
    ([10.0], 1),
    ([0.0, 39.0, 41.0, 200.0], 2),  # 0 and 39 lie within 20 degrees of 19.5; 41 is 41 from 0
    ([350.0, 355.0, 5.0, 15.0, 180.0], 4),  # across 0 degrees: one window holds the four
    ([-10.0, 10.0, 30.0, 370.0], 4),  # negative and over 360 are the same turns
    ([float(a) for a in range(0, 360, 45)], 1),
])
def test_most_turned_alike_counts_the_fullest_window(turns, expected):
    assert most_turned_alike(np.array(turns, dtype=np.float32)) == expected


def test_most_turned_alike_bounds_what_a_transform_can_keep():
    rng = np.random.default_rng(3)
    for _ in range(200):
        turns = rng.random(int(rng.integers(1, 30))) * 720 - 180
        for rotation in np.linspace(-180, 180, 73):
            kept = consistent_orientation(np.array([[np.cos(np.radians(rotation)), -np.sin(np.radians(rotation)), 0],
                                                    [np.sin(np.radians(rotation)), np.cos(np.radians(rotation)), 0],
                                                    [0, 0, 1]]), turns, np.zeros_like(turns))
            assert kept.sum() <= most_turned_alike(turns)
    assert ORIENTATION_DEGREES == 20.0  # the window above is twice this wide


def _features(points, angles, descriptors, size=(640, 480)) -> Features:
    return Features(np.asarray(points, np.float32), np.asarray(angles, np.float32),
                    np.asarray(descriptors, np.uint8), *size)


def test_scattered_votes_fail_the_vote_test_without_ransac_and_aligned_ones_pass():
    rng = np.random.default_rng(5)
    points = rng.random((40, 2)).astype(np.float32) * [600, 440] + 20
    registered = _features(points, rng.random(40) * 360, rng.integers(0, 256, (40, 32)))
    shifted = _features(points + [15, -10], registered.angles, registered.descriptors)
    votes = {i: i for i in range(40)}
    assert agreeing_votes(shifted, registered, votes) >= 30
    scattered = _features(points + [15, -10], (registered.angles + np.arange(40) * 9.0) % 360, registered.descriptors)
    assert agreeing_votes(scattered, registered, votes) < 6


def test_shortlist_counts_one_vote_per_descriptor_and_photo_and_ranks_by_votes():
    rng = np.random.default_rng(11)
    photo_a = rng.integers(0, 256, (30, 32), dtype=np.uint8)
    photo_b = rng.integers(0, 256, (30, 32), dtype=np.uint8)
    index = FeatureIndex()
    index.add(1, photo_a, photo_a[:10])  # its mirror image holds 10 of the same descriptors
    index.add(2, photo_b[:MIN_VOTES + 2])
    index.add(3, photo_b[:MIN_VOTES - 1])  # too few votes to be shortlisted
    query = np.concatenate([photo_a[:20], photo_b[:MIN_VOTES + 2]])
    listing = _features(rng.random((len(query), 2)) * 600, np.zeros(len(query)), query)
    found = shortlist(index, listing, None)
    assert [(photo, mirrored) for photo, mirrored, _ in found][:3] == [(1, False), (1, True), (2, False)]
    assert len(found) <= SHORTLIST and all(photo != 3 for photo, _, _ in found)
    direct_votes = found[0][2].as_dict()
    assert len(direct_votes) == 20 and all(direct_votes[q] == q for q in range(20))  # the exact descriptor, not its twin
    assert found[1][2] == {q: q for q in range(10)} and all(k < MIRROR_OFFSET for k in found[1][2].found)
    assert shortlist(index, listing, {2}) == [(2, False, {20 + q: q for q in range(MIN_VOTES + 2)})]


def test_distinct_places_count_cells_once():
    points = np.array([[1, 1], [7, 7], [9, 1], [100, 300], [101, 301]], np.float32)
    assert distinct_places(points, points) == 3
    assert distinct_places(points, np.zeros_like(points)) == 1
    assert FEATURE_SIDE == 640


def _reference_ratio_matches(listing: np.ndarray, registered: np.ndarray) -> tuple[list[int], list[int]]:
    """The ratio test as first written: OpenCV's brute-force knnMatch and a loop."""
    best: dict[int, tuple[float, int]] = {}
    for pair in cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(listing, registered, k=2):
        if len(pair) == 2 and pair[0].distance < RATIO * pair[1].distance:
            kept = best.get(pair[0].trainIdx)
            if kept is None or pair[0].distance < kept[0]:
                best[pair[0].trainIdx] = (pair[0].distance, pair[0].queryIdx)
    return [q for _, q in best.values()], list(best)


@pytest.mark.parametrize("seed", range(4))
def test_ratio_matches_are_those_of_opencvs_brute_force_matcher(seed):
    rng = np.random.default_rng(seed)
    scene = extract_features(decode_for_features(encode(textured_scene(seed))))
    copy = extract_features(decode_for_features(encode(ALTERATIONS["crop 25% left"](textured_scene(seed)))))
    other = extract_features(decode_for_features(encode(textured_scene(seed + 50))))
    noisy = scene.descriptors ^ np.packbits(rng.random((scene.count, 256)) < 0.1, axis=1)
    repeated = np.repeat(scene.descriptors[:40], 3, axis=0)  # ties everywhere
    for listing, registered in [(copy.descriptors, scene.descriptors), (other.descriptors, scene.descriptors),
                                (noisy, scene.descriptors), (repeated, scene.descriptors[:60]),
                                (scene.descriptors, repeated), (scene.descriptors[:5], scene.descriptors[:2])]:
        query, train = ratio_matches(listing, registered)
        assert (query.tolist(), train.tolist()) == _reference_ratio_matches(listing, registered)


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_a_photo_turned_by_its_exif_tag_is_decoded_upright(orientation):
    """The decode turns the photo in place by its EXIF orientation (no copy): the same pixels as
    Pillow's own turned copy, grey."""
    from PIL import ImageOps

    image = textured_scene(12)
    exif = image.getexif()
    exif[274] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    gray = decode_for_features(buffer.getvalue())
    reference = fit_feature_side(np.asarray(  # an 800x600 JPEG is decoded whole: the same pixels
        ImageOps.exif_transpose(Image.open(io.BytesIO(buffer.getvalue()))).convert("L")))
    top, bottom, left, right = uniform_bands(reference)
    assert gray.shape[0] > gray.shape[1] if orientation in (6, 8) else gray.shape[1] > gray.shape[0]
    assert np.array_equal(gray, reference[top:reference.shape[0] - bottom, left:reference.shape[1] - right])


def test_features_come_strongest_first_with_each_keypoints_own_position_and_orientation():
    gray = decode_for_features(encode(textured_scene(13)))
    features = extract_features(gray)
    keypoints = cv2.ORB_create(nfeatures=500, fastThreshold=20).detect(gray, None)
    by_place = {(round(k.pt[0], 3), round(k.pt[1], 3), round(k.angle, 3)): k.response for k in keypoints}
    responses = [by_place[(round(float(x), 3), round(float(y), 3), round(float(a), 3))]
                 for (x, y), a in zip(features.points, features.angles, strict=True)]
    assert features.count == len(keypoints) and features.points.dtype == np.float32
    assert responses == sorted(responses, reverse=True)


def _reference_shortlist(index: FeatureIndex, listing: Features) -> list[tuple[int, bool, dict[int, int]]]:
    """The shortlist as counted before votes were kept as arrays: every (photo, query row) vote of the
    nearer neighbour, counted per photo and mirror image, ranked by votes, photo id, direct first."""
    picked = spread_keypoints(listing, QUERY_KEYPOINTS)
    distances, photos, keypoints = index.neighbours(listing.descriptors[picked], NEIGHBOURS)
    votes: dict[tuple[int, bool], dict[int, int]] = {}
    for row in range(len(picked)):
        for col in range(NEIGHBOURS):
            if photos[row, col] < 0 or distances[row, col] > VOTE_DISTANCE:
                continue
            mirrored = bool(keypoints[row, col] >= MIRROR_OFFSET)
            votes.setdefault((int(photos[row, col]), mirrored), {}).setdefault(
                int(picked[row]), int(keypoints[row, col]) - MIRROR_OFFSET * mirrored)
    ranked = sorted((key for key, v in votes.items() if len(v) >= MIN_VOTES),
                    key=lambda key: (-len(votes[key]), key[0], key[1]))[:SHORTLIST]
    return [(photo, mirrored, dict(sorted(votes[(photo, mirrored)].items()))) for photo, mirrored in ranked]


@pytest.mark.parametrize("seed", range(3))
def test_shortlist_votes_are_those_of_a_plain_count(seed):
    """Photos sharing descriptors (twins at every distance, mirror images, a farther neighbour in the
    same photo as the nearer): the array count gives the same photos, order and votes as a plain loop."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (200, 32), dtype=np.uint8)
    index = FeatureIndex()
    for photo in range(1, 13):
        own = base[rng.choice(len(base), 120)]  # some twice: both neighbours in one photo ^ np.packbits(rng.random((120, 256)) < 0.05, axis=1)
        index.add(photo, own, own[::-1][:60])
    query = base[rng.choice(len(base), 300)] ^ np.packbits(rng.random((300, 256)) < 0.08, axis=1)
    listing = _features(rng.random((300, 2)) * [640, 480], rng.random(300) * 360, query)
    found = shortlist(index, listing, None)
    assert len(found) == SHORTLIST
    assert [(p, m, v.as_dict()) for p, m, v in found] == _reference_shortlist(index, listing)
    assert all(list(v.query) == sorted(v.query) for _, _, v in found)


def test_orientation_bounds_in_one_pass_are_those_taken_one_by_one():
    rng = np.random.default_rng(2)
    turns = [np.zeros(0, np.float32), np.array([10.0, 10.0, 50.0, 50.0], np.float32),  # ties at the window's edge
             np.array([350.0, 355.0, 5.0, 15.0, 200.0], np.float32), np.array([-30.0, 330.0, 690.0], np.float32)]
    turns += [(rng.random(n) * 720 - 360).astype(np.float32) for n in (3, 8, 30, 200)]
    turns += [np.round(rng.random(40) * 36).astype(np.float32) * 10 for _ in range(5)]  # many exact ties
    assert turned_alike_each(turns).tolist() == [most_turned_alike(t) for t in turns]


def test_votes_pass_answers_as_the_vote_test_does():
    rng = np.random.default_rng(7)
    points = rng.random((40, 2)).astype(np.float32) * [600, 440] + 20
    registered = _features(points, rng.random(40) * 360, rng.integers(0, 256, (40, 32)))
    listing = _features(points + [15, -10], registered.angles, registered.descriptors)
    scattered = _features(points, (registered.angles + np.arange(40) * 9.0) % 360, registered.descriptors)
    candidates = [(registered, {i: i for i in range(40)}), (scattered, {i: i for i in range(40)}),
                  (registered, {i: i for i in range(3)}), (None, {i: i for i in range(40)}),
                  (registered, {i: 39 - i for i in range(40)}), (registered, {0: 0, 1: 1, 2: 2, 3: 90})]
    passed = votes_pass(listing, candidates)
    assert passed[0] and not passed[2] and not passed[3]  # too few votes; no mirror image to test
    assert passed == [f is not None and agreeing_votes(listing, f, v) >= GATE_POINTS for f, v in candidates]
