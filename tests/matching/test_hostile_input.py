"""Awkward and hostile listings: the matcher neither crashes nor invents matches."""

import json

from matching.identifiers.candidates import listing_candidates
from matching.pipeline import match_listings
from registry.items.registration import register_item
from registry.items.validation import validate_item
from registry.listings.store import clean_listing, save_listing_photo, upsert_listing


def add_item(db, record):
    item, errors = validate_item(record)
    assert not errors, errors
    return register_item(db, item).item_id


def add_listing(db, n, title, description, **extra):
    row = clean_listing({"source": "hostile", "url": f"https://example.org/{n}", "title": title,
                         "description": description, "posted_at": "2026-11-20T10:00:00Z", **extra})
    return upsert_listing(db, row, now="2026-11-20T10:00:00Z").listing_id


STOLEN = {"owner": {"name": "A Farmer"}, "category": "tractor", "make": "John Deere", "model": "6120M",
          "identifiers": [{"kind": "serial", "value": "JD5123456789"}],
          "theft": {"stolen_at": "2026-11-01", "crime_ref": "CR1"}}


def test_empty_registry_matches_nothing_and_marks_listings(db):
    add_listing(db, 1, "John Deere 6120M", "serial JD5123456789")
    report = match_listings(db)
    assert report.listings == 1 and not report.matches_new
    assert db.execute("select count(*) from listings where matched_at is null").fetchone()[0] == 0


def test_advert_numbers_do_not_match_serials_ending_the_same_way(db):
    add_item(db, {**STOLEN, "identifiers": [{"kind": "serial", "value": "AB07700900123"}]})
    add_item(db, {**STOLEN, "model": "X1", "theft": None, "identifiers": [{"kind": "serial", "value": "CD125000"}]})
    add_listing(db, 1, "Lawn mower", "Call 07700 900123 or +44 7700 900123. £125,000 ono. SP11 0AA. 12/10/2026.")
    match_listings(db)
    assert db.execute("select count(*) from matches").fetchone()[0] == 0


def test_a_trailing_part_in_an_unrelated_advert_is_not_shown(db):
    add_item(db, STOLEN)
    add_listing(db, 1, "Horse rug 6ft", "barely used, ref 123456789")
    match_listings(db)
    assert db.execute("select count(*) from matches").fetchone()[0] == 0


def test_description_alone_is_possible_and_only_after_the_theft(db):
    add_item(db, STOLEN)
    add_listing(db, 1, "John Deere 6120M tractor", "loader, good tyres")
    add_listing(db, 2, "John Deere 6120M tractor", "loader, good tyres", posted_at="2026-10-01T10:00:00Z")
    match_listings(db)
    rows = db.execute("select l.url, m.band, m.reasons from matches m join listings l on l.id = m.listing_id").fetchall()
    assert [(url, band) for url, band, _ in rows] == [("https://example.org/1", "possible")]
    assert {r["kind"] for r in json.loads(rows[0][2])} <= {"description", "listed_after_theft", "distance"}


def test_huge_and_strange_text_is_handled(db):
    add_item(db, STOLEN)
    noise = " ".join(["\u202e\u200bЈD5123456789\ufeff", "🚜" * 50, "9" * 500, "A-" * 2000, "x" * 5000])
    add_listing(db, 1, "\x00\x07" + "T" * 400, noise,
                identifiers=[{"kind": "serial", "value": "🚜"}, {"kind": "vin", "value": "n/a"}, "junk", {"v": 1}])
    report = match_listings(db)
    assert report.listings == 1
    bands = [r[0] for r in db.execute("select band from matches").fetchall()]
    assert bands == ["strong"]  # the Cyrillic J and hidden characters are folded away


def test_broken_photos_and_no_photos_are_skipped(db):
    add_item(db, STOLEN)
    lid = add_listing(db, 1, "John Deere 6120M", "serial JD5123456789")
    save_listing_photo(db, lid, 1, "https://example.org/p.jpg", b"not an image")
    save_listing_photo(db, lid, 2, "https://example.org/q.jpg", None, error="download failed")
    assert match_listings(db).listings == 1
    assert db.execute("select band from matches").fetchone()[0] == "strong"


def test_structured_identifiers_that_are_not_json_are_ignored():
    assert listing_candidates("t", "d", "{not json") == []
    assert listing_candidates(None, None, None) == []
