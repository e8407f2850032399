"""The night's adverts are cut into phrases once, as their sellers are read, and the text signatures use
those cuts: the same phrases, keys and stored signatures as cutting each advert again."""

from __future__ import annotations

import matching.networks.update as update
from bench.network_data import write_marketplace
from matching.networks.identities import assign_sellers
from matching.networks.text import texts
from registry.db import connect, utcnow
from registry.imports.files import import_listings

TABLES = ("select listing_id, seller_id, shingles, minhash from listing_texts order by listing_id",
          "select phrase, seller_id from text_phrases order by 1, 2",
          "select phrase from boilerplate_phrases order by 1",
          "select seller_a, seller_b, kind, value, weight from seller_links order by 1, 2, 3, 4")


def test_cuts_read_with_the_sellers_are_the_adverts_phrases(tmp_path):
    db = connect(tmp_path / "farmwatch.db")
    import_listings(db, write_marketplace(tmp_path / "market", seed=3, operations=2, dealers=1, private=10))
    ids = [r[0] for r in db.execute("select id from listings")]
    cuts: dict = {}
    assign_sellers(db, ids, utcnow(), cuts=cuts)
    assert set(cuts) == set(ids)
    for lid, text in db.execute("select id, coalesce(title, '') || char(10) || coalesce(description, '') "
                                "from listings"):
        parts = texts.phrases(text)
        assert cuts[lid] == (parts, [texts.phrase_key(p) for p in parts])
    assert any(parts for parts, _ in cuts.values())
    db.close()


def test_signatures_from_the_sellers_cuts_equal_those_cut_again(tmp_path, monkeypatch):
    listings = write_marketplace(tmp_path / "market", seed=3, operations=4, dealers=3, private=60)
    found = []
    for name, keep in (("passed", True), ("again", False)):
        db = connect(tmp_path / name / "farmwatch.db")
        import_listings(db, listings)
        with monkeypatch.context() as patch:
            if not keep:  # update_texts cuts every advert itself
                patch.setattr(update, "update_texts",
                              lambda d, ids, rebuild, cuts, real=update.update_texts: real(d, ids, rebuild, None))
            update.update_networks(db)
        found.append([db.execute(query).fetchall() for query in TABLES])
        db.close()
    assert found[0] == found[1]
    assert all(found[0]), "every table has rows"
