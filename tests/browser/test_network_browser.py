"""An analyst in a real browser: a dense network drawn legibly (no label over another), and a link rejected."""

from __future__ import annotations

import pytest

from matching.networks.update import update_networks
from registry.db import connect
from registry.listings.store import clean_listing, upsert_listing
from tests.browser.test_workspace_browser import log_in

pytestmark = pytest.mark.browser

OVERLAPS = """(svg) => {
  const boxes = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (dx > 1 && dy > 1) hits.push([i, j]);
  }
  return {labels: boxes.length, hits};
}"""


def test_a_dense_network_is_legible_and_a_link_can_be_rejected(page, workspace, artifacts):
    served, ids = workspace
    db = connect(served.db_path)
    for n in range(6):  # six more handles behind the seeded seller's number, each with several adverts
        for k in range(5):
            upsert_listing(db, clean_listing({
                "source": f"market-{n % 3}", "url": f"https://market-{n % 3}.example/ad/{n}-{k}",
                "title": f"{2010 + k} John Deere 6120M tractor, lot {n}-{k}", "description": "call 07700 900123",
                "location": "Andover", "seller": {"name": f"operation_handle_{n}", "phone": "+44 7700 900123"}}))
    update_networks(db)
    network = db.execute("select s.network_id from listings l join sellers s on s.id = l.seller_id where l.id = ?",
                         [ids["hostile_listing"]]).fetchone()[0]
    sellers = [r[0] for r in db.execute("select id from sellers where network_id = ? order by id", [network])]
    db.close()
    assert len(sellers) >= 7
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, served.url)
    page.goto(f"{served.url}/network/{network}")
    drawing = page.locator(".fw-network-drawing svg")
    assert drawing.count() == 1
    page.screenshot(path=str(artifacts / "network-page.png"), full_page=True)
    found = page.evaluate(OVERLAPS, drawing.element_handle())
    assert found["labels"] >= 2 * len(sellers) and found["hits"] == []
    assert not [e for e in errors if "Content Security Policy" in e]

    page.select_option("#fw-seller-a", str(sellers[0]))
    page.fill("#fw-seller-b", str(sellers[1]))
    page.fill("#fw-net-note", "the two handles are a father and son, checked at the farm")
    page.click("button[value=reject]")
    page.wait_for_url(f"{served.url}/network/{network}")
    assert "rejected the link" in page.content()
    assert "the two handles are a father and son" in page.locator(".fw-history").inner_text()
