"""The workspace's toolkit, imported by every user folder (officer, farmer, check, alerts, auth):
who is asking (roles, the farmer's actor), database calls, rows as dicts, forms and uploads, the
visitor's address, rendered pages and JSON errors, and the safe address to go to after login."""

from __future__ import annotations

import os
import unicodedata
import urllib.parse
from collections.abc import Callable
from typing import Any

from datasette.utils.asgi import BadRequest, Forbidden, NotFound, Response
from datasette.utils.multipart import FormData
from sqlite_utils import Database

from datasette_config.constants import DATABASE_NAME, OFFICER_ROLES
from registry.db import FarmDatabase


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


def dict_rows(cursor) -> list[dict]:
    """The rows of an executed cursor as dicts keyed by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def rows_as_dicts(conn, sql: str, params=()) -> list[dict]:
    """`sql` run on a connection (sqlite3 or sqlite-utils), its rows as dicts keyed by column name."""
    return dict_rows(conn.execute(sql, params))


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


FARMER_ONLY = "Farmer accounts only: log in with your farmer account"


def farmer_actor(request) -> dict:
    """The logged-in farmer (role farmer with an owner record), or Forbidden.

    The owner id used by every farmer page comes from here, i.e. from the server-side
    session, and never from the URL, the query string or a form field.
    """
    actor = request.actor
    if (not isinstance(actor, dict) or actor.get("role") != "farmer"
            or not isinstance(actor.get("owner_id"), int)):
        raise Forbidden(FARMER_ONLY)
    return actor


async def read_db(datasette, fn: Callable[[Database], Any]):
    """fn(Database) on a read connection."""
    return await read(datasette, lambda conn: fn(Database(conn)))


async def write_db(datasette, fn: Callable[[Database], Any]):
    """fn(Database) in the write thread, in one transaction (rolled back if fn raises)."""
    return await write(datasette, lambda conn: fn(FarmDatabase(conn)))


async def read_form(request, *, max_file_size: int, max_files: int):
    """The posted form with its files; (form, None) or (None, a message for the person uploading)."""
    if not request.headers.get("content-type"):
        return FormData(), None  # an empty POST: an empty form, not an error
    try:
        form = await request.form(files=True, max_file_size=max_file_size, max_files=max_files,
                                  max_request_size=max_file_size * max_files + 2 * 2**20)
    except BadRequest as exc:
        reason = str(exc)
        known = {
            "File too large": f"a file is over the {max_file_size // 2**20} MB limit",
            "Request body too large": "the upload is too large altogether: send fewer files at a time",
            "Too many files": f"at most {max_files} file(s) at a time",
            "Field value too large": "a field is far too long (over 100 KB)",
        }
        return None, known.get(reason, f"the form could not be read ({reason[:120]})")
    return form, None


async def uploaded_files(form, field: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) for each file chosen in the field; empty file inputs are skipped."""
    files = []
    for value in form.getlist(field) if form else []:
        if isinstance(value, str) or not getattr(value, "filename", None):
            continue
        data = await value.read()
        if data:
            files.append((os.path.basename(value.filename.replace("\\", "/"))[:200] or "upload", data))
    return files


def wants_json(request) -> bool:
    return request.path.endswith(".json")


def requester_address(request) -> str:
    """The visitor's address (behind a trusted proxy, the one it forwarded: datasette_config.proxies)."""
    return client_address(request) or "unknown"


async def page(datasette, request, template: str, context: dict, status: int = 200,
               headers: dict | None = None) -> Response:
    """The template rendered as an HTML response."""
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status, headers=headers)


async def render(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    """An officer's page: rendered, and never kept by a browser or proxy cache (it may hold personal data)."""
    return await page(datasette, request, template, context, status, headers={"Cache-Control": "private, no-store"})


def json_error(message: str, status: int, headers: dict | None = None) -> Response:
    return Response.json({"ok": False, "error": message}, status=status, headers=headers)


DEFAULT_ABOUT = ("farmwatch is a register of stolen farm machinery, tools and livestock, run with the police to "
                 "help buyers avoid stolen goods and return them to their owners.")


def service_about(datasette) -> str:
    """Who runs the service and why, from datasette.yaml (`plugins: farmwatch: about:`), shown on
    the public pages; DEFAULT_ABOUT when not configured."""
    config = datasette.plugin_config("farmwatch") or {}
    text = config.get("about") if isinstance(config, dict) else None
    return str(text).strip() if text else DEFAULT_ABOUT
