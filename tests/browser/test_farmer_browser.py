"""A farmer on a phone: log in, register an item with a photo, report it stolen; a buyer then checks it."""

from __future__ import annotations

import re

import pytest

from registry.accounts.users import add_user
from registry.db import connect
from synthetic.photos import photo_bytes
from tests.browser.conftest import PASSWORD, ServedWorkspace

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


@pytest.fixture
def farm(tmp_path):
    db_path = tmp_path / "data" / "farmwatch.db"
    db = connect(db_path)
    add_user(db, "fern", PASSWORD, "farmer", email="fern@example.org")
    db.close()
    photo = tmp_path / "quad-in-the-yard.jpg"
    photo.write_bytes(photo_bytes(77))
    with ServedWorkspace(db_path) as served:
        yield served, photo


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_farmer_registers_an_item_with_a_photo_and_reports_it_stolen(browser, farm, artifacts):
    served, photo = farm
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{served.url}/-/login")
    page.fill("#fw-username", "fern")
    page.fill("#fw-password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{served.url}/farmer")
    assert "Nothing registered yet" in page.content()

    page.click("a.fw-button")
    page.wait_for_url(f"{served.url}/farmer/items/new")
    assert fits_the_screen(page)
    page.select_option("#fw-category", "quad")
    page.fill("#fw-make", "Honda")
    page.fill("#fw-model", "TRX420")
    page.fill("#fw-year", "20019")
    page.locator("input[name=identifier_value]").nth(0).fill("JH2TE4321ZK000888")
    page.locator("select[name=identifier_kind]").nth(0).select_option("frame")
    page.get_by_role("button", name="Register").click()
    assert "is not a year" in page.locator("#err-year").inner_text()
    assert page.input_value("#fw-make") == "Honda"  # what was typed is kept
    page.screenshot(path=str(artifacts / "farmer-form-error-phone.png"), full_page=True)

    page.set_input_files("#fw-photos", str(photo))
    page.fill("#fw-year", "2019")
    page.press("#fw-year", "Enter")  # the phone keyboard's Go key registers, not "add another identifier"
    page.wait_for_url(re.compile(r".*/farmer/items/[0-9]+$"))
    assert page.locator("#fw-item-status").inner_text() == "registered"
    image = page.locator(".fw-photos img").first
    image.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle()) > 0

    page.fill("#fw-stolen_at", "2026-11-20")
    page.fill("#fw-crime_ref", "44260998877")
    page.fill("#fw-place", "Top yard")
    page.click("#fw-theft button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#fw-item-status").inner_text() == "stolen"
    assert "44260998877" in page.locator("#fw-theft").inner_text()
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "farmer-item-stolen-phone.png"), full_page=True)

    for path in ("/farmer", "/farmer/import", "/farmer/checks"):
        page.goto(f"{served.url}{path}")
        assert fits_the_screen(page), path
    page.goto(f"{served.url}/farmer")
    assert "44260998877" in page.locator(".fw-card").first.inner_text()
    page.screenshot(path=str(artifacts / "farmer-home-phone.png"), full_page=True)

    buyer = browser.new_context(**PHONE).new_page()
    buyer.goto(f"{served.url}/check")
    buyer.fill("#fw-identifier", "jh2 te43 2l zk OOO 888")
    buyer.click("form[action='/check'] button")
    answer = buyer.locator("#fw-check-answer").inner_text()
    assert "do not buy" in answer and "44260998877" in answer and "fern" not in answer.lower()
    assert fits_the_screen(buyer)
    buyer.screenshot(path=str(artifacts / "public-check-stolen-phone.png"), full_page=True)
    context.close()

    db = connect(served.db_path, migrate=False)
    assert db.execute("select result, alert from public_checks").fetchall() == [("stolen", 1)]
    assert db.execute("select count(*) from photos").fetchone()[0] == 1
    db.close()
