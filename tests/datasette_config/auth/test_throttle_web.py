"""The login throttle over HTTP, from the stranger's side and from the owner's (addresses come from a
trusted proxy's X-Forwarded-For, as behind a reverse proxy)."""

from __future__ import annotations

import pytest

from datasette_config.auth.sessions import COOKIE_NAME
from datasette_config.auth.throttle import FREE_PER_ACCOUNT, FREE_PER_CLIENT
from datasette_config.auth.views import DEVICE_COOKIE
from tests.datasette_config.officer.conftest import PASSWORD

OWNER_HOME = "198.51.100.10"


@pytest.fixture(autouse=True)
def behind_a_proxy(monkeypatch):
    monkeypatch.setenv("FARMWATCH_TRUSTED_PROXIES", "127.0.0.1")


async def login(ds, password, address, device=None, username="olivia"):
    cookies = {DEVICE_COOKIE: device} if device else {}
    return await ds.client.post("/-/login", data={"username": username, "password": password},
                                headers={"x-forwarded-for": address}, cookies=cookies)


@pytest.fixture
async def owner_device(ds):
    """The officer has logged in once from her station; her browser keeps the device cookie."""
    first = await login(ds, PASSWORD, OWNER_HOME)
    assert first.status_code == 302
    return first.cookies[DEVICE_COOKIE]


async def test_the_stranger_is_slowed_at_their_own_address(ds, owner_device):
    statuses = [(await login(ds, "guess", "203.0.113.66")).status_code for _ in range(FREE_PER_CLIENT + 3)]
    assert statuses == [401] * FREE_PER_CLIENT + [429] * 3
    refused = await login(ds, PASSWORD, "203.0.113.66")  # even the right password is not checked
    assert refused.status_code == 429 and COOKIE_NAME not in refused.cookies


async def test_rotating_device_cookies_does_not_reset_the_strangers_count(ds, owner_device):
    device = None
    for _ in range(FREE_PER_CLIENT):
        response = await login(ds, "guess", "203.0.113.66", device)
        device = response.cookies.get(DEVICE_COOKIE) or device
    assert (await login(ds, "guess", "203.0.113.66")).status_code == 429
    assert (await login(ds, "guess", "203.0.113.66", device)).status_code == 429


async def test_the_owner_still_logs_in_while_strangers_guess_from_many_addresses(ds, db, owner_device):
    for n in range(FREE_PER_ACCOUNT + 10):
        await login(ds, "guess", f"203.0.113.{n}")
    slowed = await login(ds, PASSWORD, "192.0.2.45")  # an unfamiliar place and browser: slowed, not locked forever
    assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) <= 900
    assert (await login(ds, PASSWORD, OWNER_HOME)).status_code == 302  # her own address
    assert (await login(ds, PASSWORD, "192.0.2.44", owner_device)).status_code == 302  # her browser, elsewhere


async def test_after_the_owners_login_elsewhere_new_places_are_not_slowed(ds, owner_device):
    for n in range(FREE_PER_ACCOUNT + 2):
        await login(ds, "guess", f"203.0.113.{n}")
    assert (await login(ds, PASSWORD, "192.0.2.45")).status_code == 429
    assert (await login(ds, PASSWORD, "192.0.2.44", owner_device)).status_code == 302
    assert (await login(ds, PASSWORD, "192.0.2.45")).status_code == 302


async def test_throttle_events_are_shown_to_admins_only(ds, db, cookies_for, owner_device):
    for _ in range(FREE_PER_CLIENT + 2):
        await login(ds, "guess", "203.0.113.66")
    events = db.execute("select rule, address, refused from login_throttle_events order by id").fetchall()
    assert events == [("client", "203.0.113.66", 2)]
    page = await ds.client.get("/farmwatch/login_throttle_events.json?_shape=array", cookies=cookies_for("adam"))
    assert page.status_code == 200 and [r["rule"] for r in page.json()] == ["client"]
    menu = await ds.client.get("/", cookies=cookies_for("adam"))
    assert "/farmwatch/login_throttle_events" in menu.text
    for who in (None, "olivia", "fern"):
        response = await ds.client.get("/farmwatch/login_throttle_events.json", cookies=cookies_for(who))
        assert response.status_code in (302, 403) and "203.0.113.66" not in response.text


async def test_the_device_cookie_is_httponly_and_only_sent_to_the_login_page(ds):
    response = await ds.client.get("/-/login")
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(DEVICE_COOKIE)][0].lower()
    assert "httponly" in cookie and "path=/-/login" in cookie and "samesite=lax" in cookie
