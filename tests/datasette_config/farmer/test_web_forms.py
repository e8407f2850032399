"""The farmer forms over HTTP, with good and hostile input."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from synthetic.photos import photo_bytes
from tests.datasette_config.farmer.conftest import GOOD_CATTLE_TAG, bomb_png
from tests.datasette_config.farmer.test_items import jpeg_with_gps


def error_on(html: str, key: str) -> str:
    """The text of the error shown under the field `key`."""
    match = re.search(rf'<p class="fw-error" id="err-{re.escape(key)}" role="alert">(.*?)</p>', html, re.S)
    assert match, f"no error shown for {key}"
    return match[1]


async def post_new(ds, cookies, data, files=None):
    return await ds.client.post("/farmer/items/new", data=data, files=files, cookies=cookies)


async def test_register_with_photos_then_read_it_back(ds, db, farms, login):
    alice = login("alice")
    response = await post_new(ds, alice, {
        "category": "cattle", "make": "", "colour": "black and white", "description": "heifer, notched left ear",
        "identifier_kind": ["ear_tag", "microchip", "serial"],
        "identifier_value": [GOOD_CATTLE_TAG, "826 0000 1234 5678", ""]},
        files=[("photos", ("side.jpg", jpeg_with_gps(), "image/jpeg")),
               ("photos", ("head.jpg", photo_bytes(31), "image/jpeg"))])
    assert response.status_code == 302
    item_url = response.headers["location"]
    page = await ds.client.get(item_url, cookies={**alice, **dict(response.cookies)})
    assert "Registered item" in page.text and "UK 284205 7 00016" in page.text
    data = (await ds.client.get(item_url + ".json", cookies=alice)).json()["item"]
    assert {i["kind"] for i in data["identifiers"]} == {"ear_tag", "microchip"} and len(data["photos"]) == 2
    photo = await ds.client.get(f"/farmer/photos/{data['photos'][0]['id']}.jpg", cookies=alice)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(photo.content)) as img:
        assert 0x8825 not in img.getexif()


@pytest.mark.parametrize("data, files, key, fragment", [
    ({"category": "cattle", "identifier_kind": ["serial", "ear_tag"], "identifier_value": ["", "UK 284205 5 00016"]},
     None, "identifiers-1-value", "needs 7"),
    ({"category": "", "make": "x"}, None, "category", "choose a category"),
    ({"category": "tractor", "year": "nineteen"}, None, "year", "is not a year"),
    ({"category": "tractor", "make": "M" * 5000}, None, "make", "at most 100"),
    ({"category": "tractor", "identifier_kind": "pin", "identifier_value": "1L06"}, None, "identifiers-0-value",
     "ISO 10261"),
    ({"category": "tractor"}, [("photos", ("bomb.png", bomb_png(), "image/png"))], "photos", "bomb.png"),
    ({"category": "tractor"}, [("photos", ("cv.pdf", b"%PDF-1.7 not a photo", "application/pdf"))], "photos",
     "not an image"),
    ({"category": "tractor"}, [("photos", ("x.svg", b'<svg onload="alert(1)"/>', "image/svg+xml"))], "photos",
     "not an image"),
    ({"category": "tractor"}, [("photos", ("huge.jpg", b"\xff\xd8" + b"0" * (21 * 2**20), "image/jpeg"))],
     "photos", "over the 20 MB limit"),
    ({"category": "tractor"}, [("photos", (f"p{n}.jpg", b"x", "image/jpeg")) for n in range(11)], "photos",
     "at most 10"),
])
async def test_bad_input_is_shown_next_to_its_field_and_nothing_is_stored(ds, db, farms, login, data, files,
                                                                           key, fragment):
    before = (db["items"].count, db["photos"].count)
    response = await post_new(ds, login("alice"), data, files)
    assert response.status_code == 400
    assert fragment in error_on(response.text, key)
    assert (db["items"].count, db["photos"].count) == before


async def test_huge_fields_are_refused_with_a_message(ds, db, farms, login):
    alice = login("alice")
    plain = await post_new(ds, alice, {"category": "tractor", "description": "d" * 200_000})
    assert plain.status_code == 400 and "200,000 characters long" in error_on(plain.text, "description")
    multipart = await post_new(ds, alice, {"category": "tractor", "description": "d" * 200_000},
                               files=[("photos", ("a.jpg", photo_bytes(1), "image/jpeg"))])
    assert multipart.status_code == 400 and "far too long" in multipart.text
    assert db["items"].count == 3


async def test_refused_form_keeps_what_was_typed(ds, farms, login):
    response = await post_new(ds, login("alice"), {"category": "tractor", "make": "Fendt", "year": "19x9",
                                                   "identifier_kind": "serial", "identifier_value": "F-123"})
    assert 'value="Fendt"' in response.text and 'value="F-123"' in response.text


async def test_add_row_button_adds_an_identifier_row_without_saving(ds, db, farms, login):
    response = await post_new(ds, login("alice"), {"category": "tractor", "identifier_kind": ["serial", "pin"],
                                                   "identifier_value": ["A1", "B2"], "add_row": "1"})
    assert response.status_code == 200 and response.text.count('name="identifier_value"') == 3
    assert db["items"].count == 3


async def test_hostile_text_is_escaped_everywhere_it_is_shown(ds, farms, login):
    alice = login("alice")
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    response = await post_new(ds, alice, {"category": "tractor", "make": hostile, "description": hostile,
                                          "identifier_kind": "serial", "identifier_value": "<b>SN-1</b>"})
    assert response.status_code == 302
    for path in (response.headers["location"], "/farmer"):
        html = (await ds.client.get(path, cookies=alice)).text
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_edit_theft_and_recovery_over_http(ds, db, farms, login):
    alice = login("alice")
    url = f"/farmer/items/{farms['tractor']}"
    edit = await ds.client.post(url, data={"category": "tractor", "make": "John Deere", "model": "6130R",
                                           "identifier_kind": ["pin", "engine"],
                                           "identifier_value": ["1L06120MCKK123456", "PE4045R777"]}, cookies=alice)
    assert edit.status_code == 302
    assert db["items"].get(farms["tractor"])["model"] == "6130R"
    missing_ref = await ds.client.post(url + "/stolen", data={"stolen_at": "2026-11-20"}, cookies=alice)
    assert missing_ref.status_code == 400 and "call 101" in missing_ref.text
    stolen = await ds.client.post(url + "/stolen", data={"stolen_at": "2026-11-20", "crime_ref": "4426/999",
                                                         "place": "Back barn"}, cookies=alice)
    assert stolen.status_code == 302 and db["items"].get(farms["tractor"])["status"] == "stolen"
    page = await ds.client.get(url, cookies=alice)
    assert 'id="fw-item-status">stolen<' in page.text and "4426/999" in page.text
    assert "About the place: " in page.text and "Back barn" in page.text  # not found: the farmer is told
    remove = await ds.client.post(url, data={"category": "tractor", "identifier_kind": "pin",
                                             "identifier_value": "1L06120MCKK123456"}, cookies=alice)
    assert remove.status_code == 400 and "cannot be removed" in remove.text
    recovered = await ds.client.post(url + "/recovered", cookies=alice)
    assert recovered.status_code == 302 and db["items"].get(farms["tractor"])["status"] == "recovered"
    again = await ds.client.post(url + "/recovered", cookies=alice)
    assert again.status_code == 400 and "no open theft report" in again.text


async def test_a_theft_away_from_the_farm_is_filed_where_it_happened(ds, db, farms, login):
    alice = login("alice")
    url = f"/farmer/items/{farms['tractor']}"
    stolen = await ds.client.post(url + "/stolen", data={"stolen_at": "2026-11-20", "crime_ref": "12/4242/26",
                                                         "place": "Skipton showground, North Yorkshire"}, cookies=alice)
    assert stolen.status_code == 302
    theft = db.execute("select force_area, place_precision, place_note from thefts where current = 1 "
                       "and item_id = ?", [farms["tractor"]]).fetchone()
    assert theft == ("North Yorkshire", "town", None)
    page = (await ds.client.get(url, cookies=alice)).text
    assert "North Yorkshire police area" in page and "About the place" not in page


async def test_photo_upload_on_the_item_page(ds, db, farms, login):
    alice = login("alice")
    url = f"/farmer/items/{farms['quad']}/photos"
    good = await ds.client.post(url, files=[("photos", ("q.jpg", photo_bytes(40), "image/jpeg"))], cookies=alice)
    assert good.status_code == 302 and db["photos"].count == 1
    bad = await ds.client.post(url, files=[("photos", ("q.png", bomb_png(), "image/png"))], cookies=alice)
    assert bad.status_code == 400 and "q.png" in error_on(bad.text, "photos") and db["photos"].count == 1
    empty = await ds.client.post(url, data={}, cookies=alice)
    assert empty.status_code == 400 and "choose one or more photos" in empty.text


async def test_csv_upload_reports_each_row(ds, db, farms, login):
    bob = login("bob")
    csv = (b"category,make,year,serial,owner.email\n"
           b"tractor,Valtra,2020,VT-100200,alice@example.org\n"
           b"cattle,,20019,,\n"
           b"spaceship,,,X-1,\n"
           b"quad,<script>x</script>,,QD-99887,\n")
    response = await ds.client.post("/farmer/import", files={"file": ("kit.csv", csv, "text/csv")}, cookies=bob)
    assert response.status_code == 200
    assert "2 registered" in response.text and "2 not loaded" in response.text
    assert "line 4" in response.text and "unknown category" in response.text and "is not a year" in response.text
    assert "<script>x</script>" not in response.text
    data = await ds.client.post("/farmer/import.json", files={"file": ("kit.csv", csv, "text/csv")}, cookies=bob)
    body = data.json()
    assert body["updated"] == 2 and body["errors"] == 2 and [r["line"] for r in body["rows"]] == [2, 3, 4, 5]
    owners = db.execute("select distinct owner_id from items where make in ('Valtra', '<script>x</script>')")
    assert [r[0] for r in owners] == [farms["bob"]]
    bad = await ds.client.post("/farmer/import", files={"file": ("x.xlsx", b"PK\x03\x04\x00\x00", "x")}, cookies=bob)
    assert bad.status_code == 400 and "binary file" in bad.text


async def test_owner_check_answers_over_http(ds, db, farms, login):
    bob = login("bob")
    page = await ds.client.get("/farmer/checks", cookies=bob)
    assert "Ifor Williams trailer &lt;b&gt;1&lt;/b&gt;" in page.text and 'href="https://example.org/ad/1"' in page.text
    assert "Seller Person" not in page.text
    assert (await ds.client.post("/farmer/checks/M1", data={"answer": "selling"}, cookies=bob)).status_code == 302
    response = await ds.client.post("/farmer/checks/M2", data={"answer": "not_me", "note": "not sold"}, cookies=bob)
    assert response.status_code == 302
    assert db.execute("select queue, status from matches order by id").fetchall() == [
        ("owner_check", "dismissed"), ("stolen", "new")]
    assert db.execute("select decision, actor from reviews order by id").fetchall() == [
        ("owner_selling", "bob"), ("owner_not_me", "bob")]
    again = await ds.client.post("/farmer/checks/M2.json", data={"answer": "selling"}, cookies=bob)
    assert again.status_code == 400 and "already been answered" in again.json()["error"]
    listing = (await ds.client.get("/farmer/checks.json", cookies=bob)).json()
    assert listing["pending"] == [] and len(listing["answered"]) == 2


async def test_large_csv_is_registered_in_chunks_with_every_row_reported(ds, db, farms, login):
    lines = ["category,serial,year"] + [f"tractor,BULK-{n:05d},{'20019' if n % 100 == 7 else '2010'}"
                                        for n in range(450)]
    response = await ds.client.post("/farmer/import.json", cookies=login("bob"),
                                    files={"file": ("bulk.csv", "\n".join(lines).encode(), "text/csv")})
    body = response.json()
    assert body["created"] == 445 and body["errors"] == 5
    assert [r["line"] for r in body["rows"]] == list(range(2, 452))
    assert db.execute("select count(*) from items where owner_id = ?", [farms["bob"]]).fetchone()[0] == 446


async def test_not_me_appears_in_the_officers_queue(ds, db, farms, login):
    officer = login("pc-jones")
    before = await ds.client.get("/queue", cookies=officer)
    assert before.status_code == 200 and 'data-match-id="M2"' not in before.text
    await ds.client.post("/farmer/checks/M2", data={"answer": "not_me"}, cookies=login("bob"))
    after = await ds.client.get("/queue", cookies=officer)
    assert 'data-match-id="M2"' in after.text
    owner_checks = await ds.client.get("/queue?queue=owner_check", cookies=officer)
    assert 'data-match-id="M1"' in owner_checks.text and 'data-match-id="M2"' not in owner_checks.text


async def test_listing_photo_is_shown_on_the_owner_check_to_its_owner_only(ds, db, farms, login):
    from registry.listings.store import save_listing_photo

    save_listing_photo(db, "L1", 1, "https://example.org/img/1.jpg", photo_bytes(50))
    bob = login("bob")
    page = await ds.client.get("/farmer/checks", cookies=bob)
    assert 'src="/farmer/checks/M1/photo.jpg"' in page.text and "/farmer/checks/M2/photo.jpg" not in page.text
    photo = await ds.client.get("/farmer/checks/M1/photo.jpg", cookies=bob)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.content[:2] == b"\xff\xd8"
    assert (await ds.client.get("/farmer/checks/M2/photo.jpg", cookies=bob)).status_code == 404
    assert (await ds.client.get("/farmer/checks/M1/photo.jpg", cookies=login("alice"))).status_code == 404
    assert (await ds.client.get("/farmer/checks/M1/photo.jpg")).status_code == 302


async def test_example_csv_downloads_and_imports_cleanly(ds, db, farms, login):
    alice = login("alice")
    example = await ds.client.get("/farmer/import/example.csv", cookies=alice)
    assert example.status_code == 200 and example.headers["content-type"].startswith("text/csv")
    assert (await ds.client.get("/farmer/import/example.csv")).status_code == 403
    result = await ds.client.post("/farmer/import.json", cookies=alice,
                                  files={"file": ("farmwatch-items.csv", example.content, "text/csv")})
    body = result.json()
    assert body["errors"] == 0 and body["created"] + body["updated"] == 3, body
