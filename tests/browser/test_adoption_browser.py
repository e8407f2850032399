"""A rural crime team's first day, in Chromium, as each user, on a desktop (1366 px) and a phone (390 px):
states that follow every action, words instead of codes, the offline map, phones, the public pages, and
the owner hearing back. Screenshots go to test-artifacts/adoption-*.png."""

from __future__ import annotations

import json
import re

import pytest

from registry.accounts.users import add_user
from registry.db import connect
from tests.browser.conftest import PASSWORD, ServedWorkspace
from tests.datasette_config.officer.seed import OWNER_MARKERS, seed_workspace

pytestmark = pytest.mark.browser

SCREENS = {"desktop": {"viewport": {"width": 1366, "height": 900}},
           "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                     "has_touch": True}}
# What a person must never read: stored codes (power_tool, ear_tag, owner_not_me, item_recovered...),
# account names that are not people, and the matcher's measurements outside their details.
RAW = [re.compile(r"\b[a-z]+_[a-z]+(?:_[a-z]+)*\b"), re.compile(r"reported by cli\b"), re.compile(r"\bseller \d"),
       re.compile(r"\bweight \d"), re.compile(r"bits apart"), re.compile(r"distance \d+ \("),
       re.compile(r"Database not found"), re.compile(r"Forbidden: "), re.compile(r"rows in \d+ tables")]


@pytest.fixture
def team(tmp_path):
    db_path = tmp_path / "data" / "farmwatch.db"
    db = connect(db_path)
    ids = seed_workspace(db)
    db.execute("update items set category = 'power_tool' where id = ?", [ids["quad"]])
    db.execute("update identifiers set kind = 'ear_tag' where item_id = ?", [ids["quad"]])
    add_user(db, "hana", PASSWORD, "officer", force_area="Hampshire")
    add_user(db, "zeb", PASSWORD, "farmer", email=OWNER_MARKERS[1])
    add_user(db, "mart", PASSWORD, "trade")
    db.close()
    with ServedWorkspace(db_path) as served:
        yield served, ids


def session(browser, served, screen, user=None):
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    if user:
        page.goto(f"{served.url}/-/login")
        page.fill("#fw-username", user)
        page.fill("#fw-password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_load_state("networkidle")
    return page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


def no_codes(page, where: str) -> None:
    text = visible_text(page)
    for pattern in RAW:
        found = pattern.search(text)
        assert not found, f"{where} shows {found.group(0)!r}"


def shot(page, artifacts, name, screen):
    page.screenshot(path=str(artifacts / f"adoption-{name}-{screen}.png"), full_page=True)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_states_follow_every_action(browser, team, artifacts, screen):
    served, ids = team
    farmer = session(browser, served, screen, "zeb")
    farmer.goto(f"{served.url}/farmer/checks")
    farmer.locator(f"#check-{ids['owner_match']} button[value=not_me]").click()
    farmer.wait_for_load_state("networkidle")

    officer = session(browser, served, screen, "hana")
    officer.goto(f"{served.url}/queue")
    row = officer.locator(f'tr[data-match-id="{ids["owner_match"]}"]')
    context = row.locator(".fw-force").inner_text()
    assert "owner says the sale is not theirs" in context and "stolen in" not in context
    stolen_row = officer.locator(f'tr[data-match-id="{ids["stolen_match"]}"] .fw-force').inner_text()
    assert stolen_row == "stolen in Hampshire"
    new_rows = officer.locator("table.fw-queue tbody tr").count()
    assert f"Stolen items ({new_rows} new)" in officer.locator(".fw-tabs").inner_text()
    assert row.locator("figcaption").all_inner_texts() == ["Listing", "Registered"]
    assert fits(officer)
    no_codes(officer, "the queue")
    shot(officer, artifacts, "queue-after-not-me", screen)

    officer.goto(f"{served.url}/item/{ids['tractor']}")
    officer.get_by_role("button", name="Record recovery").click()
    officer.wait_for_load_state("networkidle")
    assert officer.locator("#fw-item-state").inner_text() == "recovered"
    officer.goto(f"{served.url}/match/{ids['stolen_match']}")
    assert officer.locator("#fw-status").inner_text() == "closed: item recovered"
    assert "the item was recovered" in officer.locator(".fw-history").inner_text()
    no_codes(officer, "the match page")
    assert fits(officer)
    shot(officer, artifacts, "match-recovered", screen)
    officer.goto(f"{served.url}/queue")
    assert officer.locator(f'tr[data-match-id="{ids["stolen_match"]}"]').count() == 0
    officer.goto(f"{served.url}/queue?status=all")
    assert "closed: item recovered" in officer.locator(f'tr[data-match-id="{ids["stolen_match"]}"]').inner_text()

    farmer.goto(f"{served.url}/farmer/items/{ids['tractor']}")
    assert farmer.locator("#fw-progress-text").inner_text().startswith("Recovered")
    farmer.goto(f"{served.url}/farmer/items/{ids['quad']}")
    assert "not reported stolen" in farmer.locator("#fw-item-status").inner_text()
    farmer.fill("#fw-sold_at", "2026-11-25")
    farmer.get_by_role("button", name="Mark sold").click()
    farmer.wait_for_load_state("networkidle")
    assert farmer.locator("#fw-item-status").inner_text() == "sold"
    assert farmer.get_by_role("button", name="Report stolen").count() == 0
    assert "Report it stolen" not in visible_text(farmer)
    assert fits(farmer)
    no_codes(farmer, "the farmer's item page")
    shot(farmer, artifacts, "farmer-sold", screen)
    farmer.goto(f"{served.url}/farmer")
    no_codes(farmer, "the farmer's home")
    assert fits(farmer)

    buyer = session(browser, served, screen)
    buyer.goto(f"{served.url}/check")
    buyer.fill("#fw-identifier", "HFT420-778899")
    buyer.get_by_role("button", name="Check").click()
    answer = buyer.locator("#fw-check-answer").inner_text()
    assert "recorded selling it on 2026-11-25" in answer and "power tool" in answer


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_owner_hears_back_and_sees_a_listing_only_once_shared(browser, team, artifacts, screen):
    served, ids = team
    farmer = session(browser, served, screen, "zeb")
    farmer.goto(f"{served.url}/farmer/items/{ids['tractor']}")
    progress = farmer.locator("#fw-progress").inner_text()
    assert "looking at a lead" in progress and "6120M" not in progress and "market.example" not in progress
    shot(farmer, artifacts, "owner-lead", screen)

    officer = session(browser, served, screen, "hana")
    officer.goto(f"{served.url}/match/{ids['stolen_match']}")
    officer.get_by_role("button", name="Share this listing with the owner").click()
    officer.wait_for_load_state("networkidle")
    assert "Shared with the owner" in officer.locator("#fw-shared").inner_text()
    assert "shared with the owner" in officer.locator(".fw-history").inner_text()

    farmer.reload()
    progress = farmer.locator("#fw-progress").inner_text()
    assert "shared it with you" in progress and "JD 6120M" in progress and "07700 900123" not in progress
    assert farmer.locator("#fw-progress a").get_attribute("href") == "https://market.example/ad/1"
    assert fits(farmer)
    no_codes(farmer, "the farmer's stolen item")
    shot(farmer, artifacts, "owner-shared", screen)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_words_not_codes_on_every_page_an_officer_reads(browser, team, artifacts, screen):
    served, ids = team
    officer = session(browser, served, screen, "hana")
    assert officer.url.rstrip("/").endswith("/queue") or officer.url.rstrip("/") == served.url
    officer.goto(f"{served.url}/")
    assert "Match queue" in visible_text(officer)
    for path in ("/", "/queue", "/queue?queue=owner_check&status=all", f"/match/{ids['stolen_match']}",
                 f"/match/{ids['owner_match']}", f"/item/{ids['tractor']}", f"/item/{ids['quad']}", "/clones",
                 "/search?identifier=1L06120MCKK123465&reason=test", "/map", "/trends"):
        officer.goto(f"{served.url}{path}")
        officer.wait_for_load_state("networkidle")
        no_codes(officer, path)
        assert fits(officer), f"{path} scrolls sideways at {screen}"
    officer.goto(f"{served.url}/match/{ids['stolen_match']}")
    reasons = officer.locator(".fw-reasons").inner_text()
    assert "listing photo 1 is a copy of registered photo 1" in reasons
    for summary in officer.locator(".fw-reasons summary").all():
        summary.click()
    assert "of 64 bits differ" in officer.locator(".fw-reasons").inner_text()
    if screen == "phone":
        label = officer.evaluate("getComputedStyle(document.querySelector('table.fw-identifiers td'), '::before')"
                                 ".content")
        assert label == '"Kind: "'
    shot(officer, artifacts, "match-words", screen)
    officer.goto(f"{served.url}/search?identifier=1L06120MCKK123465&reason=test")
    assert "(two characters swapped)" in visible_text(officer)
    officer.goto(f"{served.url}/item/abc")
    assert officer.locator("h1").inner_text() == "No such item" and "“abc”" in visible_text(officer)
    shot(officer, artifacts, "not-found", screen)
    officer.goto(f"{served.url}/farmwatch")
    assert "Database not found" not in visible_text(officer)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_map_draws_coast_forces_and_places_and_fits_the_officers_force(browser, team, artifacts, screen):
    served, _ = team
    requests = []
    officer = session(browser, served, screen, "hana")
    officer.on("request", lambda request: requests.append(request.url))
    officer.goto(f"{served.url}/map")
    officer.wait_for_selector('#fw-map[data-ready="1"]', timeout=30000)
    assert officer.locator(".leaflet-overlay-pane path").count() >= 3  # land, force lines, group lines
    labels = officer.locator(".fw-force-label").all_inner_texts()
    assert "Hampshire" in labels
    assert officer.locator(".fw-town-label").count() >= 3
    assert officer.locator(".fw-marker, .marker-cluster").count() >= 1
    south, west, north, east = json.loads(officer.locator("#fw-map").get_attribute("data-bounds"))
    # Hampshire (50.43..51.38 N, 1.94..0.74 W) in view, and far less than the country (49.9..60.9 N)
    assert south < 50.6 and north > 51.3 and west < -1.8 and east > -0.8
    assert north - south < 4 and east - west < 6
    assert all(url.startswith(served.url) for url in requests), [u for u in requests if not u.startswith(served.url)]
    assert fits(officer)
    shot(officer, artifacts, "map-force", screen)
    officer.goto(f"{served.url}/map?force_area=national")
    officer.wait_for_selector('#fw-map[data-ready="1"]', timeout=30000)
    south, west, north, east = json.loads(officer.locator("#fw-map").get_attribute("data-bounds"))
    assert south < 51 and north > 57
    shot(officer, artifacts, "map-national", screen)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_public_pages_people_trust(browser, team, artifacts, screen):
    served, _ = team
    buyer = session(browser, served, screen)
    buyer.goto(f"{served.url}/check")
    assert "run by" in buyer.locator("#fw-about").inner_text()
    assert buyer.locator("#fw-hot-sheet-link a").get_attribute("href") == "/hot-sheet"
    for typed in ("<script>alert(1)</script>", "!!!---///", "1" * 300):
        buyer.fill("#fw-identifier", typed)
        buyer.get_by_role("button", name="Check").click()
        assert buyer.locator("#fw-check-answer .fw-verdict").inner_text() == "That is not an identifier"
    buyer.fill("#fw-identifier", "1L06120MCKK123456")
    buyer.get_by_role("button", name="Check").click()
    heading = buyer.locator("#fw-check-answer .fw-verdict").inner_text()
    assert heading == "Reported stolen: do not buy or sell it"
    assert buyer.locator("#fw-check-answer").inner_text().count(heading) == 2  # the text says the same
    assert fits(buyer)
    no_codes(buyer, "/check")
    shot(buyer, artifacts, "check-stolen", screen)

    trade = session(browser, served, screen, "mart")
    trade.goto(f"{served.url}/check/trade")
    assert "None yet" in trade.locator("#fw-trade-history").inner_text()
    catalogue = b"lot,identifier\n1,1L06120MCKK123456\n2,ZZ9999999\n"
    trade.set_input_files("#fw-trade-file", files=[{"name": "sale.csv", "mimeType": "text/csv", "buffer": catalogue}])
    trade.get_by_role("button", name="Check every line").click()
    trade.wait_for_load_state("networkidle")
    result = trade.locator("#fw-trade-result").inner_text()
    assert "Reported stolen: do not buy or sell it" in result and "STOLEN: do not sell" not in result
    batch = re.search(r"Batch reference (\S+)\.", result).group(1)
    trade.goto(f"{served.url}/check/trade")
    assert batch in trade.locator("#fw-trade-history").inner_text()
    assert fits(trade)
    no_codes(trade, "/check/trade")
    shot(trade, artifacts, "trade-history", screen)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_refusals_read_as_sentences_and_access_is_unchanged(browser, team, artifacts, screen):
    served, ids = team
    farmer = session(browser, served, screen, "zeb")
    response = farmer.goto(f"{served.url}/farmwatch.db")
    assert response.status == 403
    assert farmer.locator("h1").inner_text() == "Not available to your account"
    assert "downloading the whole database" in visible_text(farmer)
    no_codes(farmer, "the refusal")
    shot(farmer, artifacts, "forbidden", screen)
    for path in ("/queue", f"/match/{ids['stolen_match']}", "/map", "/map/basemap.json", "/clones"):
        assert farmer.goto(f"{served.url}{path}").status == 403
    assert farmer.goto(f"{served.url}/").url.endswith("/farmer")
    visitor = session(browser, served, screen)
    visitor.goto(f"{served.url}/queue")
    assert "/-/login" in visitor.url
