import pytest

from datasette_config.auth.sessions import actor_for_token, create_session
from registry.accounts.users import add_user, authenticate
from registry.items.validation import RegistryError


def test_passwords_are_stored_only_as_argon2_hashes(db):
    add_user(db, "pc-smith", "correct horse", "officer", email="pc@police.example")
    row = next(db["users"].rows)
    assert row["password_hash"].startswith("$argon2") and "correct horse" not in row["password_hash"]
    assert authenticate(db, "pc-smith", "correct horse")["role"] == "officer"
    assert authenticate(db, "pc-smith", "wrong") is None
    assert authenticate(db, "nobody", "correct horse") is None


def test_farmer_account_owns_the_owner_record_with_its_email(db):
    add_user(db, "jones", "password-123", "farmer", email="Jones@Example.org")
    owner = next(db["owners"].rows)
    assert owner["email"] == "jones@example.org"
    assert next(db["users"].rows)["owner_id"] == owner["id"]
    with pytest.raises(RegistryError, match="needs --email"):
        add_user(db, "smith", "password-123", "farmer")


@pytest.mark.parametrize("name, password, role, message", [
    ("x", "password-123", "officer", "username"),
    ("ok-name", "short", "officer", "at least 8"),
    ("ok-name", "password-123", "superuser", "role"),
])
def test_bad_accounts_are_refused(db, name, password, role, message):
    with pytest.raises(RegistryError, match=message):
        add_user(db, name, password, role)


def test_password_reset_ends_open_sessions(db):
    user_id = add_user(db, "pc-smith", "first-password", "officer")
    token = create_session(db, authenticate(db, "pc-smith", "first-password"))
    assert actor_for_token(db, token)["id"] == "pc-smith"
    with pytest.raises(RegistryError, match="already exists"):
        add_user(db, "pc-smith", "second-password", "officer")
    add_user(db, "pc-smith", "second-password", "officer", replace=True)
    assert actor_for_token(db, token) is None
    assert authenticate(db, "pc-smith", "first-password") is None
    assert user_id == next(db["users"].rows)["id"]
