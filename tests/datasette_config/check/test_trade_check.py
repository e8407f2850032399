"""Trade bulk checks: a catalogue in, an answer per line out; logged per account, limited, no personal data."""

from __future__ import annotations

import json

import pytest

from datasette_config.check.trade import MAX_IDENTIFIERS, TradeUploadError, parse_csv, parse_json
from tests.datasette_config.check.test_web_check import PERSONAL
from tests.datasette_config.farmer.conftest import add_account

CATALOGUE = (b"Lot,Description,Serial number\r\n"
             b"101,Honda quad,jh2-te43 21zk-OOO777\r\n"
             b"102,JD tractor,IL06I20MCKK l23456\r\n"
             b"103,Unknown kit,ZZ9-PLURAL-Z-ALPHA\r\n"
             b"104,Neighbour,JH2TE4321ZK000778\r\n"
             b"105,No number given,\r\n"
             b"106,Too short,ab\r\n")


@pytest.fixture
def trade(db, farms):
    add_account(db, "mart", "trade", "checks@mart.example")
    return "mart"


async def upload(ds, cookies, data: bytes, path="/check/trade", name="catalogue.csv"):
    return await ds.client.post(path, files={"file": (name, data, "text/csv")}, cookies=cookies)


async def test_a_catalogue_is_answered_line_by_line_with_bad_lines_reported(ds, db, trade, login):
    response = await upload(ds, login("mart"), CATALOGUE, "/check/trade.json")
    assert response.status_code == 200
    body = response.json()
    assert [(a["line"], a["reference"], a["result"]) for a in body["answers"]] == [
        (2, "101", "stolen"), (3, "102", "registered"), (4, "103", "unknown"), (5, "104", "similar")]
    assert body["errors"] == ["line 6: no identifier", "line 7: That is not an identifier: it has no digits. Type the "
                              "serial, PIN, VIN, ear tag or chip number as it appears on the machine or animal."]
    assert body["counts"] == {"stolen": 1, "similar": 1, "registered": 1, "unknown": 1}
    assert "44260123456" in body["answers"][0]["message"]
    text = response.text.lower()
    assert not [p for p in PERSONAL if p.lower() in text]
    logged = db.execute("select account, batch, result, alert from public_checks order by id").fetchall()
    assert [(r[0], r[2], r[3]) for r in logged] == [("mart", "stolen", 1), ("mart", "registered", 0),
                                                    ("mart", "unknown", 0), ("mart", "similar", 0),
                                                    ("mart", "invalid", 0)]
    assert {r[1] for r in logged} == {body["batch"]}


async def test_a_stolen_hit_reaches_officers_with_the_account(ds, trade, login):
    await upload(ds, login("mart"), CATALOGUE)
    alerts = (await ds.client.get("/check/alerts.json", cookies=login("pc-jones"))).json()["alerts"]
    assert [(a["identifier"], a["account"]) for a in alerts] == [("jh2-te43 21zk-OOO777", "mart")]
    page = (await ds.client.get("/check/alerts", cookies=login("pc-jones"))).text
    assert "trade account <strong>mart</strong>" in page


