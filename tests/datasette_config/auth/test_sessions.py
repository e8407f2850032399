"""Sessions: stored hashed, expire, end at logout and when the account is disabled; lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from datasette_config.auth.sessions import (
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_USERNAME,
    actor_for_token,
    create_session,
    end_session,
    hash_token,
    login_locked,
    record_login_attempt,
)
from registry.accounts.users import disable_user


def test_session_gives_the_actor_with_role_owner_and_area(db, users):
    token = create_session(db, {"id": users["olivia"]})
    assert actor_for_token(db, token) == {"id": "olivia", "role": "officer", "owner_id": None,
                                          "force_area": "Hampshire"}
    farmer = actor_for_token(db, create_session(db, {"id": users["fern"]}))
    assert farmer["role"] == "farmer" and isinstance(farmer["owner_id"], int)


def test_only_the_hash_of_the_token_is_stored(db, users):
    token = create_session(db, {"id": users["olivia"]})
    stored = [row[0] for row in db.execute("select token_sha256 from web_sessions")]
    assert stored == [hash_token(token)] and token not in stored


def test_expired_session_gives_nobody(db, users):
    start = datetime.now(UTC) - timedelta(hours=13)
    token = create_session(db, {"id": users["olivia"]}, now=start)
    assert actor_for_token(db, token) is None
    assert actor_for_token(db, token, now=start + timedelta(hours=1))["id"] == "olivia"


def test_logout_and_disabling_end_sessions_at_once(db, users):
    token = create_session(db, {"id": users["olivia"]})
    assert end_session(db, token) is True
    assert actor_for_token(db, token) is None
    assert end_session(db, token) is False
    other = create_session(db, {"id": users["adam"]})
    disable_user(db, "adam")
    assert actor_for_token(db, other) is None


def test_unknown_or_absurd_tokens_give_nobody(db, users):
    for token in ["", None, "x" * 500, "not-a-token"]:
        assert actor_for_token(db, token) is None


def test_failed_logins_lock_the_username_until_the_window_passes(db):
    now = datetime.now(UTC)
    for _ in range(MAX_FAILURES_PER_USERNAME - 1):
        record_login_attempt(db, "olivia", "10.0.0.1", False, now=now)
    assert login_locked(db, "olivia", "10.0.0.1", now=now) == 0
    record_login_attempt(db, "olivia", "10.0.0.2", False, now=now)
    assert login_locked(db, "olivia", "10.0.0.9", now=now) > 0
    assert login_locked(db, "someone-else", "10.0.0.9", now=now) == 0
    assert login_locked(db, "olivia", "10.0.0.9", now=now + timedelta(minutes=16)) == 0


def test_failed_logins_from_one_address_lock_that_address(db):
    now = datetime.now(UTC)
    for n in range(MAX_FAILURES_PER_ADDRESS):
        record_login_attempt(db, f"user{n}", "10.0.0.7", False, now=now)
    assert login_locked(db, "fresh-name", "10.0.0.7", now=now) > 0
    assert login_locked(db, "fresh-name", "10.0.0.8", now=now) == 0


def test_a_success_resets_the_username_count(db):
    now = datetime.now(UTC)
    for _ in range(MAX_FAILURES_PER_USERNAME - 1):
        record_login_attempt(db, "olivia", "10.0.0.1", False, now=now - timedelta(minutes=2))
    record_login_attempt(db, "olivia", "10.0.0.1", True, now=now - timedelta(minutes=1))
    record_login_attempt(db, "olivia", "10.0.0.1", False, now=now)
    assert login_locked(db, "olivia", None, now=now) == 0


def test_failed_logins_in_any_case_count_against_the_same_username(db):
    now = datetime.now(UTC)
    for typed in ["olivia", "Olivia", "OLIVIA", "oLIVIA", "OlIvIa"][:MAX_FAILURES_PER_USERNAME]:
        record_login_attempt(db, typed, None, False, now=now)
    for _ in range(MAX_FAILURES_PER_USERNAME - 5):
        record_login_attempt(db, "olivia", None, False, now=now)
    assert login_locked(db, "Olivia", "10.0.0.9", now=now) > 0
