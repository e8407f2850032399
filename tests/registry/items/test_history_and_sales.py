"""Attributed theft reports and recoveries, the item history, sales and transfers, clone flags."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from matching.pipeline import match_listings
from registry.accounts.users import add_user
from registry.db import FarmDatabase
from registry.identifiers.clones import clone_groups, records_with_key
from registry.identifiers.rules import parse_identifier
from registry.imports.files import import_listings
from registry.items.history import item_history
from registry.items.registration import mark_recovered, register_item, report_stolen
from registry.items.sales import mark_sold, sale_covers_listing
from registry.items.validation import RegistryError, validate_item
from registry.migrations import apply_migrations

TODAY = datetime.now(UTC).date()


def register(db, email, value, kind="serial", category="quad", **extra):
    item, errors = validate_item({"owner": {"name": email.split("@")[0], "email": email}, "category": category,
                                  "make": "Honda", "model": "TRX420",
                                  "identifiers": [{"kind": kind, "value": value}], **extra})
    assert not errors, errors
    return register_item(db, item)


def owner_of(db, item_id):
    return db.execute("select owner_id from items where id = ?", [item_id]).fetchone()[0]


def flags(db, key):
    return sorted(r[0] for r in db.execute("select possible_clone from identifiers where normalised_value = ?", [key]))


def test_the_trade_role_arrives_by_migration_and_keeps_accounts_and_sessions(tmp_path):
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    db = FarmDatabase(conn)
    apply_migrations(db, upto=12)  # before the trade role (13)
    user_id = add_user(db, "olivia", "long enough", "officer")
    db.execute("insert into web_sessions (token_sha256, user_id, created_at, expires_at) values ('t', ?, 'x', 'y')",
               [user_id])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into users (username, password_hash, role, created_at) values ('m', 'h', 'trade', 'x')")
    apply_migrations(db)
    assert db.execute("select id, username, role from users").fetchall() == [(user_id, "olivia", "officer")]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("select user_id from web_sessions").fetchone()[0] == user_id
    assert add_user(db, "mart", "long enough", "trade") > user_id
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into users (username, password_hash, role, created_at) values ('x', 'h', 'boss', 'x')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into users (username, password_hash, role, created_at) values ('olivia', 'h', 'trade', 'x')")


def test_theft_and_recovery_are_attributed_and_in_the_history(db):
    item_id = register(db, "a@example.org", "TRX123456").item_id
    theft_id = report_stolen(db, item_id, stolen_at=str(TODAY - timedelta(days=3)), crime_ref="44260001",
                             place="Skipton", actor="pc-smith")
    mark_recovered(db, item_id, str(TODAY), actor="pc-jones")
    row = db.execute("select reported_by, recovered_by, current from thefts where id = ?", [theft_id]).fetchone()
    assert row == ("pc-smith", "pc-jones", 0)
    history = item_history(db, item_id)
    assert [(h["event"], h["actor"]) for h in history] == [("theft_reported", "pc-smith"), ("recovered", "pc-jones")]
    assert "crime reference 44260001" in history[0]["text"] and "Skipton" in history[0]["text"]
    with pytest.raises(Exception, match="append-only"):
        db.execute("delete from item_events")


@pytest.mark.parametrize("recovered_at, message", [
    ("yesterday-ish", "is not a date"),
    (str(TODAY + timedelta(days=2)), "in the future"),
    (str(TODAY - timedelta(days=30)), "before the theft"),
])
def test_bad_recovery_dates_are_refused_and_the_report_stays_open(db, recovered_at, message):
    item_id = register(db, "a@example.org", "TRX123456").item_id
    report_stolen(db, item_id, stolen_at=str(TODAY - timedelta(days=3)), crime_ref="1", actor="pc-smith")
    with pytest.raises(RegistryError, match=message):
        mark_recovered(db, item_id, recovered_at, actor="pc-smith")
    assert db.execute("select current from thefts where item_id = ?", [item_id]).fetchone()[0] == 1


@pytest.mark.parametrize("sold_at, email, message", [
    ("", None, "date of the sale is missing"),
    ("soon", None, "is not a date"),
    (str(TODAY + timedelta(days=1)), None, "in the future"),
    (str(TODAY), "not-an-address", "is not an e-mail address"),
    (str(TODAY), "buyer@[127.0.0.1]", "is not an e-mail address"),
    (str(TODAY), "A@Example.org", "your own"),
])
def test_bad_sales_are_refused_and_nothing_changes(db, sold_at, email, message):
    item_id = register(db, "a@example.org", "TRX123456").item_id
    owner = owner_of(db, item_id)
    with pytest.raises(RegistryError, match=message):
        mark_sold(db, item_id, owner, sold_at=sold_at, new_owner_email=email, actor="fern")
    assert owner_of(db, item_id) == owner
    assert db["item_sales"].count == 0 and db["item_events"].count == 0


def test_a_stolen_item_or_someone_elses_cannot_be_sold(db):
    mine = register(db, "a@example.org", "TRX123456").item_id
    theirs = register(db, "b@example.org", "TRX999999").item_id
    report_stolen(db, mine, stolen_at=str(TODAY), crime_ref="1")
    with pytest.raises(RegistryError, match="reported stolen"):
        mark_sold(db, mine, owner_of(db, mine), sold_at=str(TODAY))
    with pytest.raises(RegistryError, match="not on your register"):
        mark_sold(db, theirs, owner_of(db, mine), sold_at=str(TODAY))


def test_a_transfer_moves_the_record_with_its_history_to_the_new_owner(db):
    item_id = register(db, "a@example.org", "TRX123456").item_id
    seller = owner_of(db, item_id)
    report_stolen(db, item_id, stolen_at=str(TODAY - timedelta(days=9)), crime_ref="9", actor="pc-smith")
    mark_recovered(db, item_id, str(TODAY - timedelta(days=5)), actor="pc-smith")
    result = mark_sold(db, item_id, seller, sold_at=str(TODAY), new_owner_email="Buyer@Example.org", actor="fern")
    buyer = db.execute("select id from owners where email = 'buyer@example.org'").fetchone()[0]
    assert result == {"item_id": item_id, "transferred": True, "to_owner_id": buyer}
    assert owner_of(db, item_id) == buyer
    assert [h["event"] for h in item_history(db, item_id)] == ["theft_reported", "recovered", "transferred"]
    assert db.execute("select count(*) from thefts where item_id = ?", [item_id]).fetchone()[0] == 1
    with pytest.raises(RegistryError, match="not on your register"):
        mark_sold(db, item_id, seller, sold_at=str(TODAY))  # the seller no longer holds it
    add_user(db, "bea", "long enough", "farmer", email="buyer@example.org")  # the buyer's account owns it
    assert db.execute("select owner_id from users where username = 'bea'").fetchone()[0] == buyer


def test_a_buyer_registering_a_sold_item_is_not_a_clone_but_a_third_owner_is(db):
    first = register(db, "a@example.org", "TRX-123456").item_id
    assert register(db, "b@example.org", "trx123456").warnings
    assert flags(db, "TRX123456") == [1, 1]
    assert [g["owners"] for g in clone_groups(db)] == [2]
    mark_sold(db, first, owner_of(db, first), sold_at=str(TODAY), actor="a")
    assert flags(db, "TRX123456") == [0, 0] and clone_groups(db) == []
    assert register(db, "c@example.org", "TRX 123456").warnings  # the buyer and a third owner: flagged
    assert flags(db, "TRX123456") == [0, 1, 1]
    records = records_with_key(db, "TRX123456")
    assert [r["sold_away"] for r in records] == [1, 0, 0]
    assert {"owner_id", "raw_value", "category"} <= records[0].keys() and "email" not in records[0]


def test_sold_first_then_registered_by_the_buyer_is_never_flagged(db):
    first = register(db, "a@example.org", "TRX123456").item_id
    mark_sold(db, first, owner_of(db, first), sold_at=str(TODAY))
    result = register(db, "b@example.org", "TRX123456")
    assert result.warnings == [] and flags(db, "TRX123456") == [0, 0]


@pytest.mark.parametrize("sale, listed, covered", [
    (None, "2026-11-01", False),
    ({"sold_at": "2026-11-01", "to_owner_id": None}, "2027-06-01", True),     # sold off the register: nobody to ask
    ({"sold_at": "2026-11-01", "to_owner_id": 7}, "2026-10-01", True),        # the seller's own advert
    ({"sold_at": "2026-11-01", "to_owner_id": 7}, "2026-12-01T09:00:00Z", True),  # still up 30 days on
    ({"sold_at": "2026-11-01", "to_owner_id": 7}, "2026-12-02", False),       # later: ask the new owner
    ({"sold_at": "2026-11-01", "to_owner_id": 7}, None, True),
])
def test_which_listings_belong_to_a_sale(sale, listed, covered):
    assert sale_covers_listing(sale, listed) is covered


def _listing(db, tmp_path, n, text, posted_at):
    path = tmp_path / f"ad{n}.jsonl"
    path.write_text(json.dumps({"source": "test-market", "url": f"https://example.org/ad/{n}", "title": text,
                                "description": text, "posted_at": posted_at}))
    assert not import_listings(db, path).errors


def test_a_sold_items_listing_raises_no_owner_check_and_closes_a_pending_one(db, tmp_path):
    sold = register(db, "a@example.org", "478TE2404M0123456", kind="frame").item_id
    kept = register(db, "b@example.org", "478TE2404M0999999", kind="frame").item_id
    _listing(db, tmp_path, 1, "Honda TRX420 frame 478TE2404M0123456", f"{TODAY - timedelta(days=2)}T10:00:00Z")
    match_listings(db)
    assert db.execute("select queue, status from matches where item_id = ?", [sold]).fetchone() == ("owner_check", "new")
    mark_sold(db, sold, owner_of(db, sold), sold_at=str(TODAY), actor="amy")
    assert db.execute("select status, reviewed_by from matches where item_id = ?", [sold]).fetchone() == ("dismissed", "amy")
    assert db.execute("select decision from reviews").fetchone()[0] == "owner_selling"
    _listing(db, tmp_path, 2, "Honda TRX420 frame 478TE2404M0123456 again", f"{TODAY}T10:00:00Z")
    _listing(db, tmp_path, 3, "Honda TRX420 frame 478TE2404M0999999", f"{TODAY}T10:00:00Z")
    db.execute("update listings set changed_at = '2000-01-01T00:00:00Z'")
    match_listings(db, rematch_all=True)
    assert db.execute("select count(*) from matches where item_id = ?", [sold]).fetchone()[0] == 1
    assert db.execute("select queue from matches where item_id = ?", [kept]).fetchone()[0] == "owner_check"


def test_identifier_parsing_is_unchanged_for_clone_keys():
    assert parse_identifier("serial", "trx-123456", "quad").normalised_value == "TRX123456"


def test_the_command_line_marks_an_item_sold_and_transfers_it(tmp_path, capsys):
    from farmwatch.cli import main as farmwatch
    from registry.db import connect

    path = tmp_path / "fw.db"
    db = connect(path)
    first = register(db, "a@example.org", "TRX123456").item_id
    second = register(db, "a@example.org", "TRX654321").item_id
    db.close()
    assert farmwatch(["--db", str(path), "items", "sold", str(first), "--sold-at", str(TODAY)]) == 0
    assert farmwatch(["--db", str(path), "items", "sold", str(second), "--sold-at", str(TODAY),
                      "--to", "Buyer@Example.org"]) == 0
    assert "moved to the owner record of buyer@example.org" in capsys.readouterr().out
    assert farmwatch(["--db", str(path), "items", "sold", str(first), "--sold-at", "soon"]) == 1
    assert "is not a date" in capsys.readouterr().err
    db = connect(path)
    assert [h["actor"] for h in item_history(db, first)] == ["cli"]
    assert db.execute("select o.email from items i join owners o on o.id = i.owner_id where i.id = ?",
                      [second]).fetchone()[0] == "buyer@example.org"
