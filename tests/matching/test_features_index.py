"""The descriptor index follows thefts (reported, recovered), persists, and stays right as an inverted file."""

from __future__ import annotations

import numpy as np
import pytest

from matching import feature_index
from matching.feature_evalset import ALTERATIONS, textured_scene
from matching.feature_extract import EXTRACTOR
from matching.feature_index import (
    INDEXED_KEYPOINTS,
    FeatureIndex,
    index_path,
    load_feature_index,
    refresh_feature_index,
)
from matching.features import find_feature_matches
from registry.db import data_dir
from registry.items import mark_recovered, report_stolen
from tests.matching.test_features import add_listing, register


def test_index_follows_thefts_reported_and_recovered(db):
    first, second = register(db, 1), register(db, 2, stolen=False)
    listing = add_listing(db, "copies", [ALTERATIONS["crop 25% left"](textured_scene(1)),
                                         ALTERATIONS["rotate -10"](textured_scene(2))])
    photo_of = dict(db.execute("select item_id, id from photos").fetchall())

    report = refresh_feature_index(db)
    assert (report["photos"], report["added"], report["removed"]) == (1, 1, 0)
    assert [m.item_id for m in find_feature_matches(db, listing)] == [first]

    report_stolen(db, second, stolen_at="2026-11-02", crime_ref="44260999")
    report = refresh_feature_index(db)
    assert (report["photos"], report["added"], report["removed"]) == (2, 1, 0)
    assert {m.item_id for m in find_feature_matches(db, listing)} == {first, second}

    mark_recovered(db, first)
    report = refresh_feature_index(db)
    assert (report["photos"], report["added"], report["removed"]) == (1, 0, 1)
    assert [m.item_id for m in find_feature_matches(db, listing)] == [second]
    assert load_feature_index(db).members == {photo_of[second]}

    stored = db.execute("select photo_id, extractor, keypoint_count from photo_features order by photo_id").fetchall()
    assert stored == [(photo_of[first], EXTRACTOR, stored[0][2]), (photo_of[second], EXTRACTOR, stored[1][2])]
    assert min(r[2] for r in stored) > 300


def test_saved_index_is_reused_not_rebuilt(db):
    register(db, 3)
    refresh_feature_index(db)
    path = index_path(db)
    assert path.is_file() and path.parent == data_dir(db) / "features"
    mtime = path.stat().st_mtime_ns
    feature_index._cache.clear()  # as in the next night's process
    report = refresh_feature_index(db)
    assert (report["added"], report["removed"], report["rebuilt"]) == (0, 0, False)
    assert path.stat().st_mtime_ns == mtime
    assert FeatureIndex.load(path).vectors == report["descriptors"] == INDEXED_KEYPOINTS


def test_damaged_or_outdated_index_file_is_rebuilt(db):
    item = register(db, 4)
    listing = add_listing(db, "mirror", [ALTERATIONS["mirror"](textured_scene(4))])
    refresh_feature_index(db)
    index_path(db).write_bytes(b"not an index")
    feature_index._cache.clear()
    assert [m.item_id for m in find_feature_matches(db, listing)] == [item]
    assert FeatureIndex.load(index_path(db)) is not None


def test_missing_registered_photo_file_is_recorded_not_fatal(db):
    register(db, 5)
    path = db.execute("select path from photos").fetchone()[0]
    (data_dir(db) / path).unlink()
    report = refresh_feature_index(db)
    assert report["photos"] == 1 and report["descriptors"] == 0
    error = db.execute("select error from photo_features").fetchone()[0]
    assert "cannot read the file" in error


def test_inverted_file_index_finds_the_same_copies(db, monkeypatch):
    items = {seed: register(db, seed) for seed in range(4)}
    monkeypatch.setattr(feature_index, "IVF_MIN_VECTORS", 500)
    monkeypatch.setattr(feature_index, "NPROBE", 64)
    report = refresh_feature_index(db)
    assert report["kind"] == "ivf" and report["rebuilt"]
    assert refresh_feature_index(db)["rebuilt"] is False
    listing = add_listing(db, "ivf", [ALTERATIONS["border, mirror, watermark"](textured_scene(2)),
                                      ALTERATIONS["crop 10% each side"](textured_scene(0))])
    assert {m.item_id for m in find_feature_matches(db, listing)} == {items[2], items[0]}
    mark_recovered(db, items[2])
    assert refresh_feature_index(db)["removed"] == 1
    assert {m.item_id for m in find_feature_matches(db, listing)} == {items[0]}


def test_removing_a_photo_removes_all_its_descriptors():
    index = FeatureIndex()
    rng = np.random.default_rng(1)
    index.add(5, rng.integers(0, 256, (500, 32), dtype=np.uint8))
    kept = rng.integers(0, 256, (300, 32), dtype=np.uint8)
    index.add(6, kept)
    assert index.vectors == 2 * INDEXED_KEYPOINTS
    index.remove([5])
    assert index.vectors == INDEXED_KEYPOINTS and index.members == {6}
    distances, photos = index.search(kept[:10])
    assert (photos[:, 0] == 6).all() and (distances[:, 0] == 0).all()


@pytest.mark.parametrize("count", [0, 1])
def test_empty_and_tiny_queries(count):
    index = FeatureIndex()
    distances, photos = index.search(np.zeros((count, 32), dtype=np.uint8))
    assert photos.shape == (count, 2) and (photos == -1).all()
