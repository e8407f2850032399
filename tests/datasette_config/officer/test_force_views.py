"""Force areas in the workspace: an officer's own force by default, regional and national views,
matches that cross force borders, and the public check naming the force where it was stolen."""

from __future__ import annotations

import json

import pytest

from registry.accounts.users import add_user
from registry.items.registration import register_item, report_stolen
from registry.items.validation import validate_item
from registry.listings.store import clean_listing, upsert_listing
from registry.places.locating import locate_pending
from tests.datasette_config.officer.conftest import PASSWORD


@pytest.fixture
def skipton(db, users):
    """A Hampshire farm's quad stolen at Skipton and listed at Kendal (Cumbria), and officers of three areas."""
    item, errors = validate_item({"owner": {"name": "Hants Farm", "email": "hants@example.org", "postcode": "SP11 0AA"},
                                  "category": "quad", "make": "Yamaha", "model": "Grizzly 700",
                                  "identifiers": [{"kind": "frame", "value": "JY4AM12Y3LA123456"}]})
    assert not errors
    item_id = register_item(db, item).item_id
    theft_id = report_stolen(db, item_id, stolen_at="2026-11-10", crime_ref="12/77777/26",
                             place="Skipton, North Yorkshire")
    listing = upsert_listing(db, clean_listing({"source": "m", "url": "https://m.example/1", "title": "Grizzly 700",
                                                "location": "Kendal LA9"})).listing_id
    locate_pending(db)
    db["matches"].insert({"id": "m-skipton", "item_id": item_id, "listing_id": listing, "theft_id": theft_id,
                          "queue": "stolen", "score": 0.97, "band": "strong", "created_at": "2026-11-20T09:00:00Z",
                          "updated_at": "2026-11-20T09:00:00Z",
                          "reasons": json.dumps([{"kind": "identifier", "detail": "frame number", "weight": 1}])})
    for name, area in (("nick", "North Yorkshire"), ("cara", "Cumbria"), ("yara", "Yorkshire and the Humber"),
                       ("nora", "national")):
        users[name] = add_user(db, name, PASSWORD, "officer", force_area=area)
    return item_id


def shown(html: str) -> set[str]:
    return {m for m in ("m-skipton", "m-stolen-1") if f'data-match-id="{m}"' in html}


@pytest.mark.parametrize("officer, query, expected", [
    ("olivia", "", {"m-stolen-1"}),  # Hampshire: the owner's force does not see a theft from Skipton
    ("nick", "", {"m-skipton"}),  # North Yorkshire, where it was stolen
    ("cara", "", {"m-skipton"}),  # Cumbria, where it is offered
    ("yara", "", {"m-skipton"}),  # the Yorkshire and the Humber group
    ("nora", "", {"m-skipton", "m-stolen-1"}),  # national
    ("olivia", "?force_area=national", {"m-skipton", "m-stolen-1"}),
    ("olivia", "?force_area=Yorkshire+and+the+Humber", {"m-skipton"}),
    ("olivia", "?force_area=South+East", {"m-stolen-1"}),
    ("nora", "?border=1", {"m-skipton"}),
])
async def test_each_officer_sees_their_area_by_default(ds, cookies_for, skipton, officer, query, expected):
    response = await ds.client.get(f"/queue{query}", cookies=cookies_for(officer))
    assert response.status_code == 200
    assert shown(response.text) == expected


async def test_the_queue_offers_the_officers_regional_and_national_views(ds, cookies_for, skipton):
    html = (await ds.client.get("/queue", cookies=cookies_for("nick"))).text
    assert "North Yorkshire (your force)" in html and "Yorkshire and the Humber (regional)" in html
    assert "National (every force)" in html
    row = html[html.index('data-match-id="m-skipton"'):]
    row = row[:row.index("</tr>")]
    assert "stolen in North Yorkshire" in row and "(Cumbria)" in row and "crosses force borders" in row


async def test_the_match_page_names_both_forces(ds, cookies_for, skipton):
    html = (await ds.client.get("/match/m-skipton", cookies=cookies_for("nick"))).text
    assert "North Yorkshire" in html and "Cumbria" in html and "crosses force borders" in html


async def test_the_public_check_names_the_force_where_it_was_stolen(ds, skipton):
    answer = (await ds.client.get("/check.json?identifier=JY4AM12Y3LA123456")).json()
    assert answer["result"] == "stolen"
    assert "North Yorkshire Police" in answer["message"] and "12/77777/26" in answer["message"]
    assert "Hampshire" not in json.dumps(answer)


@pytest.mark.parametrize("officer, query, thefts, listings", [
    ("nick", "", 1, 1),  # North Yorkshire: the Skipton theft and its Kendal listing
    ("cara", "", 0, 1),  # Cumbria: the listing offered there, not the theft
    ("olivia", "", 1, 2),  # Hampshire: the seeded Faccombe theft, its match and the Basingstoke owner check
    ("olivia", "?force_area=national", 2, 3),
])
async def test_the_map_opens_on_the_officers_area(ds, cookies_for, skipton, officer, query, thefts, listings):
    html = (await ds.client.get(f"/map{query}", cookies=cookies_for(officer))).text
    svg = html.split('class="fw-plot fw-map"', 1)[1].split("</svg>")[0] if "fw-map" in html else ""
    assert (svg.count("<rect "), svg.count("<circle ")) == (thefts, listings)
