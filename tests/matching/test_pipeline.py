"""`farmwatch match` end to end on a real database: queues, bands, re-runs and reviews."""

import json

import pytest
from PIL import ImageOps

from farmwatch.cli import main as farmwatch
from matching.pipeline import match_listings
from matching.store import match_id
from registry.imports.files import import_items, import_listings
from registry.listings.store import listing_id
from synthetic.photos import encode, photo_bytes, scene

STOLEN = {"owner": {"name": "A Farmer", "email": "a@example.org"}, "category": "tractor", "make": "John Deere",
          "model": "6120M", "year": 2019, "colour": "green",
          "identifiers": [{"kind": "pin", "value": "1L06120MCKK123456"}, {"kind": "engine", "value": "PE4045R123456"}],
          "photos": ["photos/stolen.jpg"],
          "theft": {"stolen_at": "2026-11-01", "crime_ref": "44260123456", "place": "Faccombe"}}
NEIGHBOUR = {"owner": {"name": "C Farmer", "email": "c@example.org"}, "category": "tractor", "make": "John Deere",
             "model": "6120M", "identifiers": [{"kind": "pin", "value": "1L06120MCKK123457"}]}
OWNED = {"owner": {"name": "B Farmer", "email": "b@example.org"}, "category": "quad", "make": "Honda",
         "model": "TRX420", "identifiers": [{"kind": "frame", "value": "478TE2404M0123456"}], "photos": ["photos/quad.jpg"]}


def ad(n, title, description, photos=(), **extra):
    return {"source": "test-market", "url": f"https://example.org/ad/{n}", "title": title, "description": description,
            "posted_at": "2026-11-20T10:00:00Z", "photos": list(photos), **extra}


@pytest.fixture
def registry(db, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "stolen.jpg").write_bytes(photo_bytes(11))
    (tmp_path / "photos" / "quad.jpg").write_bytes(photo_bytes(12))
    (tmp_path / "items.jsonl").write_text("\n".join(json.dumps(r) for r in (STOLEN, NEIGHBOUR, OWNED)))
    report = import_items(db, tmp_path / "items.jsonl")
    assert report.loaded == 3 and not report.errors
    return db


def load_listings(db, tmp_path, listings, name="listings.jsonl", backdate=True):
    (tmp_path / name).write_text("\n".join(json.dumps(r) for r in listings))
    report = import_listings(db, tmp_path / name)
    assert not report.errors
    if backdate:  # as if crawled earlier: a match run in the same second would otherwise match again
        db.execute("update listings set changed_at = '2026-11-20T12:00:00Z'")


def item_id(db, key):
    return db.execute("select item_id from identifiers where normalised_value = ?", [key]).fetchone()[0]


def matches(db):
    return {(r["listing_id"], r["item_id"]): r for r in db.query("select * from matches")}


