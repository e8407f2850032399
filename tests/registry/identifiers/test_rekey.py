"""Identifiers stored under older rules are re-keyed by the re-keying migration (registry.identifiers.rekey)."""

import pytest

from registry.identifiers.rekey import rekey_identifiers
from registry.items.history import item_history


def _item(db, owner_name, category="tractor"):
    owner = db["owners"].insert({"name": owner_name, "created_at": "t"}).last_pk
    return db["items"].insert({"owner_id": owner, "category": category, "created_at": "t",
                               "updated_at": "t"}).last_pk


def _old_identifier(db, item, kind, raw, old_key, clone=0):
    """An identifier row as the old rules stored it: the typed text whole, its key with the label in."""
    return db["identifiers"].insert({"item_id": item, "kind": kind, "raw_value": raw, "normalised_value": old_key,
                                     "possible_clone": clone, "created_at": "t"}).last_pk


@pytest.mark.parametrize("kind, typed, old_key, new_raw, new_key", [
    ("serial", "S/N 00O38675971596", "5N00038675971596", "00O38675971596", "38675971596"),
    ("vin", "VIN: WF0XXXGCDX1234567", "V1NWF0XXXGCDX1234567", "WF0XXXGCDX1234567", "WF0XXXGCDX1234567"),
    ("serial", "Serial: KBTM5111F5Y509480", "5ER1A1K8TM5111F5Y509480", "KBTM5111F5Y509480", "K8TM5111F5Y509480"),
])
def test_typed_labels_are_taken_out_of_stored_keys(db, kind, typed, old_key, new_raw, new_key):
    item = _item(db, "a")
    ident = _old_identifier(db, item, kind, typed, old_key)
    report = rekey_identifiers(db)
    row = db["identifiers"].get(ident)
    assert (row["raw_value"], row["normalised_value"]) == (new_raw, new_key)
    assert typed in (row["note"] or "")
    assert report.rekeyed == 1 and report.removed == 0


@pytest.mark.parametrize("typed", ["Unknown serial", "N/K", "000000", "TBC", "worn off"])
def test_placeholders_shared_by_owners_are_removed_with_history_and_clone_flags_cleared(db, typed):
    first, second = _item(db, "a"), _item(db, "b")
    real = _old_identifier(db, first, "serial", "PE4045R123456", "PE4045R123456")
    for item in (first, second):
        _old_identifier(db, item, "serial", typed, typed.upper().replace(" ", ""), clone=1)
    report = rekey_identifiers(db)
    assert report.removed == 2
    remaining = [r["id"] for r in db["identifiers"].rows]
    assert remaining == [real]
    history = item_history(db, second)
    assert [h["event"] for h in history] == ["identifier_removed"]
    assert typed in history[0]["text"]


def test_real_clones_survive_and_unchanged_rows_are_untouched(db):
    first, second = _item(db, "a"), _item(db, "b")
    for item in (first, second):
        _old_identifier(db, item, "pin", "1L06120MCKK123456", "1106120MCKK123456", clone=1)
    report = rekey_identifiers(db)
    assert report.rekeyed == 0 and report.removed == 0
    assert [r["possible_clone"] for r in db["identifiers"].rows] == [1, 1]


def test_a_value_the_current_rules_refuse_is_kept_as_stored(db):
    item = _item(db, "a")
    ident = _old_identifier(db, item, "microchip", "8.26E+14", "826E+14")
    report = rekey_identifiers(db)
    assert report.refused_kept == 1
    assert db["identifiers"].get(ident)["raw_value"] == "8.26E+14"
