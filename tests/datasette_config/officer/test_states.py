"""Every state follows every action, on the pages officers read (registry.words.labels through the web)."""

from __future__ import annotations

import re

from registry.items.registration import mark_recovered
from registry.items.sales import mark_sold

CODE = re.compile(r">[^<]*\b(?:power_tool|ear_tag|owner_not_me|owner_selling|item_recovered|owner_check)\b[^<]*<")


def _tab_count(html: str, tab: str) -> int:
    return int(re.search(rf"{tab} \((\d+) new\)", html).group(1))


async def test_a_recovery_closes_open_matches_as_item_recovered_and_keeps_them_in_history(ds, db, seeded, cookies_for):
    mark_recovered(db, seeded["tractor"], actor="olivia")
    assert db.execute("select status from matches where id = ?", [seeded["stolen_match"]]).fetchone()[0] == "dismissed"
    assert db.execute("select decision, actor from reviews where match_id = ?",
                      [seeded["stolen_match"]]).fetchall() == [("item_recovered", "olivia")]
    cookies = cookies_for("olivia")
    queue = (await ds.client.get("/queue", cookies=cookies)).text
    assert 'data-match-id="m-stolen-1"' not in queue and _tab_count(queue, "Stolen items") == 0
    page = (await ds.client.get("/match/m-stolen-1", cookies=cookies)).text
    assert ">closed: item recovered</strong>" in page and "closed: the item was recovered</td>" in page
    record = (await ds.client.get("/match/m-stolen-1.json", cookies=cookies)).json()
    assert record["match"]["state_in_words"] == "closed: item recovered"
    assert record["item"]["state_in_words"] == "recovered"


async def test_a_not_me_on_an_unreported_item_is_never_stolen_in(ds, db, seeded, cookies_for):
    db.execute("insert into reviews (match_id, decision, actor, created_at) values (?, 'owner_not_me', 'zeb', 'now')",
               [seeded["owner_match"]])
    db.execute("update matches set queue = 'stolen' where id = ?", [seeded["owner_match"]])
    queue = (await ds.client.get("/queue", cookies=cookies_for("olivia"))).text
    row = queue.split('data-match-id="m-owner-1"', 1)[1].split("</tr>", 1)[0]
    assert "owner says the sale is not theirs; not reported stolen" in row and "stolen in" not in row
    item = (await ds.client.get(f"/item/{seeded['quad']}", cookies=cookies_for("olivia"))).text
    assert "owner says a sale is not theirs (not reported stolen)" in item


async def test_a_sale_changes_the_state_everywhere(ds, db, seeded, cookies_for):
    mark_sold(db, seeded["quad"], db.execute("select owner_id from items where id = ?", [seeded["quad"]]).fetchone()[0],
              sold_at="2026-11-25")
    item = (await ds.client.get(f"/item/{seeded['quad']}", cookies=cookies_for("olivia"))).text
    assert 'id="fw-item-state" class="fw-item-state-sold">sold<' in item
    answer = (await ds.client.get("/check.json?identifier=HFT420778899")).json()
    assert answer["result"] == "registered" and "recorded selling it on 2026-11-25" in answer["message"]
    assert answer["items"][0]["status"] == "sold"


async def test_tab_counts_follow_the_view_they_sit_above(ds, db, seeded, cookies_for):
    cookies = cookies_for("olivia")
    for query in ("", "?force_area=North Yorkshire", "?force_area=national&band=possible", "?category=quad"):
        html = (await ds.client.get(f"/queue{query}", cookies=cookies)).text
        assert _tab_count(html, "Stolen items") == html.count("data-match-id=")
        owner = (await ds.client.get(f"/queue{query}{'&' if query else '?'}queue=owner_check", cookies=cookies)).text
        assert _tab_count(owner, "Owner checks") == owner.count("data-match-id=")


async def test_pages_read_words_not_codes(ds, db, seeded, cookies_for):
    db.execute("update items set category = 'power_tool' where id = ?", [seeded["quad"]])
    db.execute("update identifiers set kind = 'ear_tag' where item_id = ?", [seeded["quad"]])
    cookies = cookies_for("olivia")
    for path in ("/", "/queue?queue=owner_check", "/match/m-owner-1", f"/item/{seeded['quad']}", "/clones",
                 "/queue?status=all"):
        html = (await ds.client.get(path, cookies=cookies)).text
        assert not CODE.search(html), (path, CODE.search(html).group(0))
    assert "power tool" in (await ds.client.get(f"/item/{seeded['quad']}", cookies=cookies)).text


async def test_friendly_not_found_and_home(ds, db, seeded, cookies_for):
    cookies = cookies_for("olivia")
    missing = await ds.client.get("/item/abc", cookies=cookies)
    assert missing.status_code == 404 and "<h1>No such item</h1>" in missing.text and "Database not found" not in missing.text
    missing = await ds.client.get("/match/nope", cookies=cookies)
    assert missing.status_code == 404 and "<h1>No such match</h1>" in missing.text
    assert (await ds.client.get("/match/nope.json", cookies=cookies)).status_code == 404
    home = await ds.client.get("/", cookies=cookies)
    assert home.status_code == 200 and "farmwatch workspace" in home.text and "rows in" not in home.text
    farmer = await ds.client.get("/farmwatch.db", cookies=cookies_for("fern"))
    assert farmer.status_code == 403 and "downloading the whole database" in farmer.text
    assert "view-database-download" not in farmer.text
    assert (await ds.client.get("/", cookies=cookies_for("fern"))).headers["location"] == "/farmer"
