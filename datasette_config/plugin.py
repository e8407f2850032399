"""farmwatch's Datasette plugin, its one entry point: hooks only. Routes and menu links come from
`routes` (one table each); the logic lives in plain modules beside it."""

from __future__ import annotations

import sqlite3
import threading
import urllib.parse

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from datasette_config.auth.sessions import COOKIE_NAME, actor_for_token
from datasette_config.constants import DATABASE_NAME, STATIC_MOUNT
from datasette_config.csv_safety import neutralise_csv
from datasette_config.toolkit import read

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
     b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
]
# Datasette's stock actor cookie is not HttpOnly, never expires and cannot be revoked: it never counts here.
IGNORED_COOKIES = {b"ds_actor"}


def strip_cookies(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The request headers with the ignored cookies removed from every Cookie header."""
    cleaned = []
    for name, value in headers:
        if name.lower() == b"cookie":
            kept = [part for part in value.split(b";")
                    if part.strip().split(b"=", 1)[0].strip() not in IGNORED_COOKIES]
            value = b";".join(kept).strip()
            if not value:
                continue
        cleaned.append((name, value))
    return cleaned


MAX_CSV_BYTES = 50 * 1024 * 1024


def _with_security_headers(event: dict) -> dict:
    names = {name.lower() for name, _ in event.get("headers", [])}
    extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
    return {**event, "headers": [*event.get("headers", []), *extra]}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            scope = {**scope, "headers": strip_cookies(list(scope.get("headers") or []))}
            is_csv = scope.get("path", "").lower().endswith(".csv")
            held: dict = {"start": None, "body": []}

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    event = _with_security_headers(event)
                    if is_csv and event.get("status") == 200:
                        held["start"] = event
                        return
                elif held["start"] is not None and event["type"] == "http.response.body":
                    held["body"].append(event.get("body", b""))
                    if sum(map(len, held["body"])) > MAX_CSV_BYTES:
                        raise RuntimeError("CSV response too large to check for formulas")
                    if event.get("more_body"):
                        return
                    body = neutralise_csv(b"".join(held["body"]).decode("utf-8")).encode("utf-8")
                    start = held["start"]
                    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                    held["start"] = None
                    await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
                    event = {"type": "http.response.body", "body": body}
                await send(event)

            return await app(scope, receive, send_with_headers)

        return with_headers

    return wrap


@hookimpl
def actor_from_request(datasette, request):
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return None

    async def inner():
        return await read(datasette, lambda conn: actor_for_token(conn, token))

    return inner


@hookimpl
def register_routes(datasette):
    from datasette_config.routes import ROUTES

    return ROUTES


@hookimpl
def extra_css_urls(datasette):
    return [f"/{STATIC_MOUNT}/workspace.css"]


@hookimpl
def forbidden(datasette, request, message):
    """Send a visitor who is not logged in to the login page, and a farmer or trade account from / to
    their own pages."""
    if request.method != "GET" or request.path.endswith((".json", ".csv")):
        return None
    if request.actor:
        landing = {"farmer": "/farmer", "trade": "/check/trade"}.get(request.actor.get("role"))
        return Response.redirect(landing) if landing and request.path == "/" else None
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return Response.redirect("/-/login?" + urllib.parse.urlencode({"next": target}))


@hookimpl
def menu_links(datasette, actor, request):
    from datasette_config.routes import menu_for

    return menu_for(actor)


@hookimpl
def render_cell(value, column, table, database):
    """Match ids in Datasette's tables link to the match page (the value is escaped by Markup.format)."""
    if database == DATABASE_NAME and column == "match_id" and isinstance(value, str):
        return Markup('<a href="/match/{0}">{0}</a>').format(value)
    return None


@hookimpl
def top_homepage(datasette, request):
    if (request.actor or {}).get("role") not in ("officer", "admin"):
        return None
    return Markup(
        '<p class="fw-home"><strong><a href="/queue">Work the match queue</a></strong> · '
        '<a href="/queue?queue=owner_check">owner checks</a> · <a href="/search">search the registry</a> · '
        '<a href="/networks">seller networks</a> · '
        '<a href="/map">map</a> · <a href="/trends">thefts and matches per week</a> · '
        '<a href="/sources">marketplace sources</a></p>')


def warm_check_index(path: str) -> None:
    """Build the public check's near-hit index (seconds at a million identifiers) before the first visitor."""
    from datasette_config.check.index import index_for

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            index_for(conn, path)
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # the first check builds it instead


@hookimpl
def startup(datasette):
    if DATABASE_NAME in datasette.databases and datasette.databases[DATABASE_NAME].path:
        path = datasette.databases[DATABASE_NAME].path
        threading.Thread(target=warm_check_index, args=(path,), daemon=True, name="check-index").start()