async def test_the_page_json_and_csv_answers(ds, trade, login):
    cookies = login("mart")
    page = await upload(ds, cookies, CATALOGUE)
    assert page.status_code == 200 and "Reported stolen: do not buy or sell it" in page.text and "line 6: no identifier" in page.text
    posted = await ds.client.post("/check/trade.json", json={"identifiers": [
        "JH2TE4321ZK000777", {"identifier": "SCK600000B0654321", "reference": "lot 9"}, "", 7]}, cookies=cookies)
    body = posted.json()
    assert [(a["line"], a["reference"], a["result"]) for a in body["answers"]] == [
        (1, None, "stolen"), (2, "lot 9", "registered")]
    assert body["errors"][0].startswith("entry 3: no identifier") and body["errors"][1].startswith("entry 4:")
    download = await upload(ds, cookies, CATALOGUE, "/check/trade.csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = download.text.splitlines()
    assert rows[0].startswith("line,reference,identifier,result") and rows[1].startswith("2,101,")
    assert any(r.startswith("6,,,error,no identifier") for r in rows)


async def test_only_trade_accounts_and_admins_may_check(ds, db, trade, login):
    add_account(db, "boss", "admin")
    assert (await ds.client.get("/check/trade")).status_code == 302  # a visitor is sent to log in
    assert (await upload(ds, {}, CATALOGUE)).status_code == 403
    for user in ("alice", "pc-jones"):
        assert (await upload(ds, login(user), CATALOGUE)).status_code == 403
        assert (await ds.client.get("/check/trade", cookies=login(user))).status_code == 403
    assert (await upload(ds, login("boss"), CATALOGUE)).status_code == 200
    assert db.execute("select count(distinct account) from public_checks").fetchone()[0] == 1


async def test_huge_uploads_are_refused_whole_and_clearly(ds, db, trade, login):
    cookies = login("mart")
    too_long = b"identifier\n" + b"".join(b"SERIAL%07d\n" % n for n in range(MAX_IDENTIFIERS + 1))
    response = await upload(ds, cookies, too_long, "/check/trade.json")
    assert response.status_code == 413 and "more than 5,000 identifiers" in response.json()["error"]
    too_big = b"identifier\n" + b"X" * (3 * 2**20)
    response = await upload(ds, cookies, too_big, "/check/trade.json")
    assert response.status_code == 413 and "limit" in response.json()["error"]
    response = await upload(ds, cookies, b"\x00\x01binary", "/check/trade.json", name="catalogue.xlsx")
    assert response.status_code == 400 and "binary" in response.json()["error"]
    assert db["public_checks"].count == 0


async def test_the_account_allowance_refuses_an_upload_that_would_pass_it(ds, db, trade, login, monkeypatch):
    monkeypatch.setenv("FARMWATCH_TRADE_LIMIT", "5/3600")
    cookies = login("mart")
    first = await ds.client.post("/check/trade.json", json=["SERIAL0001", "SERIAL0002", "SERIAL0003"], cookies=cookies)
    assert first.status_code == 200
    second = await ds.client.post("/check/trade.json", json=["SERIAL0004", "SERIAL0005", "SERIAL0006"], cookies=cookies)
    assert second.status_code == 429 and "may check 2 more" in second.json()["error"]
    assert db["public_checks"].count == 3


@pytest.mark.parametrize("data, expected, errors", [
    (b"JH2TE4321ZK000777\nSCK600000B0654321\n", [(1, "JH2TE4321ZK000777"), (2, "SCK600000B0654321")], []),
    (b"VIN;Stock number\nWVWZZZ1JZXW000001;S1\n;S2\n", [(2, "WVWZZZ1JZXW000001")], ["line 3: no identifier"]),
    (b"Ear tag\tChip\nUK 284205 7 00016\t826012345678901\n", [(2, "UK 284205 7 00016"), (2, "826012345678901")], []),
    ("Serial number\n\u00e9t\u00e9-123456\n".encode("cp1252"), [(2, "\u00e9t\u00e9-123456")], []),
])
def test_csv_shapes(data, expected, errors):
    lines, problems = parse_csv(data, "c.csv")
    assert [(line.line, line.identifier) for line in lines] == expected and problems == errors


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"Lot,Description\n1,tractor\n", "no identifier column"),
])
def test_csv_files_that_cannot_be_checked(data, message):
    with pytest.raises(TradeUploadError, match=message):
        parse_csv(data, "c.csv")


@pytest.mark.parametrize("data, message", [
    (b"{not json", "not JSON"),
    (json.dumps({"serials": []}).encode(), "send"),
    (json.dumps(["X"] * (MAX_IDENTIFIERS + 1)).encode(), "more than 5,000"),
])
def test_json_requests_that_cannot_be_checked(data, message):
    with pytest.raises(TradeUploadError, match=message):
        parse_json(data)


@pytest.mark.parametrize("reference", ["＝HYPERLINK(\"http://evil.example\")", "﹦1+1", "＠SUM(A1)", "﹣2+3", "=1+1"])
async def test_the_answers_csv_escapes_formulas_in_the_catalogue_references(ds, db, trade, login, reference):
    catalogue = f'Lot,Serial number\r\n"{reference.replace(chr(34), chr(34) * 2)}",JH2TE4321ZK000777\r\n'.encode()
    download = await upload(ds, login("mart"), catalogue, "/check/trade.csv")
    assert download.status_code == 200
    assert f"'{reference}" in download.text.replace('""', '"')
