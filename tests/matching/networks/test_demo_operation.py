"""The demonstration's operation forms one network across two marketplaces; honest sellers stay apart."""

from __future__ import annotations

from datetime import date

from farmwatch.demo.operation import HANDLES
from farmwatch.demo.scenario import build_scenario
from matching.networks.update import update_networks
from registry.listings.store import clean_listing, save_listing_photo, upsert_listing


def test_the_operation_is_one_network_and_no_honest_seller_joins_it(db):
    scenario = build_scenario(7, date(2026, 11, 30))
    operation = set()
    for spec in scenario.listings_in(0):
        seller = spec.seller if spec.site == "classifieds" else (
            {"name": "Westcountry Agri Sales", "phone": "01392 555 777"} if spec.site == "dealer" else {})
        row = clean_listing({"source": spec.site, "url": f"https://demo.example{spec.path}", "title": spec.title,
                             "description": spec.description, "seller": seller, "model": spec.model})
        lid = upsert_listing(db, row).listing_id
        for n, data in enumerate(spec.photos, 1):
            save_listing_photo(db, lid, n, None, data)
        if "operation" in spec.note:
            operation.add(lid)
    update_networks(db)
    networks = db.execute("select s.network_id, l.id from listings l join sellers s on s.id = l.seller_id").fetchall()
    op_networks = {n for n, lid in networks if lid in operation}
    assert len(op_networks) == 1 and len(operation) >= 6
    members = {lid for n, lid in networks if n in op_networks}
    assert members == operation
    handles = {r[0] for r in db.execute("select handle from sellers where network_id in (?)", list(op_networks))}
    assert set(HANDLES) <= handles
