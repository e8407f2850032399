"""Requests refused before Datasette sees them: debug pages for non-admins, and addresses Datasette
would answer with a 500 (an unknown or mis-cased format, a posted query, a facet on no column).

Rules (the table of probes is tests/datasette_config/test_guard.py):

- `/-/` pages: `/-/login`, `/-/logout` and the static files are open to everyone; `/-/jump` (the
  table search in the header, filtered by permission) to officers and admins; every other `/-/`
  page (`actor`, `allow-debug`, `permissions`, `messages`, `threads`, `rules`, `allowed`, `check`,
  `versions`, `plugins`, `settings`, `config`, `databases`, `schema`, `api`, `patterns`, ...) to
  admins only: 403 for anyone else.
- Datasette's database, table, row and query addresses take only the formats it renders (`json`,
  `csv`, as typed in lower case): `.tsv`, `.CSV`, `.Json` or `.xml` answer 404 naming the format.
- A query is only read with GET or HEAD: other methods on `/farmwatch/-/query` answer 405.
- `_facet` and `_facet_date` must name a column of the table: 400 naming it. `_facet_array` and
  `_through` (filters the workspace does not offer, which Datasette fails on for most values) are
  refused with 400, and `_timelimit` must be a whole number of milliseconds.
"""

from __future__ import annotations

import re
import urllib.parse

from datasette.resources import TableResource
from datasette.utils import tilde_decode

from datasette_config.auth.sessions import COOKIE_NAME, actor_for_token
from datasette_config.constants import DATABASE_NAME, OFFICER_ROLES
from datasette_config.toolkit import read

OPEN_DASH_PAGES = re.compile(r"^/-/(login|logout|static/.*|static-plugins/.*)$")
OFFICER_DASH_PAGES = re.compile(r"^/-/jump(\.json)?$")
FORMATS = ("json", "csv")
_DATASETTE_FORMAT = re.compile(
    rf"^/{DATABASE_NAME}(?:/-/query|/(?P<table>[^/.]+)(?:/[^/]+?)?)?\.(?P<format>\w+)$")
_QUERY = re.compile(rf"^/{DATABASE_NAME}/-/query(\.\w+)?$")
_TABLE = re.compile(rf"^/{DATABASE_NAME}/(?P<table>[^/.-][^/.]*)(\.(json|csv))?$")
FACET_PARAMS = ("_facet", "_facet_date")
REFUSED_PARAMS = ("_facet_array", "_through")


async def _actor(datasette, scope) -> dict | None:
    cookies = {}
    for name, value in scope.get("headers") or []:
        if name.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                cookies[key] = val
    token = cookies.get(COOKIE_NAME)
    if not token:
        return None
    return await read(datasette, lambda conn: actor_for_token(conn, token))


async def _unknown_facet(datasette, scope, table: str, query: str) -> str | None:
    """The first facet that names no column, checked only for a table the actor may see (others
    are refused by Datasette before it facets, and must not reveal their columns)."""
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    asked = [value for key in FACET_PARAMS for value in params.get(key, [])]
    if not asked:
        return None
    db = datasette.get_database(DATABASE_NAME)
    name = tilde_decode(table)
    if not await db.table_exists(name) and not await db.view_exists(name):
        return None
    actor = await _actor(datasette, scope)
    if not await datasette.allowed(action="view-table", resource=TableResource(DATABASE_NAME, name), actor=actor):
        return None
    columns = set(await db.table_columns(name))
    return next((value for value in asked if value not in columns), None)


def _bad_param(query: str) -> str | None:
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    for name in REFUSED_PARAMS:
        if name in params:
            return f"{name} is not offered here"
    for value in params.get("_timelimit", []):
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            return f'_timelimit "{value[:20]}" is not a whole number of milliseconds'
    return None


async def refusal(datasette, scope) -> tuple[int, str] | None:
    """(status, message) when the request must be refused here, else None."""
    path, method = scope.get("path", ""), scope.get("method", "GET").upper()
    if path.startswith("/-/") and not OPEN_DASH_PAGES.match(path):
        role = (await _actor(datasette, scope) or {}).get("role")
        if role == "admin" or (role in OFFICER_ROLES and OFFICER_DASH_PAGES.match(path)):
            return None
        return 403, "Forbidden: this page is for administrators"
    match = _DATASETTE_FORMAT.match(path)
    whole_database = match is not None and match["table"] is None and match["format"] == "db" and "/-/" not in path
    if match and match["format"] not in FORMATS and not whole_database:  # the download is Datasette's to refuse (403)
        return 404, f'Not found: ".{match["format"][:20]}" is not a format here (use .json or .csv)'
    if _QUERY.match(path) and method not in ("GET", "HEAD"):
        return 405, f"Method {method[:10]} not allowed: queries are read with GET"
    if path == f"/{DATABASE_NAME}" or path.startswith(f"/{DATABASE_NAME}/") or path.startswith(f"/{DATABASE_NAME}."):
        if problem := _bad_param(scope.get("query_string", b"").decode("latin-1")):
            return 400, f"Bad request: {problem}"
    table = _TABLE.match(path)
    if table and method in ("GET", "HEAD"):
        query = scope.get("query_string", b"").decode("latin-1")
        if bad := await _unknown_facet(datasette, scope, table["table"], query):
            return 400, f'Bad request: cannot facet by "{bad[:60]}": the table has no such column'
    return None
