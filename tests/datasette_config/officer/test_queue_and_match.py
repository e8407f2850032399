"""The officer's queue and match page: order, filters, evidence shown, contact views logged."""

from __future__ import annotations

import json

import pytest

from tests.datasette_config.officer.seed import OWNER_MARKERS


def add_match(db, match_id, item_id, listing_id, band, score, *, status="new", created="2026-11-21T09:00:00Z",
              queue="stolen"):
    db["matches"].insert({"id": match_id, "item_id": item_id, "listing_id": listing_id, "queue": queue,
                          "score": score, "band": band, "status": status, "created_at": created,
                          "updated_at": created, "reasons": json.dumps([{"kind": "text", "detail": f"r-{match_id}",
                                                                         "weight": 0.1}])})


def order_in(html: str, ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda i: html.index(f'data-match-id="{i}"'))


@pytest.fixture
def more_matches(db, seeded):
    from registry.listings.store import clean_listing, upsert_listing

    listing_ids = []
    for n in range(4):
        row = clean_listing({"source": "other-market", "url": f"https://other.example/{n}", "title": f"ad {n}"})
        listing_ids.append(upsert_listing(db, row).listing_id)
    tractor = seeded["tractor"]
    add_match(db, "m-possible", tractor, listing_ids[0], "possible", 0.99)
    add_match(db, "m-likely-hi", tractor, listing_ids[1], "likely", 0.80, created="2026-10-01T00:00:00Z")
    add_match(db, "m-likely-lo", tractor, listing_ids[2], "likely", 0.70)
    add_match(db, "m-done", tractor, listing_ids[3], "strong", 0.99, status="confirmed")
    return listing_ids


async def test_queue_puts_new_first_then_band_then_score(ds, cookies_for, more_matches):
    html = (await ds.client.get("/queue?status=all", cookies=cookies_for("olivia"))).text
    ids = ["m-stolen-1", "m-possible", "m-likely-hi", "m-likely-lo", "m-done"]
    assert order_in(html, ids) == ["m-stolen-1", "m-likely-hi", "m-likely-lo", "m-possible", "m-done"]
    default = (await ds.client.get("/queue", cookies=cookies_for("olivia"))).text
    assert 'data-match-id="m-done"' not in default and 'data-match-id="m-owner-1"' not in default


@pytest.mark.parametrize("query, shown, hidden", [
    ("band=likely", ["m-likely-hi", "m-likely-lo"], ["m-stolen-1", "m-possible"]),
    ("category=quad", [], ["m-stolen-1", "m-likely-hi"]),
    ("category=tractor", ["m-stolen-1", "m-possible"], []),
    ("force_area=Nowhere", [], ["m-stolen-1", "m-possible"]),
    ("since=2026-11-01", ["m-stolen-1", "m-likely-lo"], ["m-likely-hi"]),
    ("until=2026-10-31", ["m-likely-hi"], ["m-stolen-1"]),
    ("band=<script>&since=not-a-date", ["m-stolen-1"], []),
])
async def test_queue_filters(ds, cookies_for, more_matches, query, shown, hidden):
    response = await ds.client.get(f"/queue?{query}", cookies=cookies_for("olivia"))
    assert response.status_code == 200
    for match_id in shown:
        assert f'data-match-id="{match_id}"' in response.text
    for match_id in hidden:
        assert f'data-match-id="{match_id}"' not in response.text


async def test_queue_row_shows_photo_pair_item_listing_reason_and_age(ds, seeded, cookies_for):
    html = (await ds.client.get("/queue", cookies=cookies_for("olivia"))).text
    row = html[html.index('data-match-id="m-stolen-1"'):]
    row = row[:row.index("</tr>")]
    assert f'/photo/listing/{seeded["listing_photo"]}.jpg' in row and f'/photo/item/{seeded["photo"]}.jpg' in row
    assert "John Deere" in row and "12,500" in row and "serial" in row and "href=\"/match/m-stolen-1\"" in row
    assert " d<" in row or " h<" in row or "min<" in row


async def test_owner_checks_are_a_separate_queue(ds, cookies_for):
    html = (await ds.client.get("/queue?queue=owner_check", cookies=cookies_for("olivia"))).text
    assert 'data-match-id="m-owner-1"' in html and 'data-match-id="m-stolen-1"' not in html


