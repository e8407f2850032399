"""Alert e-mails captured by a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import email
import email.policy
import json
import socket

import pytest
from aiosmtpd.controller import Controller

from alerts.compose import send_alerts, subscribe
from alerts.settings import Settings, SmtpSettings
from registry.accounts.users import add_user
from registry.items.registration import register_item
from registry.items.validation import validate_item


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _item(db, email, postcode, theft=None, category="tractor", serial="PE4045R123456"):
    item, errors = validate_item({"owner": {"name": "Owner " + email, "email": email, "postcode": postcode,
                                            "phone": "07700 900999"},
                                  "category": category, "make": "John Deere", "model": "6120M",
                                  "identifiers": [{"kind": "engine", "value": serial}], "theft": theft})
    assert not errors, errors
    return register_item(db, item).item_id


def _match(db, item_id, listing_no, band, queue="stolen"):
    lid = f"l{listing_no}"
    db["listings"].insert({"id": lid, "source": "demo", "url": f"http://127.0.0.1/ad/{listing_no}",
                           "title": f"JD 6120M <b>{listing_no}</b>", "price": 12500, "currency": "GBP",
                           "first_seen_at": "t", "last_seen_at": "t", "changed_at": "t"})
    theft = db.execute("select id from thefts where item_id = ? and current = 1", [item_id]).fetchone()
    db["matches"].insert({"id": f"m{listing_no}", "item_id": item_id, "listing_id": lid, "queue": queue,
                          "theft_id": theft[0] if theft else None, "score": 0.97 if band == "strong" else 0.7,
                          "band": band, "created_at": "t", "updated_at": "t",
                          "reasons": json.dumps([{"kind": "identifier", "detail": "engine number matches exactly",
                                                  "weight": 1.0}])})


def test_digests_by_area_owner_checks_and_hot_sheet_sent_once(db, smtp):
    inbox, port = smtp
    theft = {"stolen_at": "2026-11-01", "crime_ref": "44260123456", "place": "Faccombe"}
    hants = _item(db, "a@example.org", "SP11 0AA", theft)
    devon = _item(db, "b@example.org", "EX1 1AA", theft, serial="PE4045R999999")
    mine = _item(db, "c@example.org", "EX1 1AA", None, serial="PE4045R777777")
    _match(db, hants, 1, "strong")
    _match(db, devon, 2, "likely")
    _match(db, devon, 3, "possible")
    _match(db, mine, 4, "likely", queue="owner_check")
    add_user(db, "pc-hants", "password-1", "officer", email="hants@police.example", force_area="Hampshire")
    add_user(db, "pc-devon", "password-2", "officer", email="devon@police.example", force_area="Devon and Cornwall")
    add_user(db, "analyst", "password-3", "officer", email="analyst@police.example")
    subscribe(db, "mart@example.org", "Hampshire", "Andover mart")
    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", port=port, sender="alerts@farmwatch.example"))

    result = send_alerts(db, settings)
    assert result["failed"] == 0 and result["sent"] == 5
    by_rcpt = {rcpt[0]: body for rcpt, body in inbox.messages}
    assert "1 strong, 0 likely" in by_rcpt["hants@police.example"]
    assert "44260123456" in by_rcpt["hants@police.example"]
    assert "PE4045R999999" not in by_rcpt["hants@police.example"]
    assert "0 strong, 1 likely" in by_rcpt["devon@police.example"]
    assert "1 strong, 1 likely" in by_rcpt["analyst@police.example"]
    assert "is this yours for sale?" in by_rcpt["c@example.org"]
    hot = by_rcpt["mart@example.org"]
    assert "hot sheet" in hot and "engine PE4045R123456" in hot
    assert "Owner a@example.org" not in hot and "07700" not in hot and "SP11" not in hot
    assert "Devon" not in hot

    again = send_alerts(db, settings)
    assert again["sent"] == 0 and len(inbox.messages) == 5


def test_unreachable_smtp_records_nothing_so_the_next_run_retries(db, smtp):
    inbox, port = smtp
    hants = _item(db, "a@example.org", "SP11 0AA", {"stolen_at": "2026-11-01", "crime_ref": "1", "place": "x"})
    _match(db, hants, 1, "strong")
    add_user(db, "pc", "password-1", "officer", email="pc@police.example")
    dead = Settings(smtp=SmtpSettings(host="127.0.0.1", port=1))
    result = send_alerts(db, dead, hot_sheet=False)
    assert result["failed"] == 1 and "cannot reach SMTP server" in result["errors"][0]
    assert db["alerts_sent"].count == 0
    ok = send_alerts(db, Settings(smtp=SmtpSettings(host="127.0.0.1", port=port)), hot_sheet=False)
    assert ok["sent"] == 1 and len(inbox.messages) == 1


def test_digests_go_to_the_force_where_it_was_stolen_and_where_it_is_listed(db, smtp):
    inbox, port = smtp
    skipton = _item(db, "a@example.org", "SP11 0AA",  # owner in Hampshire, stolen in North Yorkshire
                    {"stolen_at": "2026-11-01", "crime_ref": "12/9999/26", "place": "Skipton, North Yorkshire"})
    _match(db, skipton, 1, "strong")
    db.execute("update listings set force_area = 'Cumbria' where id = 'l1'")
    add_user(db, "pc-hants", "password-1", "officer", email="hants@police.example", force_area="Hampshire")
    add_user(db, "pc-nyorks", "password-2", "officer", email="ny@police.example", force_area="North Yorkshire")
    add_user(db, "pc-cumbria", "password-3", "officer", email="cumbria@police.example", force_area="Cumbria")
    add_user(db, "rocu", "password-4", "officer", email="yh@police.example", force_area="Yorkshire and the Humber")
    add_user(db, "sw", "password-5", "officer", email="sw@police.example",
             force_area="South West rural crime collaboration")
    send_alerts(db, Settings(smtp=SmtpSettings(host="127.0.0.1", port=port)), hot_sheet=False)
    by_rcpt = {rcpt[0]: body for rcpt, body in inbox.messages}
    assert set(by_rcpt) == {"ny@police.example", "cumbria@police.example", "yh@police.example"}
    assert "listed in Cumbria: crosses force borders" in by_rcpt["ny@police.example"].replace("=\r\n", "")
    assert "12/9999/26 (North Yorkshire)" in by_rcpt["ny@police.example"]


def test_the_officers_digest_names_a_failed_crawl_and_its_cause_once(db, smtp):
    from registry.clock import utcnow

    inbox, port = smtp
    add_user(db, "pc-hants", "password-1", "officer", email="hants@police.example", force_area="Hampshire")
    now = utcnow()
    db["crawl_runs"].insert({"source": "good-market", "status": "ok", "started_at": now, "finished_at": now,
                             "listings_seen": 12})
    db["crawl_runs"].insert({"source": "shut-market", "status": "failed", "started_at": now, "finished_at": now,
                             "cause": "no listing: robots.txt forbids everything (Disallow: / for our user agent) "
                                      "on shut.example"})
    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", port=port, sender="alerts@farmwatch.example"))
    assert send_alerts(db, settings, hot_sheet=False)["sent"] == 1
    (rcpt, raw), = inbox.messages
    message = email.message_from_string(raw, policy=email.policy.default)
    body = message.get_body().get_content()
    assert rcpt == ["hants@police.example"]
    assert "1 failed crawl(s): shut-market" in message["Subject"] and "[CRAWL FAILED] shut-market" in body
    assert "robots.txt forbids everything" in body and "good-market" not in body
    assert send_alerts(db, settings, hot_sheet=False)["sent"] == 0  # each failed crawl is reported once
