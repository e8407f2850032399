"""Listing versions: each changed import keeps a new version beside the earlier ones, with its photos
and snapshot; nothing a version holds is deleted or rewritten; changes are described in words."""

import gzip
import hashlib
import json
import sqlite3

import pytest

from registry.imports.files import import_listings
from registry.listings.store import listing_id, save_snapshot
from registry.listings.version_changes import describe_changes, money
from registry.listings.versions import listing_versions
from synthetic.photos import photo_bytes

URL = "https://example.org/ad/1"
LID = listing_id("test-market", URL)


def load(db, tmp_path, record, name):
    (tmp_path / name).write_text(json.dumps({"source": "test-market", "url": URL, **record}))
    report = import_listings(db, tmp_path / name)
    assert not report.errors, report.errors


@pytest.fixture
def edited(db, tmp_path):
    for n in (1, 2, 3):
        (tmp_path / f"p{n}.jpg").write_bytes(photo_bytes(20 + n))
    load(db, tmp_path, {"title": "Stihl MS 261 chainsaw", "description": "serial 178 123 456, little used",
                        "price": 950, "photos": ["p1.jpg", "p2.jpg"],
                        "identifiers": [{"kind": "serial", "value": "178123456"}]}, "v1.jsonl")
    save_snapshot(db, LID, b"<html>version one serial 178123456</html>")
    load(db, tmp_path, {"title": "Stihl MS 261 chainsaw", "description": "serial 178 123 456, little used",
                        "price": 950, "photos": ["p1.jpg", "p2.jpg"],
                        "identifiers": [{"kind": "serial", "value": "178123456"}]}, "same.jsonl")
    load(db, tmp_path, {"title": "Chainsaw", "description": "little used", "price": 600, "photos": ["p3.jpg"]},
         "v2.jsonl")
    save_snapshot(db, LID, b"<html>version two</html>")
    return db


