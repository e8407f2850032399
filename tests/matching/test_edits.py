"""A seller's edit after a match (serial removed, photo replaced, price cut, the whole advert
rewritten), through `listings import` and `farmwatch match`: the match keeps its band and stays
pinned to the version it saw; evidence removed flags it for review; new evidence may raise it."""

import json

import pytest

from datasette_config.officer.decisions import record_decision
from matching.pipeline import match_listings
from matching.store import match_id
from registry.listings.store import listing_id
from synthetic.photos import encode, photo_bytes, scene
from tests.matching.test_pipeline import ad, item_id, load_listings, registry  # noqa: F401  (fixture)

LID = listing_id("test-market", "https://example.org/ad/1")


def version_ids(db):
    return [r[0] for r in db.execute("select id from listing_versions where listing_id = ? order by number", [LID])]


def the_match(db):
    mid = match_id(item_id(db, "1106120MCKK123456"), LID)
    rows = list(db.query("select * from matches where id = ?", [mid]))
    return rows[0] if rows else None


def photos(tmp_path):
    (tmp_path / "copy.jpg").write_bytes(photo_bytes(11))  # a copy of the stolen tractor's registered photo
    (tmp_path / "other.jpg").write_bytes(photo_bytes(45))
    (tmp_path / "recopy.jpg").write_bytes(encode(scene(11).resize((640, 480)), "JPEG", 70))  # re-posted smaller


SERIAL = ad(1, "John Deere 6120M 2019", "engine PE4045R123456, one owner", price=9500)
PHOTO = ad(1, "Tractor for sale", "good tractor, see photos", ["copy.jpg"], price=9500)
EDITS = {
    "serial removed": (SERIAL, {**SERIAL, "description": "one owner, ask for details"},
                       [("identifier", "PE4045R123456")]),
    "photo replaced": (PHOTO, {**PHOTO, "photos": ["other.jpg"]}, [("photo", None)]),
    "price cut": (SERIAL, {**SERIAL, "price": 6000}, []),
    "photo re-posted as another copy": (PHOTO, {**PHOTO, "photos": ["recopy.jpg"]}, []),
    "advert rewritten": (SERIAL, ad(1, "Lawn mower", "petrol mower, £150", price=150),
                         [("identifier", "PE4045R123456")]),
}


@pytest.mark.parametrize("confirmed", [False, True], ids=["unreviewed", "confirmed"])
@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_does_not_unmake_a_match(registry, tmp_path, edit, confirmed):  # noqa: F811
    db = registry
    photos(tmp_path)
    first, second, removed = EDITS[edit]
    load_listings(db, tmp_path, [first], "v1.jsonl")
    match_listings(db)
    before = the_match(db)
    assert before["band"] == "strong"
    if confirmed:
        with db.conn:
            record_decision(db.conn, before["id"], "confirm", "seized", "officer1")
    load_listings(db, tmp_path, [second], "v2.jsonl", backdate=False)
    report = match_listings(db)
    after = the_match(db)
    v1, v2 = version_ids(db)
    assert after["band"] == "strong" and after["score"] == before["score"]
    assert after["reasons"] == before["reasons"]
    assert after["listing_version_id"] == v1  # pinned to what it saw
    assert after["status"] == ("confirmed" if confirmed else "new")
    edits = json.loads(after["evidence_edits"])
    assert [(e["kind"], e["value"] if e["kind"] == "identifier" else None) for e in edits] == removed
    assert (after["evidence_edited_at"] is not None) == bool(removed)
    assert report.edited == (1 if removed else 0)
    if removed:
        assert all(e["version"] == 2 for e in edits)
        assert edits[0]["detail"].endswith("removed")
    # the same edit seen again is not flagged twice
    db.execute("update listings set matched_at = null")
    assert match_listings(db).edited == 0
    assert the_match(db)["band"] == "strong"


def test_new_evidence_in_a_later_version_raises_the_band(registry, tmp_path):  # noqa: F811
    db = registry
    load_listings(db, tmp_path, [ad(1, "John Deere 6120M 2019 tractor", "green, front loader")], "v1.jsonl")
    match_listings(db)
    before = the_match(db)
    assert before is not None and before["band"] != "strong"
    load_listings(db, tmp_path, [ad(1, "John Deere 6120M 2019 tractor", "green, pin 1L06120MCKK123456")],
                  "v2.jsonl", backdate=False)
    match_listings(db)
    after = the_match(db)
    v1, v2 = version_ids(db)
    assert after["band"] == "strong" and after["listing_version_id"] == v2
    pins = [r[0] for r in db.execute("select listing_version_id from match_pins where match_id = ? order by id",
                                     [after["id"]])]
    assert pins == [v1, v2]  # the earlier pin is kept
    assert after["evidence_edited_at"] is None


def test_a_new_picture_at_the_old_address_is_a_replaced_photo(registry, tmp_path):  # noqa: F811
    db = registry
    photos(tmp_path)
    load_listings(db, tmp_path, [PHOTO], "v1.jsonl")
    match_listings(db)
    ids_before = [r[0] for r in db.execute("select id from listing_photos")]
    load_listings(db, tmp_path, [PHOTO], "again.jsonl", backdate=False)  # unchanged: the photo keeps its id
    assert [r[0] for r in db.execute("select id from listing_photos")] == ids_before
    (tmp_path / "copy.jpg").write_bytes(photo_bytes(45))  # the seller swaps the picture, same address
    load_listings(db, tmp_path, [{**PHOTO, "price": 8000}], "v2.jsonl", backdate=False)
    match_listings(db)
    (first, second) = [[p[0] for p in db.execute("select sha256 from listing_version_photos where version_id = ?", [v])]
                       for v in version_ids(db)]
    assert first != second and len(second) == 1
    after = the_match(db)
    assert after["band"] == "strong" and after["listing_version_id"] == version_ids(db)[0]
    assert [e["kind"] for e in json.loads(after["evidence_edits"])] == ["photo"]
