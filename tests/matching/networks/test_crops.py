"""The crop search's saved index: a night reads only its own photos and their candidates, the window of
listings searched, and a night's links equal those of a search built from nothing."""

from __future__ import annotations

from dataclasses import astuple

import pytest

from matching.networks import crop_index, crops
from matching.networks.crop_index import WINDOW_DAYS, CropIndex, forget_crop_index, index_stem, searched_photos
from matching.networks.identities import assign_sellers
from matching.networks.update import update_networks
from registry.db import connect
from synthetic.photos import photo_bytes
from tests.matching.networks.conftest import network_of
from tests.matching.networks.test_link_kinds import reposted


def _photo_ids(db, listing_id: str) -> set[int]:
    return {r[0] for r in db.execute("select id from listing_photos where listing_id = ?", [listing_id])}


@pytest.fixture
def history(db, add_listing):
    """A first night: one seller's photo that will be re-posted cropped, and other sellers' own photos."""
    original = photo_bytes(4242, (640, 480))
    first = add_listing("site-a", {"name": "seller_one_x"}, photos=[original])
    others = [add_listing("site-a", {"name": f"private_seller_{n}"}, photos=[photo_bytes(5000 + n, (640, 480))])
              for n in range(6)]
    report = update_networks(db)
    assert report.crop_index["added"] == 7 and report.crop_index["kept"] == 0
    return original, first, others


def test_a_night_finds_a_crop_of_an_older_photo_reading_only_its_own_and_the_candidates(db, add_listing, history,
                                                                                        monkeypatch):
    original, first, others = history
    stem = index_stem(db)
    assert all(stem.with_suffix(s).exists() for s in (".faiss", ".npy", ".json"))
    read: list[int] = []
    real = crops.load_kept_features

    def spy(db_, photo_ids):
        read.extend(photo_ids)
        return real(db_, photo_ids)

    monkeypatch.setattr(crops, "load_kept_features", spy)
    second = add_listing("site-b", {"name": "seller_two_y"}, photos=[reposted(original, "cropped")])
    report = update_networks(db)
    assert network_of(db, first) == network_of(db, second)
    assert db.execute("select count(*) from seller_links where kind = 'photo'").fetchone()[0] == 1
    assert report.crop_index == {"kept": 7, "added": 1, "removed": 0, "vectors": report.crop_index["vectors"],
                                 "kind": "flat"}
    # the history's features are not read: only the night's photo and the older photos its vote shortlisted
    tonight = _photo_ids(db, second)
    query = crops.load_features(db, sorted(tonight))
    shortlisted = {other for pid in tonight for other, _, _ in crops.shortlist(CropIndex.load(db).searchable(), query[pid],
                                                                               None)}
    assert _photo_ids(db, first) <= shortlisted
    assert set(read) == tonight | shortlisted
    assert len(shortlisted - tonight) < 7


def test_listings_seen_before_the_window_are_not_searched_but_the_nights_are(db, add_listing, history):
    original, first, others = history
    old = "2020-01-01T00:00:00Z"  # long before the newest sighting
    db.execute("update listings set last_seen_at = ? where id in (?, ?)", [old, first, others[0]])
    second = add_listing("site-b", {"name": "seller_two_y"}, photos=[reposted(original, "cropped")])
    report = update_networks(db)
    assert report.crop_index["removed"] == 2  # the two photos left the window
    assert network_of(db, first) != network_of(db, second)  # the first seller's photo is no longer searched
    ids, _, _, night = searched_photos(db, {second, others[0]})  # a night listing is searched whatever its age
    assert set(ids.tolist()) == set().union(*(_photo_ids(db, lid) for lid in [second, *others]))
    assert set(ids[night].tolist()) == _photo_ids(db, second) | _photo_ids(db, others[0])
    assert WINDOW_DAYS >= 30


def test_a_nights_crop_links_equal_a_search_built_from_nothing(db, add_listing):
    sources = [photo_bytes(6000 + n, (640, 480)) for n in range(4)]
    older = [add_listing("site-a", {"name": f"first_seller_{n}"}, photos=[p]) for n, p in enumerate(sources)]
    update_networks(db)
    add_listing("site-a", {"name": "middle_seller"}, photos=[photo_bytes(6100, (640, 480))])
    update_networks(db)
    night = {add_listing("site-b", {"name": f"second_seller_{n}"}, photos=[reposted(p, "cropped")])
             for n, p in enumerate(sources[:3])}
    night.add(add_listing("site-b", {"name": "unrelated_seller"}, photos=[photo_bytes(6200, (640, 480))]))
    assign_sellers(db, sorted(night), "2026-12-01T00:00:00Z")  # as the run does before it searches
    saved = CropIndex.load(db)
    assert saved is not None and len(saved.members) == 5
    incremental = crops.crop_links(db, night, report=(counts := {}))
    assert counts["kept"] == 5 and counts["added"] == 4
    forget_crop_index(db)
    fresh = crops.crop_links(db, night, report=(built := {}))
    assert built["kept"] == 0 and built["added"] == 9
    assert sorted(map(astuple, incremental)) == sorted(map(astuple, fresh))
    assert {link.listing_b for link in fresh} | {link.listing_a for link in fresh} >= set(older[:3])
    assert len(fresh) == 3


def test_past_its_size_for_an_exhaustive_search_the_index_becomes_an_inverted_file(db, add_listing, history,
                                                                                      monkeypatch):
    original, first, others = history
    monkeypatch.setattr(crop_index, "IVF_MIN_VECTORS", 1000)
    second = add_listing("site-b", {"name": "seller_two_y"}, photos=[reposted(original, "cropped")])
    report = update_networks(db)
    assert report.crop_index["kind"] == "ivf" and report.crop_index["kept"] == 7
    assert network_of(db, first) == network_of(db, second)
    saved = CropIndex.load(db)
    assert saved.kind == "ivf" and saved.vectors == report.crop_index["vectors"] and len(saved.members) == 8
    third = add_listing("site-c", {"name": "seller_three_z"}, photos=[reposted(original, "brightened")])
    report = update_networks(db)  # added to the cells chosen the night before
    assert report.crop_index == {"kept": 8, "added": 1, "removed": 0, "vectors": saved.vectors + 200, "kind": "ivf"}
    assert network_of(db, third) == network_of(db, first)


def test_a_saved_photo_whose_fingerprint_changed_is_read_again_and_databases_keep_their_own(db, add_listing, history,
                                                                                            tmp_path):
    original, first, others = history
    photo = min(_photo_ids(db, others[0]))
    db.execute("update listing_photos set sha256 = ? where id = ?", ["0" * 64, photo])  # another photo under that id
    second = add_listing("site-b", {"name": "seller_two_y"}, photos=[reposted(original, "cropped")])
    report = update_networks(db)
    assert report.crop_index["removed"] == 1 and report.crop_index["added"] == 2 and report.crop_index["kept"] == 6
    assert network_of(db, first) == network_of(db, second)
    other = connect(tmp_path / "data" / "other.db")
    assert index_stem(other) != index_stem(db) and index_stem(other).parent == index_stem(db).parent
    assert CropIndex.load(other) is None
    other.close()
