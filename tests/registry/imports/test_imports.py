import json
import subprocess
import sys

import pytest

from registry.imports.files import ImportFileError, import_items, import_listings
from synthetic.photos import photo_bytes

GOOD = {
    "owner": {"name": "A Farmer", "email": "a@example.org", "phone": "01264 000000", "postcode": "SP11 0AA"},
    "category": "tractor", "make": "John Deere", "model": "6120M", "year": 2019, "colour": "green",
    "description": "front loader, cracked left mirror",
    "identifiers": [{"kind": "pin", "value": "1L06120MCKK123456"}, {"kind": "engine", "value": "PE4045R123456"}],
    "photos": ["photos/jd-left.jpg"],
    "theft": {"stolen_at": "2026-11-01", "crime_ref": "44260123456", "place": "Faccombe, Hampshire"},
}


def write_jsonl(path, records):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def counts(db):
    return {t: db[t].count for t in ("owners", "items", "identifiers", "photos", "thefts")}


def test_jsonl_import_loads_good_rows_and_reports_bad_ones_by_line(db, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "jd-left.jpg").write_bytes(photo_bytes(1))
    bad_year = {**GOOD, "year": "20019", "identifiers": [{"kind": "serial", "value": "X1"}]}
    bad_category = {**GOOD, "category": "spaceship", "identifiers": [{"kind": "serial", "value": "X2"}]}
    bad_tag = {**GOOD, "category": "cattle", "identifiers": [{"kind": "ear tag", "value": "UK 284205 300016"}]}
    quad = {**GOOD, "category": "Quad bike", "identifiers": [{"kind": "Frame number", "value": "JH2TE1234"}],
            "photos": [], "theft": None}
    path = write_jsonl(tmp_path / "items.jsonl", [GOOD, bad_year, "{not json", bad_category, "[1, 2]", bad_tag, quad])
    report = import_items(db, path)
    assert report.rows == 7 and report.loaded == 2 and report.rejected == 5
    text = "\n".join(report.errors)
    assert 'items.jsonl line 2: year "20019" is not a year' in text
    assert "items.jsonl line 3: not valid JSON" in text
    assert 'line 4: unknown category "spaceship"; accepted: tractor, quad' in text
    assert "line 5: each line must be a JSON object" in text
    assert "line 6:" in text and "needs 7" in text
    assert counts(db) == {"owners": 1, "items": 2, "identifiers": 3, "photos": 1, "thefts": 1}
    item = db["items"].get(1)
    assert item["status"] == "stolen"
    assert db["items"].get(2)["category"] == "quad"
    kinds = {r["kind"] for r in db["identifiers"].rows}
    assert kinds == {"pin", "engine", "frame"}
    pin = next(db["identifiers"].rows_where("kind = 'pin'"))
    assert pin["raw_value"] == "1L06120MCKK123456" and pin["normalised_value"] == "1106120MCKK123456"


