"""The network pages and exports: officers only, contacts logged, evidence shown, hostile text inert."""

from __future__ import annotations

import csv
import io

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
    assert "<svg" in page.text and ">phone</text>" in page.text  # the drawn link, labelled by kind
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
