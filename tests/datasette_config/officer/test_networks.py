"""The network pages and exports: officers only, contacts logged, evidence shown, hostile text inert."""

from __future__ import annotations

import csv
import html
import io
import re
from xml.etree import ElementTree

import networkx as nx
import pytest

from matching.networks.update import update_networks
from registry.listings.store import clean_listing, upsert_listing
from tests.datasette_config.officer.test_permissions import refused


@pytest.fixture
def network(db, seeded):
    """The seeded hostile listing's seller (phone 07700 900123) and a second handle with the same number."""
    other = clean_listing({"source": "other-market", "url": "https://other.example/ad/9", "title": "=HYPERLINK(1) JD",
                           "description": "Genuine sale, call 0044 7700 900 123", "location": "Andover",
                           "seller": {"name": "kit4cash_uk"}})
    other_id = upsert_listing(db, other).listing_id
    update_networks(db)
    nid = db.execute("select s.network_id from listings l join sellers s on s.id = l.seller_id where l.id = ?",
                     [seeded["hostile_listing"]]).fetchone()[0]
    assert db.execute("select s.network_id from listings l join sellers s on s.id = l.seller_id where l.id = ?",
                      [other_id]).fetchone()[0] == nid
    return nid


@pytest.mark.parametrize("path", ["/networks", "/network/{nid}", "/network/{nid}.graphml", "/network/{nid}.nodes.csv",
                                  "/network/{nid}.edges.csv"])
@pytest.mark.parametrize("username", [None, "fern"])
async def test_anonymous_and_farmers_are_refused(ds, cookies_for, network, path, username):
    response = await ds.client.get(path.format(nid=network), cookies=cookies_for(username))
    assert refused(response)
    assert "900123" not in response.text


async def test_networks_ranked_with_risk_and_filtered_by_source_and_area(ds, cookies_for, network):
    cookies = cookies_for("olivia")
    page = await ds.client.get("/networks", cookies=cookies)
    assert page.status_code == 200 and f'href="/network/{network}"' in page.text
    assert "1 strong" in page.text and "kit4cash_uk" in page.text
    assert f'href="/network/{network}"' in (await ds.client.get("/networks?source=other-market", cookies=cookies)).text
    assert f'href="/network/{network}"' not in (await ds.client.get("/networks?source=nowhere", cookies=cookies)).text
    assert f'href="/network/{network}"' not in (await ds.client.get("/networks?force_area=Cumbria", cookies=cookies)).text


async def test_network_page_draws_links_shows_evidence_and_logs_the_view(ds, db, cookies_for, network):
    page = await ds.client.get(f"/network/{network}", cookies=cookies_for("olivia"))
    assert page.status_code == 200
    assert "<svg" in page.text and ">same phone …123</text>" in page.text  # the shared number, drawn once
    assert "same phone number +44 7700 900123" in page.text and "+447700900123" in page.text
    assert "44260123456" in page.text  # the matched stolen item's crime reference
    assert "<svg onload" not in page.text and 'href="javascript:' not in page.text
    assert db.execute("select count(*) from access_log where action = 'view_seller_contacts' and subject = ?",
                      [f"network:{network}"]).fetchone()[0] == 1
    assert (await ds.client.get("/network/999999", cookies=cookies_for("olivia"))).status_code == 404


async def test_match_page_links_to_the_sellers_network(ds, cookies_for, seeded, network):
    page = await ds.client.get(f"/match/{seeded['stolen_match']}", cookies=cookies_for("olivia"))
    assert f'href="/network/{network}"' in page.text and "2 sellers" in page.text


async def test_exports_as_graphml_and_spreadsheet_safe_csv(ds, db, cookies_for, network):
    cookies = cookies_for("olivia")
    graph = nx.parse_graphml((await ds.client.get(f"/network/{network}.graphml", cookies=cookies)).text)
    kinds = sorted(data["type"] for _, data in graph.nodes(data=True))
    assert kinds == ["item", "listing", "listing", "seller", "seller"]
    assert any(d["type"] == "link" and d["label"] == "phone" for _, _, d in graph.edges(data=True))
    nodes = list(csv.DictReader(io.StringIO((await ds.client.get(f"/network/{network}.nodes.csv", cookies=cookies)).text)))
    assert {n["type"] for n in nodes} == {"seller", "listing", "item"}
    assert any(n["label"].startswith("'=HYPERLINK") for n in nodes)
    edges = list(csv.DictReader(io.StringIO((await ds.client.get(f"/network/{network}.edges.csv", cookies=cookies)).text)))
    assert sorted(e["type"] for e in edges) == ["link", "listed", "listed", "match"]
    assert db.execute("select count(*) from access_log where action like 'export_network_%'").fetchone()[0] == 3


