"""Every URL the farmwatch plugin adds, in one place."""

from __future__ import annotations

from datasette_config.views_auth import login_page, logout_page

ROUTES = [
    (r"^/-/login$", login_page),
    (r"^/-/logout$", logout_page),
]
