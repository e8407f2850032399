"""Officers closing cases (theft and recovery from the item and match pages), possible clones,
alert previews, the hot sheet on the web, and the match page's small things."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from datasette_config.alerts import views as alert_views
from datasette_config.officer.queries.match import found_text
from farmwatch.mailsink import MailSink
from registry.identifiers.rules import parse_identifier
from registry.items.registration import add_identifier, get_or_create_owner, register_item
from registry.items.validation import validate_item
from tests.datasette_config.officer.seed import OWNER_MARKERS

TODAY = datetime.now(UTC).date()
VISITORS = {None: "anonymous", "fern": "farmer"}


def refused(response) -> bool:
    return response.status_code in (302, 403) and (response.status_code == 403
                                                    or response.headers["location"].startswith("/-/login"))


async def test_an_officer_records_a_theft_from_the_match_page_and_a_recovery_from_the_item_page(
        ds, db, seeded, cookies_for):
    cookies, quad = cookies_for("olivia"), seeded["quad"]
    response = await ds.client.post(f"/item/{quad}/theft", cookies=cookies, data={
        "stolen_at": str(TODAY - timedelta(days=2)), "crime_ref": "13/99887/26", "place": "Skipton, North Yorkshire",
        "back": "/match/m-owner-1"})
    assert response.status_code == 302 and response.headers["location"] == "/match/m-owner-1"
    assert db.execute("select crime_ref, place, reported_by, current from thefts where item_id = ?",
                      [quad]).fetchone() == ("13/99887/26", "Skipton, North Yorkshire", "olivia", 1)
    page = (await ds.client.get("/match/m-owner-1", cookies=cookies)).text
    assert "Theft report" in page and "by olivia" in page and "crime reference 13/99887/26" in page
    assert "Record the recovery" in page
    response = await ds.client.post(f"/item/{quad}/recovered", cookies=cookies_for("adam"),
                                     data={"recovered_at": str(TODAY), "back": "https://evil.example/"})
    assert response.headers["location"] == f"/item/{quad}"
    item_page = (await ds.client.get(f"/item/{quad}", cookies=cookies)).text
    assert "recorded by adam" in item_page and "reported by olivia" in item_page
    history = item_page.split("<h2>History</h2>")[1]
    assert history.index("olivia") < history.index("adam") and "recovered on" in history


@pytest.mark.parametrize("form, message", [
    ({"stolen_at": "", "crime_ref": "1"}, "theft date (stolen_at) is missing"),
    ({"stolen_at": "2026-13-45", "crime_ref": "1"}, "is not a date"),
    ({"stolen_at": "2099-01-01", "crime_ref": "1"}, "in the future"),
    ({"stolen_at": "2026-11-01", "crime_ref": ""}, "a police crime reference is needed"),
])
async def test_a_refused_theft_report_says_why_and_records_nothing(ds, db, seeded, cookies_for, form, message):
    cookies = cookies_for("olivia")
    response = await ds.client.post(f"/item/{seeded['quad']}/theft", data=form, cookies=cookies)
    assert response.status_code == 302
    page = (await ds.client.get(response.headers["location"], cookies={**cookies, **response.cookies})).text
    assert message in page.replace("&#34;", '"').replace("&#39;", "'")
    assert db.execute("select count(*) from thefts where item_id = ?", [seeded["quad"]]).fetchone()[0] == 0


@pytest.mark.parametrize("username", list(VISITORS))
async def test_visitors_and_farmers_cannot_record_thefts_or_recoveries(ds, db, seeded, cookies_for, username):
    cookies, events = cookies_for(username), db["item_events"].count
    for path, form in ((f"/item/{seeded['quad']}/theft", {"stolen_at": "2026-11-01", "crime_ref": "1"}),
                       (f"/item/{seeded['tractor']}/recovered", {})):
        assert (await ds.client.post(path, data=form, cookies=cookies)).status_code == 403
    assert db.execute("select count(*), sum(current) from thefts").fetchone() == (1, 1)
    assert db["item_events"].count == events


async def test_possible_clones_link_to_the_other_records(ds, db, seeded, cookies_for):
    other = get_or_create_owner(db, {"name": "Other Farm", "email": "other@example.org"})
    item, _ = validate_item({"owner": {"name": "Other Farm", "email": "other@example.org"}, "category": "quad",
                             "make": "Honda"})
    cloned = register_item(db, item, owner_id=other).item_id
    assert add_identifier(db, cloned, other, parse_identifier("frame", "hft420 778899", "quad"))
    cookies = cookies_for("olivia")
    page = (await ds.client.get(f"/item/{seeded['quad']}", cookies=cookies)).text
    assert '<a class="fw-clone" href="/clones?key=HFT420778899">' in page
    listing = (await ds.client.get("/clones.json", cookies=cookies)).json()
    assert [(g["key"], g["owners"], g["item_count"]) for g in listing["groups"]] == [("HFT420778899", 2, 2)]
    assert listing["groups"][0]["typed"] in ("HFT420-778899", "hft420 778899")
    overview = (await ds.client.get("/clones", cookies=cookies)).text
    assert "built-in method" not in overview and "<td data-label=\"Items\">2</td>" in overview
    assert f'<span class="fw-id">{listing["groups"][0]["typed"]}</span>' in overview
    records = (await ds.client.get("/clones.json?key=HFT-420-778899", cookies=cookies)).json()["records"]
    assert sorted(r["item_id"] for r in records) == sorted([seeded["quad"], cloned])
    html = (await ds.client.get("/clones?key=HFT420778899", cookies=cookies)).text
    assert f'href="/item/{cloned}"' in html and not [m for m in OWNER_MARKERS if m in html]
    for username in VISITORS:
        assert refused(await ds.client.get("/clones", cookies=cookies_for(username)))


async def test_the_match_page_captions_photos_as_the_reasons_number_them_and_shows_saved_hashes(
        ds, db, seeded, cookies_for):
    page = (await ds.client.get("/match/m-stolen-1", cookies=cookies_for("olivia"))).text
    assert "<figcaption>registered photo 1</figcaption>" in page and "<figcaption>listing photo 1</figcaption>" in page
    assert "listing photo 1 is a copy of registered photo 1" in page
    sha = db.execute("select sha256 from listing_photos where listing_id = ?", [seeded["hostile_listing"]]).fetchone()[0]
    assert f"<code>{sha}</code>" in page
    db.execute("update matches set created_at = ? where id = 'm-stolen-1'",
               [datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")])
    fresh = (await ds.client.get("/match/m-stolen-1", cookies=cookies_for("olivia"))).text
    assert "found just now" in fresh and "now ago" not in fresh


@pytest.mark.parametrize("age, text", [("now", "just now"), ("", "just now"), ("5 min", "5 min ago"),
                                       ("2 d", "2 d ago")])
def test_found_text(age, text):
    assert found_text(age) == text


async def test_the_rendered_snapshot_shows_the_photos_saved_with_it(ds, db, seeded, cookies_for):
    response = await ds.client.get(f"/listing/{seeded['hostile_listing']}/snapshot?view=rendered",
                                   cookies=cookies_for("olivia"))
    sha = db.execute("select sha256 from listing_photos where listing_id = ?", [seeded["hostile_listing"]]).fetchone()[0]
    assert 'id="farmwatch-saved-photos"' in response.text and 'src="data:image/jpeg;base64,' in response.text
    assert sha in response.text and "Tractor for sale" in response.text
    assert "script-src" not in response.headers["content-security-policy"]  # scripts stay blocked
    plain = await ds.client.get(f"/listing/{seeded['hostile_listing']}/snapshot", cookies=cookies_for("olivia"))
    assert "farmwatch-saved-photos" not in plain.text  # the plain copy is the saved bytes, untouched


async def test_stored_queries_offer_no_sql_buttons_to_officers(ds, cookies_for):
    cookies = cookies_for("olivia")
    plain = (await ds.client.get("/farmwatch/crawl_health", cookies=cookies)).text
    assert "Run SQL" not in plain and "Edit SQL" not in plain and "Custom SQL query" not in plain
    with_params = (await ds.client.get("/farmwatch/open_thefts", cookies=cookies)).text
    assert "Run SQL" not in with_params and 'value="Show results"' in with_params


async def test_officers_preview_the_alert_emails_without_sending(ds, db, seeded, cookies_for):
    db.execute("update users set email = 'olivia@police.example' where username = 'olivia'")
    page = (await ds.client.get("/alerts/preview", cookies=cookies_for("olivia"))).text
    assert "olivia@police.example" in page and "farmwatch: 1 strong, 0 likely new matches" in page
    assert f"owner of item {seeded['quad']}" in page and "farmwatch hot sheet" in page
    assert not [m for m in OWNER_MARKERS if m in page]
    body = (await ds.client.get("/alerts/preview.json", cookies=cookies_for("adam"))).json()
    assert [len(body[k]) for k in ("officer_digest", "owner_check", "hot_sheet")] == [1, 1, 1]
    assert db["alerts_sent"].count == 0
    for username in VISITORS:
        assert refused(await ds.client.get("/alerts/preview", cookies=cookies_for(username)))


@pytest.fixture
def mail(tmp_path, monkeypatch):
    monkeypatch.setattr(alert_views, "REQUESTS", alert_views.RequestLimit())  # a fresh count per test
    sink = MailSink(tmp_path / "mail")
    port = sink.start()
    monkeypatch.setenv("FARMWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FARMWATCH_SMTP_PORT", str(port))
    monkeypatch.setenv("FARMWATCH_BASE_URL", "http://fw.test")
    yield sink
    sink.stop()


async def test_the_hot_sheet_is_subscribed_to_with_a_confirmed_address_and_left_from_the_web(ds, db, mail):
    assert "Send me the confirmation link" in (await ds.client.get("/hot-sheet")).text
    response = await ds.client.post("/hot-sheet", data={"email": "Buyer@Mart.example", "force_area": "Hampshire"})
    assert response.status_code == 200 and "We have sent a link to buyer@mart.example" in response.text
    assert [m["to"] for m in mail.messages] == ["buyer@mart.example"]
    link = next(w for w in mail.messages[0]["body"].split() if "/hot-sheet/confirm?token=" in w)
    token = link.split("token=")[1]
    assert db.execute("select confirmed_at from alert_subscriptions").fetchone()[0] is None
    shown = await ds.client.get(f"/hot-sheet/confirm?token={token}")  # following the link changes nothing
    assert 'value="' + token + '"' in shown.text and db.execute(
        "select confirmed_at from alert_subscriptions").fetchone()[0] is None
    done = await ds.client.post("/hot-sheet/confirm", data={"token": token})
    assert "Confirmed: buyer@mart.example" in done.text
    again = await ds.client.post("/hot-sheet", data={"email": "buyer@mart.example", "force_area": "Hampshire"})
    assert "already gets this hot sheet" in again.text and len(mail.messages) == 1
    left = await ds.client.post("/hot-sheet/leave", data={"token": token})
    assert "will get no more hot sheets" in left.text and db["alert_subscriptions"].count == 0
    stale = await ds.client.post("/hot-sheet/leave", data={"token": token})
    assert stale.status_code == 404 and "not (or no longer) valid" in stale.text


@pytest.mark.parametrize("form, message", [
    ({"email": "not an address"}, "is not an e-mail address"),
    ({"email": "someone@127.0.0.1"}, "is not an e-mail address"),
    ({"email": "someone@[127.0.0.1]"}, "is not an e-mail address"),
    ({"email": "someone@mail.internal"}, "local or internal name"),
    ({"email": "a@b.example", "force_area": "Atlantis"}, "is not a police force area"),
])
async def test_bad_hot_sheet_requests_are_refused(ds, db, mail, form, message):
    response = await ds.client.post("/hot-sheet", data=form)
    assert response.status_code == 400 and message in response.text.replace("&#34;", '"')
    assert db["alert_subscriptions"].count == 0 and mail.messages == []


async def test_a_cross_site_hot_sheet_request_is_refused(ds, db, mail):
    response = await ds.client.post("/hot-sheet", data={"email": "victim@example.org"},
                                    headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403 and mail.messages == []


async def test_a_trade_account_sees_nothing_of_the_workspace_or_the_farmers(ds, db, seeded):
    from datasette_config.auth.sessions import COOKIE_NAME, create_session
    from registry.accounts.users import add_user
    from tests.datasette_config.officer.test_permissions import REGISTRY_MARKERS, WORKSPACE_PAGES

    cookies = {COOKIE_NAME: create_session(db, {"id": add_user(db, "mart", "long enough", "trade")})}
    datasette_pages = ["/", "/farmwatch", "/farmwatch/items", "/farmwatch/items.json", "/farmwatch/open_thefts",
                       "/farmwatch/owners", "/farmwatch/public_checks.json", "/farmwatch/-/query?sql=select+1"]
    other = ["/farmer", "/farmer.json", "/clones", "/alerts/preview", "/check/alerts", "/check/alerts.json",
             f"/photo/item/{seeded['photo']}.jpg", f"/listing/{seeded['hostile_listing']}/snapshot"]
    for path in WORKSPACE_PAGES + datasette_pages + other:
        response = await ds.client.get(path, cookies=cookies)
        assert response.status_code in (302, 403), f"{path}: {response.status_code}"
        assert not [m for m in OWNER_MARKERS + REGISTRY_MARKERS if m in response.text], path
    home = await ds.client.get("/", cookies=cookies)
    assert home.headers.get("location") == "/check/trade"


async def test_one_address_cannot_make_the_server_mail_many_strangers(ds, db, mail, monkeypatch):
    monkeypatch.setattr(alert_views, "REQUESTS", alert_views.RequestLimit(requests=3, window_seconds=3600))
    statuses = [(await ds.client.post("/hot-sheet", data={"email": f"stranger{n}@example.org"})).status_code
                for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429] and len(mail.messages) == 3


@pytest.mark.parametrize("times, allowed", [((0, 1, 2), [True, True, False]), ((0, 1, 3601), [True, True, True])])
def test_the_request_limit_forgets_requests_older_than_its_window(times, allowed):
    limit = alert_views.RequestLimit(requests=2, window_seconds=3600)
    assert [limit.allow("198.51.100.1", now=t) for t in times] == allowed
    assert limit.allow("198.51.100.2", now=2)  # another address is counted apart