def _sellers_of(db, network_id):
    return [r[0] for r in db.execute("select id from sellers where network_id = ? order by id", [network_id])]


async def test_an_officer_rejects_a_link_and_the_rebuild_keeps_it_apart(ds, db, cookies_for, network):
    a, b = _sellers_of(db, network)
    cookies = cookies_for("olivia")
    response = await ds.client.post("/networks/decide", cookies=cookies, data={
        "seller_a": a, "seller_b": b, "decision": "reject", "note": "one shared yard phone, two honest farms",
        "back": f"/network/{network}"})
    assert response.status_code == 302 and response.headers["location"] == f"/network/{network}"
    update_networks(db, rebuild=True)
    assert len({db.execute("select network_id from sellers where id = ?", [s]).fetchone()[0] for s in (a, b)}) == 2
    seller = await ds.client.get(f"/seller/{a}", cookies=cookies)
    assert seller.status_code == 200
    assert "Almost linked to" in seller.text and "rejected by olivia" in seller.text
    assert "one shared yard phone, two honest farms" in seller.text  # in the history too
    assert db.execute("select count(*) from access_log where action = 'view_seller_contacts' and subject = ?",
                      [f"seller:{a}"]).fetchone()[0] == 1
    with pytest.raises(Exception, match="append-only"):
        db.execute("delete from network_decisions")


async def test_decisions_need_an_officer_a_note_and_the_same_site(ds, db, cookies_for, network):
    a, b = _sellers_of(db, network)
    form = {"seller_a": a, "seller_b": b, "decision": "reject", "note": "", "back": f"/network/{network}"}
    response = await ds.client.post("/networks/decide", cookies=cookies_for("olivia"), data=form)
    page = await ds.client.get(f"/network/{network}", cookies={**cookies_for("olivia"), **dict(response.cookies)})
    assert "say why in the note" in page.text
    forged = await ds.client.post("/networks/decide", cookies=cookies_for("olivia"),
                                  data={**form, "note": "forged"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403
    farmer = await ds.client.post("/networks/decide", cookies=cookies_for("fern"), data={**form, "note": "x"})
    assert refused(farmer)
    assert db.execute("select count(*) from network_decisions").fetchone()[0] == 0


async def test_the_drawing_groups_listings_under_sellers_and_labels_never_overlap(ds, db, cookies_for, network):
    page = (await ds.client.get(f"/network/{network}", cookies=cookies_for("olivia"))).text
    drawing = page[page.index('class="fw-network-drawing"'):]
    svg = drawing[drawing.index("<svg"):drawing.index("</svg>")]
    assert svg.count('class="cluster"') == len(_sellers_of(db, network))  # one box per seller, its listings inside
    tree = ElementTree.fromstring(svg + "</svg>")
    for element in tree.iter():
        assert not element.tag.endswith("script")
        assert not [name for name in element.attrib if name.startswith("on") or name == "style"], element.attrib
    assert "&lt;svg onload" in svg  # the hostile seller name shown as text
    assert "#b00020" in svg  # the matched stolen item highlighted
    boxes = []
    for m in re.finditer(r'<text text-anchor="(\w+)" x="([\d.\-]+)" y="([\d.\-]+)"[^>]*font-size="([\d.]+)"[^>]*>'
                         r'([^<]*)</text>', svg):
        anchor, x, y, size, text = m[1], float(m[2]), float(m[3]), float(m[4]), html.unescape(m[5])
        width = 0.55 * size * len(text)
        left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        boxes.append((left, y - size * 0.8, left + width, y + size * 0.2, text))
    assert len(boxes) >= 3
    for i, p in enumerate(boxes):
        for q in boxes[i + 1:]:
            assert p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1], (p, q)
