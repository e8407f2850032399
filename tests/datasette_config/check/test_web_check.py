"""The public buyer check over HTTP: no login, three answers, logging, alerts for officers, rate limit."""

from __future__ import annotations

import pytest

from tests.datasette_config.farmer.test_web_isolation import ALICE_SECRETS, BOB_SECRETS, leaked

PERSONAL = ["alice", "bob@", "07700", "SP11", "EX1", "Home Farm", "Faccombe", "secret description"]


@pytest.fixture(autouse=True)
def generous_limit(monkeypatch):
    monkeypatch.setenv("FARMWATCH_CHECK_LIMIT", "1000/600")


@pytest.mark.parametrize("typed, result, phrase", [
    ("jh2-te43 21zk-OOO777", "stolen", "Reported stolen: do not buy"),
    ("JH2ТЕ4321ZK000777", "stolen", "Call 101 quoting this reference: 44260123456"),
    ("IL06I20MCKK l23456", "registered", "Registered, not reported stolen"),
    ("sck600000b0654321", "registered", "Registered, not reported stolen"),
    ("JH2TE4321ZK000778", "similar", "a similar identifier is registered: check the number carefully"),
    ("1L06120MCKK123465", "similar", "check the number carefully"),
    ("ZZ9-PLURAL-Z-ALPHA", "unknown", "Not on the register"),
    ("n/a", "invalid", "not an identifier"),
])
async def test_each_answer_as_json_and_html(ds, db, farms, typed, result, phrase):
    response = await ds.client.get("/check.json", params={"identifier": typed})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == result and phrase in body["message"]
    assert body["stolen"] == (result == "stolen")
    if result != "stolen":
        assert "do not buy" not in body["message"].lower() and body["crime_refs"] == []
    html = await ds.client.post("/check", data={"identifier": typed})
    assert html.status_code == 200 and phrase.split(":")[0] in html.text
    get_html = await ds.client.get("/check", params={"identifier": typed})
    assert get_html.status_code == 200 and f"fw-answer-{result}" in get_html.text
    for text in (response.text, html.text, get_html.text):
        assert not leaked(text, PERSONAL + ALICE_SECRETS[2:] + BOB_SECRETS[1:]), typed
        assert f"/farmer/items/{farms['quad']}" not in text and '"item_id"' not in text


async def test_stolen_answer_quotes_the_crime_reference(ds, farms):
    body = (await ds.client.get("/check.json?identifier=JH2TE4321ZK000777")).json()
    assert body["crime_refs"] == ["44260123456"] and "44260123456" in body["message"]
    assert body["items"][0]["status"] == "stolen" and "place" not in body["items"][0]


async def test_form_page_without_an_identifier_and_json_without_one(ds, farms):
    page = await ds.client.get("/check")
    assert page.status_code == 200 and 'name="identifier"' in page.text and "fw-check-answer" not in page.text
    assert 'name="viewport"' in page.text
    missing = await ds.client.get("/check.json")
    assert missing.status_code == 400 and "identifier" in missing.json()["error"]


async def test_hostile_identifier_is_escaped_and_logged_as_typed(ds, db, farms):
    hostile = '"><script>alert(1)</script>'
    response = await ds.client.get("/check", params={"identifier": hostile})
    assert "<script>alert(1)" not in response.text and "&lt;script&gt;" in response.text
    assert db.execute("select identifier from public_checks").fetchone()[0] == hostile


