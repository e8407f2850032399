"""Bulk CSV registration from an upload: per-row results, always the uploader's items."""

from __future__ import annotations

import pytest

from datasette_config.farmer.items import list_own_items
from datasette_config.farmer.upload import CsvFileError, import_own_csv

CSV = """category,make,model,year,identifiers.0.kind,identifiers.0.value,owner.name,owner.email,photos
tractor,Massey Ferguson,5713,2020,serial,MF5713-0001,Bob,bob@example.org,
cattle,,,,ear_tag,UK 284205 5 00016,,,
quad,Honda,TRX,20019,frame,JH2TE1234,,,
spaceship,,,,,,,,
trailer,Ifor Williams,DP120,2015,serial,IW-DP-4455,Mallory,alice@example.org,{photo}
"""


def test_good_rows_load_bad_rows_are_reported_by_line(db, farms, tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"not for you")
    result = import_own_csv(db, farms["bob"], CSV.format(photo=secret).encode(), "kit.csv")
    by_line = {row.line: row for row in result.rows}
    assert [row.status for row in result.rows] == ["created", "error", "error", "error", "created"]
    assert "needs 7" in " ".join(by_line[3].messages)
    assert '"20019" is not a year' in " ".join(by_line[4].messages)
    assert "unknown category" in " ".join(by_line[5].messages)
    assert "not loaded from an upload" in " ".join(by_line[6].messages)
    assert any("owner columns were ignored" in note for note in result.notes)
    assert db["photos"].count == 0
    bobs = {i["make"] for i in list_own_items(db, farms["bob"])}
    assert bobs == {"Ifor Williams", "Massey Ferguson"}
    assert {i["make"] for i in list_own_items(db, farms["alice"])} == {"John Deere", "Honda"}
    assert db["owners"].count == 2  # "Mallory" and the e-mail in the file created no owner


def test_reupload_updates_the_same_items(db, farms):
    data = b"category,serial\ntractor,MF5713-0001\n"
    first = import_own_csv(db, farms["bob"], data)
    second = import_own_csv(db, farms["bob"], data)
    assert first.rows[0].status == "created" and second.rows[0].status == "updated"
    assert first.rows[0].item_id == second.rows[0].item_id


def test_semicolon_and_windows_encoded_files_are_read(db, farms):
    data = "category;make;colour;serial\nimplement;Kverneland;gr\u00fcn;KV-9912\n".encode("cp1252")
    result = import_own_csv(db, farms["alice"], data, "kv.csv")
    assert result.rows[0].status == "created"
    assert list_own_items(db, farms["alice"])[0]["colour"] == "gr\u00fcn"


@pytest.mark.parametrize("data, fragment", [
    (b"", "the file is empty"),
    (b"PK\x03\x04\x00\x00binary", "binary file"),
    (b"make,model\nJD,6120\n", "needs a 'category' column"),
    (b"category\n" + b"tractor\n" * 10 + b"x" * (6 * 1024 * 1024), "over the 5 MB limit"),
])
def test_unreadable_files_change_nothing(db, farms, data, fragment):
    before = db["items"].count
    with pytest.raises(CsvFileError, match=fragment):
        import_own_csv(db, farms["bob"], data, "bad.csv")
    assert db["items"].count == before


def test_hostile_values_are_stored_as_text(db, farms):
    data = b'category,make,description\ntractor,"<script>alert(1)</script>","=HYPERLINK(""http://x"")"\n'
    result = import_own_csv(db, farms["bob"], data)
    assert result.rows[0].status == "created"
    item = [i for i in list_own_items(db, farms["bob"]) if i["id"] == result.rows[0].item_id][0]
    assert item["make"] == "<script>alert(1)</script>"
