"""Workspace fixtures: a real database with users, a Datasette built by make_datasette, and logins."""

from __future__ import annotations

import pytest

from datasette_config.app import make_datasette
from datasette_config.sessions import COOKIE_NAME, create_session
from registry.users import add_user

PASSWORD = "correct horse battery"
SECRET = "test-secret-0123456789abcdef"


@pytest.fixture
def users(db):
    """One account of each role; returns username -> user id."""
    return {
        "olivia": add_user(db, "olivia", PASSWORD, "officer", force_area="Hampshire"),
        "adam": add_user(db, "adam", PASSWORD, "admin"),
        "fern": add_user(db, "fern", PASSWORD, "farmer", email="fern@example.org"),
    }


@pytest.fixture
def db_path(db):
    return db.execute("PRAGMA database_list").fetchone()[2]


@pytest.fixture
def ds(db, db_path, users):
    return make_datasette(db_path, secret=SECRET)


@pytest.fixture
def cookies_for(db, users):
    """cookies_for("olivia") -> the session cookie of a fresh login; None -> anonymous."""

    def make(username: str | None) -> dict:
        if username is None:
            return {}
        return {COOKIE_NAME: create_session(db, {"id": users[username]})}

    return make
