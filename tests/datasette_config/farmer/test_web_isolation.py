"""Two farmers, an officer and an anonymous visitor probe every farmer route for each other's data."""

from __future__ import annotations

import pytest

from datasette_config.farmer.items import add_own_photos
from synthetic.photos import photo_bytes

ALICE_SECRETS = ["1L06120MCKK123456", "JH2TE4321ZK000777", "Alice's secret description", "alice@example.org",
                 "07700 900001", "SP11", "Home Farm"]
BOB_SECRETS = ["SCK600000B0654321", "bob@example.org", "07700 900002", "EX1 1AA", "Ifor Williams trailer"]
SELLER = ["Seller Person", "07700 999999"]


@pytest.fixture
def photos(db, farms):
    add_own_photos(db, farms["alice"], farms["tractor"], [("a.jpg", photo_bytes(21))])
    add_own_photos(db, farms["bob"], farms["trailer"], [("b.jpg", photo_bytes(22))])
    ids = dict(db.execute("select i.owner_id, p.id from photos p join items i on i.id = p.item_id").fetchall())
    return {"alice": ids[farms["alice"]], "bob": ids[farms["bob"]]}


def read_routes(farms, photos, owner: str) -> list[str]:
    """Every GET route of the farmer pages, pointed at `owner`'s records."""
    items = [farms["tractor"], farms["quad"]] if owner == "alice" else [farms["trailer"]]
    routes = ["/farmer", "/farmer.json", "/farmer/checks", "/farmer/checks.json", "/farmer/items/new",
              "/farmer/import", f"/farmer/photos/{photos[owner]}.jpg",
              f"/farmer.json?owner_id={farms[owner]}", f"/farmer.json?_actor_id={owner}"]
    for item in items:
        routes += [f"/farmer/items/{item}", f"/farmer/items/{item}.json"]
    return routes


def leaked(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s.lower() in text.lower()]


async def test_each_farmer_sees_only_their_own_records_on_every_route(ds, farms, photos, login):
    for me, other, mine, theirs in (("alice", "bob", ALICE_SECRETS, BOB_SECRETS),
                                    ("bob", "alice", BOB_SECRETS, ALICE_SECRETS)):
        cookies = login(me)
        for path in read_routes(farms, photos, other):
            response = await ds.client.get(path, cookies=cookies)
            assert not leaked(response.text, theirs + SELLER), (me, path)
            if path.startswith("/farmer/items/") and path[14:15].isdigit() or "/photos/" in path:
                assert response.status_code == 404, (me, path, response.status_code)
        own = await ds.client.get("/farmer.json", cookies=cookies)
        assert own.status_code == 200 and leaked(own.text, mine)


@pytest.mark.parametrize("who, expected", [(None, "login"), ("pc-jones", 403)])
async def test_non_farmers_get_nothing_from_farmer_routes(ds, farms, photos, login, who, expected):
    cookies = login(who)
    for owner in ("alice", "bob"):
        for path in read_routes(farms, photos, owner):
            response = await ds.client.get(path, cookies=cookies)
            assert not leaked(response.text, ALICE_SECRETS + BOB_SECRETS + SELLER), path
            if expected == "login" and not path.split("?")[0].endswith(".json"):
                assert response.status_code == 302 and response.headers["location"].startswith("/-/login")
            else:
                assert response.status_code == 403, (path, response.status_code)


async def test_writes_to_another_farmers_records_are_refused_and_change_nothing(ds, db, farms, login):
    def snapshot():
        return (db.execute("select group_concat(id || status || coalesce(make, '') || updated_at) from items")
                .fetchone(), db["thefts"].count, db["photos"].count, db["identifiers"].count,
                db.execute("select group_concat(id || queue || status) from matches").fetchone(), db["reviews"].count)

    before = snapshot()
    alice = login("alice")
    bob_item = farms["trailer"]
    attempts = [
        (f"/farmer/items/{bob_item}", {"category": "trailer", "make": "Stolen by Alice"}, None),
        (f"/farmer/items/{bob_item}/stolen", {"stolen_at": "2026-11-01", "crime_ref": "1"}, None),
        (f"/farmer/items/{bob_item}/recovered", {}, None),
        (f"/farmer/items/{bob_item}/photos", {}, {"photos": ("x.jpg", photo_bytes(5), "image/jpeg")}),
        ("/farmer/checks/M1", {"answer": "selling"}, None),
        ("/farmer/checks/M1.json", {"answer": "not_me"}, None),
    ]
    for path, data, files in attempts:
        response = await ds.client.post(path, data=data, files=files, cookies=alice)
        assert response.status_code == 404, (path, response.status_code)
        assert not leaked(response.text, BOB_SECRETS)
    for path, data, files in attempts:  # and anonymously
        response = await ds.client.post(path, data=data, files=files)
        assert response.status_code == 403, (path, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/farmwatch/items.json", "/farmwatch/items.csv", "/farmwatch/owners.json",
                                  "/farmwatch/identifiers", "/farmwatch/public_checks.json",
                                  "/farmwatch.json?sql=select+*+from+owners", "/farmwatch/matches.json",
                                  "/check/alerts", "/check/alerts.json"])
async def test_farmer_cannot_reach_the_registry_through_datasette_or_officer_pages(ds, farms, login, path):
    response = await ds.client.get(path, cookies=login("alice"))
    assert response.status_code in (403, 404), (path, response.status_code)
    assert not leaked(response.text, ALICE_SECRETS[:2] + BOB_SECRETS)


async def test_cross_site_posts_are_refused(ds, db, farms, login):
    alice = login("alice")
    for headers in ({"sec-fetch-site": "cross-site"}, {"sec-fetch-site": "same-site"},
                    {"origin": "https://evil.example"}, {"origin": "null"}):
        for path, data in ((f"/farmer/items/{farms['tractor']}/stolen", {"stolen_at": "2026-11-01", "crime_ref": "9"}),
                           ("/farmer/items/new", {"category": "tractor", "make": "CSRF"}),
                           ("/check", {"identifier": "JH2TE4321ZK000777"})):
            response = await ds.client.post(path, data=data, cookies=alice, headers=headers)
            assert response.status_code == 403, (headers, path)
    assert db["thefts"].count == 1 and db["items"].count == 3 and db["public_checks"].count == 0
    same = await ds.client.post("/farmer/items/new", data={"category": "tractor", "make": "Same-site"},
                                cookies=alice, headers={"sec-fetch-site": "same-origin"})
    assert same.status_code == 302


async def test_menu_offers_farmer_pages_to_farmers_only(ds, farms, login):
    farmer = (await ds.client.get("/farmer", cookies=login("alice"))).text
    officer = (await ds.client.get("/check", cookies=login("pc-jones"))).text
    anonymous = (await ds.client.get("/check")).text
    assert 'href="/farmer/items/new"' in farmer and 'href="/check"' in farmer
    assert 'href="/farmer/items/new"' not in officer and 'href="/check/alerts"' in officer
    assert 'href="/farmer' not in anonymous and 'href="/check/alerts"' not in anonymous