def test_reimport_updates_instead_of_duplicating(db, tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", [{**GOOD, "photos": []}])
    import_items(db, path)
    before = counts(db)
    report = import_items(db, path)
    assert report.created == 0 and report.updated == 1
    assert counts(db) == before


def test_missing_photo_is_reported_and_the_item_kept(db, tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"<html>not a photo</html>")
    record = {**GOOD, "photos": ["missing.jpg", "broken.jpg"]}
    report = import_items(db, write_jsonl(tmp_path / "items.jsonl", [record]))
    assert report.loaded == 1 and report.photos == 0
    warnings = "\n".join(report.warnings)
    assert "missing.jpg: cannot be read" in warnings
    assert "broken.jpg: not an image" in warnings
    assert db["items"].count == 1


CSV = """owner.name,owner.email,owner.postcode,category,make,model,year,identifiers.0.kind,identifiers.0.value,Ear tag,photos,theft.stolen_at,theft.crime_ref,theft.place
A Farmer,a@example.org,SP11 0AA,tractor,John Deere,6120M,2019,pin,1L06120MCKK123456,,,2026-11-01,4426,Faccombe
B Farmer,b@example.org,EX1 1AA,COW,,,,,,UK 284205 700016,,,,
C Farmer,c@example.org,EX1 1AA,cattle,,,,,,UK 284205 300016,,,,
D Farmer,d@example.org,LD1 1AA,ATV,Honda,TRX,twenty,serial,JH2 0001,,,,,
E Farmer,e@example.org,LD1 1AA,GNSS receiver,Trimble,,,serial,5422A0001,,,not a date,1,Here
"""


def test_csv_with_flattened_fields_and_aliases(db, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(CSV, encoding="utf-8")
    report = import_items(db, path)
    assert report.loaded == 2
    text = "\n".join(report.errors)
    assert "items.csv line 4:" in text and "needs 7" in text
    assert 'items.csv line 5: year "twenty" is not a year' in text
    assert 'items.csv line 6: theft date "not a date" is not a date' in text
    tag = next(db["identifiers"].rows_where("kind = 'ear_tag'"))
    assert tag["check_valid"] == 1


def test_csv_from_a_spreadsheet_in_windows_1252(db, tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes("owner_name,category,description\nJosé Farmer,trailer,Ifor Williams £500 ramp\n".encode("cp1252"))
    report = import_items(db, path)
    assert report.loaded == 1
    assert db["items"].get(1)["description"] == "Ifor Williams £500 ramp"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("items.xlsx", b"PK\x03\x04", "not a workbook Excel can open; save it as .xlsx or CSV"),
        ("items.csv", b"make,model\nJD,6120\n", "needs at least 'category' and 'owner.name'"),
        ("items.csv", b"\x00\x01\x02binary", "binary"),
    ],
)
def test_unreadable_file_changes_nothing(db, tmp_path, name, content, message):
    import_items(db, write_jsonl(tmp_path / "first.jsonl", [{**GOOD, "photos": []}]))
    before = counts(db)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        import_items(db, path)
    assert counts(db) == before


def test_hostile_text_is_stored_as_text(db, tmp_path):
    hostile = {**GOOD, "photos": [], "theft": None, "make": "<script>alert(1)</script>",
               "description": "\" onmouseover=\"alert(1)\u202e" + "x" * 20_000,
               "identifiers": [{"kind": "serial", "value": "'; DROP TABLE items; --"}]}
    report = import_items(db, write_jsonl(tmp_path / "items.jsonl", [hostile]))
    assert report.loaded == 1
    item = db["items"].get(1)
    assert item["make"] == "<script>alert(1)</script>"
    assert len(item["description"]) == 5000
    assert db["items"].count == 1


def test_identifier_registered_to_another_owner_is_flagged_as_clone(db, tmp_path):
    other = {**GOOD, "owner": {"name": "Someone Else", "email": "else@example.org"}, "photos": [], "theft": None}
    report = import_items(db, write_jsonl(tmp_path / "items.jsonl", [{**GOOD, "photos": []}, other]))
    assert report.loaded == 2
    assert any("possible clone" in w for w in report.warnings)
    flagged = [r["item_id"] for r in db["identifiers"].rows_where("possible_clone = 1")]
    assert sorted(set(flagged)) == [1, 2]


def test_listing_import_is_idempotent_and_records_changes(db, tmp_path):
    (tmp_path / "ad123-1.jpg").write_bytes(photo_bytes(3))
    listing = {"source": "example-market", "url": "https://example.org/ad/123", "title": "JD 6120M",
               "description": "pin 1L0 6120M CKK 123456", "price": "£12,500", "currency": "GBP",
               "location": "Andover", "posted_at": "2026-11-20T10:00:00Z",
               "seller": {"name": "jd_parts_uk", "profile_url": "https://example.org/u/991", "phone": "07700 900123"},
               "photos": ["ad123-1.jpg", "missing.jpg"]}
    path = write_jsonl(tmp_path / "listings.jsonl", [listing, {"source": "x", "url": "javascript:alert(1)"}])
    report = import_listings(db, path)
    assert report.loaded == 1 and report.photos == 1
    assert "line 2: url" in report.errors[0]
    row = next(db["listings"].rows)
    assert row["price"] == 12500 and row["seller_phone"] == "07700 900123"
    import_listings(db, path)
    assert db["listings"].count == 1
    changed = write_jsonl(tmp_path / "listings2.jsonl", [{**listing, "price": 9000}])
    report = import_listings(db, changed)
    assert report.updated == 1 and db["listings"].count == 1
    assert next(db["listings"].rows)["price"] == 9000


def run_cli(*args, db_path, stdin=None):
    return subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), *args],
                          capture_output=True, text=True, input=stdin, timeout=120)


