"""The night benchmark's register and night (bench.night_data): built once and reused, the shape the
benchmark's figures rest on, and a night whose match takes the night's listings only (not the history)."""

from __future__ import annotations

import json
import shutil

from bench.night_data import add_night, cache_key, cached_register
from matching.pipeline import pending_listing_ids
from registry.db import connect

SIZES = {"items": 200, "real_stolen": 2, "sellers": 60, "history": 300, "night": 90, "stage_two": 1, "photos": 2,
         "large": 1, "ab_runs": 1}


def test_register_is_built_once_then_taken_from_the_cache_and_the_night_is_matched_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_CACHE", str(tmp_path / "cache"))
    older, other_size = tmp_path / "cache" / "night-older", tmp_path / "cache" / "night-other"
    for stale, sizes in ((older, SIZES), (other_size, {**SIZES, "items": 5})):
        stale.mkdir(parents=True)
        (stale / "done").write_text(json.dumps(sizes))
    folder, built = cached_register(SIZES, log=lambda *_: None)
    assert built is not None
    assert not older.exists() and other_size.exists()  # an older build of these sizes goes, another size stays
    again, built_again = cached_register(SIZES, log=lambda *_: None)
    assert (again, built_again) == (folder, None)
    assert cache_key(SIZES) != cache_key({**SIZES, "items": 201})

    shutil.copytree(folder / "data", tmp_path / "data")
    db = connect(tmp_path / "data" / "farmwatch.db")
    assert db.execute("select count(*) from identifiers").fetchone()[0] == 2 * SIZES["items"]
    stolen_photos = db.execute("select count(*) from photos p join items i on i.id = p.item_id "
                               "where i.status = 'stolen'").fetchone()[0]
    featured = db.execute("select count(*) from photo_features").fetchone()[0]
    assert stolen_photos == featured > 0  # every stolen photo reaches stage two's index
    assert db.execute("select count(distinct category) from items where status = 'stolen'").fetchone()[0] == 6
    assert db.execute("select count(*) from listings").fetchone()[0] == SIZES["history"]
    assert pending_listing_ids(db, rematch_all=False) == []  # the history is matched

    assert add_night(db, SIZES) == SIZES["night"]
    pending = pending_listing_ids(db, rematch_all=False)
    assert len(pending) == SIZES["night"]
    per_listing = db.execute(
        "select count(*), min(phash_mirror is not null) from listing_photos where listing_id in "
        "(select id from listings where matched_at is null) group by listing_id").fetchall()
    assert per_listing and all(row == (3, 1) for row in per_listing)
    db.close()
