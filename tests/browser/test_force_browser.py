"""Force areas in a real browser: an officer of the force where it was stolen sees the match first,
switches to the regional and national views, sees the border crossing, and finds it on the map."""

from __future__ import annotations

import json

import pytest

from registry.accounts.users import add_user
from registry.db import connect
from registry.items.registration import register_item, report_stolen
from registry.items.validation import validate_item
from registry.listings.store import clean_listing, upsert_listing
from registry.places.locating import locate_pending
from tests.browser.conftest import PASSWORD, ServedWorkspace
from tests.datasette_config.officer.seed import seed_workspace

pytestmark = pytest.mark.browser


@pytest.fixture
def forces_workspace(tmp_path):
    db_path = tmp_path / "data" / "farmwatch.db"
    db = connect(db_path)
    seed_workspace(db)  # a Hampshire theft (Faccombe) and its match
    item, errors = validate_item({"owner": {"name": "Hants Farm", "email": "h@example.org", "postcode": "SP11 0AA"},
                                  "category": "tractor", "make": "Kubota", "model": "M5-111",
                                  "identifiers": [{"kind": "serial", "value": "KBM5111-654321"}]})
    assert not errors
    item_id = register_item(db, item).item_id
    theft_id = report_stolen(db, item_id, stolen_at="2026-11-10", crime_ref="12/88888/26",
                             place="Skipton, North Yorkshire")
    listing = upsert_listing(db, clean_listing({"source": "m", "url": "https://m.example/9", "title": "Kubota M5-111",
                                                "location": "Kendal LA9"})).listing_id
    locate_pending(db)
    db["matches"].insert({"id": "m-skipton", "item_id": item_id, "listing_id": listing, "theft_id": theft_id,
                          "queue": "stolen", "score": 0.97, "band": "strong", "created_at": "2026-11-20T09:00:00Z",
                          "updated_at": "2026-11-20T09:00:00Z",
                          "reasons": json.dumps([{"kind": "identifier", "detail": "serial matches", "weight": 1}])})
    add_user(db, "nick", PASSWORD, "officer", force_area="North Yorkshire")
    add_user(db, "fern", PASSWORD, "farmer", email="h@example.org")
    db.close()
    with ServedWorkspace(db_path) as served:
        yield served


def log_in(page, base_url, username, landing):
    page.goto(f"{base_url}/-/login")
    page.fill("#fw-username", username)
    page.fill("#fw-password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{landing}")


def test_officer_works_their_force_then_the_region_then_the_map(page, forces_workspace, artifacts):
    served = forces_workspace
    log_in(page, served.url, "nick", "/queue")
    rows = page.locator("tr[data-match-id]")
    assert [r.get_attribute("data-match-id") for r in rows.all()] == ["m-skipton"]
    row = page.locator('tr[data-match-id="m-skipton"]')
    assert "stolen in North Yorkshire" in row.inner_text() and "crosses force borders" in row.inner_text()
    page.screenshot(path=str(artifacts / "queue-own-force.png"), full_page=True)

    page.click("text=Yorkshire and the Humber (regional)")
    page.wait_for_load_state()
    assert page.locator('tr[data-match-id="m-skipton"]').count() == 1
    assert page.locator('tr[data-match-id="m-stolen-1"]').count() == 0
    page.click("text=National (every force)")
    page.wait_for_load_state()
    assert page.locator('tr[data-match-id="m-stolen-1"]').count() == 1
    page.select_option("select[name=force_area]", "Cumbria")
    page.click("input[type=submit][value=Filter]")
    page.wait_for_load_state()
    assert [r.get_attribute("data-match-id") for r in page.locator("tr[data-match-id]").all()] == ["m-skipton"]

    page.goto(f"{served.url}/match/m-skipton")
    assert "stolen in North Yorkshire, offered in Cumbria" in page.locator("body").inner_text()

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{served.url}/map")
    assert page.locator("svg.fw-map rect").count() == 1  # his force: Skipton
    assert page.locator("svg.fw-map line.fw-line-cross").count() == 1
    assert page.locator("svg.fw-map path.fw-towns").count() == 1
    page.click("text=National (every force)")
    page.wait_for_load_state()
    assert page.locator("svg.fw-map rect").count() == 2  # and Faccombe, Hampshire
    page.screenshot(path=str(artifacts / "map.png"), full_page=True)
    assert all(url.startswith(served.url) for url in requests)  # nothing fetched from elsewhere


def test_map_and_force_views_are_refused_to_farmers_and_anonymous(page, forces_workspace):
    served = forces_workspace
    page.goto(f"{served.url}/map")
    assert "/-/login" in page.url
    log_in(page, served.url, "fern", "/farmer")
    for path in ("/map", "/queue?force_area=national", "/queue?force_area=North+Yorkshire"):
        response = page.goto(f"{served.url}{path}")
        assert response.status == 403 or "/-/login" in page.url or "/farmer" in page.url
        assert "m-skipton" not in page.content()
