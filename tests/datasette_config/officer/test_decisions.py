"""Decisions: attributed and time-stamped in the append-only reviews log, reflected in the match; CSRF."""

from __future__ import annotations

import pytest

from datasette_config.officer.decisions import DecisionError, record_decision


def status_of(db, match_id="m-stolen-1"):
    return db.execute("select status, reviewed_by, note from matches where id = ?", [match_id]).fetchone()


async def decide(ds, cookies, decision, note="", headers=None, match_id="m-stolen-1"):
    return await ds.client.post(f"/match/{match_id}/decide", data={"decision": decision, "note": note},
                                cookies=cookies, headers=headers or {})


async def test_confirm_dismiss_reopen_flow_with_history(ds, db, cookies_for):
    cookies = cookies_for("olivia")
    response = await decide(ds, cookies, "confirm", "serial plate photographed at Andover")
    assert response.status_code == 302 and response.headers["location"] == "/match/m-stolen-1"
    assert status_of(db) == ("confirmed", "olivia", "serial plate photographed at Andover")
    await decide(ds, cookies, "reopen", "owner says it was sold legally in 2024")
    assert status_of(db)[0] == "new"
    await decide(ds, cookies_for("adam"), "dismiss", "bill of sale seen")
    assert status_of(db) == ("dismissed", "adam", "bill of sale seen")
    history = db.execute("select decision, actor, note, created_at from reviews where match_id = 'm-stolen-1' "
                         "order by id").fetchall()
    assert [(h[0], h[1]) for h in history] == [("confirmed", "olivia"), ("reopened", "olivia"), ("dismissed", "adam")]
    assert all(h[3].endswith("Z") for h in history)
    page = (await ds.client.get("/match/m-stolen-1", cookies=cookies)).text
    assert "bill of sale seen" in page and 'id="fw-status" class="fw-status-dismissed"' in page
    assert (page.index("confirmed as the registered item</td>") < page.index("reopened for another look</td>")
            < page.index("dismissed: not the registered item</td>"))


@pytest.mark.parametrize("decision, note, message", [
    ("dismiss", "", "say why"),
    ("reopen", "", "say why"),
    ("approve", "x", "not a decision"),
    ("confirm", "x" * 2001, "under 2000"),
])
async def test_bad_decisions_are_refused_with_a_message(ds, db, cookies_for, decision, note, message):
    cookies = cookies_for("olivia")
    response = await decide(ds, cookies, decision, note)
    assert response.status_code == 302
    assert status_of(db)[0] == "new"
    assert db.execute("select count(*) from reviews").fetchone()[0] == 0
    page = await ds.client.get("/match/m-stolen-1", cookies={**cookies, **dict(response.cookies)})
    assert message in page.text


def test_decisions_cannot_repeat_or_target_missing_matches(db, seeded):
    record_decision(db, "m-stolen-1", "confirm", "", "olivia")
    with pytest.raises(DecisionError, match="already confirmed"):
        record_decision(db, "m-stolen-1", "confirm", "", "olivia")
    with pytest.raises(DecisionError, match="does not exist"):
        record_decision(db, "nope", "confirm", "", "olivia")


def test_reviews_cannot_be_changed_or_deleted(db, seeded):
    record_decision(db, "m-stolen-1", "confirm", "ok", "olivia")
    with pytest.raises(Exception, match="append-only"):
        db.execute("update reviews set actor = 'someone else'")
    with pytest.raises(Exception, match="append-only"):
        db.execute("delete from reviews")


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost.evil.example"},
])
async def test_cross_site_decisions_are_refused(ds, db, cookies_for, headers):
    response = await decide(ds, cookies_for("olivia"), "confirm", "forged", headers=headers)
    assert response.status_code == 403
    assert status_of(db)[0] == "new"
    assert db.execute("select count(*) from reviews").fetchone()[0] == 0


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}])
async def test_same_origin_decisions_pass(ds, db, cookies_for, headers):
    response = await decide(ds, cookies_for("olivia"), "confirm", "", headers=headers)
    assert response.status_code == 302 and status_of(db)[0] == "confirmed"


@pytest.mark.parametrize("path", ["/-/login", "/-/logout"])
async def test_cross_site_login_and_logout_are_refused(ds, cookies_for, path):
    cookies = cookies_for("olivia")
    response = await ds.client.post(path, data={"username": "olivia", "password": "x"}, cookies=cookies,
                                    headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert (await ds.client.get("/queue", cookies=cookies)).status_code == 200  # still logged in


async def test_deciding_by_get_changes_nothing(ds, db, cookies_for):
    response = await ds.client.get("/match/m-stolen-1/decide?decision=confirm", cookies=cookies_for("olivia"))
    assert response.status_code == 405 and status_of(db)[0] == "new"
