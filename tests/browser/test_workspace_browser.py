"""An officer in a real browser: log in, open the queue, open a match, confirm it, see the status change."""

from __future__ import annotations

import http.server
import threading

import pytest

from registry.db import connect
from tests.browser.conftest import OFFICER, PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, base_url):
    page.goto(f"{base_url}/-/login")
    page.fill("#fw-username", OFFICER)
    page.fill("#fw-password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/queue")


def test_officer_confirms_a_match(page, workspace, artifacts):
    served, ids = workspace
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, served.url)

    cookie = next(c for c in page.context.cookies() if c["name"] == "farmwatch_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > 0
    assert "farmwatch_session" not in page.evaluate("document.cookie")

    row = page.locator('tr[data-match-id="m-stolen-1"]')
    assert row.locator("img").count() == 2
    page.screenshot(path=str(artifacts / "queue.png"), full_page=True)
    row.locator("a.fw-open").click()
    page.wait_for_url(f"{served.url}/match/m-stolen-1")
    page.wait_for_load_state("networkidle")
    assert page.locator("#fw-status").inner_text() == "new"
    assert page.locator(".fw-pair img").count() == 2
    assert all(page.evaluate("(img) => img.naturalWidth", img.element_handle()) > 0
               for img in page.locator(".fw-pair img").all())
    page.screenshot(path=str(artifacts / "match-page.png"), full_page=True)

    snapshot = next(f for f in page.frames if "/snapshot" in f.url)
    assert "Tractor for sale" in snapshot.content()  # the saved page is shown...
    assert snapshot.title() != "pwned"  # ...but its script never ran

    page.fill("#fw-note", "serial plate seen in the listing photo")
    page.click("button[value=confirm]")
    page.wait_for_url(f"{served.url}/match/m-stolen-1")
    assert page.locator("#fw-status").inner_text() == "confirmed"
    assert "serial plate seen in the listing photo" in page.locator(".fw-history").inner_text()
    page.screenshot(path=str(artifacts / "match-confirmed.png"), full_page=True)

    page.goto(f"{served.url}/queue?status=all")
    assert page.locator('tr[data-match-id="m-stolen-1"] td.fw-status-confirmed').count() == 1
    assert dialogs == []  # no seller script ran anywhere

    db = connect(served.db_path, migrate=False)
    assert db.execute("select decision, actor from reviews").fetchall() == [("confirmed", OFFICER)]
    db.close()


def test_a_page_on_another_site_cannot_decide(page, workspace):
    served, _ids = workspace
    log_in(page, served.url)
    form = (f'<form id="f" method="post" action="{served.url}/match/m-stolen-1/decide">'
            '<input name="decision" value="confirm"><input name="note" value="forged"></form>'
            '<script>document.getElementById("f").submit()</script>').encode()

    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(form)

        def log_message(self, *args):
            pass

    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        # localhost and 127.0.0.1 are different sites to the browser
        page.goto(f"http://localhost:{attacker.server_address[1]}/")
        page.wait_for_load_state("networkidle")
        assert "403" in page.content() or "Forbidden" in page.content() or "Sec-Fetch-Site" in page.content()
    finally:
        attacker.shutdown()
    db = connect(served.db_path, migrate=False)
    assert db.execute("select status from matches where id = 'm-stolen-1'").fetchone()[0] == "new"
    assert db.execute("select count(*) from reviews").fetchone()[0] == 0
    db.close()


def test_logout_ends_the_session_in_the_browser(page, workspace):
    served, _ids = workspace
    log_in(page, served.url)
    page.goto(f"{served.url}/-/logout")
    page.click("form[action='/-/logout'] input[type=submit]")
    page.wait_for_url(f"{served.url}/-/login")
    page.goto(f"{served.url}/queue")
    assert page.url.startswith(f"{served.url}/-/login")
