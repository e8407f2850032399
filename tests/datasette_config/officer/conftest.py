"""Workspace fixtures: a real seeded database with one account of each role, a Datasette built by
make_datasette, and logins. Password hashing is slow by design, so the seeded data folder is built
once per run and copied for each test."""

from __future__ import annotations

import shutil

import pytest

from datasette_config.app import make_datasette
from datasette_config.auth.sessions import COOKIE_NAME, create_session
from registry.accounts.users import add_user
from registry.db import connect
from tests.datasette_config.officer.seed import seed_workspace

PASSWORD = "correct horse battery"
SECRET = "test-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def template_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template") / "data"
    database = connect(folder / "farmwatch.db")
    ids = seed_workspace(database)
    users = {
        "olivia": add_user(database, "olivia", PASSWORD, "officer", force_area="Hampshire"),
        "adam": add_user(database, "adam", PASSWORD, "admin"),
        "fern": add_user(database, "fern", PASSWORD, "farmer", email="fern@example.org"),
    }
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return folder, ids, users


@pytest.fixture
def db(tmp_path, template_folder):
    folder = tmp_path / "data"
    shutil.copytree(template_folder[0], folder)
    database = connect(folder / "farmwatch.db")
    yield database
    database.close()


@pytest.fixture
def users(db, template_folder):
    """username -> user id, for olivia (officer), adam (admin) and fern (farmer)."""
    return template_folder[2]


@pytest.fixture
def seeded(db, template_folder):
    """The ids seed_workspace returned (items, listings, photos, matches)."""
    return template_folder[1]


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
