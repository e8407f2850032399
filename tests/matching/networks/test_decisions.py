"""The analyst decides: confirmed, rejected and hand-joined links survive rebuilds and feed the risk."""

from __future__ import annotations

import pytest

from datasette_config.officer.network_decisions import (
    NetworkDecisionError,
    near_misses_of,
    network_history,
    record_network_decision,
)
from matching.networks.update import update_networks
from tests.matching.networks.conftest import network_of


def seller_of(db, listing_id: str) -> int:
    return db.execute("select seller_id from listings where id = ?", [listing_id]).fetchone()[0]


def decide(db, a, b, decision, note="", who="officer1"):
    with db.atomic():
        return record_network_decision(db.conn, seller_of(db, a), seller_of(db, b), decision, note, who)


def test_a_rejected_link_never_joins_again_across_rebuilds(db, add_listing):
    a = add_listing("site-a", {"name": "bramble_kit42", "phone": "07700 900123"})
    b = add_listing("site-b", {"name": "moor_fen_99", "phone": "07700 900123"})
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    decide(db, a, b, "reject", "a shared family phone: two honest brothers")
    update_networks(db, rebuild=True)
    assert network_of(db, a) != network_of(db, b)
    misses = near_misses_of(db.conn, [seller_of(db, a)])
    assert len(misses) == 1 and "rejected by officer1" in misses[0]["missing"]
    add_listing("site-b", {"name": "moor_fen_99", "phone": "07700 900123"}, description="more of the same")
    update_networks(db)
    assert network_of(db, a) != network_of(db, b)


def test_a_hand_join_holds_and_counts_in_the_risk(db, add_listing):
    a = add_listing("site-a", {"name": "bramble_kit42"})
    b = add_listing("site-b", {"name": "different_one_7"})
    update_networks(db)
    assert network_of(db, a) != network_of(db, b)
    decide(db, a, b, "join", "same van seen at both viewings (crime ref 44260123456)")
    update_networks(db, rebuild=True)
    nid = network_of(db, a)
    assert nid == network_of(db, b)
    risk = db.execute("select risk from networks where id = ?", [nid]).fetchone()[0]
    assert risk == 10 + 2 + 3  # one pair joined by an officer, one seller beyond the first, a second site
    history = network_history(db.conn, [seller_of(db, a), seller_of(db, b)])
    assert [(h["decision"], h["decided_by"]) for h in history] == [("join", "officer1")]


def test_a_confirmed_weak_link_joins(db, add_listing):
    a = add_listing("site-a", {"name": "farmparts"})
    b = add_listing("site-b", {"name": "FarmParts"})
    update_networks(db)
    assert network_of(db, a) != network_of(db, b)
    misses = near_misses_of(db.conn, [seller_of(db, a)])
    assert misses and "below 0.80" in misses[0]["missing"]
    decide(db, a, b, "confirm")
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)


@pytest.mark.parametrize(("decision", "note", "error"), [
    ("approve", "x", "not a decision"),
    ("reject", "", "say why"),
    ("join", " ", "say why"),
])
def test_bad_decisions_say_why(db, add_listing, decision, note, error):
    a = add_listing("site-a", {"name": "bramble_kit42"})
    b = add_listing("site-b", {"name": "moor_fen_99"})
    update_networks(db)
    with pytest.raises(NetworkDecisionError, match=error):
        decide(db, a, b, decision, note)
    assert db.execute("select count(*) from network_decisions").fetchone()[0] == 0


def test_confirming_a_link_that_has_no_evidence_is_refused(db, add_listing):
    a = add_listing("site-a", {"name": "bramble_kit42"})
    b = add_listing("site-b", {"name": "moor_fen_99"})
    update_networks(db)
    with pytest.raises(NetworkDecisionError, match="no link"):
        decide(db, a, b, "confirm")
