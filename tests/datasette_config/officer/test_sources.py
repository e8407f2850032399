"""/sources: each marketplace source's crawl health (last runs, pages, listings, photos, refusals by
rule, failures by kind, the cause of a failed crawl and the trend), for officers and admins only."""

import json

import pytest

from datasette_config.officer.queries.sources import source_health, trend_bars


def add_runs(db):
    runs = [
        ("good-market", "ok", 40, 38, 150, None, {"index page": 2}, {}),
        ("good-market", "ok", 41, 39, 152, None, {"index page": 2}, {"http": 1}),
        ("shut-market", "ok", 12, 10, 30, None, {}, {}),
        ("shut-market", "failed", 0, 0, 0, "no listing: robots.txt forbids everything (Disallow: / for our user agent) "
                                            "on shut.example", {}, {"robots": 1}),
    ]
    for n, (source, status, pages, listings, photos, cause, refusals, failures) in enumerate(runs):
        db["crawl_runs"].insert({"source": source, "status": status, "started_at": f"2026-12-0{n + 1}T03:15:00Z",
                                 "finished_at": f"2026-12-0{n + 1}T03:20:00Z", "pages": pages,
                                 "listings_seen": listings, "listings_unchanged": listings, "photos_seen": photos,
                                 "photos_unchanged": photos, "refusals": json.dumps(refusals),
                                 "failures": json.dumps(failures), "cause": cause, "complete": 1})


def test_failing_sources_come_first_with_their_cause_and_trend(db):
    add_runs(db)
    health = source_health(db.conn)
    assert [s["source"] for s in health] == ["shut-market", "good-market"]
    shut, good = health
    assert shut["latest"]["status"] == "failed" and "robots.txt forbids everything" in shut["latest"]["cause"]
    assert [r["listings_seen"] for r in good["runs"]] == [39, 38]  # newest first
    assert good["runs"][0]["failures"] == {"http": 1} and good["runs"][0]["refusals"] == {"index page": 2}
    assert [b["failed"] for b in shut["chart"]["bars"]] == [False, True]  # oldest first


def test_trend_bars_scale_to_the_largest_run():
    runs = [{"id": 1, "started_at": "a", "status": "ok", "listings_seen": 10},
            {"id": 2, "started_at": "b", "status": "failed", "listings_seen": 0},
            {"id": 3, "started_at": "c", "status": "ok", "listings_seen": 5}]
    chart = trend_bars(runs, width=300, height=60)
    assert chart["top"] == 10 and [b["h"] for b in chart["bars"]] == [48.0, 0.0, 24.0]


@pytest.mark.parametrize("username, allowed", [("olivia", True), ("adam", True), ("fern", False), (None, False)])
async def test_sources_page_for_officers_and_admins(ds, db, cookies_for, username, allowed):
    add_runs(db)
    response = await ds.client.get("/sources", cookies=cookies_for(username))
    if not allowed:
        assert response.status_code in (302, 403) and "shut-market" not in response.text
        return
    assert response.status_code == 200
    html = response.text
    assert "shut-market: FAILED" in html and "robots.txt forbids everything" in html
    ours = html[html.index("<h1>Marketplace sources"):html.rindex("</section>")]
    assert "fw-bar-failed" in ours and "<script" not in ours and "style=" not in ours and " on" + "click" not in ours
    data = (await ds.client.get("/sources.json", cookies=cookies_for(username))).json()
    assert data["sources"][0]["source"] == "shut-market"
