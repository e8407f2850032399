"""Who sees what: every table, row, stored query and format, for anonymous, farmer, officer and admin.

Tables are read from the database itself, so a table another part of farmwatch adds later is
checked too (and must stay hidden until datasette.yaml lists it).
"""

from __future__ import annotations

import pytest

from datasette_config.app import load_config
from tests.datasette_config.officer.seed import OWNER_MARKERS

OFFICER_TABLES = {"items", "identifiers", "photos", "thefts", "crawl_runs", "nightly_runs", "listings", "listing_photos",
                  "matches", "reviews", "crawl_pages", "crawl_photos"}
ADMIN_ONLY_TABLES = {"access_log", "login_attempts"}
REGISTRY_MARKERS = ["1L06120MCKK123456", "44260123456", "Faccombe", "HFT420", "market.example"]
ROLES = {None: "anonymous", "fern": "farmer", "olivia": "officer", "adam": "admin"}
FORMATS = ["", ".json", ".csv"]


def all_tables(db) -> list[str]:
    return [r[0] for r in db.execute("select name from sqlite_master where type in ('table', 'view') "
                                     "and name not like 'sqlite_%' order by name")]


def visible_to(username: str | None, table: str) -> bool:
    role = ROLES[username]
    if role == "officer":
        return table in OFFICER_TABLES
    if role == "admin":
        return table in OFFICER_TABLES | ADMIN_ONLY_TABLES
    return False


def leaked(text: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m.lower() in text.lower()]


def refused(response) -> bool:
    """403, or (anonymous HTML) a redirect to the login page."""
    if response.status_code == 302:
        return response.headers["location"].startswith("/-/login")
    return response.status_code in (401, 403, 404, 405)


@pytest.mark.parametrize("username", list(ROLES))
async def test_every_table_in_every_format(ds, db, cookies_for, username):
    cookies = cookies_for(username)
    problems = []
    for table in all_tables(db):
        for fmt in FORMATS:
            response = await ds.client.get(f"/farmwatch/{table}{fmt}", cookies=cookies)
            if visible_to(username, table):
                if response.status_code != 200:
                    problems.append(f"{table}{fmt}: {response.status_code}, expected 200")
            elif not refused(response):
                problems.append(f"{table}{fmt}: {response.status_code}, expected refusal")
            if username in (None, "fern") and leaked(response.text, OWNER_MARKERS + REGISTRY_MARKERS):
                problems.append(f"{table}{fmt}: leaks {leaked(response.text, OWNER_MARKERS + REGISTRY_MARKERS)}")
            if leaked(response.text, OWNER_MARKERS):
                problems.append(f"{table}{fmt}: shows owner contact outside the logged pages")
    assert problems == []


@pytest.mark.parametrize("username", list(ROLES))
async def test_every_row_page(ds, db, cookies_for, username):
    cookies = cookies_for(username)
    problems = []
    for table in all_tables(db):
        pk = db.execute(f"select rowid from [{table}] limit 1").fetchone() if table in OFFICER_TABLES | {
            "owners", "users", "web_sessions", "access_log", "login_attempts"} else None
        if not pk:
            continue
        key = db.execute(f"select id from [{table}] where rowid = ?", [pk[0]]).fetchone()[0]
        for fmt in FORMATS[:2]:
            response = await ds.client.get(f"/farmwatch/{table}/{key}{fmt}", cookies=cookies)
            ok = response.status_code == 200
            if ok != visible_to(username, table):
                problems.append(f"{table}/{key}{fmt}: {response.status_code}")
            if leaked(response.text, OWNER_MARKERS):
                problems.append(f"{table}/{key}{fmt}: shows owner contact")
    assert problems == []


@pytest.mark.parametrize("username", list(ROLES))
async def test_every_stored_query_in_every_format(ds, cookies_for, username):
    cookies = cookies_for(username)
    queries = load_config()["databases"]["farmwatch"]["queries"]
    assert queries
    problems = []
    for name in queries:
        for fmt in FORMATS:
            response = await ds.client.get(f"/farmwatch/{name}{fmt}", cookies=cookies)
            if ROLES[username] in ("officer", "admin"):
                if response.status_code != 200:
                    problems.append(f"{name}{fmt}: {response.status_code}")
            elif not refused(response):
                problems.append(f"{name}{fmt}: {response.status_code}")
    assert problems == []


