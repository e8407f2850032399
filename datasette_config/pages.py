"""The workspace's own home page per role, and friendly "not found" and "not allowed" pages in
the workspace's frame instead of Datasette's ("Database not found", "Forbidden: view-database-download")."""

from __future__ import annotations

import re
import urllib.parse

from datasette.utils.asgi import NotFound, Response

from datasette_config.toolkit import is_officer, read, role_of

# Datasette's permission names, as a person reads them.
_ACTION_WORDS = {
    "view-database-download": "downloading the whole database",
    "view-database": "browsing the database", "view-table": "browsing this table", "view-query": "this query",
    "execute-sql": "running SQL", "view-instance": "this workspace", "insert-row": "changing the data",
    "update-row": "changing the data", "delete-row": "changing the data", "create-table": "changing the data",
}
_ROLE_HOME = {"farmer": ("/farmer", "your items"), "trade": ("/check/trade", "checking a catalogue"),
              "officer": ("/", "the workspace"), "admin": ("/", "the workspace")}
_WHAT = [(re.compile(r"^/item/([^/]*)"), "item", "No such item"),
         (re.compile(r"^/match/([^/]*)"), "match", "No such match"),
         (re.compile(r"^/network/([^/]*)"), "seller network", "No such seller network"),
         (re.compile(r"^/farmer/items/([^/]*)"), "item", "No such item among yours")]


def _home_for(request) -> tuple[str, str]:
    return _ROLE_HOME.get(role_of(request) or "", ("/check", "the stolen-property check"))


def forbidden_words(message: str | None) -> str:
    """'view-database-download' -> 'downloading the whole database'; other messages unchanged."""
    text = str(message or "").strip()
    return _ACTION_WORDS.get(text, text)


def not_found_words(path: str) -> tuple[str, str]:
    """(heading, sentence) for a path that leads nowhere: `/item/abc` is "no such item"."""
    for pattern, thing, heading in _WHAT:
        found = pattern.match(path)
        if found:
            shown = urllib.parse.unquote(found.group(1))[:60]
            return heading, f"There is no {thing} “{shown}” on the register. Check the number in the address."
    return "Page not found", "There is no page at this address."


async def _page(datasette, request, status: int, heading: str, text: str) -> Response:
    home, home_words = _home_for(request)
    html = await datasette.render_template(
        "workspace/problem.html", {"heading": heading, "text": text, "home": home, "home_words": home_words,
                                   "status": status}, request=request)
    return Response.html(html, status=status, headers={"Cache-Control": "private, no-store"})


async def forbidden_page(datasette, request, message: str) -> Response:
    """A logged-in person who opened a page their account may not see."""
    what = forbidden_words(message)
    role = role_of(request) or "your"
    text = (f"Your {role} account is not allowed {what}." if what in _ACTION_WORDS.values()
            else f"Your {role} account cannot open this page.")
    return await _page(datasette, request, 403, "Not available to your account", text)


async def not_found_page(datasette, request) -> Response:
    heading, text = not_found_words(request.path)
    return await _page(datasette, request, 404, heading, text)


async def home_page(request, datasette):
    """GET /: officers get the workspace home (their area's new matches and the pages they use);
    farmers and trade accounts go to their own pages; visitors to the login page."""
    if not request.actor:
        return Response.redirect("/-/login?next=/")
    if not is_officer(request):
        return Response.redirect(_home_for(request)[0])
    from datasette_config.officer.queries.queue import QueueFilters, view_counts

    area = request.actor.get("force_area") or ""
    filters = QueueFilters.from_args({}, default_area=area)
    counts = await read(datasette, lambda conn: view_counts(conn, filters))
    html = await datasette.render_template("workspace/home.html", {"counts": counts, "area": filters.force_area},
                                           request=request)
    return Response.html(html, headers={"Cache-Control": "private, no-store"})


def is_not_found(exception) -> bool:
    return isinstance(exception, NotFound) or getattr(exception, "status", None) == 404
