"""New listings of a network that has offered a stolen item: counted by the run, listed in the digest."""

from __future__ import annotations

from alerts.compose import preview_alerts
from alerts.settings import Settings, SmtpSettings
from farmwatch.nightly import format_report
from matching.networks.update import update_networks
from registry.accounts.users import add_user
from tests.alerts.test_alerts import _item

THEFT = {"stolen_at": "2026-11-01", "crime_ref": "44260123456", "place": "Faccombe"}


def test_a_new_listing_joining_a_network_with_a_strong_match_is_counted_and_reaches_the_digest(db, add_listing):
    item = _item(db, "a@example.org", "SP11 0AA", THEFT)
    stolen = add_listing("site-a", {"name": "quadsales_uk", "phone": "07700 900123"}, description="JD 6120M")
    add_listing("site-b", {"name": "farmkit_1980", "phone": "+44 7700 900123"})
    theft = db.execute("select id from thefts where item_id = ?", [item]).fetchone()[0]
    db["matches"].insert({"id": "m1", "item_id": item, "listing_id": stolen, "theft_id": theft, "score": 0.97,
                          "band": "strong", "created_at": "t", "updated_at": "t", "reasons": "[]"})
    update_networks(db)
    fresh = add_listing("site-b", {"name": "farmkit_1980", "phone": "+44 7700 900123"}, title="Kubota RTV for sale")
    unrelated = add_listing("site-c", {"name": "honest_harry", "phone": "07700 900999"})
    report = update_networks(db).as_dict()
    assert report["listings_joining_flagged"] == 1
    add_user(db, "pc", "password-1", "officer", email="pc@police.example")
    digest = preview_alerts(db, Settings(smtp=SmtpSettings(), base_url="https://fw.example"))["officer_digest"][0]
    assert f"network-listing:{fresh}" in digest.keys and f"network-listing:{unrelated}" not in digest.keys
    network = db.execute("select network_id from sellers s join listings l on l.seller_id = s.id where l.id = ?",
                         [fresh]).fetchone()[0]
    assert f"https://fw.example/network/{network}" in digest.body
    text = format_report({"run_id": 1, "status": "ok", "sources": [], "errors": [], "networks": report}, table=True)
    assert "1 new listings joined a network with a confirmed or strong match" in text