@pytest.mark.parametrize("username", list(ROLES))
async def test_sql_download_and_labels_give_nothing_away(ds, cookies_for, username):
    cookies = cookies_for(username)
    paths = [
        "/farmwatch/-/query?sql=select+*+from+owners", "/farmwatch/-/query.json?sql=select+*+from+owners",
        "/farmwatch/-/query.csv?sql=select+name,email+from+owners", "/farmwatch.db",
        "/farmwatch/items.json?_labels=on", "/farmwatch/items?_facet=owner_id",
        "/farmwatch/items.json?_facet=owner_id", "/farmwatch/items.csv?_labels=on&_stream=on",
        "/farmwatch/items/1.json?_extras=foreign_key_tables",
    ]
    for path in paths:
        response = await ds.client.get(path, cookies=cookies)
        assert not leaked(response.text, OWNER_MARKERS), path
        if "sql=" in path or path.endswith(".db"):
            assert refused(response), f"{path} {response.status_code}"


DATASETTE_PAGES = [
    "/", "/.json", "/-/", "/farmwatch", "/farmwatch.json", "/-/versions.json", "/-/plugins.json",
    "/-/settings.json", "/-/config.json", "/-/threads.json", "/-/tasks.json", "/-/databases.json",
    "/-/actor.json", "/-/actions.json", "/-/api", "/-/jump.json?q=own", "/-/jump.json?q=zebedee",
    "/-/queries.json", "/-/schema.json", "/-/schema", "/-/permissions", "/-/allowed.json?action=view-table",
    "/-/rules.json?action=view-table", "/-/check.json?action=view-table&parent=farmwatch&child=owners",
    "/-/messages", "/-/allow-debug", "/-/patterns", "/-/debug/autocomplete", "/-/create-token",
    "/farmwatch/-/queries.json", "/farmwatch/-/schema.json", "/farmwatch/-/foreign-key-targets",
    "/farmwatch/-/query/parameters?sql=select+1", "/farmwatch/owners/-/schema.json",
    "/farmwatch/owners/-/count", "/farmwatch/owners/-/fragment", "/farmwatch/owners/-/autocomplete?q=Z",
    "/farmwatch/items/-/autocomplete?q=J", "/farmwatch/matches/-/fragment",
    "/farmwatch/listings/-/count", "/farmwatch/open_thefts/-/definition", "/_internal",
    "/_internal/catalog_tables.json", "/_memory.json", "/farmwatch/items_fts.json", "/farmwatch/listings_fts.json",
]


@pytest.mark.parametrize("username", [None, "fern"])
async def test_datasette_pages_leak_nothing_to_visitors_and_farmers(ds, cookies_for, username):
    cookies = cookies_for(username)
    problems = []
    for path in DATASETTE_PAGES:
        response = await ds.client.get(path, cookies=cookies)
        found = leaked(response.text, OWNER_MARKERS + REGISTRY_MARKERS + ["6120M", "Zebedee"])
        if found:
            problems.append(f"{path}: {response.status_code} shows {found}")
    assert problems == []


@pytest.mark.parametrize("username", list(ROLES))
async def test_owner_contact_never_on_datasette_pages(ds, cookies_for, username):
    cookies = cookies_for(username)
    for path in DATASETTE_PAGES:
        response = await ds.client.get(path, cookies=cookies)
        assert not leaked(response.text, OWNER_MARKERS), path


