"""Photos, the evidence snapshot (inert) and the case export."""

from __future__ import annotations

import csv
import io
import json

from tests.datasette_config.officer.seed import OWNER_MARKERS, SNAPSHOT_HTML


async def test_photos_are_jpeg_with_nosniff(ds, seeded, cookies_for):
    for path in [f"/photo/item/{seeded['photo']}.jpg", f"/photo/listing/{seeded['listing_photo']}.jpg"]:
        response = await ds.client.get(path, cookies=cookies_for("olivia"))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.content[:3] == b"\xff\xd8\xff"


async def test_photo_paths_cannot_leave_the_data_folder(ds, db, seeded, cookies_for, tmp_path):
    (tmp_path / "outside.jpg").write_bytes(b"\xff\xd8\xff secret")
    db.execute("update photos set path = '../outside.jpg' where id = ?", [seeded["photo"]])
    db.execute("update listing_photos set path = '/etc/passwd' where id = ?", [seeded["listing_photo"]])
    cookies = cookies_for("olivia")
    assert (await ds.client.get(f"/photo/item/{seeded['photo']}.jpg", cookies=cookies)).status_code == 404
    assert (await ds.client.get(f"/photo/listing/{seeded['listing_photo']}.jpg", cookies=cookies)).status_code == 404


async def test_snapshot_is_served_as_inert_text_with_its_hash(ds, db, seeded, cookies_for):
    response = await ds.client.get(f"/listing/{seeded['hostile_listing']}/snapshot", cookies=cookies_for("olivia"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == SNAPSHOT_HTML
    assert "sandbox" in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    sha = db.execute("select snapshot_sha256 from listings where id = ?", [seeded["hostile_listing"]]).fetchone()[0]
    assert response.headers["x-snapshot-sha256"] == sha and response.headers["x-snapshot-verified"] == "yes"


async def test_rendered_snapshot_runs_no_scripts_and_loads_nothing(ds, seeded, cookies_for):
    response = await ds.client.get(f"/listing/{seeded['hostile_listing']}/snapshot?view=rendered",
                                   cookies=cookies_for("olivia"))
    csp = response.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script-src" not in csp
    assert "allow-scripts" not in csp and "allow-same-origin" not in csp
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


async def test_tampered_snapshot_is_flagged(ds, db, seeded, cookies_for):
    db.execute("update listings set snapshot_sha256 = 'deadbeef' where id = ?", [seeded["hostile_listing"]])
    response = await ds.client.get(f"/listing/{seeded['hostile_listing']}/snapshot", cookies=cookies_for("olivia"))
    assert response.headers["x-snapshot-verified"] == "no"


async def test_json_export_has_the_case_evidence(ds, db, seeded, cookies_for):
    response = await ds.client.get("/match/m-stolen-1.json", cookies=cookies_for("olivia"))
    assert response.headers["content-type"] == "application/json"
    assert "attachment" in response.headers["content-disposition"]
    record = json.loads(response.text)
    assert record["match"]["id"] == "m-stolen-1" and record["match"]["band"] == "strong"
    assert record["exported_by"] == "olivia"
    assert record["theft"]["crime_ref"] == "44260123456"
    assert record["listing"]["url"] == "https://market.example/ad/1"
    assert len(record["listing"]["snapshot_sha256"]) == 64
    assert record["photo_pairs"][0]["photo_id"] == seeded["photo"]
    assert record["identifiers"][0]["raw_value"] == "1L06120MCKK123456"
    assert record["owner"]["email"] == OWNER_MARKERS[1]
    assert [r["kind"] for r in record["reasons"]] == ["identifier", "photo"]


async def test_csv_export_is_spreadsheet_safe(ds, db, seeded, cookies_for):
    formula = '=HYPERLINK("http://evil.example","x")'
    db.execute("update listings set title = ? where id = ?", [formula, seeded["hostile_listing"]])
    db.execute("insert into listing_versions (listing_id, number, fields, via, source, url, seen_at, last_seen_at) "
               "select id, 2, json_object('title', ?), 'import', source, url, last_seen_at, last_seen_at "
               "from listings where id = ?", [formula, seeded["hostile_listing"]])
    db.execute("update matches set listing_version_id = (select max(id) from listing_versions) where id = 'm-stolen-1'")
    response = await ds.client.get("/match/m-stolen-1.csv", cookies=cookies_for("olivia"))
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["section", "field", "value"]
    values = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert values[("listing", "title")] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert values[("theft", "crime_ref")] == "44260123456"
    assert values[("match", "status")] == "new"
    assert ("reasons", "[1].kind") in values


async def test_thumbnails_are_small_cached_jpegs(ds, db, seeded, cookies_for, db_path):
    import io
    from pathlib import Path

    from PIL import Image

    cookies = cookies_for("olivia")
    for kind, photo_id in (("item", seeded["photo"]), ("listing", seeded["listing_photo"])):
        response = await ds.client.get(f"/photo/{kind}/{photo_id}.jpg?size=thumb", cookies=cookies)
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(response.content)) as img:
            assert img.format == "JPEG" and max(img.size) <= 240
    assert len(list((Path(db_path).parent / "thumbs").glob("*.jpg"))) == 2
    assert (await ds.client.get(f"/photo/item/{seeded['photo']}.jpg?size=thumb")).status_code in (302, 403)


async def test_queue_links_thumbnails(ds, seeded, cookies_for):
    html = (await ds.client.get("/queue", cookies=cookies_for("olivia"))).text
    assert f'/photo/listing/{seeded["listing_photo"]}.jpg?size=thumb' in html
