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
from datasette_config.check.lookup import VERDICTS
from datasette_config.constants import DATABASE_NAME, STATIC_MOUNT
from datasette_config.csv_safety import neutralise_csv
from datasette_config.guard import refusal
from datasette_config.proxies import rewrite_scope, trusted_networks
from datasette_config.toolkit import read
from registry.words import labels
from registry.words.evidence import reason_words

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    # No inline script, no eval: every script is a file from this origin (docs/workspace.md).
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; object-src 'none'; img-src 'self' data:; "
     b"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
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


def _is_csv_type(event: dict) -> bool:
    return any(name.lower() == b"content-type" and value.lower().startswith((b"text/csv", b"text/tab-separated"))
               for name, value in event.get("headers", []))


async def send_text(send, status: int, message: str) -> None:
    """A plain-text answer with the security headers (used for refusals made before Datasette)."""
    body = (message + "\n").encode("utf-8")
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]}
    await send(_with_security_headers(start))
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            scope = rewrite_scope(scope, trusted_networks(datasette))
            scope = {**scope, "headers": strip_cookies(list(scope.get("headers") or []))}
            if refused := await refusal(datasette, scope):
                status, message = refused
                return await send_text(send, status, message)
            is_csv = scope.get("path", "").lower().endswith(".csv")
            held: dict = {"start": None, "body": []}

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    event = _with_security_headers(event)
                    if event.get("status") == 200 and (is_csv or _is_csv_type(event)):
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
    """Send a visitor who is not logged in to the login page; show a logged-in person the
    workspace's own "not available to your account" page (a clear sentence, not the permission's name)."""
    if request.method != "GET" or request.path.endswith((".json", ".csv")):
        return None
    if request.actor:
        from datasette_config.pages import forbidden_page

        return forbidden_page(datasette, request, message)
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return Response.redirect("/-/login?" + urllib.parse.urlencode({"next": target}))


@hookimpl
def handle_exception(datasette, request, exception):
    """Not found (a missing item, match or page; Datasette's "Database not found"): the workspace's
    own page, in its frame. JSON and CSV addresses keep Datasette's answers."""
    from datasette_config.pages import is_not_found, not_found_page

    if not is_not_found(exception) or request.path.endswith((".json", ".csv")):
        return None
    return not_found_page(datasette, request)


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
def prepare_jinja2_environment(env, datasette):
    """Filters that turn stored codes into words (registry.words.labels): every template says
    `{{ item.category|category_words }}`, never the bare code."""
    env.filters.update({
        "category_words": labels.category_words, "kind_words": labels.kind_words,
        "decision_words": labels.decision_words, "actor_words": labels.actor_words,
        "reason_words": reason_words, "verdict_words": lambda result: VERDICTS.get(result, ""),
        "queue_words": lambda code: labels.words(labels.QUEUE_WORDS, code),
        "state_words": lambda code: labels.words(labels.ITEM_STATE_WORDS, code),
    })


@hookimpl
def extra_template_vars(datasette):
    """`fw_about`: who runs the service and why (datasette.yaml), for the public pages."""
    from datasette_config.toolkit import service_about

    return {"fw_about": service_about(datasette)}


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
