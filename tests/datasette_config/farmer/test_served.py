"""The farmer pages and the public check on a served instance (uvicorn on 127.0.0.1), over real HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.datasette_config.farmer.conftest import PASSWORD
from tests.datasette_config.farmer.test_web_isolation import ALICE_SECRETS, BOB_SECRETS, leaked


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar))


def fetch(opener, url, data=None, headers=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()


@pytest.fixture
def served(db, farms):
    from tests.browser.conftest import ServedWorkspace

    with ServedWorkspace(db.execute("PRAGMA database_list").fetchone()[2]) as workspace:
        yield workspace.url


def test_two_farmers_and_a_visitor_over_http(served, db, farms):
    alice, bob, visitor = client(), client(), client()
    for opener, name in ((alice, "alice"), (bob, "bob")):
        status, headers, _ = fetch(opener, f"{served}/-/login", {"username": name, "password": PASSWORD})
        assert status == 302 and headers["location"] == "/farmer"
        assert "HttpOnly" in headers["set-cookie"]
    status, _, text = fetch(alice, f"{served}/farmer.json")
    assert status == 200 and leaked(text, ALICE_SECRETS[:2]) and not leaked(text, BOB_SECRETS)
    status, _, text = fetch(alice, f"{served}/farmer/items/{farms['trailer']}.json")
    assert status == 404 and not leaked(text, BOB_SECRETS)
    status, _, text = fetch(bob, f"{served}/farmer/items/{farms['tractor']}")
    assert status == 404 and not leaked(text, ALICE_SECRETS)
    status, headers, _ = fetch(visitor, f"{served}/farmer")
    assert status == 302 and headers["location"].startswith("/-/login")
    assert fetch(visitor, f"{served}/farmer.json")[0] == 403

    stolen = fetch(visitor, f"{served}/check.json?identifier=" + urllib.parse.quote("jh2 te43 2l zk-ooo777"))
    body = json.loads(stolen[2])
    assert stolen[0] == 200 and body["result"] == "stolen" and "44260123456" in body["message"]
    assert not leaked(stolen[2], ["alice", "07700", "Home Farm", "SP11"])
    page = fetch(visitor, f"{served}/check", {"identifier": "1L06120MCKK123456"})
    assert page[0] == 200 and "Registered, not reported stolen" in page[2]
    assert page[1]["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in page[1]["content-security-policy"]

    forged = fetch(alice, f"{served}/farmer/items/{farms['tractor']}/stolen",
                   {"stolen_at": "2026-11-01", "crime_ref": "1"},
                   headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert forged[0] == 403 and db["items"].get(farms["tractor"])["status"] == "registered"
    requesters = {r[0] for r in db.execute("select requester from public_checks")}
    assert requesters == {"127.0.0.1"}