WRITES = [
    ("/farmwatch/matches/-/insert", {"row": {"id": "x"}}),
    ("/farmwatch/matches/-/upsert", {"rows": [{"id": "m-stolen-1", "status": "confirmed"}]}),
    ("/farmwatch/matches/m-stolen-1/-/update", {"update": {"status": "confirmed"}}),
    ("/farmwatch/reviews/1/-/delete", {}),
    ("/farmwatch/items/-/drop", {"confirm": True}),
    ("/farmwatch/items/-/alter", {"add_columns": [{"name": "x"}]}),
    ("/farmwatch/-/create", {"table": "x", "columns": [{"name": "id"}]}),
    ("/farmwatch/-/execute-write", {"sql": "update matches set status = 'confirmed'"}),
    ("/farmwatch/-/queries/store", {"name": "leak", "sql": "select * from owners"}),
]


@pytest.mark.parametrize("username", list(ROLES))
async def test_no_role_can_write_through_datasettes_api(ds, db, cookies_for, username):
    cookies = cookies_for(username)
    before = db.execute("select count(*), group_concat(status) from matches").fetchone()
    for path, body in WRITES:
        response = await ds.client.post(path, json=body, cookies=cookies)
        assert response.status_code in (302, 400, 401, 403, 404, 405), f"{path}: {response.status_code}"
    assert db.execute("select count(*), group_concat(status) from matches").fetchone() == before
    assert "x" not in [r[0] for r in db.execute("select name from sqlite_master")]


WORKSPACE_PAGES = ["/queue", "/queue?queue=owner_check", "/match/m-stolen-1", "/match/m-stolen-1.json",
                   "/match/m-stolen-1.csv", "/item/1", "/photo/listing/1.jpg",
                   "/search?identifier=1L06120MCKK123456&reason=test", "/search?q=tractor", "/map", "/trends", "/sources",
                   "/sources.json"]


@pytest.mark.parametrize("username", list(ROLES))
async def test_workspace_pages_are_for_officers_only(ds, db, seeded, cookies_for, username):
    cookies = cookies_for(username)
    pages = WORKSPACE_PAGES + [f"/listing/{seeded['hostile_listing']}/snapshot", f"/photo/item/{seeded['photo']}.jpg"]
    for path in pages:
        response = await ds.client.get(path, cookies=cookies)
        if ROLES[username] in ("officer", "admin"):
            assert response.status_code == 200, path
        else:
            assert refused(response), f"{path}: {response.status_code}"
            assert not leaked(response.text, OWNER_MARKERS + REGISTRY_MARKERS), path
    response = await ds.client.post("/match/m-stolen-1/decide", data={"decision": "confirm"}, cookies=cookies)
    status = db.execute("select status from matches where id = 'm-stolen-1'").fetchone()[0]
    assert (status == "confirmed") == (ROLES[username] in ("officer", "admin"))


async def test_a_farmer_sees_photos_of_their_own_items_only(ds, db, seeded, users, cookies_for):
    cookies = cookies_for("fern")
    path = f"/photo/item/{seeded['photo']}.jpg"
    assert (await ds.client.get(path, cookies=cookies)).status_code == 403
    fern_owner = db.execute("select owner_id from users where username = 'fern'").fetchone()[0]
    db.execute("update items set owner_id = ? where id = ?", [fern_owner, seeded["tractor"]])
    response = await ds.client.get(path, cookies=cookies)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    listing_photo = f"/photo/listing/{seeded['listing_photo']}.jpg"
    assert (await ds.client.get(listing_photo, cookies=cookies)).status_code == 403


async def test_anonymous_html_is_sent_to_the_login_page(ds):
    response = await ds.client.get("/queue")
    assert response.status_code == 302
    assert response.headers["location"] == "/-/login?next=%2Fqueue"
    assert (await ds.client.get("/farmwatch/items.json")).status_code == 403


async def test_any_database_file_is_published_as_farmwatch(tmp_path, cookies_for):
    from datasette_config.app import make_datasette
    from registry.db import connect

    other = tmp_path / "elsewhere" / "county-registry.sqlite"
    connect(other).close()
    ds = make_datasette(other, secret="another-secret-0123456789")
    assert list(ds.databases) == ["farmwatch"]
    assert (await ds.client.get("/farmwatch/items.json")).status_code == 403
    assert (await ds.client.get("/county-registry.json")).status_code in (403, 404)
