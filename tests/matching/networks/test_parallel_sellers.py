"""Reading a large night's sellers in forked worker processes leaves the same sellers, signals, links and
networks as reading them in the one process."""

from __future__ import annotations

import json
import multiprocessing as mp

import matching.networks.identities as identities
from bench.network_data import write_marketplace
from matching.networks.evaluate import score_networks
from matching.networks.update import update_networks
from registry.db import connect
from registry.imports.files import import_listings

TABLES = ("select id, source, seller_key, handle, name, profile_url, phones, emails, listings, network_id "
          "from sellers order by id",
          "select id, seller_id from listings order by id",
          "select listing_id, kind, value, seller_id from listing_signals order by 1, 2, 3",
          "select seller_a, seller_b, kind, value, weight from seller_links order by 1, 2, 3, 4",
          "select id, sellers, listings, links, risk from networks order by id")


FORK = mp.get_context("fork")


class _CountingContext:
    """multiprocessing's fork context, counting the pools made from it."""

    def __init__(self, pools: list):
        self.pools = pools

    def Pool(self, *args, **kwargs):  # noqa: N802 (multiprocessing's name)
        self.pools.append(args[0] if args else kwargs.get("processes"))
        return FORK.Pool(*args, **kwargs)


def _run(tmp_path, name: str, listings, monkeypatch, parallel: bool) -> list[list[tuple]]:
    db = connect(tmp_path / name / "farmwatch.db")
    import_listings(db, listings)
    pools: list = []
    with monkeypatch.context() as patch:
        patch.setattr(identities, "PARALLEL_FROM", 0 if parallel else 10**9)
        patch.setattr(identities, "READ_BATCH", 17)  # several batches, the last one short
        patch.setattr(identities.mp, "get_context", lambda method: _CountingContext(pools))
        report = update_networks(db)
    assert pools == ([identities.WORKERS] if parallel else [])
    assert report.listings == db.execute("select count(*) from listings").fetchone()[0] > 3 * 17
    rows = [db.execute(query).fetchall() for query in TABLES]
    db.close()
    return rows


def test_workers_read_sellers_as_this_process_does(tmp_path, monkeypatch):
    market = tmp_path / "market"
    listings = write_marketplace(market, seed=3, operations=4, dealers=3, private=60)
    serial = _run(tmp_path, "serial", listings, monkeypatch, parallel=False)
    forked = _run(tmp_path, "forked", listings, monkeypatch, parallel=True)
    assert forked == serial
    assert all(serial), "every table has rows"
    db = connect(tmp_path / "forked" / "farmwatch.db")
    score = score_networks(db, json.loads((market / "truth.json").read_text()))
    assert score["recall"] >= 0.9 and score["precision"] >= 0.98, score
    db.close()
