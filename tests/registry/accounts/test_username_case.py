"""Usernames are compared without regard to case: stored as typed, unique regardless of case."""

import importlib

import pytest

from registry.accounts.users import add_user, authenticate, disable_user
from registry.items.validation import RegistryError

case_migration = importlib.import_module("registry.migrations.0026_usernames_any_case")


@pytest.mark.parametrize("typed", ["Bob.Hill", "bob.hill", "BOB.HILL", "bOb.hIll", " Bob.Hill"])
def test_login_ignores_the_case_of_the_username(db, typed):
    add_user(db, "Bob.Hill", "correct horse", "officer")
    user = authenticate(db, typed, "correct horse")
    assert user and user["username"] == "Bob.Hill"  # stored as typed
    assert authenticate(db, typed, "wrong horse") is None


@pytest.mark.parametrize("second", ["bob.hill", "BOB.HILL", "Bob.hill"])
def test_a_second_account_differing_only_by_case_is_refused(db, second):
    add_user(db, "Bob.Hill", "correct horse", "officer")
    with pytest.raises(RegistryError, match='already exists.*as "Bob.Hill"'):
        add_user(db, second, "other horse 1", "officer")
    with pytest.raises(Exception, match="UNIQUE"):
        db.execute("insert into users (username, password_hash, role, created_at) values (?, 'x', 'officer', 'now')",
                   [second])


def test_reset_and_disable_find_the_account_in_any_case(db):
    add_user(db, "Bob.Hill", "correct horse", "officer")
    add_user(db, "bob.hill", "new password 1", "officer", replace=True)
    assert authenticate(db, "BOB.HILL", "new password 1")["username"] == "Bob.Hill"
    assert disable_user(db, "BOB.hill") and authenticate(db, "Bob.Hill", "new password 1") is None


def test_the_migration_refuses_accounts_differing_only_by_case_and_names_them(db):
    db.execute("drop index users_username_nocase")
    for name in ("Sam", "sam", "Ann", "ann.b"):
        db.execute("insert into users (username, password_hash, role, created_at) values (?, 'x', 'officer', 'now')",
                   [name])
    with pytest.raises(case_migration.UsernameCaseClash, match="Sam, sam") as refused:
        case_migration.migrate(db)
    assert "Ann" not in str(refused.value) and "Nothing was changed" in str(refused.value)
    assert db["users"].count == 4 and "users_username_nocase" not in {i.name for i in db["users"].indexes}
    db.execute("update users set username = 'sam.2' where username = 'sam'")
    case_migration.migrate(db)
    assert "users_username_nocase" in {i.name for i in db["users"].indexes}
