"""The pieces of federation on their own: signatures, the published feed, storing a peer's feed,
and a peer that is slow or answers nonsense (real HTTP servers on 127.0.0.1)."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from matching.store import match_id as matching_match_id
from registry.federation.hits import match_id
from registry.federation.keys import (
    SignatureError,
    check_request,
    load_or_create_key,
    parse_public_key,
    public_key_text,
    sign_answer,
    sign_request,
)
from registry.federation.peers import PeerError, add_peer, remove_peer
from registry.federation.publish import refresh_published, stolen_feed
from registry.federation.receive import FeedError, apply_feed
from registry.federation.sync import federation_status, sync_all
from registry.items.registration import mark_recovered, register_item
from registry.items.validation import validate_item

OWNER = {"name": "Ada Farmer", "email": "ada@example.org", "phone": "07700 900123", "postcode": "SP11 0AA"}


def _register(db, pin="1L06120MCKK123456", place="Home Farm, Lower Lane, Faccombe, Hampshire", photo=None):
    item, errors = validate_item({"owner": OWNER, "category": "tractor", "make": "John Deere", "model": "6120M",
                                  "identifiers": [{"kind": "pin", "value": pin}],
                                  "theft": {"stolen_at": "2026-11-01", "crime_ref": "44260123456", "place": place}})
    assert not errors
    return register_item(db, item, [("a.jpg", photo)] if photo else []).item_id


def test_a_key_is_made_once_and_kept_private(tmp_path):
    key = load_or_create_key(tmp_path)
    assert public_key_text(load_or_create_key(tmp_path)) == public_key_text(key)
    assert (tmp_path / "federation_key.pem").stat().st_mode & 0o077 == 0
    assert len(public_key_text(key)) == 43


@pytest.mark.parametrize("change", ["method", "path", "body", "timestamp", "nonce", "signature"])
def test_a_signature_covers_the_whole_request(tmp_path, change):
    key = load_or_create_key(tmp_path)
    headers = sign_request(key, "POST", "/federation/hits", b'{"a": 1}')
    known = {public_key_text(key)}
    assert check_request(headers, "POST", "/federation/hits", b'{"a": 1}', known).key in known
    method, path, body = "POST", "/federation/hits", b'{"a": 1}'
    if change == "method":
        method = "PUT"
    elif change == "path":
        path = "/federation/hits?x=1"
    elif change == "body":
        body = b'{"a": 2}'
    elif change == "timestamp":
        headers["X-Farmwatch-Timestamp"] = str(int(headers["X-Farmwatch-Timestamp"]) + 1)
    elif change == "nonce":
        headers["X-Farmwatch-Nonce"] = "0" * 32
    else:
        headers["X-Farmwatch-Signature"] = headers["X-Farmwatch-Signature"][::-1]
    with pytest.raises(SignatureError):
        check_request(headers, method, path, body, known)


def test_stale_requests_and_bad_keys_are_refused(tmp_path):
    key = load_or_create_key(tmp_path)
    old = sign_request(key, "GET", "/federation/stolen.json?since=0", now=time.time() - 3600)
    with pytest.raises(SignatureError, match="clock"):
        check_request(old, "GET", "/federation/stolen.json?since=0", b"", {public_key_text(key)})
    for text in ("", "not-a-key!", "AAAA"):
        with pytest.raises(SignatureError):
            parse_public_key(text)


def test_the_feed_carries_what_an_officer_needs_and_nothing_of_the_owner(db, photo_factory):
    item_id = _register(db, photo=photo_factory(3))
    with db.atomic():
        refresh_published(db)
    feed = stolen_feed(db, 0)
    assert feed["cursor"] == 1 and feed["more"] is False
    entry = feed["items"][0]
    assert entry["status"] == "stolen" and entry["identifiers"] == [{"kind": "pin", "value": "1L06120MCKK123456"}]
    assert entry["theft"] == {"stolen_at": "2026-11-01", "town": "Hampshire", "force": "Hampshire", "country": "GB",
                              "crime_ref": "44260123456"}
    assert len(entry["photos"]) == 1 and {"sha256", "phash", "dhash", "jpeg"} <= set(entry["photos"][0])
    text = json.dumps(feed)
    for value in ("Ada Farmer", "ada@example.org", "07700 900123", "SP11", "Home Farm", "Lower Lane"):
        assert value not in text
    # nothing changed: nothing new; recovered: published as withdrawn, once
    with db.atomic():
        assert refresh_published(db) == 0
    mark_recovered(db, item_id)
    with db.atomic():
        refresh_published(db)
    assert stolen_feed(db, 1)["items"] == [{"id": str(item_id), "seq": 2, "status": "withdrawn"}]
    assert stolen_feed(db, 2)["items"] == []


def test_a_place_given_as_a_postcode_crosses_as_its_town(db):
    _register(db, place="BD23 1AB")
    with db.atomic():
        refresh_published(db)
    assert stolen_feed(db, 0)["items"][0]["theft"]["town"] == "Skipton"


@pytest.mark.parametrize("payload", [None, [], {"items": "x", "cursor": 1}, {"items": []}, {"items": [], "cursor": -1},
                                     {"items": [], "cursor": "7"}])
def test_an_answer_that_is_not_a_feed_stores_nothing(db, payload):
    peer = add_peer(db, "Ireland", "http://127.0.0.1:9", public_key_text(load_or_create_key(db_folder(db))))
    with pytest.raises(FeedError):
        apply_feed(db, "Ireland", peer["owner_id"], payload)


def db_folder(db):
    from registry.db import data_dir

    return data_dir(db) / "peer-key"


def test_bad_entries_are_reported_and_the_good_ones_kept(db):
    peer = add_peer(db, "Ireland", "http://127.0.0.1:9", public_key_text(load_or_create_key(db_folder(db))))
    good = {"id": "7", "status": "stolen", "category": "quad", "make": "Honda", "identifiers": [
        {"kind": "vin", "value": "JH2SC5900XM123456"}], "theft": {"stolen_at": "2026-10-02", "town": "Dundalk",
                                                                   "force": "An Garda Síochána", "crime_ref": "IE-9"}}
    page = apply_feed(db, "Ireland", peer["owner_id"], {"cursor": 3, "items": [
        good, {"id": "8", "status": "stolen", "category": "spaceship"}, {"status": "stolen"}, "nonsense",
        {"id": "9", "status": "lost"}]})
    assert page["stolen"] == 1 and len(page["rejected"]) == 4 and "spaceship" in page["rejected"][0]
    row = db.execute("select i.register, t.force_area, t.place_country, t.latitude is not null from items i "
                     "join thefts t on t.item_id = i.id").fetchall()
    assert row == [("Ireland", "An Garda Síochána", "IE", 1)]
    assert apply_feed(db, "Ireland", peer["owner_id"], {"cursor": 3, "items": [good]})["unchanged"] == 1
    assert remove_peer(db, "Ireland") == 1
    assert db.execute("select status from items where register = 'Ireland'").fetchall() == [("recovered",)]


@pytest.mark.parametrize("name, url, key, problem", [
    ("", "http://x.example", None, "name"), ("Ire/land", "http://x.example", None, "name"),
    ("Ireland", "ftp://x.example", None, "address"), ("Ireland", "http://x.example", "short", "key"),
])
def test_a_peer_is_refused_with_the_bad_part_named(db, tmp_path, name, url, key, problem):
    with pytest.raises(PeerError, match=problem):
        add_peer(db, name, url, key or public_key_text(load_or_create_key(tmp_path)))


def test_the_match_id_rule_is_the_matchers():
    assert match_id(42, "abc") == matching_match_id(42, "abc")


class _Peer(http.server.BaseHTTPRequestHandler):
    mode = "slow"
    key = None

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.mode == "slow":
            time.sleep(3)
        body = b"<html>not a feed</html>" if self.mode != "unsigned-json" else b'{"cursor": 0, "items": []}'
        self.send_response(200)
        if self.mode == "signed-html":
            for k, v in sign_answer(self.key, 200, self.headers["X-Farmwatch-Nonce"], body).items():
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the slow case: the client gave up, as it should
            pass

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("mode, error", [("slow", "did not answer"), ("unsigned-json", "not signed"),
                                         ("signed-html", "not JSON")])
def test_a_slow_or_nonsense_peer_is_reported_and_nothing_is_lost(db, tmp_path, mode, error):
    peer_key = load_or_create_key(tmp_path / "peer")
    handler = type("Peer", (_Peer,), {"mode": mode, "key": peer_key})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        add_peer(db, "Slow", f"http://127.0.0.1:{server.server_address[1]}", public_key_text(peer_key))
        report = sync_all(db, timeout=1)
    finally:
        server.shutdown()
    assert report["peers"][0]["status"] == "failed" and error in report["errors"][0]
    status = federation_status(db)[0]
    assert status["cursor"] == 0 and status["last_good_sync_at"] is None and error in status["last_error"]
    logged = db.execute("select direction, detail from federation_log").fetchall()
    assert logged and logged[0][0] == "out"


def test_the_feed_comes_in_pages_that_follow_on(db):
    for n in range(30):
        _register(db, pin=f"1L06120MCKK{n:06d}")
    with db.atomic():
        refresh_published(db)
    first = stolen_feed(db, 0)
    second = stolen_feed(db, first["cursor"])
    assert (len(first["items"]), first["more"], len(second["items"]), second["more"]) == (25, True, 5, False)
    assert len({e["id"] for e in first["items"] + second["items"]}) == 30
