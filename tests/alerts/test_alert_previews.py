"""Alert previews, hot-sheet subscriptions confirmed by e-mail, and the demo's mail sink."""

from datetime import UTC, datetime, timedelta

import pytest

from alerts.compose import confirmation_message, preview_alerts, send_alerts
from alerts.mail import Outgoing, send_messages
from alerts.settings import Settings, SmtpSettings
from farmwatch.mailsink import MailSink
from registry.accounts.subscriptions import (
    SubscriptionError,
    confirm_subscription,
    leave_subscription,
    request_subscription,
    subscribe_confirmed,
)
from registry.accounts.users import add_user
from tests.alerts.test_alerts import _item, _match

THEFT = {"stolen_at": "2026-11-01", "crime_ref": "44260123456", "place": "Faccombe"}


@pytest.fixture
def sink(tmp_path):
    mail = MailSink(tmp_path / "mail")
    port = mail.start()
    yield mail, Settings(smtp=SmtpSettings(host="127.0.0.1", port=port), base_url="https://fw.example")
    mail.stop()


def test_preview_composes_every_kind_sends_nothing_and_hides_owner_addresses(db):
    stolen = _item(db, "a@example.org", "SP11 0AA", THEFT)
    mine = _item(db, "c@example.org", "EX1 1AA", None, serial="PE4045R777777")
    _match(db, stolen, 1, "strong")
    _match(db, mine, 2, "likely", queue="owner_check")
    add_user(db, "pc", "password-1", "officer", email="pc@police.example")
    preview = preview_alerts(db, Settings(smtp=SmtpSettings()))
    assert [m.recipient for m in preview["officer_digest"]] == ["pc@police.example"]
    assert preview["owner_check"][0].recipient == f"owner of item {mine}"
    assert "c@example.org" not in repr(preview)
    sheet = preview["hot_sheet"][0]  # nobody subscribed: shown as an all-areas subscriber would get it
    assert "44260123456" in sheet.body and "a@example.org" not in sheet.body and "SP11" not in sheet.body
    assert db["alerts_sent"].count == 0
    assert send_alerts(db, Settings(smtp=SmtpSettings()), dry_run=True)["prepared"] == 2  # preview changed nothing
    token = subscribe_confirmed(db, "mart@example.org", "Hampshire")
    sheets = preview_alerts(db, Settings(smtp=SmtpSettings()))["hot_sheet"]
    assert [m.recipient for m in sheets] == ["subscriber 1 (Hampshire)"]
    assert token not in sheets[0].body and "mart@example.org" not in repr(sheets)


def test_a_web_subscription_gets_the_hot_sheet_only_once_confirmed_and_can_leave(db, sink):
    mail, settings = sink
    _item(db, "a@example.org", "SP11 0AA", THEFT)
    request = request_subscription(db, " Mart@Example.org ", "Hampshire", "Andover mart")
    assert request.status == "pending" and request.email == "mart@example.org"
    assert send_messages(settings, [confirmation_message(settings, request)])["sent"] == 1
    link = next(line for line in mail.messages[0]["body"].splitlines() if "/hot-sheet/confirm?token=" in line)
    token = link.split("token=")[1]
    assert send_alerts(db, settings)["sent"] == 0  # pending: no hot sheet yet
    assert request_subscription(db, "mart@example.org", "Hampshire").status == "wait"  # no second e-mail now
    assert confirm_subscription(db, "not-the-token") is None
    assert confirm_subscription(db, token) == {"email": "mart@example.org", "force_area": "Hampshire"}
    assert request_subscription(db, "mart@example.org", "Hampshire").status == "already"
    assert send_alerts(db, settings)["sent"] == 1
    sheet = mail.messages[-1]
    assert sheet["to"] == "mart@example.org" and f"https://fw.example/hot-sheet/leave?token={token}" in sheet["body"]
    assert leave_subscription(db, token) == {"email": "mart@example.org", "force_area": "Hampshire"}
    assert leave_subscription(db, token) is None and db["alert_subscriptions"].count == 0


def test_a_pending_request_is_resent_after_an_hour_with_the_same_link(db):
    first = request_subscription(db, "mart@example.org", None, now=datetime.now(UTC) - timedelta(minutes=61))
    again = request_subscription(db, "mart@example.org", None)
    assert again.status == "pending" and again.token == first.token


@pytest.mark.parametrize("email", ["", "mart", "mart@", "a b@example.org", "x@y", "a@b.org,c@d.org",
                                   "a" * 200 + "@example.org"])
def test_addresses_that_are_not_addresses_are_refused(db, email):
    with pytest.raises(SubscriptionError, match="is not an e-mail address"):
        request_subscription(db, email)
    assert db["alert_subscriptions"].count == 0


def test_command_line_subscriptions_are_confirmed_and_keep_one_row(db):
    token = subscribe_confirmed(db, "mart@example.org", "Hampshire")
    assert subscribe_confirmed(db, "MART@example.org", "Hampshire") == token
    assert db.execute("select count(*), min(confirmed_at) is not null from alert_subscriptions").fetchone() == (1, 1)


def test_the_mail_sink_keeps_each_message_as_a_file(sink):
    mail, settings = sink
    seen = []
    mail.on_message = seen.append
    result = send_messages(settings, [Outgoing("hot_sheet", "a@example.org", "subject one", "body one"),
                                      Outgoing("hot_sheet", "b@example.org", "subject two", "body two")])
    assert result["sent"] == 2 and [m["subject"] for m in seen] == ["subject one", "subject two"]
    assert [m["to"] for m in mail.messages] == ["a@example.org", "b@example.org"]
    assert b"body two" in open(mail.messages[1]["file"], "rb").read()
