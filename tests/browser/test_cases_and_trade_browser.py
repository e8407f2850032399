"""In a real browser: an officer records a theft and a recovery, opens the clones and the alert
preview; a farmer transfers an item; a trade account checks a catalogue; a buyer subscribes to
the hot sheet through the e-mailed link and leaves it; visitors and farmers are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from farmwatch.mailsink import MailSink
from registry.accounts.users import add_user
from registry.db import connect
from tests.browser.conftest import OFFICER, PASSWORD, ServedWorkspace
from tests.datasette_config.officer.seed import OWNER_MARKERS, seed_workspace

pytestmark = pytest.mark.browser
TODAY = datetime.now(UTC).date()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A seeded workspace with an officer, the seeded owner's farmer account and a trade account, and
    a mail sink the workspace sends through."""
    sink = MailSink(tmp_path / "mail")
    port = sink.start()
    monkeypatch.setenv("FARMWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FARMWATCH_SMTP_PORT", str(port))
    db_path = tmp_path / "data" / "farmwatch.db"
    db = connect(db_path)
    ids = seed_workspace(db)
    add_user(db, OFFICER, PASSWORD, "officer")
    add_user(db, "zeb", PASSWORD, "farmer", email=OWNER_MARKERS[1])
    add_user(db, "mart", PASSWORD, "trade")
    db.close()
    with ServedWorkspace(db_path) as workspace:
        monkeypatch.setenv("FARMWATCH_BASE_URL", workspace.url)
        yield workspace, ids, sink, db_path
    sink.stop()


def log_in(page, base_url, username, landing):
    page.goto(f"{base_url}/-/login")
    page.fill("#fw-username", username)
    page.fill("#fw-password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{landing}")


def test_an_officer_records_a_theft_then_a_recovery_and_sees_them_in_the_history(page, served, artifacts):
    workspace, ids, _, _ = served
    log_in(page, workspace.url, OFFICER, "/queue")
    page.goto(f"{workspace.url}/match/m-owner-1")
    page.fill("input[name=stolen_at]", str(TODAY - timedelta(days=1)))
    page.fill("input[name=crime_ref]", "12/345678/26")
    page.fill("input[name=place]", "Skipton, North Yorkshire")
    page.click("button:has-text('Record theft')")
    page.wait_for_url(f"{workspace.url}/match/m-owner-1")
    assert "Theft report" in page.locator(".message-info, .message").first.inner_text()
    history = page.locator(".fw-item-history").inner_text()
    assert OFFICER in history and "crime reference 12/345678/26" in history
    page.screenshot(path=str(artifacts / "officer-theft-recorded.png"), full_page=True)
    page.goto(f"{workspace.url}/item/{ids['quad']}")
    page.click("button:has-text('Record recovery')")
    page.wait_for_url(f"{workspace.url}/item/{ids['quad']}")
    assert "recovered on" in page.locator(".fw-item-history").inner_text()
    assert "status recovered" in page.locator("body").inner_text()
    page.goto(f"{workspace.url}/clones")
    assert page.locator("h1").inner_text() == "Possible clones"
    page.goto(f"{workspace.url}/alerts/preview")
    assert page.locator("#fw-owner_check").count() == 1 and page.locator("#fw-hot_sheet pre").count() == 1
    page.screenshot(path=str(artifacts / "alerts-preview.png"), full_page=True)


def test_a_farmer_transfers_an_item_to_its_buyer(page, served, artifacts):
    workspace, ids, _, db_path = served
    log_in(page, workspace.url, "zeb", "/farmer")
    page.goto(f"{workspace.url}/farmer/items/{ids['quad']}")
    page.fill("#fw-sold_at", str(TODAY))
    page.fill("#fw-new_owner_email", "new.owner@example.org")
    page.click("button:has-text('Mark sold')")
    page.wait_for_url(f"{workspace.url}/farmer")
    assert "new.owner@example.org" in page.locator("body").inner_text()
    assert f"/farmer/items/{ids['quad']}" not in page.content()
    db = connect(db_path)
    assert db.execute("select o.email from items i join owners o on o.id = i.owner_id where i.id = ?",
                      [ids["quad"]]).fetchone()[0] == "new.owner@example.org"
    db.close()
    page.goto(f"{workspace.url}/alerts/preview")
    assert page.locator("text=Alert e-mails: what the next send").count() == 0  # not for farmers


def test_a_trade_account_checks_a_catalogue_and_officers_see_the_stolen_hit(browser, served, artifacts, tmp_path):
    workspace, _, _, _ = served
    catalogue = tmp_path / "sale-catalogue.csv"
    catalogue.write_text("Lot,Serial number\n12,1L0-6120M-CKK-123456\n13,HFT420 778899\n14,NOTREGISTERED99\n15,\n")
    trade = browser.new_context().new_page()
    log_in(trade, workspace.url, "mart", "/check/trade")
    trade.set_input_files("#fw-trade-file", str(catalogue))
    trade.click("button:has-text('Check every line')")
    result = trade.locator("#fw-trade-result").inner_text()
    assert "1 stolen" in result and "1 registered" in result and "1 not on the register" in result
    assert "line 5: no identifier" in result and "44260123456" in result
    assert not [m for m in OWNER_MARKERS if m in trade.content()]
    trade.screenshot(path=str(artifacts / "trade-check.png"), full_page=True)
    officer = browser.new_context().new_page()
    log_in(officer, workspace.url, OFFICER, "/queue")
    officer.goto(f"{workspace.url}/check/alerts")
    assert "trade account mart" in officer.locator("table").first.inner_text()


def test_visitors_are_sent_to_log_in_and_farmers_refused(browser, served):
    workspace, _, _, _ = served
    visitor = browser.new_context().new_page()
    for path in ("/check/trade", "/alerts/preview", "/clones"):
        visitor.goto(f"{workspace.url}{path}")
        assert "/-/login" in visitor.url, path
    farmer = browser.new_context().new_page()
    log_in(farmer, workspace.url, "zeb", "/farmer")
    for path in ("/check/trade", "/alerts/preview", "/clones"):
        response = farmer.goto(f"{workspace.url}{path}")
        assert response.status == 403, path


def test_a_buyer_subscribes_to_the_hot_sheet_through_the_emailed_link_and_leaves(page, served, artifacts):
    workspace, _, sink, db_path = served
    page.goto(f"{workspace.url}/hot-sheet")
    page.fill("#fw-email", "buyer@mart.example")
    page.select_option("#fw-area", "Hampshire")
    page.click("button:has-text('Send me the confirmation link')")
    assert "We have sent a link to buyer@mart.example" in page.locator("#fw-hot-sheet-done").inner_text()
    link = next(w for w in sink.messages[0]["body"].split() if "/hot-sheet/confirm?token=" in w)
    page.goto(link)
    page.click("button:has-text('Confirm')")
    assert "Confirmed: buyer@mart.example" in page.locator("#fw-hot-sheet-done").inner_text()
    leave = next(w for w in sink.messages[0]["body"].split() if "/hot-sheet/leave?token=" in w)
    page.goto(leave)
    page.click("button:has-text('Stop sending')")
    assert "no more hot sheets" in page.locator("#fw-hot-sheet-done").inner_text()
    db = connect(db_path)
    assert db["alert_subscriptions"].count == 0
    db.close()
