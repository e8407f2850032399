"""Small helpers shared by the workspace views: roles, database access, client details."""

from __future__ import annotations

import unicodedata
import urllib.parse
from collections.abc import Callable
from typing import Any

from datasette.utils.asgi import Forbidden, NotFound, Response

from datasette_config.constants import DATABASE_NAME, OFFICER_ROLES


def role_of(request) -> str | None:
    actor = request.actor or {}
    return actor.get("role") if isinstance(actor, dict) else None


def is_officer(request) -> bool:
    return role_of(request) in OFFICER_ROLES


def require_officer(request) -> dict:
    """The officer's actor, or Forbidden (which the forbidden hook turns into a login redirect)."""
    if not is_officer(request):
        raise Forbidden("Officers only: log in with an officer account")
    return request.actor


async def read(datasette, fn: Callable[[Any], Any]):
    """Run fn(conn) on a read connection of the farmwatch database."""
    return await datasette.get_database(DATABASE_NAME).execute_fn(fn)


async def write(datasette, fn: Callable[[Any], Any]):
    """Run fn(conn) in the database's write thread, inside one transaction."""
    return await datasette.get_database(DATABASE_NAME).execute_write_fn(fn, transaction=True)


def client_address(request) -> str | None:
    client = request.scope.get("client")
    return client[0] if client else None


def is_https(datasette, request) -> bool:
    return request.scheme == "https" or bool(datasette.setting("force_https_urls"))


def not_found(message: str = "Not found") -> Response:
    """Raise NotFound: the workspace's "not found" page answers (datasette_config.pages), or a JSON
    error for a .json address. Typed as returning a Response so views can `return not_found(...)`."""
    raise NotFound(message)


_NEXT_MAX = 2000
_NEXT_DECODE_ROUNDS = 4


def _unsafe_path(path: str) -> bool:
    """True when a path (already decoded) could be read by a browser or server as another site,
    also after Unicode compatibility folding ("／" is "/" to a server that folds)."""
    path = unicodedata.normalize("NFKC", path)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in path) or "\\" in path:
        return True
    where = path.split("?", 1)[0].split("#", 1)[0]
    return not where.startswith("/") or "//" in where or any(ch.isspace() for ch in where)


def safe_next(value: str | None) -> str:
    """The address to go to after login when it is one of our own paths, else "/".

    Rule (a table of hostile forms is tests/datasette_config/officer/test_units.py): the value is printable ASCII as a
    browser sends it (so no tab, newline, other control character, space or look-alike letter),
    starts with one "/", and neither it nor any percent-decoding of it (up to four rounds:
    `/%09/other.example/`, `/%252F%252Fother.example`) holds a control or format character,
    a backslash, "//" or white space in its path part (also after Unicode compatibility folding),
    any of which browsers or proxies may read
    as another host (`/\t/other.example/` is `//other.example/` to a browser). A scheme
    (`https:`, `javascript:`) never starts with "/". Source: WHATWG URL parsing and OWASP's
    unvalidated-redirects cheat sheet."""
    if not isinstance(value, str) or not value or len(value) > _NEXT_MAX:
        return "/"
    if not all("!" <= ch <= "~" for ch in value):
        return "/"
    current = value
    for _ in range(_NEXT_DECODE_ROUNDS + 1):
        if _unsafe_path(current):
            return "/"
        decoded = urllib.parse.unquote(current)
        if decoded == current:
            return value
        current = decoded
    return "/"  # still encoded after four rounds: nothing of ours is


DEFAULT_ABOUT = ("farmwatch is a register of stolen farm machinery, tools and livestock, run with the police to "
                 "help buyers avoid stolen goods and return them to their owners.")


def service_about(datasette) -> str:
    """Who runs the service and why, from datasette.yaml (`plugins: farmwatch: about:`), shown on
    the public pages; DEFAULT_ABOUT when not configured."""
    config = datasette.plugin_config("farmwatch") or {}
    text = config.get("about") if isinstance(config, dict) else None
    return str(text).strip() if text else DEFAULT_ABOUT
