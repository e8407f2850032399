"""Registry search by typed identifier and by words; the map and the weekly chart."""

from __future__ import annotations

from datetime import date

import pytest

from datasette_config.officer.plots import project, stacked_bars, weekly_counts
from datasette_config.officer.queries.search import fts_query, search_identifier, search_text
from registry.items.registration import register_item
from registry.items.validation import validate_item


@pytest.fixture
def neighbours(db, seeded):
    """Serials issued in sequence beside the seeded one: honest near-misses the ranking must put below."""
    for serial in ["1L06120MCKK123457", "1L06120MCKK999999"]:
        item, errors = validate_item({"owner": {"name": "Other Farm", "email": "other@example.org"},
                                      "category": "tractor", "make": "John Deere",
                                      "identifiers": [{"kind": "pin", "value": serial}]})
        register_item(db, item)
    return seeded


@pytest.mark.parametrize("typed, first, kind", [
    ("1L06120MCKK123456", "1L06120MCKK123456", "exact"),
    ("1l0612omckk123456", "1L06120MCKK123456", "exact"),          # look-alikes, lower case
    ("1L0 612 0MC-KK12 3456", "1L06120MCKK123456", "exact"),      # separators as read off the plate
    ("1L06120MCKK12345", "1L06120MCKK123456", "partial"),          # last digit unreadable
    ("MCKK123456", "1L06120MCKK123456", "partial"),
    ("1L06120MCKK123458", "1L06120MCKK123456", "near"),            # one digit mistyped
    ("ＨＦＴ４２０－７７８８９９", "HFT420-778899", "exact"),       # full-width characters
])
def test_identifier_search_ranks_the_right_item_first(db, neighbours, typed, first, kind):
    hits = search_identifier(db, typed)["hits"]
    assert hits[0]["raw_value"] == first and hits[0]["match"] == kind
    assert hits[0]["why"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_identifier_search_shows_theft_status(db, neighbours):
    hit = search_identifier(db, "1L06120MCKK123456")["hits"][0]
    assert hit["status"] == "stolen" and hit["crime_ref"] == "44260123456" and hit["stolen_at"] == "2026-11-01"
    second = search_identifier(db, "1L06120MCKK123456")["hits"][1]
    assert second["raw_value"] == "1L06120MCKK123457" and second["status"] == "registered"
    assert "1 character different" in second["why"]


@pytest.mark.parametrize("typed", ["", "unknown", "n/a", "---", "zzzzzzzzzzzzzzzzzzzzzzzzz"])
def test_nothing_to_search_gives_no_hits(db, seeded, typed):
    assert search_identifier(db, typed)["hits"] == []


async def test_search_page_needs_a_reason_and_logs_it(ds, db, cookies_for):
    cookies = cookies_for("olivia")
    page = await ds.client.get("/search?identifier=1L06120MCKK123456", cookies=cookies)
    assert "Give a reason" in page.text and "Zebedee" not in page.text
    assert db.execute("select count(*) from access_log").fetchone()[0] == 0
    page = await ds.client.get("/search?identifier=1L06120MCKK123456&reason=found+in+a+barn+at+Andover",
                               cookies=cookies)
    assert "STOLEN" in page.text and "Zebedee Quillfeather" in page.text and "/item/1" in page.text
    logged = db.execute("select actor, action, subject, reason from access_log order by id").fetchall()
    assert ("olivia", "search", "identifier:1L06120MCKK123456", "found in a barn at Andover") in logged
    assert ("olivia", "view_contact", "item:1", "found in a barn at Andover") in logged
    assert 'href="/item/1?reason=found%20in%20a%20barn%20at%20Andover"' in page.text
    await ds.client.get("/item/1?reason=found%20in%20a%20barn%20at%20Andover", cookies=cookies)
    assert db.execute("select reason from access_log where action = 'view_contact' order by id desc limit 1"
                      ).fetchone() == ("found in a barn at Andover",)


@pytest.mark.parametrize("text, expect_item, expect_listing", [
    ("tractor", True, True), ("loader", True, False), ("tract", True, True), ("Andover", False, True),
    ('"john OR', False, False), ("NEAR(x", False, False), ("*", False, False),
])
def test_text_search_is_safe_for_any_input(db, seeded, text, expect_item, expect_listing):
    result = search_text(db, text)
    assert bool(result["items"]) == expect_item and bool(result["listings"]) == expect_listing


def test_fts_query_quotes_every_word():
    assert fts_query('green "6120 OR x') == '"green" "6120" "OR" "x"*'
    assert fts_query("  ") is None


async def test_map_plots_thefts_and_matched_listings_offline(ds, cookies_for):
    html = (await ds.client.get("/map", cookies=cookies_for("olivia"))).text
    assert html.count("<rect ") == 1 and html.count("<circle ") == 1
    assert 'href="/match/m-stolen-1"' in html and "stroke-dasharray" in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")


def test_projection_keeps_points_inside_the_canvas():
    points = {"thefts": [{"lat": 50.1, "lon": -5.5}, {"lat": 58.6, "lon": -3.1}],
              "listings": [{"lat": 51.5, "lon": 1.2, "theft_lat": 50.1, "theft_lon": -5.5}]}
    plot = project(points)
    for p in plot["thefts"] + plot["listings"]:
        assert 0 <= p["xy"][0] <= plot["width"] and 0 <= p["xy"][1] <= plot["height"]
    assert len(plot["lines"]) == 1 and plot["grid"]
    north = max(plot["thefts"], key=lambda p: p["lat"])
    assert north["xy"][1] < min(p["xy"][1] for p in plot["thefts"] if p is not north)


def test_weekly_counts_by_category(db, seeded):
    data = weekly_counts(db, weeks=8, today=date(2026, 11, 25))
    week = date(2026, 10, 26)  # Monday of the week of 1 November 2026
    assert data["thefts"][week] == {"tractor": 1}
    assert data["matches"][date(2026, 11, 16)] == {"tractor": 1, "quad": 1}
    chart = stacked_bars(data["matches"], data["weeks"], data["categories"], data["colours"])
    assert len(chart["rects"]) == 2 and chart["top"] == 2 and sum(chart["totals"]) == 2


async def test_trends_page_draws_both_charts(ds, cookies_for):
    html = (await ds.client.get("/trends", cookies=cookies_for("olivia"))).text
    assert "fw-chart-thefts" in html and "fw-chart-matches" in html


@pytest.mark.parametrize("key, whole, expected", [
    ("ABC", False, [0, 1]), ("ABC", True, [0]), ("C1", False, [1]), ("XYZ9", False, [2]), ("Q", False, []),
    ("XYZ9", True, [2]), ("Y", False, [2]),
])
def test_key_index_finds_contained_and_whole_keys(key, whole, expected):
    from datasette_config.officer.queries.search import KeyIndex

    index = KeyIndex([10, 11, 12], ["ABC", "ABC1", "XYZ9"])
    assert index.containing(key, whole=whole) == expected


def test_short_typed_values_only_match_whole_keys(db, seeded):
    from datasette_config.officer.queries.search import KeyIndex, rank_keys

    index = KeyIndex([1, 2, 3], ["AB1", "AB12345", "XAB1"])
    assert [(i, kind) for i, _, kind, _ in rank_keys("AB1", index)][:1] == [(1, "exact")]
    assert all(kind != "partial" for _, _, kind, _ in rank_keys("AB1", index))


def test_key_index_follows_additions_and_removals(db, seeded, monkeypatch):
    import datasette_config.officer.queries.search as search_data

    assert search_identifier(db, "HFT420778899")["hits"][0]["match"] == "exact"
    item, _ = validate_item({"owner": {"name": "New Farm", "email": "new@example.org"}, "category": "trailer",
                             "identifiers": [{"kind": "serial", "value": "IFOR-TR-556677"}]})
    register_item(db, item)
    assert search_identifier(db, "IFORTR556677")["hits"][0]["raw_value"] == "IFOR-TR-556677"
    db.execute("delete from identifiers where raw_value = 'HFT420-778899'")
    monkeypatch.setattr(search_data, "RECOUNT_SECONDS", 0.0)
    assert all(h["raw_value"] != "HFT420-778899" for h in search_identifier(db, "HFT420778899")["hits"])
