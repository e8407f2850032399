"""The workspace's pages under its Content-Security-Policy (no inline script) in a real Chromium: no
policy violation and no script error on the main pages, and Datasette's own scripts still run."""

from __future__ import annotations

import pytest

from tests.browser.test_workspace_browser import log_in

pytestmark = pytest.mark.browser

ANONYMOUS = ["/-/login", "/check", "/hot-sheet"]
OFFICER_PAGES = ["/queue", "/match/m-stolen-1", "/item/1", "/search?q=1L06", "/map", "/trends", "/networks", "/clones",
                 "/alerts/preview", "/", "/farmwatch", "/farmwatch/items", "/farmwatch/items/1", "/farmwatch/matches",
                 "/farmwatch/open_thefts"]
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.documentURI);
});
"""


def watch(page) -> list[str]:
    """Console CSP messages and uncaught script errors of the top page (the sandboxed snapshot frame,
    whose seller scripts are blocked on purpose, is left out)."""
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message):
        frame_url = message.location.get("url", "") if message.location else ""
        if "Content Security Policy" in message.text and "/snapshot" not in frame_url:
            problems.append(f"console: {message.text[:200]}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def visit(page, url) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return [f"{url}: {v}" for v in page.evaluate("window.__cspViolations || []") if "/snapshot" not in v]


def test_main_pages_run_without_policy_violations(page, workspace):
    served, _ = workspace
    problems = watch(page)
    for path in ANONYMOUS:
        problems += visit(page, served.url + path)
    log_in(page, served.url)
    for path in OFFICER_PAGES:
        problems += visit(page, served.url + path)
    assert problems == []


def test_datasettes_scripts_still_work_without_inline_script(page, workspace):
    served, _ = workspace
    problems = watch(page)
    log_in(page, served.url)
    problems += visit(page, f"{served.url}/farmwatch/items")
    assert page.evaluate("typeof window.datasetteVersion") == "string"
    assert page.evaluate("window._datasetteTableData && typeof window._datasetteTableData") == "object"
    assert page.evaluate("window.DATASETTE_ALLOW_FACET") is True
    assert page.evaluate("!!customElements.get('navigation-search')")
    # the nav menu closes on a click elsewhere (the script moved out of _close_open_menus.html)
    page.click("details.nav-menu > summary")
    assert page.evaluate("document.querySelector('details.nav-menu').open")
    page.click("h1")
    assert not page.evaluate("document.querySelector('details.nav-menu').open")
    # table.js ran: column headers got their action menus
    assert page.locator("th .dropdown-menu-icon, th svg, th button").count() > 0
    problems += visit(page, f"{served.url}/farmwatch/open_thefts")
    assert page.evaluate("typeof window.datasetteSqlParameters") == "object"
    assert problems == []
