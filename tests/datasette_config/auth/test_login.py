"""Logging in and out over HTTP: cookie flags, wrong passwords, lockout, Datasette's own cookie ignored."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from datasette_config.auth.sessions import COOKIE_NAME, actor_for_token
from datasette_config.auth.throttle import FREE_PER_CLIENT
from datasette_config.constants import DATABASE_NAME
from tests.datasette_config.officer.conftest import PASSWORD


async def login(ds, username, password, **kwargs):
    return await ds.client.post("/-/login", data={"username": username, "password": password}, **kwargs)


async def test_login_sets_an_httponly_expiring_session_cookie(ds):
    response = await login(ds, "olivia", PASSWORD)
    assert response.status_code == 302 and response.headers["location"] == "/queue"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "max-age=43200" in lowered
    assert "secure" not in lowered  # plain http on loopback
    token = response.cookies[COOKIE_NAME]
    assert (await ds.client.get("/queue", cookies={COOKIE_NAME: token})).status_code == 200


async def test_cookie_is_secure_when_served_over_https(ds):
    ds._settings["force_https_urls"] = True
    response = await login(ds, "olivia", PASSWORD)
    assert "secure" in response.headers["set-cookie"].lower()


async def test_login_follows_next_only_to_local_paths(ds):
    response = await login(ds, "olivia", PASSWORD, params={})
    ok = await ds.client.post("/-/login", data={"username": "olivia", "password": PASSWORD, "next": "/search"})
    assert ok.headers["location"] == "/search"
    evil = await ds.client.post("/-/login", data={"username": "olivia", "password": PASSWORD,
                                                  "next": "//evil.example/x"})
    assert evil.headers["location"] == "/queue"
    assert response.status_code == 302


@pytest.mark.parametrize("hostile", [
    "/\t/other.example/", "/%09/other.example/", "/\\other.example", "/%5C%5Cother.example", "//other.example",
    "/%2F%2Fother.example", "/%252F%252Fother.example", "https://other.example/", "javascript:alert(1)",
    "/\n/other.example", "/%0d%0aLocation:%20https://other.example", "/\uff0f\uff0fother.example",
])
async def test_login_never_redirects_off_the_site(ds, hostile):
    page = await ds.client.get("/-/login", params={"next": hostile})
    assert "other.example" not in page.text and "javascript:" not in page.text
    response = await ds.client.post("/-/login", data={"username": "olivia", "password": PASSWORD, "next": hostile})
    assert response.status_code == 302 and response.headers["location"] == "/queue"


async def test_wrong_password_is_refused_and_recorded(ds, db):
    response = await login(ds, "olivia", "wrong password")
    assert response.status_code == 401 and COOKIE_NAME not in response.cookies
    assert "do not match" in response.text
    assert db.execute("select count(*) from login_attempts where username='olivia' and succeeded=0"
                      ).fetchone()[0] == 1


async def test_repeated_failures_slow_that_client_even_with_the_right_password(ds):
    for _ in range(FREE_PER_CLIENT):
        await login(ds, "olivia", "guess")
    response = await login(ds, "olivia", PASSWORD)
    assert response.status_code == 429 and "Too many failed logins" in response.text
    assert COOKIE_NAME not in response.cookies and int(response.headers["retry-after"]) >= 1


async def test_disabled_account_cannot_log_in(ds, db):
    db.execute("update users set disabled_at = '2026-01-01T00:00:00Z' where username = 'olivia'")
    assert (await login(ds, "olivia", PASSWORD)).status_code == 401


async def test_logout_ends_the_session_server_side(ds, cookies_for):
    cookies = cookies_for("olivia")
    assert (await ds.client.get("/farmwatch/items.json", cookies=cookies)).status_code == 200
    response = await ds.client.post("/-/logout", cookies=cookies)
    assert response.status_code == 302
    # the old cookie value, replayed, is worthless now
    assert (await ds.client.get("/queue", cookies=cookies)).status_code == 302  # sent to log in
    assert (await ds.client.get("/farmwatch/items.json", cookies=cookies)).status_code == 403


async def test_logout_by_get_only_shows_a_form(ds, cookies_for):
    cookies = cookies_for("olivia")
    page = await ds.client.get("/-/logout", cookies=cookies)
    assert page.status_code == 200 and 'method="post"' in page.text
    assert (await ds.client.get("/queue", cookies=cookies)).status_code == 200


async def test_datasettes_own_actor_cookie_authenticates_nobody(ds):
    forged = ds.sign({"a": {"id": "root", "role": "admin"}}, "actor")
    for path in ["/-/actor.json", "/farmwatch/items.json", "/farmwatch/matches.json"]:
        response = await ds.client.get(path, cookies={"ds_actor": forged})
        assert response.status_code == 403 and "root" not in response.text


async def test_api_tokens_are_refused(ds):
    """Signed API tokens would carry only the id, not the role: they are switched off."""
    try:
        token = await ds.create_token("olivia")
    except Exception:  # noqa: BLE001 - refusing to create one is as good
        token = "dstok_invalid"
    response = await ds.client.get("/farmwatch/items.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (401, 403)
    assert (await ds.client.get("/-/create-token")).status_code in (302, 403, 404)


async def test_farmers_land_on_their_own_pages(ds, cookies_for):
    response = await login(ds, "fern", PASSWORD)
    assert response.status_code == 302 and response.headers["location"] == "/farmer"
    home = await ds.client.get("/", cookies=cookies_for("fern"))
    assert home.status_code == 302 and home.headers["location"] == "/farmer"
    assert (await ds.client.get("/queue", cookies=cookies_for("fern"))).status_code == 403


@pytest.mark.parametrize("typed", ["Olivia", "OLIVIA", "oLivia"])
async def test_login_ignores_the_case_a_phone_keyboard_gives_the_username(ds, typed):
    response = await login(ds, typed, PASSWORD)
    assert response.status_code == 302 and response.headers["location"] == "/queue"
    db = ds.get_database(DATABASE_NAME)
    token = response.cookies[COOKIE_NAME]
    actor = await db.execute_fn(lambda conn: actor_for_token(Database(conn), token))
    assert actor["id"] == "olivia"


async def test_the_login_form_asks_phones_not_to_capitalise_or_correct_the_username(ds):
    page = (await ds.client.get("/-/login")).text
    field = page[page.index('id="fw-username"'):].split(">", 1)[0]
    assert 'autocapitalize="none"' in field and 'autocorrect="off"' in field and 'spellcheck="false"' in field
