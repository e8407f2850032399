"""Hostile seller text (scripts, attribute injection) is inert on every page that shows it."""

from __future__ import annotations

import json

import pytest

from tests.datasette_config.officer.seed import HOSTILE_SELLER, HOSTILE_TITLE, RAW_HOSTILE

PAGES = [
    "/queue", "/match/m-stolen-1", "/item/1", "/search?q=tractor", "/search?q=6120M",
    "/search?identifier=1L06120MCKK123456&reason=check", "/map", "/trends",
    "/farmwatch/listings", "/farmwatch/listings?_facet=seller_name", "/farmwatch/matches",
    "/farmwatch/decisions", "/farmwatch/sellers_with_matches", "/farmwatch/listing_photos",
]


@pytest.fixture
def hostile_everywhere(db, seeded):
    """Hostile text in the places a seller or a bad record could reach: location, category, reasons, notes."""
    db.execute("update listings set location = ? where id = ?", ['Andover<script>alert("loc")</script>',
                                                                  seeded["hostile_listing"]])
    db.execute("update items set description = ? where id = ?", ['<script>alert("desc")</script>',
                                                                 seeded["tractor"]])
    db.execute("insert into reviews (match_id, decision, note, actor, created_at) values "
               "('m-stolen-1', 'reopened', ?, 'olivia', '2026-11-21T10:00:00Z')", ['<img src=x onerror=alert(9)>'])
    db.execute("update matches set reasons = json_insert(reasons, '$[#]', json(?)) where id = 'm-stolen-1'",
               [json.dumps({"kind": "<script>alert(8)</script>", "detail": "x", "weight": "<b>"})])
    # the same seller behind two matched listings, so the seller query lists them
    db.execute("update listings set seller_name = ?, seller_profile_url = null, seller_phone = null",
               [HOSTILE_SELLER])
    db.execute("update matches set status = 'new'")
    return seeded


@pytest.mark.parametrize("path", PAGES)
async def test_hostile_text_is_escaped(ds, cookies_for, hostile_everywhere, path):
    response = await ds.client.get(path, cookies=cookies_for("olivia"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    found = [raw for raw in RAW_HOSTILE + ['<script>alert("loc")', "<script>alert(8)", "<img src=x onerror=alert(9)"]
             if raw in response.text]
    assert found == []


async def test_hostile_text_is_shown_escaped_not_dropped(ds, cookies_for, hostile_everywhere):
    html = (await ds.client.get("/match/m-stolen-1", cookies=cookies_for("olivia"))).text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;svg onload=alert(4)&gt;" in html
    assert HOSTILE_TITLE not in html


async def test_every_page_sends_protective_headers(ds, cookies_for):
    for path in ["/queue", "/match/m-stolen-1", "/-/login", "/farmwatch/listings"]:
        response = await ds.client.get(path, cookies=cookies_for("olivia"))
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp


@pytest.mark.parametrize("path", ["/farmwatch/listings.csv", "/farmwatch/listings.csv?_dl=1",
                                  "/farmwatch/sellers_with_matches.csv", "/farmwatch/matches.csv",
                                  "/match/m-stolen-1.csv"])
async def test_no_csv_export_carries_a_formula(ds, db, seeded, cookies_for, path):
    import csv
    import io

    db.execute("update listings set title = '=HYPERLINK(\"http://evil.example\",\"x\")', "
               "seller_name = '@SUM(1+1)', seller_phone = '+44 7700 900123', seller_profile_url = null")
    response = await ds.client.get(path, cookies=cookies_for("olivia"))
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    cells = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "@") or c.startswith("+44")]
    if "listings" in path:
        assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "-1.48" in cells
