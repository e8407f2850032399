"""`farmwatch networks`: incremental runs, rebuilds, the networks table, and the labelled marketplace."""

from __future__ import annotations

import json

from bench.network_data import write_marketplace
from farmwatch.cli import main
from matching.networks.evaluate import score_networks
from matching.networks.update import update_networks
from registry.imports.files import import_listings
from tests.matching.networks.conftest import network_of


def test_a_new_listing_joins_an_existing_network_incrementally(db, add_listing):
    a = add_listing("site-a", {"name": "quadsales_uk", "phone": "07700 900123"})
    b = add_listing("site-b", {"name": "farmkit_1980", "phone": "+447700900123"})
    first = update_networks(db)
    assert (first.listings, first.networks, first.networks_new) == (2, 1, 1)
    c = add_listing("site-c", {"name": "yard_clearance"}, description="ring 0044 7700 900 123")
    second = update_networks(db)
    assert (second.listings, second.networks, second.networks_new) == (1, 1, 0)
    assert network_of(db, a) == network_of(db, b) == network_of(db, c)
    row = db.execute("select sellers, listings, sources from networks where id = ?", [network_of(db, a)]).fetchone()
    assert (row[0], row[1], json.loads(row[2])) == (3, 3, ["site-a", "site-b", "site-c"])
    assert update_networks(db).listings == 0
    before = db.execute("select seller_id, (select network_id from sellers where id = seller_id) from listings "
                        "order by id").fetchall()
    rebuilt = update_networks(db, rebuild=True)
    assert rebuilt.listings == 3
    after = db.execute("select seller_id, (select network_id from sellers where id = seller_id) from listings "
                       "order by id").fetchall()
    assert before == after


def test_every_seller_is_in_a_network_and_networks_are_ranked(db, add_listing):
    add_listing("site-a", {"name": "quadsales_uk", "phone": "07700 900123"})
    add_listing("site-b", {"name": "farmkit_1980", "phone": "07700 900123"})
    add_listing("site-a", {"name": "loner_bob"})
    update_networks(db)
    assert db.execute("select count(*) from sellers where network_id is null").fetchone()[0] == 0
    ranks = db.execute("select sellers from networks order by risk_rank").fetchall()
    assert ranks == [(2,), (1,)]


def test_command_prints_counts_as_json(tmp_path, add_listing, db, capsys):
    add_listing("site-a", {"name": "quadsales_uk", "phone": "07700 900123"})
    add_listing("site-b", {"name": "farmkit_1980", "phone": "07700 900123"})
    path = db.execute("pragma database_list").fetchone()[2]
    assert main(["--db", path, "networks", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["networks"] == 1 and counts["links"] == {"phone": 1}


def test_labelled_marketplace_precision_recall_and_no_dealer_merged(db, tmp_path):
    listings = write_marketplace(tmp_path / "market", seed=3, operations=4, dealers=3, private=60)
    import_listings(db, listings)
    update_networks(db)
    score = score_networks(db, json.loads((tmp_path / "market" / "truth.json").read_text()))
    assert score["precision"] >= 0.98, score
    assert score["recall"] >= 0.90, score
    assert score["dealers_merged"] == [], score
