"""The public buyer check: three answers, look-alike typing, only exact hits called stolen, no personal data."""

from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime, timedelta

import pytest
from rapidfuzz.distance import OSA

from datasette_config.check.index import KeyIndex, forget_indexes, index_for
from datasette_config.check.log import RateLimit, log_check, record_check, retry_after
from datasette_config.check.lookup import check_identifier
from tests.datasette_config.farmer.conftest import make_item

PERSONAL = ("alice", "bob", "07700", "SP11", "EX1", "Faccombe", "Home Farm", "secret description")


@pytest.fixture(autouse=True)
def fresh_indexes():
    forget_indexes()
    yield
    forget_indexes()


def check(db, typed):
    return check_identifier(db, typed, "test-db")


@pytest.mark.parametrize("typed, result", [
    ("JH2TE4321ZK000777", "stolen"),
    ("jh2te4321zk000777", "stolen"),
    ("JH2-TE43 21ZK-000777", "stolen"),
    ("JH2TE432lZK000777", "stolen"),          # l for 1
    ("JH2TE4321ZKOOO777", "stolen"),          # letter O for zero
    ("JH2ТЕ4321ZK000777", "stolen"),          # Cyrillic Т and Е
    ("JH2TE4321\u200bZK000777", "stolen"),    # zero-width space
    ("1L06120MCKK123456", "registered"),
    ("IL06I20MCKKl23456", "registered"),
    ("1L06120MCKK123457", "similar"),         # one digit off a registered PIN
    ("1L06120MCKK12345", "similar"),          # one digit missing
    ("1L06120MCKK124356", "similar"),         # two digits swapped
    ("JH2TE4321ZK000778", "similar"),         # one off a STOLEN frame: still never "stolen"
    ("ZZ9PLURALZALPHA99", "unknown"),
    ("unknown", "invalid"),
    ("n/a", "invalid"),
    ("Unknown serial", "invalid"),            # what owners type for no identifier is never "registered"
    ("N/K", "invalid"),
    ("worn off", "invalid"),
    ("000000", "invalid"),
    ("XXXXX", "invalid"),
    ("S/N JH2TE4321ZK000777", "stolen"),      # a typed label is not part of the number
    ("Serial: 1L06120MCKK123456", "registered"),
    ("PIN# 1L06120MCKK123456", "registered"),
    ("12", "invalid"),
    ("", "invalid"),
    ("9" * 500, "invalid"),
])
def test_answers_with_look_alike_typing(db, farms, typed, result):
    answer = check(db, typed)
    assert answer.result == result, answer.message
    assert (answer.result == "stolen") == answer.alert


def test_stolen_answer_quotes_the_crime_reference_and_nothing_personal(db, farms):
    answer = check(db, "JH2TE4321ZK000777")
    assert "do not buy" in answer.message and "call 101" in answer.message.lower()
    assert "44260123456" in answer.message and answer.crime_refs == ["44260123456"]
    public = json.dumps(answer.public())
    assert all(word.lower() not in public.lower() for word in PERSONAL)
    assert "item_ids" not in public and "theft_ids" not in public
    assert answer.public()["items"] == [{"category": "quad", "make": "Honda", "model": "TRX420", "year": None,
                                         "colour": None, "status": "stolen", "stolen_on": "2026-10-30",
                                         "police_force": None}]


def test_similar_answer_says_nothing_of_the_item(db, farms):
    public = check(db, "JH2TE4321ZK000778").public()
    assert public["items"] == [] and public["crime_refs"] == [] and not public["stolen"]
    assert "similar identifier is registered" in public["message"] and "stolen" not in public["message"]


def test_stolen_without_crime_reference_quotes_the_check_reference(db, farms):
    db.execute("update thefts set crime_ref = null")
    answer = check(db, "JH2TE4321ZK000777")
    assert answer.result == "stolen" and answer.reference in answer.message


def test_recovered_item_is_registered_not_stolen(db, farms):
    from registry.items.registration import mark_recovered

    mark_recovered(db, farms["quad"])
    assert check(db, "JH2TE4321ZK000777").result == "registered"


def test_clone_stolen_and_registered_answers_stolen(db, farms):
    make_item(db, farms["bob"], category="quad", identifiers=[{"kind": "frame", "value": "JH2TE4321ZK000777"}])
    answer = check(db, "JH2TE4321ZK000777")
    assert answer.result == "stolen" and len(answer.item_ids) == 2 and len(answer.theft_ids) == 1


def test_index_sees_identifiers_added_and_removed(db, farms):
    assert check(db, "NEWSERIAL12345").result == "unknown"
    make_item(db, farms["bob"], identifiers=[{"kind": "serial", "value": "NEWSERIAL12346"}])
    assert check(db, "NEWSERIAL12345").result == "similar"
    db.execute("delete from identifiers where normalised_value = 'NEW5ER1A112346'")
    assert check(db, "NEWSERIAL12345").result == "unknown"