async def test_match_page_shows_both_sides_and_the_evidence(ds, db, seeded, cookies_for):
    response = await ds.client.get("/match/m-stolen-1", cookies=cookies_for("olivia"))
    html = response.text
    assert f'src="/photo/item/{seeded["photo"]}.jpg"' in html
    assert f'src="/photo/listing/{seeded["listing_photo"]}.jpg"' in html
    assert "44260123456" in html and "Faccombe" in html and "2026-11-01" in html
    assert 'href="https://market.example/ad/1"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "javascript:" not in html  # the seller's profile link is not an http(s) address
    sha = db.execute("select snapshot_sha256 from listings where id = ?", [seeded["hostile_listing"]]).fetchone()[0]
    assert sha in html and "2026-11-20T10:00:00Z" in html
    assert '<iframe class="fw-snapshot" sandbox=""' in html
    # the listed PIN has a letter O where the register has a zero: highlighted as the same character
    assert '<span class="same">1L0612OMCKK123456</span>' in html
    assert "listing photo 1 is a copy of registered photo 1" in html


@pytest.mark.parametrize("published, shown", [
    ("£12,500 + VAT", ["GBP 12,500 (+ VAT)", "as published: “£12,500 + VAT”"]),
    ("0,99 €", ["EUR 0.99", "as published: “0,99 €”"]),
    ("Was £9,000 now £8,250", ["GBP 8,250 (was £9,000)"]),
    ("POA", ["no price: “POA”"]),
    ("<b>£5</b> ono", ["GBP 5 (ono)", "“&lt;b&gt;£5&lt;/b&gt; ono”"]),
])
async def test_match_page_shows_the_price_as_published(ds, db, seeded, cookies_for, published, shown):
    from registry.listings.store import clean_listing, upsert_listing

    listing = upsert_listing(db, clean_listing({"source": "m", "url": "https://m.example/p", "title": "Deere",
                                                "price": published})).listing_id
    add_match(db, "m-price", seeded["tractor"], listing, "likely", 0.8)
    html = (await ds.client.get("/match/m-price", cookies=cookies_for("olivia"))).text
    for text in shown:
        assert text in html
    exported = (await ds.client.get("/match/m-price.json", cookies=cookies_for("olivia"))).json()
    assert exported["listing"]["price_text"] == published


async def test_identifier_differences_are_marked(ds, db, cookies_for):
    reasons = [{"kind": "identifier", "detail": "one edit", "weight": 0.3, "registered": "PE4045R123456",
                "listed": "PE4045R128456", "match": "one_edit", "identifier_kind": "engine"}]
    db.execute("update matches set reasons = ? where id = 'm-stolen-1'", [json.dumps(reasons)])
    html = (await ds.client.get("/match/m-stolen-1", cookies=cookies_for("olivia"))).text
    assert '<span class="same">PE4045R12</span><span class="diff">8</span><span class="same">456</span>' in html


@pytest.mark.parametrize("path, subject", [("/match/m-stolen-1", "match:m-stolen-1"), ("/item/1", "item:1"),
                                           ("/match/m-stolen-1.json", "match:m-stolen-1"),
                                           ("/match/m-stolen-1.csv", "match:m-stolen-1")])
async def test_owner_contact_is_shown_to_officers_and_every_view_logged(ds, db, cookies_for, path, subject):
    cookies = cookies_for("olivia")
    for expected in (1, 2):
        response = await ds.client.get(path, cookies=cookies)
        assert all(marker in response.text for marker in OWNER_MARKERS)
        rows = db.execute("select actor, subject, owner_id, created_at from access_log where subject = ?",
                          [subject]).fetchall()
        assert len(rows) == expected and rows[0][0] == "olivia" and rows[0][2] is not None and rows[0][3]


async def test_access_log_is_append_only(ds, db, cookies_for):
    await ds.client.get("/item/1", cookies=cookies_for("olivia"))
    with pytest.raises(Exception, match="append-only"):
        db.execute("update access_log set actor = 'someone'")
    with pytest.raises(Exception, match="append-only"):
        db.execute("delete from access_log")


async def test_unknown_match_and_item_are_404(ds, cookies_for):
    cookies = cookies_for("olivia")
    for path in ["/match/nope", "/item/999", "/match/nope.json", "/photo/item/999.jpg", "/listing/nope/snapshot"]:
        assert (await ds.client.get(path, cookies=cookies)).status_code == 404, path


async def test_datasette_tables_link_match_ids_safely(ds, db, cookies_for):
    from datasette_config.officer.decisions import record_decision

    record_decision(db, "m-stolen-1", "confirm", "", "olivia")
    for path in ["/farmwatch/decisions", "/farmwatch/decisions?_hide_sql=1"]:
        html = (await ds.client.get(path, cookies=cookies_for("olivia"))).text
        assert '<a href="/match/m-stolen-1">m-stolen-1</a>' in html
    home = (await ds.client.get("/", cookies=cookies_for("olivia"))).text
    assert 'href="/queue"' in home
