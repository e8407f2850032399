"""Owner checks: the farmer's answer is logged and routes the match."""

from __future__ import annotations

import pytest

from datasette_config.farmer.items import NotYours
from datasette_config.farmer.owner_checks import answer_owner_check, list_owner_checks
from registry.items.validation import RegistryError


def match(db, match_id):
    return db["matches"].get(match_id)


def test_pending_checks_show_the_listing_but_not_the_seller(db, farms):
    checks = list_owner_checks(db, farms["bob"])
    assert [c["match_id"] for c in checks["pending"]] == ["M1", "M2"] and checks["answered"] == []
    first = checks["pending"][0]
    assert first["title"] == "Ifor Williams trailer <b>1</b>" and first["reasons"] == ["serial matches exactly"]
    assert "Seller Person" not in str(checks) and "07700 999999" not in str(checks)
    assert list_owner_checks(db, farms["alice"]) == {"pending": [], "answered": []}


def test_selling_closes_the_check_and_logs_the_answer(db, farms):
    assert answer_owner_check(db, farms["bob"], "M1", "selling", "bob") == "owner_selling"
    row = match(db, "M1")
    assert row["queue"] == "owner_check" and row["status"] == "dismissed" and row["reviewed_by"] == "bob"
    review = db.execute("select decision, actor from reviews where match_id = 'M1'").fetchall()
    assert review == [("owner_selling", "bob")]
    checks = list_owner_checks(db, farms["bob"])
    assert [c["match_id"] for c in checks["pending"]] == ["M2"]
    assert checks["answered"][0]["answer_label"] == "That's mine, I'm selling it"


def test_not_me_moves_the_same_match_to_the_stolen_queue(db, farms):
    answer_owner_check(db, farms["bob"], "M2", "not_me", "bob", note="never sold it")
    row = match(db, "M2")
    assert (row["id"], row["queue"], row["status"]) == ("M2", "stolen", "new")
    assert db.execute("select decision, note from reviews").fetchall() == [("owner_not_me", "never sold it")]
    assert list_owner_checks(db, farms["bob"])["answered"][0]["answer"] == "owner_not_me"


@pytest.mark.parametrize("owner, match_id, answer, error", [
    ("alice", "M1", "selling", NotYours),
    ("alice", "M1", "not_me", NotYours),
    ("bob", "M9", "selling", NotYours),
    ("bob", "M1", "delete", RegistryError),
])
def test_refused_answers_change_nothing(db, farms, owner, match_id, answer, error):
    with pytest.raises(error):
        answer_owner_check(db, farms[owner], match_id, answer, owner)
    assert db["reviews"].count == 0 and match(db, "M1")["status"] == "new"


def test_a_check_is_answered_once(db, farms):
    answer_owner_check(db, farms["bob"], "M1", "not_me", "bob")
    with pytest.raises(RegistryError, match="already been answered"):
        answer_owner_check(db, farms["bob"], "M1", "selling", "bob")
    assert db["reviews"].count == 1 and match(db, "M1")["queue"] == "stolen"


def test_not_me_survives_a_re_match(db, farms):
    from matching.store import WriteCounts, match_id, write_matches

    row = {"item_id": farms["trailer"], "listing_id": "L1", "theft_id": None, "queue": "owner_check",
           "score": 0.5, "band": "possible", "reasons": [{"kind": "photo", "detail": "photo 1 close", "weight": 1}]}
    db.execute("delete from matches")
    write_matches(db, [row], "2026-11-22T01:00:00Z", WriteCounts())
    mid = match_id(farms["trailer"], "L1")
    answer_owner_check(db, farms["bob"], mid, "not_me", "bob")
    write_matches(db, [{**row, "score": 0.8, "band": "likely"}], "2026-11-23T01:00:00Z", WriteCounts())
    after = match(db, mid)
    assert (after["queue"], after["status"], after["band"]) == ("stolen", "new", "likely")
    assert list_owner_checks(db, farms["bob"])["pending"] == []