async def test_every_check_is_logged_with_address_and_stolen_hits_alert_officers(ds, db, farms, login):
    for typed in ("JH2TE4321ZK000777", "1L06120MCKK123456", "nothing-999999"):
        await ds.client.get("/check.json", params={"identifier": typed}, headers={"user-agent": "BuyerPhone/1"})
    rows = db.execute("select identifier, result, alert, requester, user_agent from public_checks order by id").fetchall()
    assert [(r[1], r[2]) for r in rows] == [("stolen", 1), ("registered", 0), ("unknown", 0)]
    assert all(r[3] and r[4] == "BuyerPhone/1" for r in rows)
    officer = await ds.client.get("/check/alerts.json", cookies=login("pc-jones"))
    alerts = officer.json()["alerts"]
    assert len(alerts) == 1 and alerts[0]["identifier"] == "JH2TE4321ZK000777"
    assert alerts[0]["thefts"][0]["crime_ref"] == "44260123456" and alerts[0]["item_ids"] == [farms["quad"]]
    assert officer.json()["near"] == []
    await ds.client.get("/check.json", params={"identifier": "JH2TE4321ZK000778"})
    near = (await ds.client.get("/check/alerts.json", cookies=login("pc-jones"))).json()["near"]
    assert [n["identifier"] for n in near] == ["JH2TE4321ZK000778"] and near[0]["thefts"][0]["crime_ref"]
    html = await ds.client.get("/check/alerts", cookies=login("pc-jones"))
    assert html.status_code == 200 and "JH2TE4321ZK000777" in html.text and "JH2TE4321ZK000778" in html.text
    assert (await ds.client.get("/check/alerts", cookies=login("alice"))).status_code == 403
    assert (await ds.client.get("/check/alerts.json")).status_code == 403
    assert (await ds.client.get("/check/alerts")).status_code == 302


async def test_rate_limit_per_address(ds, db, farms, monkeypatch):
    monkeypatch.setenv("FARMWATCH_CHECK_LIMIT", "3/600")
    for _ in range(3):
        assert (await ds.client.get("/check.json?identifier=JH2TE4321ZK000777")).status_code == 200
    limited = await ds.client.get("/check.json?identifier=JH2TE4321ZK000777")
    assert limited.status_code == 429 and 500 < int(limited.headers["retry-after"]) <= 601
    assert "Too many checks" in limited.json()["error"] and "result" not in limited.json()
    page = await ds.client.post("/check", data={"identifier": "JH2TE4321ZK000777"})
    assert page.status_code == 429 and "Too many checks" in page.text
    assert db["public_checks"].count == 3


async def test_trusted_proxy_forwards_the_real_address(ds, db, farms, monkeypatch):
    monkeypatch.setenv("FARMWATCH_CHECK_LIMIT", "1/600")
    monkeypatch.setenv("FARMWATCH_TRUSTED_PROXIES", "127.0.0.1")
    for n in (1, 2):
        response = await ds.client.get("/check.json?identifier=ABCDE12345",
                                       headers={"x-forwarded-for": f"spoofed, 203.0.113.{n}"})
        assert response.status_code == 200
    assert [r[0] for r in db.execute("select requester from public_checks")] == ["203.0.113.1", "203.0.113.2"]
    monkeypatch.delenv("FARMWATCH_TRUSTED_PROXIES")
    assert (await ds.client.get("/check.json?identifier=ABCDE12345",
                                headers={"x-forwarded-for": "203.0.113.3"})).status_code == 200
    assert (await ds.client.get("/check.json?identifier=ABCDE12345",
                                headers={"x-forwarded-for": "203.0.113.4"})).status_code == 429


async def test_a_check_started_by_another_site_is_not_run_or_logged(ds, db, farms):
    for site in ("cross-site", "same-site"):
        headers = {"sec-fetch-site": site}
        image = await ds.client.get("/check?identifier=JH2TE4321ZK000777", headers=headers)
        assert image.status_code == 200 and "fw-check-answer" not in image.text
        assert 'value="JH2TE4321ZK000777"' in image.text and "Press <strong>Check</strong>" in image.text
        script = await ds.client.get("/check.json?identifier=JH2TE4321ZK000777", headers=headers)
        assert script.status_code == 403 and "result" not in script.json()
    assert db["public_checks"].count == 0
    typed = await ds.client.get("/check?identifier=JH2TE4321ZK000777", headers={"sec-fetch-site": "none"})
    assert "fw-check-answer" in typed.text and db["public_checks"].count == 1