def test_a_changed_listing_keeps_each_version_with_its_photos_and_snapshot(edited):
    versions = listing_versions(edited, LID)
    assert [v["number"] for v in versions] == [1, 2]  # the unchanged import made no version
    first, second = versions
    assert first["fields"]["price"] == 950 and second["fields"]["price"] == 600
    assert first["via"] == "import" and first["last_seen_at"] >= first["seen_at"]
    assert len(first["photos"]) == 2 and all(p["sha256"] and p["path"] for p in first["photos"])
    assert len(second["photos"]) == 1 and second["photos"][0]["sha256"] not in {p["sha256"] for p in first["photos"]}
    assert first["snapshot_sha256"] == hashlib.sha256(b"<html>version one serial 178123456</html>").hexdigest()
    assert second["snapshot_sha256"] == hashlib.sha256(b"<html>version two</html>").hexdigest()
    # the current listing shows what is published now; the first version's files are still on disk
    current = edited.execute("select count(*) from listing_photos where listing_id = ?", [LID]).fetchone()[0]
    assert current == 1
    folder = edited.execute("PRAGMA database_list").fetchone()[2].rsplit("/", 1)[0]
    with open(f"{folder}/{first['snapshot_path']}", "rb") as handle:
        assert hashlib.sha256(gzip.decompress(handle.read())).hexdigest() == first["snapshot_sha256"]
    for photo in first["photos"]:
        with open(f"{folder}/{photo['path']}", "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == photo["sha256"]


def test_photo_ids_are_never_given_to_another_photo(edited):
    old_ids = {p["listing_photo_id"] for p in listing_versions(edited, LID)[0]["photos"]}
    new_ids = {r[0] for r in edited.execute("select id from listing_photos where listing_id = ?", [LID])}
    assert not old_ids & new_ids


@pytest.mark.parametrize("sql", [
    "delete from listing_versions",
    "update listing_versions set fields = '{}'",
    "update listing_versions set snapshot_sha256 = 'forged' where number = 1",
    "delete from listing_version_photos",
    "update listing_version_photos set sha256 = 'forged'",
])
def test_versions_cannot_be_deleted_or_rewritten(edited, sql):
    with pytest.raises(sqlite3.IntegrityError):
        edited.execute(sql)


def test_a_second_snapshot_does_not_replace_the_versions_first(edited):
    save_snapshot(edited, LID, b"<html>a later fetch of version two</html>")
    second = listing_versions(edited, LID)[1]
    assert second["snapshot_sha256"] == hashlib.sha256(b"<html>version two</html>").hexdigest()


BEFORE = {"title": "Stihl MS 261", "description": "serial 178 123 456", "price": 9500.0, "currency": "GBP",
          "structured_identifiers": json.dumps([{"kind": "serial", "value": "178123456"}])}


@pytest.mark.parametrize("after, photos, expected", [
    ({**BEFORE, "description": "good saw", "structured_identifiers": "[]"}, None,
     ["serial 178123456 removed", "description changed"]),
    ({**BEFORE, "structured_identifiers": "[]"}, None, []),  # still in the description: not removed
    ({**BEFORE, "description": "serial 178-I23-4S6"}, None, ["description changed"]),  # look-alikes fold
    ({**BEFORE, "price": 6000.0}, None, ["price cut from £9,500 to £6,000"]),
    ({**BEFORE, "price": 9999.5}, None, ["price raised from £9,500 to £9,999.50"]),
    ({**BEFORE, "price": None, "price_text": "offers"}, None, ['price £9,500 removed (now "offers")']),
    ({**BEFORE, "price": 9000.0, "currency": "EUR"}, None, ["price changed from £9,500 to €9,000"]),
    ({**BEFORE, "title": "Chainsaw"}, None, ['title changed from "Stihl MS 261" to "Chainsaw"']),
    (BEFORE, ([{"sha256": "a"}, {"sha256": "b"}], [{"sha256": "c"}]), ["photos replaced: 2 removed, 1 added"]),
    (BEFORE, ([{"sha256": "a"}, {"sha256": "b"}], [{"sha256": "a"}]), ["1 photo removed"]),
    (BEFORE, ([{"sha256": "a"}], [{"sha256": "a"}, {"sha256": None, "url": "x"}]), ["1 photo added"]),
    (BEFORE, ([{"sha256": "a"}, {"sha256": "b"}], [{"sha256": "b"}, {"sha256": "a"}]), ["photos reordered"]),
    ({**BEFORE, "structured_identifiers": json.dumps([{"kind": "serial", "value": "178123456"},
                                                       {"kind": "pin", "value": "ZZ9999"}])}, None, ["pin ZZ9999 added"]),
])
def test_changes_in_words(after, photos, expected):
    before_photos, after_photos = photos or ([], [])
    assert describe_changes(BEFORE, after, before_photos, after_photos) == expected


@pytest.mark.parametrize("amount, currency, text", [
    (9500, "GBP", "£9,500"), (1250.5, "EUR", "€1,250.50"), (None, "GBP", "no price"), (12, "XYZ", "XYZ12"),
])
def test_money(amount, currency, text):
    assert money(amount, currency) == text


def test_migration_gives_stored_listings_a_first_version_and_pins_their_matches(tmp_path):
    from sqlite_utils import Database

    from registry.migrations import apply_migrations

    old = Database(tmp_path / "old.db")
    apply_migrations(old, upto=18)
    old.execute("insert into owners (id, name, created_at) values (1, 'A', 't')")
    old.execute("insert into items (id, owner_id, category, created_at, updated_at) values (1, 1, 'tractor', 't', 't')")
    old["listings"].insert({"id": "l1", "source": "s", "url": "https://example.org/1", "title": "JD 6120M",
                            "price": 9500.0, "structured_identifiers": '[{"kind": "pin", "value": "X1"}]',
                            "first_seen_at": "2026-11-01T00:00:00Z", "last_seen_at": "2026-11-03T00:00:00Z",
                            "changed_at": "2026-11-02T00:00:00Z", "snapshot_path": "snapshots/ab/ab.html.gz",
                            "snapshot_sha256": "ab" * 32, "snapshot_fetched_at": "2026-11-02T00:00:01Z"})
    old["listing_photos"].insert_all([{"listing_id": "l1", "position": 1, "url": "https://example.org/1.jpg",
                                       "sha256": "cd" * 32, "path": "photos/cd/cd.jpg"},
                                      {"listing_id": "l1", "position": 2, "url": "https://example.org/2.jpg",
                                       "error": "HTTP 404"}])
    old["matches"].insert({"id": "m1", "item_id": 1, "listing_id": "l1", "score": 0.99, "band": "strong",
                           "reasons": "[]", "created_at": "t", "updated_at": "t"})
    apply_migrations(old)
    (version,) = listing_versions(old, "l1")
    assert (version["number"], version["via"], version["seen_at"]) == (1, "earlier record", "2026-11-02T00:00:00Z")
    assert version["fields"]["price"] == 9500.0 and version["fields"]["title"] == "JD 6120M"
    assert version["fields"]["photo_urls"] == ["https://example.org/1.jpg", "https://example.org/2.jpg"]
    assert version["snapshot_sha256"] == "ab" * 32
    assert [(p["position"], p["sha256"]) for p in version["photos"]] == [(1, "cd" * 32), (2, None)]
    assert old.execute("select listing_version_id from matches").fetchone()[0] == version["id"]
    assert old.execute("select count(*) from match_pins").fetchone()[0] == 1


def test_identifiers_a_match_cited_from_the_text_are_followed():
    before = {"description": "engine PE4045R123456, one owner"}
    after = {"description": "one owner"}
    watch = [{"kind": "engine", "value": "PE4045R123456"}]
    assert describe_changes(before, after, watch=watch) == ["engine PE4045R123456 removed", "description changed"]
    assert describe_changes(after, before, watch=watch) == ["engine PE4045R123456 back", "description changed"]
    assert describe_changes(before, {"description": "engine PE-4045-R123456"}, watch=watch) == ["description changed"]
