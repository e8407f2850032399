"""The workspace served by uvicorn over real HTTP on 127.0.0.1 (what `farmwatch serve` runs)."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from tests.browser.conftest import ServedWorkspace
from tests.datasette_config.officer.conftest import PASSWORD


@pytest.fixture
def served(db, db_path, users):
    with ServedWorkspace(db_path, trusted_proxies=[]) as workspace:
        yield workspace


@pytest.fixture
def proxied(db, db_path, users):
    """Served as if behind a reverse proxy on this host (127.0.0.1 named as trusted)."""
    with ServedWorkspace(db_path, trusted_proxies=["127.0.0.1"]) as workspace:
        yield workspace


def request(served, method, path, body=None, headers=None):
    host, port = served.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def test_login_over_http_behind_a_tls_proxy_sets_a_secure_cookie(proxied):
    body = urllib.parse.urlencode({"username": "olivia", "password": PASSWORD})
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    plain, _ = request(proxied, "POST", "/-/login", body, form)
    assert plain.status == 302 and "secure" not in plain.getheader("set-cookie").lower()
    behind, _ = request(proxied, "POST", "/-/login", body, {**form, "X-Forwarded-Proto": "https",
                                                            "X-Forwarded-For": "203.0.113.9"})
    cookie = behind.getheader("set-cookie").lower()
    assert "secure" in cookie and "httponly" in cookie


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(served, db):
    body = urllib.parse.urlencode({"username": "olivia", "password": PASSWORD})
    form = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9"}
    response, _ = request(served, "POST", "/-/login", body, form)
    assert response.status == 302 and "secure" not in response.getheader("set-cookie").lower()
    assert db.execute("select address from login_attempts").fetchall() == [("127.0.0.1",)]


def test_served_instance_refuses_visitors_and_sends_headers(served):
    for path in ["/farmwatch/items.json", "/farmwatch/owners.csv", "/match/m-stolen-1.json", "/photo/item/1.jpg"]:
        response, data = request(served, "GET", path)
        assert response.status in (302, 403), path
        assert b"Zebedee" not in data and b"1L06120MCKK123456" not in data
        assert response.getheader("x-content-type-options") == "nosniff"
    response, _ = request(served, "GET", "/-/login")
    assert response.status == 200 and "frame-ancestors 'none'" in response.getheader("content-security-policy")


def test_failed_logins_are_counted_per_forwarded_address(proxied, db):
    body = urllib.parse.urlencode({"username": "nobody-here", "password": "wrong password"})
    request(proxied, "POST", "/-/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                               "X-Forwarded-For": "198.51.100.7"})
    assert db.execute("select address from login_attempts").fetchall() == [("198.51.100.7",)]


@pytest.mark.parametrize("trusted", [None, ["127.0.0.1"]])
def test_rotating_x_forwarded_for_does_not_escape_the_public_check_limit(db, db_path, users, monkeypatch, trusted):
    """Untrusted: every request is the socket peer's. Behind the trusted proxy: the entry the proxy
    added (the right-most) counts, whatever the client wrote to its left."""
    monkeypatch.setenv("FARMWATCH_CHECK_LIMIT", "2/600")
    monkeypatch.delenv("FARMWATCH_TRUSTED_PROXIES", raising=False)
    with ServedWorkspace(db_path, trusted_proxies=trusted or []) as workspace:
        statuses = []
        for n in range(5):
            forwarded = f"198.51.100.{n}" if trusted is None else f"198.51.100.{n}, 203.0.113.9"
            response, _ = request(workspace, "GET", "/check.json?identifier=ABCDE12345",
                                  headers={"X-Forwarded-For": forwarded})
            statuses.append(response.status)
    assert statuses == [200, 200, 429, 429, 429]
    expected = "127.0.0.1" if trusted is None else "203.0.113.9"
    assert {r[0] for r in db.execute("select requester from public_checks")} == {expected}
