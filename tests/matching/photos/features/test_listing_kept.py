"""A listing photo's features are extracted once a night: what stage two extracts, seller networks read."""

from __future__ import annotations

import numpy as np

from matching.evaluation.feature_evalset import ALTERATIONS, textured_scene
from matching.networks.crops import load_features
from matching.photos.features.extract import decode_for_features, extract_features
from matching.photos.features.index import refresh_feature_index
from matching.photos.features.listing import KEPT_KEYPOINTS, kept_photo_ids
from matching.photos.features.match import find_feature_matches
from registry.db import connect, data_dir
from tests.matching.photos.features.test_features import add_listing, register


def _photos(db, lid):
    return db.execute("select id, path from listing_photos where listing_id = ? order by position", [lid]).fetchall()


def test_stage_two_keeps_what_networks_would_extract_and_networks_do_not_read_the_file_again(tmp_path):
    db = connect(tmp_path / "data" / "farmwatch.db")
    stolen = register(db, 3)
    refresh_feature_index(db)
    copy = dict(ALTERATIONS)["crop 10% each side"](textured_scene(3))
    lid = add_listing(db, "kept", [copy, textured_scene(77)])
    photos = _photos(db, lid)
    from_scratch = {pid: extract_features(decode_for_features(data_dir(db) / path)) for pid, path in photos}

    assert [m.item_id for m in find_feature_matches(db, lid)][:1] == [stolen]
    assert kept_photo_ids(db, [pid for pid, _ in photos]) == {pid for pid, _ in photos}

    for _, path in photos:  # networks must now take them from the table, not the files
        (data_dir(db) / path).unlink()
    kept = load_features(db, [pid for pid, _ in photos])
    assert set(kept) == {pid for pid, _ in photos}
    for pid, features in kept.items():
        full = from_scratch[pid]
        assert features.count == min(KEPT_KEYPOINTS, full.count)
        assert np.array_equal(features.descriptors, full.descriptors[:KEPT_KEYPOINTS])
        assert np.allclose(features.points, full.points[:KEPT_KEYPOINTS], atol=1 / 8)
        assert (features.width, features.height) == (full.width, full.height)
    db.close()


def test_an_unreadable_listing_photo_is_kept_as_unreadable_and_not_tried_again(tmp_path):
    db = connect(tmp_path / "data" / "farmwatch.db")
    lid = add_listing(db, "gone", [textured_scene(5)])
    (pid, path), = _photos(db, lid)
    (data_dir(db) / path).write_bytes(b"not a photo any more")
    assert load_features(db, [pid]) == {}
    assert kept_photo_ids(db, [pid]) == {pid}
    (data_dir(db) / path).unlink()  # a second reading would find no file: nothing is tried again
    assert load_features(db, [pid]) == {}
    db.close()
