"""An incremental night gives what a rebuild from nothing gives on the same listings."""

from __future__ import annotations

import pytest

from bench.network_data import write_marketplace
from datasette_config.officer.network_decisions import record_network_decision
from matching.networks.update import update_networks
from registry.imports.files import import_listings


def _state(db) -> dict:
    """Everything a run decides, named by source and seller key (ids of sellers a rebuild keeps)."""
    key = {sid: (source, k) for sid, source, k in db.execute("select id, source, seller_key from sellers")}
    networks = {}
    for sid, nid in db.execute("select id, network_id from sellers"):
        networks.setdefault(nid, set()).add(key[sid])
    return {
        "groups": sorted(sorted(g) for g in networks.values()),
        "links": sorted((key[a], key[b], kind, value, weight) for a, b, kind, value, weight in db.execute(
            "select seller_a, seller_b, kind, value, weight from seller_links")),
        "networks": sorted(db.execute(
            "select id, sellers, listings, links, sources, areas, first_seen_at, last_seen_at, matches_confirmed, "
            "matches_strong, matches_likely, risk, risk_rank from networks").fetchall()),
        "near_misses": sorted((key[a], key[b], evidence) for a, b, evidence in db.execute(
            "select seller_a, seller_b, evidence from seller_near_misses")),
    }


def _decide(db) -> None:
    """An officer rejects one linked pair and joins two sellers no evidence links (decisions must hold in a
    night as in a rebuild)."""
    linked = db.execute("select seller_a, seller_b from seller_links order by seller_a, seller_b limit 1").fetchone()
    alone = [sid for (sid,) in db.execute(
        "select id from sellers where network_id in (select id from networks where sellers = 1) order by id limit 2")]
    with db.atomic():
        record_network_decision(db.conn, linked[0], linked[1], "reject", "two honest neighbours", "officer1")
        record_network_decision(db.conn, alone[0], alone[1], "join", "same yard seen on a visit", "officer1")


@pytest.mark.parametrize("seed", [2, 5])
def test_a_night_added_to_a_build_equals_a_rebuild(db, tmp_path, seed):
    listings = write_marketplace(tmp_path / "market", seed=seed, operations=5, dealers=2, private=50)
    lines = listings.read_text().splitlines()
    cut = len(lines) * 7 // 10
    first, night = tmp_path / "first.jsonl", tmp_path / "night.jsonl"
    first.write_text("\n".join(lines[:cut]) + "\n")
    night.write_text("\n".join(lines[cut:]) + "\n")
    import_listings(db, first)
    update_networks(db)
    _decide(db)
    import_listings(db, night)
    report = update_networks(db)
    assert report.listings == len(lines) - cut
    incremental = _state(db)
    update_networks(db, rebuild=True)
    rebuilt = _state(db)
    assert any(len(g) > 1 for g in incremental["groups"]) and incremental["links"] and incremental["near_misses"]
    for part in ("groups", "links", "networks", "near_misses"):
        assert incremental[part] == rebuilt[part], part
