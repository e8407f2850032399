"""The officer's match page (item and listing side by side, owner contact logged) and decisions on a match."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from datasette.utils.asgi import Response

from datasette_config.access_log import log_access, owner_contact
from datasette_config.officer.decisions import DecisionError, record_decision, share_with_owner
from datasette_config.officer.queries.match import load_match
from datasette_config.officer.queries.networks import network_of_listing
from datasette_config.toolkit import not_found, read, render, require_officer, write


@dataclass(frozen=True)
class OfficerMatch:
    """A match an officer opened: who opened it, the match (`load_match`'s dict), the owner's contact
    (None when the item has no owner contact) and what `also(conn, match)` returned in the same transaction."""

    actor: dict
    match_id: str
    match: dict
    owner: dict | None
    also: object = None


async def officer_match(request, datasette, action: str, *, log_without_contact: bool = True,
                        also: Callable | None = None) -> OfficerMatch | Response:
    """The match at `match_id` for an officer, with the owner's contact read and the reading logged.

    Raises Forbidden (through `require_officer`) for anyone but an officer; returns a 404 page when there
    is no such match. The access log gets `action` against `match:ID` whenever the owner's contact was
    read (always, for an export, even when the item has no contact: `log_without_contact`).
    """
    actor = require_officer(request)
    match_id = request.url_vars["match_id"]
    match = await read(datasette, lambda conn: load_match(conn, match_id))
    if match is None:
        return not_found(f"No match {match_id}")
    owner_id = match["item"]["owner_id"] if match["item"] else None

    def contact_and_log(conn):
        contact = owner_contact(conn, owner_id)
        if contact or log_without_contact:
            log_access(conn, actor, action, f"match:{match_id}", owner_id=owner_id, path=request.path)
        return contact, (also(conn, match) if also else None)

    owner, extra = await write(datasette, contact_and_log)
    return OfficerMatch(actor, match_id, match, owner, extra)


async def match_page(request, datasette):
    opened = await officer_match(request, datasette, "view_contact", log_without_contact=False)
    if isinstance(opened, Response):
        return opened
    match = opened.match
    listing_id = match["listing"]["id"] if match.get("listing") else None
    network = await read(datasette, lambda conn: network_of_listing(conn, listing_id)) if listing_id else None
    return await render(datasette, request, "officer/match.html",
                        {"match": match, "owner": opened.owner, "network": network})


async def decide(request, datasette):
    actor = require_officer(request)
    if request.method != "POST":
        return Response.text("POST a decision from the match page", status=405)
    match_id = request.url_vars["match_id"]
    form = await request.post_vars()
    decision, note = form.get("decision") or "", form.get("note") or ""
    try:
        status = await write(datasette, lambda conn: record_decision(conn, match_id, decision, note, actor["id"]))
    except DecisionError as exc:
        datasette.add_message(request, str(exc), datasette.ERROR)
    else:
        datasette.add_message(request, f"Match {match_id} is now {status}.", datasette.INFO)
    return Response.redirect(f"/match/{match_id}")


async def share(request, datasette):
    """POST /match/ID/share: show the listing to the item's owner (officers only)."""
    actor = require_officer(request)
    if request.method != "POST":
        return Response.text("POST from the match page", status=405)
    match_id = request.url_vars["match_id"]
    try:
        done = await write(datasette, lambda conn: share_with_owner(conn, match_id, actor["id"]))
    except DecisionError as exc:
        datasette.add_message(request, str(exc), datasette.ERROR)
    else:
        datasette.add_message(request, "Shared with the owner." if done else "Already shared with the owner.",
                              datasette.INFO)
    return Response.redirect(f"/match/{match_id}")
