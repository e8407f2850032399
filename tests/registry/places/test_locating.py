"""Thefts are filed under the force where they happened; listings are placed before matching."""

from registry.items.registration import register_item, report_stolen
from registry.items.validation import validate_item
from registry.listings.store import clean_listing, upsert_listing
from registry.places.locating import OWNER_FALLBACK, locate_pending


def _item(db, postcode="SP11 0AA", theft=None):
    raw = {"owner": {"name": "A Farmer", "email": "a@example.org", "postcode": postcode},
           "category": "quad", "make": "Honda", "identifiers": [{"kind": "frame", "value": "JH2TE123456"}]}
    if theft:
        raw["theft"] = theft
    item, errors = validate_item(raw)
    assert not errors
    return register_item(db, item).item_id


def test_a_theft_reported_away_from_home_is_filed_where_it_happened(db):
    item_id = _item(db)  # the owner lives in Hampshire
    report_stolen(db, item_id, stolen_at="2026-11-01", crime_ref="12/3456/26", place="Skipton, North Yorkshire")
    theft = db.execute("select force_area, place_precision, latitude, longitude, place_note from thefts").fetchone()
    assert theft[:2] == ("North Yorkshire", "town")
    assert 53.9 < theft[2] < 54.0 and theft[4] is None
    assert db.execute("select force_area from owners").fetchone()[0] == "Hampshire"


def test_an_imported_theft_is_placed_by_its_postcode(db):
    _item(db, theft={"stolen_at": "2026-11-02", "crime_ref": "X1", "place": "Cross Farm, BD23 1AB"})
    assert db.execute("select force_area, place_precision from thefts").fetchone() == ("North Yorkshire", "postcode")


def test_an_unknown_place_falls_back_to_the_owner_and_says_so(db):
    item_id = _item(db)
    report_stolen(db, item_id, stolen_at="2026-11-01", crime_ref="R1", place="the top field")
    force, precision, note = db.execute("select force_area, place_precision, place_note from thefts").fetchone()
    assert force == "Hampshire" and precision is None
    assert "was not found" in note and OWNER_FALLBACK in note


def test_listings_are_placed_in_a_batch_and_again_when_they_change(db):
    upsert_listing(db, clean_listing({"source": "s", "url": "https://x.example/1", "location": "Tregaron"}))
    upsert_listing(db, clean_listing({"source": "s", "url": "https://x.example/2", "location": "Somewhere"}))
    upsert_listing(db, clean_listing({"source": "s", "url": "https://x.example/3"}))
    assert locate_pending(db) == {"listings": 3, "thefts": 0, "unresolved": 2}
    rows = dict(db.execute("select url, force_area from listings").fetchall())
    assert rows == {"https://x.example/1": "Dyfed-Powys", "https://x.example/2": None, "https://x.example/3": None}
    assert locate_pending(db)["listings"] == 0
    upsert_listing(db, clean_listing({"source": "s", "url": "https://x.example/2", "location": "Hexham NE46"}))
    assert locate_pending(db)["listings"] == 1
    assert db.execute("select force_area, place_precision from listings where url like '%/2'").fetchone() == (
        "Northumbria", "district")


def test_existing_thefts_are_placed_by_init(db):
    item_id = _item(db)
    report_stolen(db, item_id, stolen_at="2026-11-01", crime_ref="R1", place="Skipton")
    db.execute("update thefts set force_area = 'Hampshire', place_precision = null, place_note = null")
    assert locate_pending(db)["thefts"] == 1
    assert db.execute("select force_area from thefts").fetchone()[0] == "North Yorkshire"
