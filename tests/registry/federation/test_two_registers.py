"""Two registers on 127.0.0.1, each a real `farmwatch serve` with its own database: a theft in one
found in a listing of the other, both ways; refused requests; a peer down and caught up; a recovery
withdrawn; no owner's details in the other register."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request

import pytest

from registry.federation.keys import load_or_create_key, sign_request
from tests.registry.federation.registers import make_register, pair, photo_bytes

GB_OWNER = {"name": "Margaret Thistlethwaite", "email": "m.thistlethwaite@example.org", "phone": "07700 900461",
            "postcode": "BD23 1AB"}
IE_OWNER = {"name": "Seamus Ó Briain", "email": "seamus.obriain@example.ie", "phone": "+353 87 123 4567",
            "postcode": "A91 X2Y3"}
GB_PIN, IE_PIN = "1L06120MCKK123456", "1M05075EJK0654321"


def _item(owner, pin, place, crime_ref, photo):
    return {"owner": owner, "category": "tractor", "make": "John Deere", "model": "6120M", "year": 2019,
            "colour": "green", "description": "front loader, cracked left mirror",
            "identifiers": [{"kind": "pin", "value": pin}], "photos": [photo],
            "theft": {"stolen_at": "2026-11-01", "crime_ref": crime_ref, "place": place}}


def _listing(n, pin, location):
    return {"source": "classifieds", "url": f"https://classifieds.example/ad/{n}",
            "title": "John Deere 6120M tractor, 2019", "description": f"Good runner, front loader. PIN {pin}.",
            "price": 31000, "currency": "GBP", "location": location, "posted_at": "2026-11-20T10:00:00Z"}


def _rows(register, sql, params=()):
    with sqlite3.connect(register.db_path) as conn:
        return conn.execute(sql, params).fetchall()


def _all_text(register) -> str:
    """Every value of every table of a register's database, as one text."""
    with sqlite3.connect(register.db_path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        parts = []
        for table in tables:
            try:
                parts.extend(str(v) for row in conn.execute(f'select * from "{table}"') for v in row)
            except sqlite3.DatabaseError:
                continue
    return "\n".join(parts)


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def registers(tmp_path):
    gb, ie = make_register(tmp_path, "gb"), make_register(tmp_path, "ireland")
    for register, owner, pin, place, ref, seed in ((gb, GB_OWNER, GB_PIN, "Skipton, North Yorkshire", "12260012345", 1),
                                                   (ie, IE_OWNER, IE_PIN, "Dundalk, Co Louth", "IE-44120", 2)):
        (register.folder / "tractor.jpg").write_bytes(photo_bytes(seed))
        register.import_items([_item(owner, pin, place, ref, "tractor.jpg")])
    gb.start()
    ie.start()
    pair([gb, ie])
    yield gb, ie
    gb.stop()
    ie.stop()


def test_a_theft_in_one_register_is_found_in_the_other_the_hit_comes_back_and_a_recovery_withdraws_it(registers):
    gb, ie = registers
    done = ie.run("federation", "sync", "--json")  # the command itself, once
    report = json.loads(done.stdout)
    assert report["peers"][0]["pulled"]["stolen"] == 1 and report["errors"] == []
    # held in Ireland as a stolen item of the GB register, with its force, crime reference and photo
    assert _rows(ie, "select i.register, i.status, t.force_area, t.crime_ref from items i join thefts t "
                     "on t.item_id = i.id and t.current = 1 where i.register is not null") == [
        ("gb", "stolen", "North Yorkshire", "12260012345")]
    assert _rows(ie, "select count(*) from photos p join items i on i.id = p.item_id where i.register = 'gb'") == [(1,)]
    # none of the owner's details crossed
    text = _all_text(ie)
    for value in (GB_OWNER["name"], GB_OWNER["email"], GB_OWNER["phone"], "07700900461", GB_OWNER["postcode"],
                  "Thistlethwaite", "BD23"):
        assert value not in text
    # a listing on a marketplace the Irish register scans is matched, marked with the register it came from
    ie.import_listings([_listing(1, GB_PIN, "Dundalk, Co Louth")])
    ie.match()
    assert ("gb", "strong") in _rows(ie, "select i.register, m.band from matches m join items i on i.id = m.item_id "
                                         "where m.queue = 'stolen'")
    # the Irish public check answers it as stolen: call 101, the force holding the report, the crime reference
    status, body = _get(f"{ie.url}/check.json?identifier={GB_PIN}")
    answer = json.loads(body)
    assert status == 200 and answer["stolen"] is True
    assert "North Yorkshire Police" in answer["message"] and "12260012345" in answer["message"]
    # the hit notices (the match, the check) reach the GB register's queue for North Yorkshire and its check alerts
    report = ie.sync()
    assert report["peers"][0]["pushed"]["sent"] == 2
    hits = _rows(gb, "select l.source, l.url, t.force_area, m.reasons from matches m join listings l on l.id = m.listing_id "
                     "join thefts t on t.id = m.theft_id")
    assert len(hits) == 1 and hits[0][0] == "peer:ireland" and hits[0][1] == "https://classifieds.example/ad/1"
    assert hits[0][2] == "North Yorkshire" and "ireland register" in hits[0][3]
    assert _rows(gb, "select requester, result from public_checks where alert = 1") == [("register ireland", "stolen")]
    # and the alert e-mail for North Yorkshire's officers, not another force's
    from alerts.compose import officer_digests
    from alerts.settings import load_settings
    from registry.accounts.users import add_user

    db = gb.db()
    add_user(db, "nyp", "a-long-password-1", "officer", email="rural@nyp.example", force_area="North Yorkshire")
    add_user(db, "met", "a-long-password-2", "officer", email="rural@met.example", force_area="Metropolitan")
    digests = officer_digests(db, load_settings(gb.folder))
    assert [d.recipient for d in digests] == ["rural@nyp.example"] and "12260012345" in digests[0].body
    # both ends logged the exchanges
    assert _rows(gb, "select count(*) from federation_log where direction = 'in' and status = 200")[0][0] >= 3
    assert _rows(ie, "select count(*) from federation_log where direction = 'out' and status = 200")[0][0] >= 3
    status = {s["peer"]: s for s in json.loads(ie.run("federation", "status", "--json").stdout)}
    assert status["gb"]["stolen_items_held"] == 1 and status["gb"]["hits_sent"] == 2
    assert status["gb"]["last_good_sync_at"]

    # the other direction: an Irish theft found on a marketplace the GB register scans
    gb.sync()
    gb.import_listings([_listing(2, IE_PIN, "Newry, Co Down")])
    gb.match()
    assert ("An Garda Síochána", "ireland") in _rows(gb, "select t.force_area, i.register from matches m "
                                                         "join items i on i.id = m.item_id join thefts t on t.id = m.theft_id")
    gb.sync()
    assert ("peer:gb", "strong", "stolen") in _rows(ie, "select l.source, m.band, m.queue from matches m "
                                                        "join listings l on l.id = m.listing_id")
    gb_text = _all_text(gb)
    assert all(v not in gb_text for v in (IE_OWNER["name"], IE_OWNER["email"], IE_OWNER["phone"], "Briain", "A91 X2Y3"))

    # recovered in Ireland: withdrawn from GB at its next sync, and the GB check no longer says stolen
    item_id = _rows(ie, "select id from items where register is null")[0][0]
    ie.run("items", "recovered", str(item_id))
    assert gb.sync()["peers"][0]["pulled"]["withdrawn"] == 1
    assert _rows(gb, "select status from items where register = 'ireland'") == [("recovered",)]
    assert json.loads(_get(f"{gb.url}/check.json?identifier={IE_PIN}")[1])["stolen"] is False


def test_refused_requests_and_a_peer_that_is_down(registers, tmp_path):
    gb, ie = registers
    feed = f"{gb.url}/federation/stolen.json?since=0"
    assert _get(feed)[0] == 401
    stranger = load_or_create_key(tmp_path / "stranger")
    status, body = _get(urllib.request.Request(feed, headers=sign_request(stranger, "GET", "/federation/stolen.json?since=0")))
    assert status == 401 and "not a peer" in json.loads(body)["error"]
    ie_key = load_or_create_key(ie.folder)
    forged = sign_request(ie_key, "GET", "/federation/stolen.json?since=5")  # the peer's key, another request
    assert _get(urllib.request.Request(feed, headers=forged))[0] == 401
    good = sign_request(ie_key, "GET", "/federation/stolen.json?since=0")
    assert _get(urllib.request.Request(feed, headers=good))[0] == 200
    assert _get(urllib.request.Request(feed, headers=good))[0] == 401  # replayed
    hit = urllib.request.Request(f"{gb.url}/federation/hits", data=b'{"hit_id": "x", "kind": "match", "item": "1"}',
                                 method="POST", headers={"Content-Type": "application/json"})
    assert _get(hit)[0] == 401
    assert _rows(gb, "select count(*) from federation_log where direction = 'in' and status = 401")[0][0] == 5
    assert _rows(gb, "select count(*) from federation_hits_in") == [(0,)]

    # GB goes down with a hit notice waiting for it
    ie.sync()
    ie.import_listings([_listing(3, GB_PIN, "Cork")])
    ie.match()
    gb.stop()
    done = ie.run("federation", "sync", "--json", "--timeout", "3")  # succeeds, with the peer reported
    report = json.loads(done.stdout)
    assert report["peers"][0]["status"] == "failed" and "did not answer" in report["errors"][0]
    assert "did not answer" in done.stderr
    status = json.loads(ie.run("federation", "status", "--json").stdout)[0]
    assert status["hits_pending"] == 1 and "did not answer" in status["last_error"]
    # the night still succeeds, with the peer reported
    sources = ie.folder / "sources.yaml"
    sources.write_text("contact: mailto:test@example.org\nsources: []\n")
    night = ie.run("nightly", "--sources", str(sources), "--no-alerts", "--json", check=False)
    night_report = json.loads(night.stdout)
    assert night_report["federation"]["peer_errors"] and night_report["status"] == "ok", night.stdout + night.stderr
    # meanwhile GB records another theft; back up, both are caught up and the notice is delivered
    (gb.folder / "quad.jpg").write_bytes(photo_bytes(5))
    gb.import_items([{**_item(GB_OWNER, "JS1AB12C3D4567890", "Hawes DL8", "12260099999", "quad.jpg"),
                      "category": "quad", "make": "Honda", "model": "TRX420"}])
    gb.start()
    report = ie.sync()
    assert report["errors"] == [] and report["peers"][0]["pushed"]["sent"] == 1
    assert report["peers"][0]["pulled"]["stolen"] == 1
    assert _rows(gb, "select count(*) from federation_hits_in") == [(1,)]
    assert json.loads(ie.run("federation", "status", "--json").stdout)[0]["hits_pending"] == 0
