"""Sessions: stored hashed, expire, end at logout and when the account is disabled (throttling: test_throttle)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from datasette_config.auth.sessions import actor_for_token, create_session, end_session, hash_token
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
