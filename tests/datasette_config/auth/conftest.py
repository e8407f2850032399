"""The login, session and secret tests use the workspace fixtures of the officer tests (a seeded database
with one account of each role, a Datasette built by make_datasette, logins)."""

from tests.datasette_config.officer.conftest import (  # noqa: F401
    cookies_for,
    db,
    db_path,
    ds,
    seeded,
    template_folder,
    users,
)