def test_cli_import_and_errors_are_one_line(tmp_path):
    db_path = tmp_path / "fw.db"
    path = write_jsonl(tmp_path / "items.jsonl", [{**GOOD, "photos": []}, {**GOOD, "year": "20019"}])
    result = run_cli("items", "import", str(path), db_path=db_path)
    assert result.returncode == 0, result.stderr
    assert "2 rows read, 1 items loaded" in result.stdout
    assert 'items.jsonl line 2: year "20019" is not a year' in result.stderr
    strict = run_cli("items", "import", "--strict", str(path), db_path=db_path)
    assert strict.returncode == 1
    missing = run_cli("items", "import", str(tmp_path / "nope.csv"), db_path=db_path)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.count("\n") == 1 and "nope.csv" in missing.stderr
    stolen_again = run_cli("items", "report-stolen", "1", "--stolen-at", "2026-11-02", "--crime-ref", "X",
                           "--place", "Y", db_path=db_path)
    assert stolen_again.returncode == 1 and "already has an open theft report" in stolen_again.stderr
    recovered = run_cli("items", "recovered", "1", db_path=db_path)
    assert recovered.returncode == 0
    again = run_cli("items", "report-stolen", "1", "--stolen-at", "2026-11-02", "--crime-ref", "X2",
                    "--place", "Y", db_path=db_path)
    assert again.returncode == 0, again.stderr
    future = run_cli("items", "recovered", "99", db_path=db_path)
    assert "item 99 is not on the register" in future.stderr


def test_a_row_with_several_problems_is_one_rejected_row_and_a_single_photo_path_is_accepted(db, tmp_path):
    (tmp_path / "one.jpg").write_bytes(photo_bytes(4))
    two_problems = {"owner": {"name": "X", "email": "not-an-email"}, "category": "sheep", "year": "20019"}
    single_photo = {"owner": {"name": "Y"}, "category": "quad", "photos": "one.jpg"}
    report = import_items(db, write_jsonl(tmp_path / "items.jsonl", [two_problems, single_photo]))
    assert report.rejected == 1 and len(report.errors) == 2
    assert report.loaded == 1 and report.photos == 1


@pytest.mark.parametrize("price, kept", [
    (-50, "-50"), (float("nan"), "NaN"), ([1, 2], "[1, 2]"), (True, "true"), ({"amount": 5}, '{"amount": 5}'),
])
def test_a_listing_price_that_is_no_asking_price_is_named_and_kept_as_text(db, tmp_path, price, kept):
    path = tmp_path / "listings.jsonl"
    path.write_text(json.dumps({"source": "m", "url": "https://m.example/1", "title": "quad", "price": price}) + "\n")
    report = import_listings(db, path)
    assert report.loaded == 1
    assert report.warnings == [f"listings.jsonl line 1: price {kept} is not an asking price "
                               "(a positive number or the text as published); kept as text only"]
    row = next(db["listings"].rows)
    assert row["price"] is None and row["price_text"] == kept
