"""Datasette addresses that used to answer 500 answer 4xx; debug pages are for admins only."""

from __future__ import annotations

import pytest

ROLES = [None, "fern", "olivia", "adam"]
DEBUG_PAGES = ["/-/allow-debug", "/-/permissions", "/-/actor", "/-/actor.json", "/-/messages", "/-/threads",
               "/-/threads.json", "/-/rules", "/-/allowed.json", "/-/check", "/-/actions", "/-/versions.json",
               "/-/plugins", "/-/settings.json", "/-/config", "/-/databases.json", "/-/schema", "/-/api",
               "/-/patterns", "/-/queries", "/-/create-token", "/-/debug/autocomplete", "/-/tasks", "/-/",
               "/-/.json", "/-/unknown-page"]


@pytest.mark.parametrize("path", DEBUG_PAGES)
@pytest.mark.parametrize("who", ROLES)
async def test_debug_pages_are_closed_to_all_but_admins(ds, cookies_for, who, path):
    response = await ds.client.get(path, cookies=cookies_for(who))
    if who == "adam":
        assert response.status_code < 500
    else:
        assert response.status_code == 403, (who, path, response.status_code)
        assert "olivia" not in response.text and "fern" not in response.text


@pytest.mark.parametrize("path, allowed", [("/-/login", ROLES), ("/-/static/app.css", ROLES),
                                           ("/-/jump.json?q=it", ["olivia", "adam"])])
@pytest.mark.parametrize("who", ROLES)
async def test_pages_under_dash_open_to_their_users(ds, cookies_for, who, path, allowed):
    response = await ds.client.get(path, cookies=cookies_for(who))
    assert (response.status_code == 200) == (who in allowed), (who, path, response.status_code)


# (method, path, status): each of these answered 500 before
FOUR_XX = [
    ("GET", "/farmwatch/items.tsv", 404), ("GET", "/farmwatch/items.CSV", 404), ("GET", "/farmwatch/items.Json", 404),
    ("GET", "/farmwatch/items.xml", 404), ("GET", "/farmwatch/open_thefts.tsv", 404),
    ("GET", "/farmwatch/open_thefts.CSV", 404), ("GET", "/farmwatch/items/1.tsv", 404), ("GET", "/farmwatch.tsv", 404),
    ("GET", "/farmwatch/-/query.tsv?sql=select+1", 404), ("HEAD", "/farmwatch/items.tsv", 404),
    ("PUT", "/farmwatch/items.tsv", 404), ("DELETE", "/farmwatch/items.CSV", 404), ("OPTIONS", "/farmwatch/items.tsv", 404),
    ("POST", "/farmwatch/-/query", 405), ("POST", "/farmwatch/-/query.json", 405), ("PUT", "/farmwatch/-/query", 405),
    ("GET", "/farmwatch/items.json?_facet=nope", 400), ("GET", "/farmwatch/items?_facet_date=nope", 400),
    ("GET", "/farmwatch/items.json?_facet_array=category", 400), ("GET", "/farmwatch/items?_through=garbage", 400),
    ("GET", "/farmwatch/items.json?_through=%7B%7D", 400), ("GET", "/farmwatch/items.json?_timelimit=x", 400),
    ("GET", "/farmwatch/matches.csv?_timelimit=-1", 400), ("GET", "/farmwatch/open_thefts.json?_timelimit=x", 400),
]


@pytest.mark.parametrize("method, path, status", FOUR_XX)
@pytest.mark.parametrize("who", ["olivia", "adam"])
async def test_odd_datasette_addresses_answer_4xx_not_500(ds, cookies_for, who, method, path, status):
    response = await ds.client.request(method, path, cookies=cookies_for(who))
    assert response.status_code == status, (method, path, response.status_code, response.text[:200])
    if method != "HEAD":
        assert "Traceback" not in response.text


@pytest.mark.parametrize("method, path, status", FOUR_XX)
@pytest.mark.parametrize("who", [None, "fern"])
async def test_the_same_addresses_never_500_for_outsiders_nor_show_data(ds, cookies_for, who, method, path, status):
    response = await ds.client.request(method, path, cookies=cookies_for(who))
    assert 300 <= response.status_code < 500, (method, path, response.status_code)
    assert "1L06120MCKK123456" not in response.text


async def test_a_facet_check_does_not_reveal_columns_of_hidden_tables(ds, cookies_for):
    for column in ("password_hash", "no_such_column"):
        response = await ds.client.get(f"/farmwatch/users.json?_facet={column}", cookies=cookies_for("olivia"))
        assert response.status_code == 403


@pytest.mark.parametrize("path", ["/farmwatch/items.json", "/farmwatch/items.csv", "/farmwatch/items.json?_facet=category",
                                  "/farmwatch/open_thefts.json", "/farmwatch/items/1.json", "/farmwatch.json",
                                  "/farmwatch/items.json?_timelimit=1000"])
async def test_the_proper_addresses_still_work(ds, cookies_for, path):
    assert (await ds.client.get(path, cookies=cookies_for("olivia"))).status_code == 200