@pytest.mark.parametrize("batch_size, workers", [(1000, 1), (2, 2)], ids=["one process", "two workers"])
def test_bands_and_queues(registry, tmp_path, batch_size, workers):
    db = registry
    (tmp_path / "mirrored.jpg").write_bytes(encode(ImageOps.mirror(scene(11)), "JPEG", 70))
    load_listings(db, tmp_path, [
        ad(1, "John Deere 6120M 2019", "pin 1L0 6120M CKK 123456, call 07700 900123"),
        ad(2, "Tractor for sale", "good tractor, see photos", ["mirrored.jpg"]),
        ad(3, "JD 6120M", "engine number PE4045R123457, nice tractor"),
        ad(4, "Honda TRX420 quad", "frame 478TE2404M0123456"),
        ad(5, "JD 6120M 2018", "pin 1L06120MCKK123457, one owner"),
        ad(6, "Lawn mower", "petrol mower 2019, £150"),
    ])
    report = match_listings(db, batch_size=batch_size, workers=workers)
    assert report.listings == 6
    got = matches(db)
    stolen_item, owned_item = item_id(db, "1106120MCKK123456"), item_id(db, "478TE2404M0123456")

    def band(n, item):
        row = got.get((listing_id("test-market", f"https://example.org/ad/{n}"), item))
        return row and (row["queue"], row["band"])

    assert band(1, stolen_item) == ("stolen", "strong")
    assert band(2, stolen_item) == ("stolen", "strong")
    assert band(3, stolen_item)[1] != "strong"  # one digit off: maybe the next engine off the line
    assert band(4, owned_item)[0] == "owner_check"
    assert band(5, stolen_item) is None  # the neighbour's own PIN, exactly: not the stolen tractor
    assert band(5, item_id(db, "1106120MCKK123457"))[0] == "owner_check"
    assert not any(row["listing_id"] == listing_id("test-market", "https://example.org/ad/6") for row in got.values())
    photo_reason = json.loads(got[(listing_id("test-market", "https://example.org/ad/2"), stolen_item)]["reasons"])[0]
    assert photo_reason["kind"] == "photo" and photo_reason["mirrored"] is True
    assert {"photo_id", "listing_photo_id", "distance", "hash"} <= photo_reason.keys()
    id_reason = json.loads(got[(listing_id("test-market", "https://example.org/ad/1"), stolen_item)]["reasons"])[0]
    assert id_reason["match"] == "exact" and id_reason["listed"] == "1L0 6120M CKK 123456"
    assert id_reason["registered"] == "1L06120MCKK123456" and id_reason["identifier_kind"] == "pin"
    assert "spaces" in id_reason["detail"]
    row = got[(listing_id("test-market", "https://example.org/ad/1"), stolen_item)]
    assert row["id"] == match_id(stolen_item, row["listing_id"]) and row["theft_id"] is not None


def test_rerun_updates_in_place_and_keeps_reviews(registry, tmp_path):
    db = registry
    load_listings(db, tmp_path, [ad(1, "JD 6120M", "engine PE4045R12345G")])
    first = match_listings(db)
    assert first.listings == 1 and sum(first.matches_new.values()) == 1
    assert match_listings(db).listings == 0  # nothing changed since
    (mid, band), = db.execute("select id, band from matches").fetchall()
    db.execute("update matches set status = 'dismissed', reviewed_by = 'pc1', reviewed_at = '2026-11-21T09:00:00Z', "
               "note = 'different machine' where id = ?", [mid])
    # the seller corrects the engine number: the evidence gets stronger, the review stays
    load_listings(db, tmp_path, [ad(1, "JD 6120M", "engine PE4045R123456")], name="again.jsonl", backdate=False)
    second = match_listings(db)
    assert second.listings == 1 and sum(second.matches_new.values()) == 0
    row = db.execute("select * from matches").fetchall()
    assert len(row) == 1
    row = db["matches"].get(mid)
    assert (row["status"], row["reviewed_by"], row["note"]) == ("dismissed", "pc1", "different machine")
    assert row["band"] == "strong"
    third = match_listings(db, rematch_all=True)
    assert third.listings == 1 and db.execute("select count(*) from matches").fetchone()[0] == 1
    assert db["matches"].get(mid)["status"] == "dismissed"


def test_matched_at_marks_listings_done(registry, tmp_path):
    db = registry
    load_listings(db, tmp_path, [ad(1, "anything", "nothing to see")])
    match_listings(db)
    assert db.execute("select count(*) from listings where matched_at is null").fetchone()[0] == 0