def test_near_matches_agree_with_brute_force():
    rng = random.Random(5)
    keys = sorted({"".join(rng.choice("ABC123") for _ in range(rng.randrange(5, 9))) for _ in range(3000)})
    index = KeyIndex(keys, sorted(k[::-1] for k in keys))
    for _ in range(300):
        query = "".join(rng.choice("ABC123") for _ in range(rng.randrange(5, 9)))
        expected = sorted(k for k in keys if k != query and OSA.distance(query, k) <= 1)
        assert index.near(query, limit=10_000) == expected


def test_incremental_refresh_matches_a_rebuild(db, farms):
    index_for(db, "test-db")
    for n in range(20):
        make_item(db, farms["bob"], identifiers=[{"kind": "serial", "value": f"{string.ascii_uppercase[n]}X{n:05d}"}])
    incremental = index_for(db, "test-db")
    forget_indexes()
    assert index_for(db, "test-db").keys == incremental.keys


def test_every_check_is_logged_and_a_stolen_hit_is_an_alert(db, farms):
    rate = RateLimit(checks=100, window_seconds=60)
    for typed in ("JH2TE4321ZK000777", "1L06120MCKK123456", "JH2TE4321ZK000778", "nothing-here-99"):
        assert record_check(db, check(db, typed), "203.0.113.9", "Mozilla/5.0", rate) == 0
    rows = db.execute("select identifier, result, alert, near_stolen, requester, item_ids, theft_ids "
                      "from public_checks order by id").fetchall()
    assert [(r[1], r[2], r[3]) for r in rows] == [("stolen", 1, 0), ("registered", 0, 0), ("similar", 0, 1),
                                                  ("unknown", 0, 0)]
    assert rows[0][0] == "JH2TE4321ZK000777" and rows[0][4] == "203.0.113.9"
    assert json.loads(rows[0][5]) == [farms["quad"]] and len(json.loads(rows[0][6])) == 1
    alerts = db.execute("select count(*) from public_checks where alert = 1").fetchone()[0]
    assert alerts == 1
    with pytest.raises(Exception, match="append-only"):
        db.execute("update public_checks set alert = 0")


def test_rate_limit_per_address_and_window(db, farms):
    rate = RateLimit(checks=3, window_seconds=600)
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    for _ in range(3):
        assert record_check(db, check(db, "nothing-here-99"), "198.51.100.1", None, rate, start) == 0
    wait = record_check(db, check(db, "nothing-here-99"), "198.51.100.1", None, rate, start + timedelta(seconds=5))
    assert 590 <= wait <= 601
    assert record_check(db, check(db, "nothing-here-99"), "198.51.100.2", None, rate, start) == 0
    assert retry_after(db, "198.51.100.1", rate, start + timedelta(seconds=601)) == 0
    assert db["public_checks"].count == 4  # the refused check was not logged


def test_log_keeps_hostile_text_as_given(db, farms):
    answer = check(db, "<script>alert(1)</script>")
    log_check(db, answer, "192.0.2.1")
    assert db.execute("select identifier from public_checks").fetchone()[0] == "<script>alert(1)</script>"


def test_a_taken_check_reference_is_redrawn(db, farms):
    db.execute("update thefts set crime_ref = null")
    first, second = check(db, "JH2TE4321ZK000777"), check(db, "JH2TE4321ZK000777")
    second.reference = first.reference
    log_check(db, first, "192.0.2.1")
    log_check(db, second, "192.0.2.1")
    refs = [r[0] for r in db.execute("select reference from public_checks")]
    assert len(set(refs)) == 2 and second.reference in second.message and first.reference not in second.message


def test_periodic_recount_drops_removed_keys(db, farms, monkeypatch):
    import datasette_config.check.index as check_index

    assert "JH2TE4321ZK000777".replace("Z", "2") in index_for(db, "test-db").keys
    db.execute("delete from identifiers where kind = 'frame'")
    assert "JH2TE4321ZK000777".replace("Z", "2") in index_for(db, "test-db").keys  # not yet recounted
    monkeypatch.setattr(check_index, "RECOUNT_SECONDS", 0.0)
    assert "JH2TE4321ZK000777".replace("Z", "2") not in index_for(db, "test-db").keys


def test_index_is_warmed_in_the_background_from_the_database_file(db, farms):
    from datasette_config.check.index import _indexes
    from datasette_config.plugin import warm_check_index

    path = db.execute("PRAGMA database_list").fetchone()[2]
    warm_check_index(path)
    assert "1106120MCKK123456" in _indexes[path].keys
    warm_check_index(str(path) + ".missing")  # an unreadable file is left to the first check
    assert str(path) + ".missing" not in _indexes