def test_command_prints_counts_and_exits_zero(registry, tmp_path, capsys):
    load_listings(registry, tmp_path, [ad(1, "JD", "pin 1L06120MCKK123456")])
    path = registry.execute("PRAGMA database_list").fetchone()[2]
    assert farmwatch(["--db", path, "match"]) == 0
    out = capsys.readouterr().out
    assert "1 listings matched" in out and "1 strong" in out and "1 stolen queue" in out
    assert farmwatch(["--db", path, "match", "--all", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["listings"] == 1 and counts["unchanged"] == 1


def test_owner_not_me_keeps_the_match_in_the_stolen_queue(registry, tmp_path):
    db = registry
    load_listings(db, tmp_path, [ad(1, "Honda TRX420 quad", "frame 478TE2404M0123456")])
    match_listings(db)
    (mid, queue), = db.execute("select id, queue from matches").fetchall()
    assert queue == "owner_check"
    db.execute("insert into reviews (match_id, decision, actor, created_at) values (?, 'owner_not_me', 'b', 'now')",
               [mid])
    db.execute("update matches set queue = 'stolen' where id = ?", [mid])
    again = match_listings(db, rematch_all=True)
    assert db["matches"].get(mid)["queue"] == "stolen"
    assert again.unchanged == 1 and not again.matches_updated


def test_a_theft_reported_later_moves_the_match_to_the_stolen_queue(registry, tmp_path):
    from registry.items.registration import mark_recovered, report_stolen

    db = registry
    load_listings(db, tmp_path, [ad(1, "Honda TRX420 quad", "frame 478TE2404M0123456")])
    match_listings(db)
    owned_item = item_id(db, "478TE2404M0123456")
    assert db.execute("select queue, band from matches").fetchone() == ("owner_check", "likely")
    report_stolen(db, owned_item, stolen_at="2026-11-10", crime_ref="CR99")
    moved = match_listings(db)
    assert moved.listings == 1
    assert db.execute("select queue, band from matches").fetchone() == ("stolen", "strong")
    assert match_listings(db).listings == 0
    mark_recovered(db, owned_item)
    assert match_listings(db).listings == 1
    assert db.execute("select queue, theft_id from matches").fetchone() == ("owner_check", None)


def test_a_picture_in_many_sellers_adverts_is_a_stock_photo_not_strong(registry, tmp_path):
    db = registry
    (tmp_path / "brochure.jpg").write_bytes(encode(scene(11), "JPEG", 80))
    load_listings(db, tmp_path, [ad(n, "JD 6120M", "ex-demo", ["brochure.jpg"], seller={"name": f"dealer {n}"})
                                 for n in range(1, 8)])
    match_listings(db)
    rows = db.execute("select band, reasons from matches").fetchall()
    assert len(rows) == 7 and not any(band == "strong" for band, _ in rows)
    assert all("stock" in json.loads(reasons)[0]["detail"] for _, reasons in rows)


def test_a_theft_registered_after_the_listing_was_matched_is_found_next_run(db, tmp_path):
    from registry.items.registration import register_item
    from registry.items.validation import validate_item

    load_listings(db, tmp_path, [ad(1, "John Deere 6120M", "pin 1L06120MCKK123456"),
                                 ad(2, "Old plough", "pin 1L06120MCKK123456", posted_at="2026-10-01T00:00:00Z")])
    assert match_listings(db).listings == 2 and not db.execute("select count(*) from matches").fetchone()[0]
    db.execute("update listings set matched_at = '2026-11-20T13:00:00.000000Z'")  # as if matched last night
    item, errors = validate_item({**STOLEN, "photos": []})
    register_item(db, item)  # registered and reported stolen (2026-11-01) only now
    again = match_listings(db)
    assert again.listings == 1  # the listing that appeared after the theft; not the older one
    assert db.execute("select queue, band from matches").fetchone() == ("stolen", "strong")
    assert match_listings(db).listings == 0


def test_places_give_a_distance_reason_and_the_listing_its_force(registry, tmp_path):
    db = registry
    db.execute("update thefts set place = 'Skipton, North Yorkshire', place_precision = null, place_note = null")
    load_listings(db, tmp_path, [ad(7, "John Deere 6120M", "pin 1L06120MCKK123456", location="Kendal LA9"),
                                 ad(8, "John Deere 6120M", "engine PE4045R123456", location="Nowhere-on-Sea")])
    report = match_listings(db)
    assert report.placed == {"listings": 2, "thefts": 1, "unresolved": 1}
    assert db.execute("select force_area from thefts").fetchone()[0] == "North Yorkshire"
    near = matches(db)[(listing_id("test-market", "https://example.org/ad/7"), item_id(db, "1106120MCKK123456"))]
    distance = next(r for r in json.loads(near["reasons"]) if r["kind"] == "distance")
    assert 50 < distance["km"] < 75 and distance["weight"] > 0 and "Skipton" in distance["detail"]
    assert db.execute("select force_area from listings where url like '%/7'").fetchone()[0] == "Cumbria"
    unknown = matches(db)[(listing_id("test-market", "https://example.org/ad/8"), item_id(db, "1106120MCKK123456"))]
    assert "distance" not in {r["kind"] for r in json.loads(unknown["reasons"])}
